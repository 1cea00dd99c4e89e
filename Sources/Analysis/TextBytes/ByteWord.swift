/// Eight bytes of UTF-8 text read as one `UInt64`, first byte lowest (little-endian, as on
/// every platform Earshot builds for), and tests on all eight at once without branches or
/// carries between bytes (SWAR). The analysers' scans use them to skip plain stretches of text
/// eight bytes at a time.
///
/// A "mask" here has the high bit (0x80) of each byte that passes a test set, and no other bit.
public enum ByteWord {
    /// 0x01 in every byte.
    public static let ones: UInt64 = 0x0101_0101_0101_0101
    /// 0x80 in every byte.
    public static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `pointer`, which need not be aligned.
    @inlinable @inline(__always)
    public static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
    }

    /// Calls `body` with the bytes of `bytes` eight at a time, in order; the last call's word has
    /// zero bytes past the end of `bytes`.
    @inlinable @inline(__always)
    public static func forEachWord(in bytes: UnsafeBufferPointer<UInt8>, _ body: (UInt64) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset + 8 <= bytes.count {
            body(load(base + offset))
            offset += 8
        }
        guard offset < bytes.count else { return }
        var last: UInt64 = 0
        for index in offset..<bytes.count { last |= UInt64(base[index]) &<< (8 &* UInt64(index - offset)) }
        body(last)
    }

    /// The mask of the bytes of `word` that are zero (exact: a zero byte does not mark its
    /// neighbours, as the shorter borrow trick can).
    @inlinable @inline(__always)
    public static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & ~highBits) &+ ~highBits) | word) & highBits
    }

    /// The mask of the bytes of `word` equal to `byte`.
    @inlinable @inline(__always)
    public static func bytes(_ word: UInt64, equalTo byte: UInt8) -> UInt64 {
        zeroBytes(word ^ (ones &* UInt64(byte)))
    }

    /// The mask of the bytes of `word` that are `minimum` or more; `minimum` is 0x80 or more.
    @inlinable @inline(__always)
    public static func bytes(_ word: UInt64, atLeast minimum: UInt8) -> UInt64 {
        assert(minimum >= 0x80, "ByteWord.bytes(_:atLeast:) takes a minimum from 0x80 up")
        // On the low seven bits, adding 0x80 - (minimum - 0x80) sets the high bit from minimum up.
        return ((word & ~highBits) &+ ones &* UInt64(0x100 - UInt16(minimum))) & word & highBits
    }

    /// How many of the bytes of `word`, from the first, are "a"..."z" before the first that is
    /// not (0...8). On the low seven bits, adding 0x1F sets the high bit from "a" (0x61) up and
    /// adding 0x05 from past "z" (0x7B) up; bytes from 0x80 up are not letters.
    @inlinable @inline(__always)
    public static func leadingLowercaseLetters(_ word: UInt64) -> Int {
        let low = word & ~highBits
        let letters = (low &+ ones &* 0x1F) & ~(low &+ ones &* 0x05) & ~word & highBits
        return (~letters & highBits).trailingZeroBitCount &>> 3
    }
}
