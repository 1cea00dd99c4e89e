import Foundation

/// A HyperLogLog sketch of distinct authors (2,048 one-byte registers, standard error
/// about 2.3 %). Sketches of different buckets merge by register-wise maximum, so the
/// union of any buckets (and of a group's queries) is estimated without double counting.
public struct AuthorSketch: Sendable, Equatable {
    static let precision = 11
    static let registerCount = 1 << precision
    public private(set) var registers: [UInt8]

    /// An empty sketch.
    public init() { registers = [UInt8](repeating: 0, count: Self.registerCount) }

    /// A sketch from stored registers; a blob of the wrong size reads as empty.
    public init(bytes: [UInt8]) {
        registers = bytes.count == Self.registerCount ? bytes : [UInt8](repeating: 0, count: Self.registerCount)
    }

    /// Counts `hash` (a well-mixed 64-bit hash of the author id).
    public mutating func insert(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.precision))
        let rank = UInt8(min((hash << UInt64(Self.precision)).leadingZeroBitCount + 1, 64 - Self.precision + 1))
        if rank > registers[index] { registers[index] = rank }
    }

    /// Adds every author of `other`.
    public mutating func merge(_ other: AuthorSketch) {
        for index in 0..<Self.registerCount where other.registers[index] > registers[index] {
            registers[index] = other.registers[index]
        }
    }

    /// The estimated number of distinct authors (with the small-range correction).
    public var estimate: Int64 {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let raw = 0.7213 / (1 + 1.079 / m) * m * m / sum
        if raw <= 2.5 * m && zeros > 0 { return Int64((m * log(m / Double(zeros))).rounded()) }
        return Int64(raw.rounded())
    }

    /// The 64-bit hash of an author id (``StableHash``; sketches store registers chosen by it).
    public static func hash(_ authorID: String) -> UInt64 {
        StableHash.of(authorID.utf8)
    }
}
