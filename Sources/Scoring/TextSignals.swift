/// Cheap lexical features of a post's text, computed in one pass over its UTF-8 bytes.
///
/// The text is cut into whitespace-separated chunks. A chunk that starts with `http://`,
/// `https://` or `www.` counts as a URL, one that starts with `#` as a hashtag and one that
/// starts with `@` as a mention; the others are cut into words at ASCII punctuation,
/// Unicode punctuation and symbols (U+2000–U+2FFF) and emoji (4-byte UTF-8), with
/// apostrophes dropped and ASCII lowercased. Each word's bytes are gathered in a scratch
/// buffer while its 64-bit FNV-1a hash is computed: no `String` is created per word and no
/// regular expression runs. ``forEachWord(in:skippingCashtags:_:)`` hands out the same
/// words as bytes, so other modules (the store's Trending terms) cut text the same way.
public struct TextSignals: Sendable, Equatable {
    /// Number of words (URLs, hashtags and mentions are not words).
    public var wordCount: Int = 0
    /// Number of words that repeat an earlier word of the same post (among the first `trackedWordLimit` words).
    public var repeatedWordCount: Int = 0
    /// Number of URL chunks.
    public var urlCount: Int = 0
    /// Number of hashtag chunks.
    public var hashtagCount: Int = 0
    /// Number of mention chunks.
    public var mentionCount: Int = 0
    /// Whether a `?` appears outside URLs, hashtags and mentions.
    public var hasQuestionMark: Bool = false
    /// The care intents found by the lexicon (plus `.question` for a `?` or a question opener).
    public var intents: CareIntentSet = []

    /// How many words are remembered to count repetitions; later words are counted but not compared.
    public static let trackedWordLimit = 128

    /// The fraction of words that repeat an earlier word, 0 when there are no words.
    public var repeatedWordFraction: Double {
        let compared = min(wordCount, Self.trackedWordLimit)
        return compared == 0 ? 0 : Double(repeatedWordCount) / Double(compared)
    }

    /// Signals of an empty text.
    fileprivate init() {}

    /// Analyses `text` with `lexicon`.
    public init(analyzing text: String, lexicon: IntentLexicon = .english) {
        var accumulator = Accumulator(lexicon: lexicon)
        var utf8Text = text
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: Self.trackedWordLimit) { seenWords in
            accumulator.seenWords = seenWords
            utf8Text.withUTF8 { bytes in
                Self.scan(bytes) { token in
                    accumulator.take(token)
                    return true
                }
            }
        }
        self = accumulator.signals
    }

    /// The word hashes of `text`, in order, with the same normalisation as `init(analyzing:lexicon:)`.
    public static func wordHashes(of text: String) -> [UInt64] {
        var hashes: [UInt64] = []
        var utf8Text = text
        utf8Text.withUTF8 { bytes in
            scan(bytes) { token in
                if case .word(_, let hash) = token { hashes.append(hash) }
                return true
            }
        }
        return hashes
    }

    /// Calls `body` with the bytes of each word of `text`, in order, repeats included, until
    /// `body` returns false. The words are the ones `init(analyzing:lexicon:)` counts: ASCII
    /// lowercased, apostrophes dropped, none from URL, hashtag or mention chunks; with
    /// `skippingCashtags`, none from chunks that start with `$` either (by default `$ACME`
    /// gives the word "acme"). The bytes are valid only during the call.
    public static func forEachWord(
        in text: String, skippingCashtags: Bool = false, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        var utf8Text = text
        utf8Text.withUTF8 { bytes in
            scan(bytes, skippingCashtags: skippingCashtags) { token in
                guard case .word(let word, _) = token else { return true }
                return body(word)
            }
        }
    }

    // MARK: - Tokens

    /// One lexical event of the scanner.
    enum Token {
        /// A word's bytes (lowercased, apostrophes dropped), valid only during the visit, and
        /// their FNV-1a hash (computed as the bytes are gathered, where it costs next to nothing).
        case word(UnsafeBufferPointer<UInt8>, hash: UInt64)
        case url
        case hashtag
        case mention
        case questionMark
    }

    /// Walks `bytes` and reports every token in order until `visit` returns false. With
    /// `skippingCashtags`, chunks that start with `$` report nothing.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, skippingCashtags: Bool = false, _ visit: (Token) -> Bool) {
        // A word is never longer than the text, so one scratch buffer holds any of them.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { scratch in
            let end = bytes.count
            var index = 0
            while index < end {
                while index < end, isWhitespace(bytes[index]) { index += 1 }
                guard index < end else { return }
                var chunkEnd = index
                while chunkEnd < end, !isWhitespace(bytes[chunkEnd]) { chunkEnd += 1 }
                if let marker = chunkMarker(bytes, from: index, to: chunkEnd) {
                    guard visit(marker) else { return }
                } else if !(skippingCashtags && bytes[index] == UInt8(ascii: "$")) {
                    guard scanWords(bytes, from: index, to: chunkEnd, scratch: scratch, visit) else { return }
                }
                index = chunkEnd
            }
        }
    }

    /// `.url`, `.hashtag` or `.mention` when the chunk is one, nil for plain text.
    private static func chunkMarker(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Token? {
        switch bytes[start] {
        case UInt8(ascii: "#") where end - start > 1: return .hashtag
        case UInt8(ascii: "@") where end - start > 1: return .mention
        default:
            let isURL = hasPrefix(bytes, from: start, to: end, "http://")
                || hasPrefix(bytes, from: start, to: end, "https://")
                || hasPrefix(bytes, from: start, to: end, "www.")
            return isURL ? .url : nil
        }
    }

    /// Cuts one plain-text chunk into words (gathered in `scratch`, hashed on the way) and
    /// question marks; false when `visit` asked to stop.
    private static func scanWords(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
        scratch: UnsafeMutableBufferPointer<UInt8>, _ visit: (Token) -> Bool
    ) -> Bool {
        var length = 0
        var hash = fnvOffsetBasis
        var index = start
        while index < end {
            let byte = bytes[index]
            let sequenceLength = separatorSequenceLength(bytes, at: index, end: end)
            if byte == UInt8(ascii: "'") || isUnicodeApostrophe(bytes, at: index, end: end) {
                index += byte == UInt8(ascii: "'") ? 1 : 3
                continue
            }
            if sequenceLength == 0, isWordByte(byte) {
                let lowered = lowercased(byte)
                scratch[length] = lowered
                length += 1
                hash = (hash ^ UInt64(lowered)) &* fnvPrime
                index += 1
                continue
            }
            if length > 0 {
                guard visit(.word(UnsafeBufferPointer(rebasing: scratch[..<length]), hash: hash)) else { return false }
                length = 0
                hash = fnvOffsetBasis
            }
            if byte == UInt8(ascii: "?") {
                guard visit(.questionMark) else { return false }
            }
            index += max(1, sequenceLength)
        }
        return length == 0 || visit(.word(UnsafeBufferPointer(rebasing: scratch[..<length]), hash: hash))
    }

    // MARK: - Byte classes

    private static let fnvOffsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte >= 0x80
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Whether the bytes at `index` are U+2018 or U+2019 (typographic apostrophes).
    private static func isUnicodeApostrophe(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Bool {
        index + 2 < end && bytes[index] == 0xE2 && bytes[index + 1] == 0x80
            && (bytes[index + 2] == 0x98 || bytes[index + 2] == 0x99)
    }

    /// The byte length of a multi-byte sequence that separates words (punctuation and symbols
    /// U+2000–U+2FFF, or any 4-byte sequence such as an emoji), 0 for anything else.
    private static func separatorSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int {
        let byte = bytes[index]
        if byte == 0xE2 { return min(3, end - index) }
        if byte >= 0xF0 { return min(4, end - index) }
        return 0
    }

    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, _ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard end - start >= length else { return false }
        let prefixBytes = UnsafeBufferPointer(start: prefix.utf8Start, count: length)
        for offset in 0..<length where lowercased(bytes[start + offset]) != prefixBytes[offset] {
            return false
        }
        return true
    }
}

