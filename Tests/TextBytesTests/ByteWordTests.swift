import TextBytes
import Testing

/// Every test compares the eight-at-once answer with the byte-by-byte one, on words that put
/// each interesting byte value at each of the eight positions.
@Suite("ByteWord")
struct ByteWordTests {
    /// Words built from `bytes`, each byte at every position among filler `fill`.
    private static func words(placing bytes: [UInt8], among fill: UInt8) -> [[UInt8]] {
        var words: [[UInt8]] = []
        for byte in bytes {
            for position in 0..<8 {
                var word = [UInt8](repeating: fill, count: 8)
                word[position] = byte
                words.append(word)
                // And a neighbour that differs, to catch a mark spilling over to the next byte.
                if position < 7 { word[position + 1] = byte &+ 1 }
                words.append(word)
            }
        }
        return words
    }

    private static func load(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { ByteWord.load($0.baseAddress!) }
    }

    /// The mask with the high bit of byte `i` set when `test(bytes[i])`.
    private static func mask(_ bytes: [UInt8], _ test: (UInt8) -> Bool) -> UInt64 {
        bytes.enumerated().reduce(0) { mask, element in test(element.element) ? mask | 0x80 << (8 * UInt64(element.offset)) : mask }
    }

    private static let interestingBytes: [UInt8] = [0x00, 0x01, 0x20, 0x26, 0x40, 0x60, 0x61, 0x7A, 0x7B, 0x7F, 0x80, 0xCB, 0xCC, 0xE2, 0xFF]

    @Test("load reads the first byte into the lowest bits, unaligned")
    func loadIsLittleEndianAndUnaligned() {
        let bytes: [UInt8] = [0xAA, 1, 2, 3, 4, 5, 6, 7, 8]
        let word = bytes.withUnsafeBufferPointer { ByteWord.load($0.baseAddress! + 1) }
        #expect(word == 0x0807_0605_0403_0201)
    }

    @Test("forEachWord hands over every byte in order, eight at a time, the last word zero-padded")
    func forEachWordCoversEveryByte() {
        for length in 0...20 {
            let bytes = (0..<length).map { UInt8(0x80 | $0) }
            var words: [UInt64] = []
            bytes.withUnsafeBufferPointer { ByteWord.forEachWord(in: $0) { words.append($0) } }
            #expect(words.count == (length + 7) / 8)
            let unpacked = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }
            #expect(unpacked == bytes + [UInt8](repeating: 0, count: unpacked.count - length), "length \(length)")
        }
    }

    @Test("zeroBytes marks exactly the zero bytes")
    func zeroBytesIsExact() {
        for fill: UInt8 in [0x00, 0x01, 0x80, 0xFF] {
            for bytes in Self.words(placing: Self.interestingBytes, among: fill) {
                #expect(ByteWord.zeroBytes(Self.load(bytes)) == Self.mask(bytes) { $0 == 0 }, "\(bytes)")
            }
        }
    }

    @Test("bytes(equalTo:) marks exactly the equal bytes")
    func equalBytes() {
        for target in Self.interestingBytes {
            for bytes in Self.words(placing: Self.interestingBytes, among: target &+ 1) {
                #expect(ByteWord.bytes(Self.load(bytes), equalTo: target) == Self.mask(bytes) { $0 == target }, "\(target) in \(bytes)")
            }
        }
    }

    @Test("bytes(atLeast:) marks exactly the bytes at or above the minimum")
    func bytesAtLeast() {
        for minimum: UInt8 in [0x80, 0xC0, 0xCC, 0xE2, 0xFF] {
            for bytes in Self.words(placing: Self.interestingBytes, among: 0x41) + Self.words(placing: Self.interestingBytes, among: 0xFF) {
                #expect(ByteWord.bytes(Self.load(bytes), atLeast: minimum) == Self.mask(bytes) { $0 >= minimum }, "\(minimum) in \(bytes)")
            }
        }
    }

    @Test("leadingLowercaseLetters counts a-z up to the first other byte: every byte value at every position")
    func leadingLowercaseLetters() {
        for position in 0..<8 {
            for value in UInt8.min...UInt8.max {
                var bytes = [UInt8](repeating: UInt8(ascii: "k"), count: 8)
                bytes[position] = value
                let expected = bytes.prefix { (0x61...0x7A).contains($0) }.count
                #expect(ByteWord.leadingLowercaseLetters(Self.load(bytes)) == expected, "byte \(value) at \(position)")
            }
        }
    }
}
