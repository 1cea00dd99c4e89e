#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an emotion model file could not be loaded.
public enum EmotionModelError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not an emotion model of this version, or is cut short.
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read emotion model \(path): \(reason)"
        case .malformed(let path, let reason): "emotion model \(path) is malformed: \(reason)"
        }
    }
}

/// The learned parameters of the emotion model, as scripts/train-emotions.py writes them.
///
/// File layout (little-endian): "EMO4"; UInt32 hash bits, label count (7), lexicon feature
/// count, word cache bits; Float32 per-label weight scales, biases and probability thresholds;
/// Float32 lexicon weights (feature-major, a row of labels each); 2^bits rows of 8 Int8 weights
/// (7 labels and a zero), a hashed feature's weight for a label being its Int8 times the
/// label's scale; then the word cache, 2^cache bits slots of 32 bytes (``WordCacheSlot``).
///
/// Loading maps the file; the weight table and the word cache are used where they lie, never
/// copied or parsed entry by entry.
struct EmotionModel: Sendable {
    static let labelCount = Emotion.allCases.count
    static let lexiconFeatureCount = EmotionFeatures.lexiconFeatureCount
    /// Bytes before the weight table: magic, four UInt32 and 3 + lexiconFeatureCount label rows.
    static let headerBytes = 4 + 4 * 4 + (3 + lexiconFeatureCount) * labelCount * 4

    /// Bits of the feature hash (the table has 2^bits rows).
    let bits: Int
    /// Per-label factors turning a summed Int8 weight into a logit.
    let scales: SIMD8<Float>
    let biases: SIMD8<Float>
    /// Per-label probability thresholds, tuned on dev.
    let thresholds: SIMD8<Float>
    /// A row per lexicon feature, a lane per label.
    let lexiconWeights: [SIMD8<Float>]
    /// Bits of the word cache (it has 2^cacheBits slots).
    let cacheBits: Int
    /// The file's bytes, which hold the weight table and the word cache.
    private let file: ModelFile

    /// A row per hash bucket, a lane per label (lane 7 zero).
    var table: UnsafePointer<SIMD8<Int8>> {
        UnsafePointer(file.bytes.advanced(by: Self.headerBytes).assumingMemoryBound(to: SIMD8<Int8>.self))
    }

    /// The word cache: frequent training words and every negation and intensifier, found by
    /// linear probing from the top bits of their token hash; at least one slot is empty.
    var cache: UnsafePointer<WordCacheSlot> {
        UnsafePointer(file.bytes.advanced(by: Self.headerBytes + 8 << bits).assumingMemoryBound(to: WordCacheSlot.self))
    }

