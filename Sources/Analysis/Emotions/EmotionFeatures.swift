/// The emotion model's features of one text, exactly as scripts/emotions_features.py computes
/// them for training (docs/EMOTIONS.md, "Features"):
///
/// - the first ``maxTextBytes`` bytes of UTF-8, cut back to a character boundary;
/// - tokens: ASCII letters (lower-cased), digits and non-emoji characters from U+0080 extend a
///   word (at most ``maxWordBytes`` bytes kept); apostrophes are dropped inside words; each
///   emoji, `!` and `?` is a token of its own; anything else ends a word;
/// - FNV-1a 64 hashes bucketed by their top bits: word unigrams ("1"+token), bigrams
///   ("2"+token+" "+next token) and character 2- to 5-grams ("3"+gram) of " "+word+" ";
/// - lexicon counts: negations, intensifiers, emoji, `!`, `?` and all-capital words.
enum EmotionFeatures {
    /// Bytes of a text the model reads; the rest is ignored, which bounds the work per text.
    static let maxTextBytes = 2048
    /// Bytes of a word kept; the rest of a longer word is dropped.
    static let maxWordBytes = 32
    /// Negations, intensifiers, emoji, exclamation marks, question marks, all-capital words.
    static let lexiconFeatureCount = 6
    /// The longest word in the negation and intensifier lists.
    static let longestLexiconWord = 10

    static let fnvBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    static let fnvPrime: UInt64 = 0x100_0000_01B3
    /// A word's first slot in the word cache is the top bits of its unigram hash times this
    /// (Fibonacci hashing): the top bits of FNV-1a alone cluster short words.
    static let cacheMix: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    static func fnv(_ hash: UInt64, _ byte: UInt8) -> UInt64 { (hash ^ UInt64(byte)) &* fnvPrime }

    static func fnv(_ hash: UInt64, _ bytes: some Sequence<UInt8>) -> UInt64 { bytes.reduce(hash, fnv) }

    static let unigramSeed = fnv(fnvBasis, UInt8(ascii: "1"))
    static let bigramSeed = fnv(fnvBasis, UInt8(ascii: "2"))
    static let charSeed = fnv(fnvBasis, UInt8(ascii: "3"))

    static let negations = """
        not no never nothing nobody none nor neither nowhere cannot cant dont doesnt didnt isnt wasnt \
        arent werent wont wouldnt couldnt shouldnt aint hasnt havent hadnt without
        """
    static let intensifiers = """
        very so really extremely absolutely totally completely too super incredibly fucking fking \
        freaking damn such most highly truly quite utterly literally
        """

    /// Unigram hashes of the negation words.
    static let negationHashes = wordHashes(negations)
    /// Unigram hashes of the intensifier words.
    static let intensifierHashes = wordHashes(intensifiers)
    /// A 1,024-bit filter over both lists (bit `hash >> 54`: word `hash >> 60`, bit `(hash >> 54) & 63`), so most words skip the lists.
    static let lexiconFilter: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 16)
        for hash in negationHashes + intensifierHashes { bits[Int(hash >> 60)] |= 1 << ((hash >> 54) & 63) }
        return bits
    }()

    private static func wordHashes(_ list: String) -> [UInt64] {
        list.split(separator: " ").map { fnv(unigramSeed, $0.utf8) }
    }

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
