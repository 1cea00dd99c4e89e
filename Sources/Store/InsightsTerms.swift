/// The words of a post that `Trending` and spike explanations count as terms.
///
/// The text is cut at whitespace; chunks that are hashtags, mentions, cashtags or
/// links are skipped (they have their own facets); the rest is cut into words at
/// ASCII punctuation, lowercased (ASCII), and words shorter than 3 bytes, longer
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
        var word: [UInt8] = []
        var skippingChunk = false
        var chunkStart = true
        var going = true

        func finishWord() {
            defer { word.removeAll(keepingCapacity: true) }
            guard going, (3...40).contains(word.count), !word.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
            word.withUnsafeBufferPointer { word in
                if stopWords.find(word) == nil { going = body(word) }
            }
        }

        var bytes = Array(text.utf8)
        bytes.append(0x20)
        var index = 0
        while going && index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
                if !skippingChunk { finishWord() }
                word.removeAll(keepingCapacity: true)
                skippingChunk = false
                chunkStart = true
                index += 1
                continue
            }
            if chunkStart {
                chunkStart = false
                skippingChunk = byte == 0x23 || byte == 0x40 || byte == 0x24 || startsLink(bytes, at: index)
            }
            if !skippingChunk {
                if isWordByte(byte) {
                    word.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                } else if byte != 0x27 {  // apostrophes join: "doesn't" → "doesnt"
                    finishWord()
                }
            }
            index += 1
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func startsLink(_ bytes: [UInt8], at index: Int) -> Bool {
        for prefix in linkPrefixes where bytes.count - index >= prefix.count {
            if zip(bytes[index...], prefix).allSatisfy({ $0 | 0x20 == $1 }) { return true }
        }
        return false
    }

    private static let linkPrefixes: [[UInt8]] = [Array("http://".utf8), Array("https://".utf8), Array("www.".utf8)]

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
