/// The store's one 64-bit hash of byte strings: FNV-1a, then the SplitMix64 finalizer so that
/// both the low bits (hash-table slots) and the high bits (sketch registers) are well mixed.
///
/// Stable across processes and versions: unique-author sketches persist registers chosen by
/// it, so changing it would make new and stored sketches disagree.
enum StableHash {
    /// The hash of `bytes`.
    @inline(__always)
    static func of(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}
