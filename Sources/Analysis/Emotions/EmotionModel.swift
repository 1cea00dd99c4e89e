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
/// File layout (little-endian): "EMO1"; UInt32 hash bits, label count (7), lexicon feature
/// count; Float32 per-label weight scales, biases and probability thresholds; Float32 lexicon
/// weights (feature-major, a row of labels each); then 2^bits rows of 8 Int8 weights (7 labels
/// and a zero), a hashed feature's weight for a label being its Int8 times the label's scale.
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

    /// Loads the model in `data`; `path` names it in errors.
    init(data: Data, path: String) throws(EmotionModelError) {
        var reader = ByteReader(bytes: [UInt8](data))
        func fail(_ reason: String) -> EmotionModelError { .malformed(path: path, reason: reason) }
        guard reader.take(4).map(Array.init) == Array("EMO1".utf8) else { throw fail("missing the EMO1 header") }
        guard let bits = reader.uint32(), let labels = reader.uint32(), let lexicon = reader.uint32() else {
            throw fail("cut short in the header")
        }
        guard (10...24).contains(bits) else { throw fail("hash bits \(bits) outside 10...24") }
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
        guard reader.remaining == rows * 8 else {
            throw fail("weight table has \(reader.remaining) bytes, expected \(rows * 8)")
        }
        let table = reader.bytes[reader.offset...].withUnsafeBytes { raw in
            [SIMD8<Int8>](unsafeUninitializedCapacity: rows) { buffer, count in
                _ = raw.copyBytes(to: UnsafeMutableRawBufferPointer(buffer))
                count = rows
            }
        }
        self.bits = Int(bits)
        self.scales = scales
        self.biases = biases
        self.thresholds = thresholds
        self.lexiconWeights = lexiconWeights
        self.table = table
    }
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