extension TextSignals {
    /// Folds scanner tokens into `TextSignals`, matching lexicon phrases as words arrive.
    private struct Accumulator {
        let lexicon: IntentLexicon
        var signals = TextSignals()
        /// Scratch space for the first `trackedWordLimit` word hashes.
        var seenWords = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        /// The last words before the current one, most recent first.
        var previousWords = RecentWords()

        init(lexicon: IntentLexicon) { self.lexicon = lexicon }

        mutating func take(_ token: Token) {
            switch token {
            case .url: signals.urlCount += 1
            case .hashtag: signals.hashtagCount += 1
            case .mention: signals.mentionCount += 1
            case .questionMark:
                signals.hasQuestionMark = true
                signals.intents.insert(CareIntentSet(.question))
            case .word(_, let hash): take(word: hash)
            }
        }

        private mutating func take(word hash: UInt64) {
            if signals.wordCount == 0, lexicon.questionOpeners.contains(hash) {
                signals.intents.insert(CareIntentSet(.question))
            }
            countRepetition(of: hash)
            signals.wordCount += 1
            if let candidates = lexicon.phrasesByLastWord[hash] {
                for phrase in candidates where previousWords.endsWith(phrase.leadingWords) {
                    signals.intents.insert(CareIntentSet(phrase.intent))
                }
            }
            previousWords.push(hash)
        }

        private mutating func countRepetition(of hash: UInt64) {
            let tracked = signals.wordCount
            guard tracked < seenWords.count else { return }
            if seenWords[0..<tracked].contains(hash) { signals.repeatedWordCount += 1 }
            seenWords[tracked] = hash
        }
    }

    /// The last `IntentLexicon.maximumPhraseWords - 1` words, kept without allocation.
    struct RecentWords {
        private var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        private var count = 0

        /// Remembers `hash` as the most recent word.
        mutating func push(_ hash: UInt64) {
            words = (hash, words.0, words.1)
            count = min(count + 1, 3)
        }

        /// Whether the remembered words end with `leading` (given oldest first).
        func endsWith(_ leading: [UInt64]) -> Bool {
            guard leading.count <= count else { return false }
            for (back, expected) in leading.reversed().enumerated() where word(back: back) != expected {
                return false
            }
            return true
        }

        private func word(back: Int) -> UInt64 {
            switch back {
            case 0: return words.0
            case 1: return words.1
            default: return words.2
            }
        }
    }
}
