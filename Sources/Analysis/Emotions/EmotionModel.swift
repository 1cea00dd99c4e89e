import Foundation

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
/// File layout (little-endian): "EMO3"; UInt32 hash bits, label count (7), lexicon feature
/// count, word cache bits; Float32 per-label weight scales, biases and probability thresholds;
/// Float32 lexicon weights (feature-major, a row of labels each); 2^bits rows of 8 Int8 weights
/// (7 labels and a zero), a hashed feature's weight for a label being its Int8 times the
/// label's scale; then the word cache, 2^cache bits slots of 32 bytes (``WordCacheSlot``).
struct EmotionModel: Sendable {
    static let labelCount = Emotion.allCases.count
    static let lexiconFeatureCount = EmotionFeatures.lexiconFeatureCount

    /// Bits of the feature hash (the table has 2^bits rows).
    let bits: Int
    /// Per-label factors turning a summed Int8 weight into a logit.
    let scales: SIMD8<Float>
    let biases: SIMD8<Float>
    /// Per-label probability thresholds, tuned on dev.
    let thresholds: SIMD8<Float>
    /// A row per lexicon feature, a lane per label.
    let lexiconWeights: [SIMD8<Float>]
    /// A row per hash bucket, a lane per label (lane 7 zero).
    let table: [SIMD8<Int8>]
    /// Bits of the word cache (it has 2^cacheBits slots).
    let cacheBits: Int
    /// The word cache: frequent training words and every negation and intensifier, found by
    /// linear probing from the top bits of their token hash; at least one slot is empty.
    let cache: [WordCacheSlot]

    /// Loads the model in `data`; `path` names it in errors.
    init(data: Data, path: String) throws(EmotionModelError) {
        var reader = ByteReader(bytes: [UInt8](data))
        func fail(_ reason: String) -> EmotionModelError { .malformed(path: path, reason: reason) }
        guard reader.take(4).map(Array.init) == Array("EMO3".utf8) else { throw fail("missing the EMO3 header") }
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
        let rows = 1 << Int(bits)
        let slots = 1 << Int(cacheBits)
        let slotSize = MemoryLayout<WordCacheSlot>.stride
        guard reader.remaining == rows * 8 + slots * slotSize else {
            throw fail("weight table and word cache have \(reader.remaining) bytes, expected \(rows * 8 + slots * slotSize)")
        }
        let table: [SIMD8<Int8>] = reader.array(count: rows)
        let cache: [WordCacheSlot] = reader.array(count: slots)
        guard cache.contains(where: { $0.key == 0 }) else { throw fail("the word cache has no empty slot") }
        self.bits = Int(bits)
        self.cacheBits = Int(cacheBits)
        self.cache = cache
        self.scales = scales
        self.biases = biases
        self.thresholds = thresholds
        self.lexiconWeights = lexiconWeights
        self.table = table
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

/// Reads little-endian numbers from the front of a byte array.
private struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard remaining >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// The next `count` values of a type laid out as in the file (little-endian, no padding),
    /// copied byte for byte; the caller has checked that they are there.
    mutating func array<Element: BitwiseCopyable>(count: Int) -> [Element] {
        let size = count * MemoryLayout<Element>.stride
        defer { offset += size }
        return bytes[offset..<offset + size].withUnsafeBytes { raw in
            [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
                _ = raw.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
        }
    }

    mutating func uint32() -> UInt32? {
        guard let slice = take(4) else { return nil }
        return slice.reversed().reduce(0) { $0 << 8 | UInt32($1) }
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