    /// Loads the model file at `path`.
    init(path: String) throws(EmotionModelError) {
        // The largest model the header's limits allow (24 hash bits, 24 cache bits): a larger
        // file is refused before it is read.
        let file = try ModelFile(path: path, maxBytes: Self.headerBytes + (8 + MemoryLayout<WordCacheSlot>.stride) << 24)
        func fail(_ reason: String) -> EmotionModelError { .malformed(path: path, reason: reason) }
        // The table's rows and the cache's slots are read in place from the page-aligned mapping.
        assert(Self.headerBytes % MemoryLayout<WordCacheSlot>.alignment == 0, "the weight table would be misaligned")
        var reader = HeaderReader(bytes: UnsafeRawBufferPointer(start: file.bytes, count: file.count))
        guard let magic = reader.magic(), magic == Array("EMO4".utf8) else {
            let found = reader.bytes.count >= 4 ? String(decoding: reader.bytes.prefix(4), as: UTF8.self) : ""
            if found.hasPrefix("EMO") {
                throw fail("an \(found) model, but this build reads EMO4 models (EMO4 added the negation scope to the features: retrain with scripts/train-emotions.py)")
            }
            throw fail("missing the EMO4 header")
        }
        guard let bits = reader.uint32(), let labels = reader.uint32(), let lexicon = reader.uint32(),
              let cacheBits = reader.uint32() else {
            throw fail("cut short in the header")
        }
        guard (10...24).contains(bits) else { throw fail("hash bits \(bits) outside 10...24") }
        guard (4...24).contains(cacheBits) else { throw fail("word cache bits \(cacheBits) outside 4...24") }
        guard labels == Self.labelCount, lexicon == Self.lexiconFeatureCount else {
            throw fail("\(labels) labels and \(lexicon) lexicon features, expected \(Self.labelCount) and \(Self.lexiconFeatureCount)")
        }
        guard let scales = reader.labelRow(), let biases = reader.labelRow(), let thresholds = reader.labelRow() else {
            throw fail("cut short in the per-label parameters")
        }
        var lexiconWeights: [SIMD8<Float>] = []
        for _ in 0..<Self.lexiconFeatureCount {
            guard let row = reader.labelRow() else { throw fail("cut short in the lexicon weights") }
            lexiconWeights.append(row)
        }
        let tableBytes = 8 << Int(bits)
        let cacheBytes = MemoryLayout<WordCacheSlot>.stride << Int(cacheBits)
        guard file.count - Self.headerBytes == tableBytes + cacheBytes else {
            throw fail("weight table and word cache have \(file.count - Self.headerBytes) bytes, expected \(tableBytes + cacheBytes)")
        }
        self.bits = Int(bits)
        self.cacheBits = Int(cacheBits)
        self.scales = scales
        self.biases = biases
        self.thresholds = thresholds
        self.lexiconWeights = lexiconWeights
        self.file = file
        // The classifier's probe stops at an empty slot: a file without one would never stop.
        let cache = self.cache
        guard (0..<1 << Int(cacheBits)).contains(where: { cache[$0].key == 0 }) else {
            throw fail("the word cache has no empty slot")
        }
    }
}

/// A slot of the word cache: a word's token hash (0 for an empty slot), the word's unigram
/// row of the table, and the sums of the table rows of its character n-grams in lanes 0-6 with
/// the word's lexicon flags in lane 7 (1 negation, 2 intensifier).
struct WordCacheSlot: BitwiseCopyable, Sendable {
    let key: UInt64
    let unigram: SIMD8<Int8>
    let chars: SIMD8<Int16>
}

/// A whole file of at most `maxBytes` mapped read-only, owned until the last model using it is
/// gone. Mapped rather than read: start-up copies nothing, and only the pages a run touches are
/// faulted in from the page cache (reading the 3 MB file cost about 10 % of a one-line
/// `earshot analyze`'s start-up). The mapping is page-aligned, so the table rows and cache slots
/// keep the alignment their offsets in the file give them (checked by ``EmotionModel``). As
/// with the other mapped tables, a model file is replaced by a rename, never rewritten in place
/// under a running process.
private final class ModelFile: @unchecked Sendable {
    let bytes: UnsafeRawPointer
    let count: Int

    init(path: String, maxBytes: Int) throws(EmotionModelError) {
        func fail(_ what: String) -> EmotionModelError {
            .unreadable(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw fail("open") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw fail("fstat") }
        guard Int(status.st_size) <= maxBytes else {
            throw .malformed(path: path, reason: "\(status.st_size) bytes, more than the largest model (\(maxBytes))")
        }
        guard status.st_size > 0 else { throw .malformed(path: path, reason: "empty file") }
        count = Int(status.st_size)
        guard let mapping = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else { throw fail("mmap") }
        bytes = UnsafeRawPointer(mapping)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes), count) }
}

/// Reads the little-endian header fields from the front of the model file.
private struct HeaderReader {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    mutating func magic() -> [UInt8]? {
        guard bytes.count - offset >= 4 else { return nil }
        defer { offset += 4 }
        return Array(bytes[offset..<offset + 4])
    }

    mutating func uint32() -> UInt32? {
        guard bytes.count - offset >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Seven Float32 values, one per label, in lanes 0-6 (lane 7 zero).
    mutating func labelRow() -> SIMD8<Float>? {
        var row = SIMD8<Float>()
        for lane in 0..<EmotionModel.labelCount {
            guard let bits = uint32() else { return nil }
            row[lane] = Float(bitPattern: bits)
        }
        return row
    }
}
