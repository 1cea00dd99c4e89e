import Scoring

/// The words of a post that `Trending` and spike explanations count as terms.
///
/// The words are Scoring's (`TextSignals.forEachWord(in:skippingCashtags:_:)`, the
/// tokenizer of the care scores): the text is cut at whitespace; chunks that are
/// hashtags, mentions, cashtags or links are skipped (they have their own facets); the
/// rest is cut into words at ASCII punctuation, Unicode punctuation and symbols
/// (U+2000–U+2FFF, such as "—" and "…") and emoji, with apostrophes (' ‘ ’) dropped
/// ("doesn’t" is "doesnt") and ASCII lowercased. Words shorter than 3 bytes, longer
/// than 40, made of digits only, or in a short English stop list are dropped.
/// Each distinct term counts once per post, at most ``maximumTerms`` per post.
enum TermExtractor {
    static let maximumTerms = 24

    /// The distinct terms of `text`, in order of first appearance, at most ``maximumTerms``.
    static func terms(of text: String) -> [String] {
        var terms: [String] = []
        forEachCandidate(in: text) { word in
            let term = String(decoding: word, as: UTF8.self)
            if !terms.contains(term) { terms.append(term) }
            return terms.count < maximumTerms
        }
        return terms
    }

    /// Calls `body` with the bytes of each word of `text` that qualifies as a term, in
    /// order, repeats included, until `body` returns false. The bytes are valid only
    /// during the call.
    static func forEachCandidate(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        TextSignals.forEachWord(in: text, skippingCashtags: true) { word in
            guard (3...40).contains(word.count), !word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  stopWords.find(word) == nil else { return true }
            return body(word)
        }
    }

    /// The stop words, written as words reach the list: lowercase, apostrophes dropped
    /// ("doesn't" is "doesnt"), each once.
    static let stopWordList: [Substring] = """
        the and for are but not you your yours with this that these those have has had was were will would \
        can could should its our ours they them their what when where who why how all any some just \
        from into out about than then there here been being very too also only more most much such own \
        same other again once over under after before off she her his him hers ive dont doesnt \
        didnt cant wont isnt arent im get got one two now new today amp via
        """.split(separator: " ")

    private static let stopWords: ByteInterner = {
        var words = ByteInterner()
        for word in stopWordList { _ = words.id(String(word)) }
        return words
    }()
}
