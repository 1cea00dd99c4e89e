import Foundation

/// The emotion model's features of one text, exactly as scripts/emotions_features.py computes
/// them for training (docs/EMOTIONS.md, "Features"):
///
/// - the first ``maxTextBytes`` bytes of UTF-8, cut back to a character boundary;
/// - tokens: ASCII letters (lower-cased), digits and non-emoji characters from U+0080 extend a
///   word (at most ``maxWordBytes`` bytes kept); apostrophes are dropped inside words; each
///   emoji, `!` and `?` is a token of its own; anything else ends a word;
/// - multiplicative 64-bit hashes bucketed by their top bits: a token's hash (its unigram's)
///   folds its bytes in eight at a time; a bigram's combines its two tokens' hashes; a character
///   2- to 5-gram of " "+word+" " is hashed as one little-endian integer;
/// - negation scope: a negation word opens a scope that the next ASCII `,` `.` `;` `:` or a `!`
///   or `?` token closes (emoji do not); a word inside it (a later negation word too, not the one
///   opening it) has the negated unigram, ``negatedHash(_:)`` of its hash, instead of its own;
///   its bigrams and character n-grams are unchanged;
/// - lexicon counts: negations, intensifiers, emoji, `!`, `?` and all-capital words.
enum EmotionFeatures {
    /// Bytes of a text the model reads; the rest is ignored, which bounds the work per text.
    static let maxTextBytes = 2048
    /// Bytes of a word kept; the rest of a longer word is dropped.
    static let maxWordBytes = 32
    /// Bytes of the scratch buffer holding " " + word + " " (a longer word's bytes past
    /// ``maxWordBytes`` all land in the byte after it) and eight spare bytes, so that every
    /// eight-byte load or store starting inside the word or at the byte after it stays inside
    /// the buffer.
    static let wordBufferBytes = maxWordBytes + 2 + 8
    /// The word cache's lexicon flags (lane 7 of a slot's character sums): a negation adds 1,
    /// an intensifier this (more than the words of a text), so that the sum of a text's flags
    /// gives both counts.
    static let intensifierFlag: Int32 = 2048
    /// Negations, intensifiers, emoji, exclamation marks, question marks, all-capital words.
    static let lexiconFeatureCount = 6

    /// Odd; the top bits of `x &* mix` are spread even for small or similar `x` (Fibonacci hashing).
    static let mix: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let tokenSeed: UInt64 = 0x5851_F42D_4C95_7F2D
    static let charSeed: UInt64 = 0x2545_F491_4F6C_DD1D
    static let bigramRotation: UInt64 = 27
    static let negationSeed: UInt64 = 0x7F4A_7C15_9E37_79B9

    /// The hash of the `count` (1...maxWordBytes) bytes at `bytes`, which must stay readable for
    /// eight bytes past any byte of the token: the bytes folded in eight at a time,
    /// little-endian, the last chunk zero-padded.
    @inline(__always)
    static func tokenHash(_ bytes: UnsafeRawPointer, count: Int) -> UInt64 {
        var hash = tokenSeed
        var offset = 0
        while count &- offset > 8 {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* mix
            offset &+= 8
        }
        let last = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & lowBytes(count &- offset)
        return (hash ^ last) &* mix
    }

    /// The hash of the bigram of two tokens, from their hashes.
    @inline(__always)
    static func bigramHash(_ first: UInt64, _ second: UInt64) -> UInt64 {
        ((first &<< bigramRotation | first &>> (64 - bigramRotation)) ^ second) &* mix
    }

    /// The hash of the negated unigram of a word of hash `hash` (inside a negation scope).
    @inline(__always)
    static func negatedHash(_ hash: UInt64) -> UInt64 { (hash ^ negationSeed) &* mix }

    /// Whether `byte` closes a negation scope as a separator (`!` and `?` close it as tokens).
    @inline(__always)
    static func endsNegationScope(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ":")
    }

    /// The hash of a character n-gram given as a little-endian integer.
    @inline(__always)
    static func charHash(_ gram: UInt64) -> UInt64 { (gram ^ charSeed) &* mix }

    /// A mask of the low `count` (1...8) bytes.
    @inline(__always)
    static func lowBytes(_ count: Int) -> UInt64 { UInt64.max &>> UInt64(64 &- 8 &* count) }

    /// Per byte: the byte as a word keeps it, if an ASCII letter (lower-cased) or digit; else 0.
    static let asciiWordBytes: [UInt8] = (0...255).map { (byte: Int) -> UInt8 in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte)
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt8(byte) | 0x20
        default: 0
        }
    }

    /// How many of the eight bytes of `chunk` (little-endian: its first bytes in memory
    /// first) are lower-case ASCII letters before the first that is not, 0...8. Byte-wise
    /// arithmetic: a carry out of a byte at or above 0x80 spoils only the bytes after it.
    @inline(__always)
    static func lowerCaseRun(_ chunk: UInt64) -> Int {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // Per byte x < 0x80: x + 0x1F has its high bit iff x >= "a"; x + 0x05 iff x > "z".
        let lowerCase = (chunk &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(chunk &+ 0x0505_0505_0505_0505) & ~chunk & highBits
        return (~lowerCase & highBits).trailingZeroBitCount &>> 3
    }

    /// log(1 + count) as the model's lexicon features take it (computed in Double, as the
    /// training script does, then rounded to Float); small counts from a table.
    @inline(__always)
    static func logOnePlus(_ count: Int32) -> Float {
        count < smallLogOnePlus.count ? smallLogOnePlus[Int(count)] : Float(log1p(Double(count)))
    }

    private static let smallLogOnePlus: [Float] = (0..<64).map { Float(log1p(Double($0))) }

    /// The number of character n-grams (2 to 5 bytes) of " " + word + " " for a word of
    /// `wordBytes` bytes.
    @inline(__always)
    static func characterNGramCount(wordBytes: Int) -> Int {
        // Starts 0...wordBytes (the last byte starts none); a start j from the end has min(4, j) n-grams.
        let starts = wordBytes + 1
        return starts <= 4 ? starts * (starts + 1) / 2 : 10 + 4 * (starts - 4)
    }

    /// Whether `scalar` counts as an emoji token (U+2600-U+27BF, U+1F000-U+1FAFF but the
    /// skin-tone modifiers).
    @inline(__always)
    static func isEmoji(_ scalar: UInt32) -> Bool {
        if (0x1F3FB...0x1F3FF).contains(scalar) { return false }
        return (0x2600...0x27BF).contains(scalar) || (0x1F000...0x1FAFF).contains(scalar)
    }

    /// Skin-tone modifiers, variation selector 16 and the zero-width joiner, which are skipped.
    @inline(__always)
    static func isIgnored(_ scalar: UInt32) -> Bool {
        (0x1F3FB...0x1F3FF).contains(scalar) || scalar == 0xFE0F || scalar == 0x200D
    }
}
