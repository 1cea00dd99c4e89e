/// A document tokenised and normalised once, ready to be matched by any
/// number of queries.
struct PreparedDocument: Sendable {
    /// The original text, for `raw:` terms.
    let text: String
    /// Lowercased words in order.
    let words: [String]
    /// Word → its positions in `words`, ascending.
    let positions: [String: [Int]]
    let hashtags: Set<String>
    let mentions: Set<String>
    let cashtags: Set<String>
    /// Lowercased handle without `@`.
    let authorHandle: String
    let authorId: String
    /// Lowercased hosts of the post and its links.
    let hosts: [String]
    /// Lowercased links.
    let urls: [String]
    /// Normalised language code (`en-gb`).
    let language: String
    let platform: String
    let source: String
    let followers: Int64
    let verified: Bool
    /// Emotion labels, as the enrich stage gives them.
    let emotions: [String]

    init(_ document: MatchableDocument) {
        text = document.text
        words = WordTokenizer.words(in: document.text)
        var positions: [String: [Int]] = [:]
        for (position, word) in words.enumerated() {
            positions[word, default: []].append(position)
        }
        self.positions = positions
        let found = TextEntities(document.text)
        hashtags = Set(document.hashtags.map { EntityNormalization.tag($0, marker: "#") }).union(found.hashtags)
        mentions = Set(document.mentions.map { EntityNormalization.tag($0, marker: "@") }).union(found.mentions)
        cashtags = Set(document.cashtags.map { EntityNormalization.tag($0, marker: "$") }).union(found.cashtags)
        authorHandle = EntityNormalization.tag(document.authorHandle, marker: "@")
        authorId = document.authorId
        hosts = (document.domains + document.urls).map(EntityNormalization.host).filter { !$0.isEmpty }
        urls = document.urls.map(WordTokenizer.lowercased)
        language = EntityNormalization.language(document.language)
        platform = WordTokenizer.lowercased(document.platform)
        source = WordTokenizer.lowercased(document.source)
        followers = document.followers
        verified = document.verified
        emotions = document.emotions
    }

    /// Whether `raw` occurs in the original text, case-exact, and not glued
    /// to a letter or digit on a side where `raw` itself starts or ends with one:
    /// `raw:iPhone` matches "my iPhone." but not "iPhones"; `raw:"C++"` matches "C++,".
    ///
    /// Compares UTF-8 bytes; a valid UTF-8 needle can only match at scalar boundaries.
    func containsRaw(_ raw: String) -> Bool {
        guard let first = raw.unicodeScalars.first, let last = raw.unicodeScalars.last else { return false }
        let checkBefore = WordTokenizer.isWordScalar(first)
        let checkAfter = WordTokenizer.isWordScalar(last)
        let needle = Array(raw.utf8)
        let haystack = text.utf8
        let scalars = text.unicodeScalars
        var start = haystack.startIndex
        while let candidate = haystack[start...].firstIndex(of: needle[0]) {
            guard let end = haystack.index(candidate, offsetBy: needle.count, limitedBy: haystack.endIndex) else {
                return false
            }
            if haystack[candidate..<end].elementsEqual(needle) {
                let separatedBefore =
                    !checkBefore || candidate == scalars.startIndex
                    || !WordTokenizer.isWordScalar(scalars[scalars.index(before: candidate)])
                let separatedAfter = !checkAfter || end == scalars.endIndex || !WordTokenizer.isWordScalar(scalars[end])
                if separatedBefore && separatedAfter { return true }
            }
            start = haystack.index(after: candidate)
        }
        return false
    }
}

/// Hashtags, mentions and cashtags written in a post's text, lowercased and
/// without their marker: `#Acme`, `@acme.bsky.social`, `@acme@mastodon.social`, `$ACME`.
struct TextEntities {
    private(set) var hashtags: Set<String> = []
    private(set) var mentions: Set<String> = []
    private(set) var cashtags: Set<String> = []

    init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let marker = scalars[index]
            let startsEntity =
                (marker == "#" || marker == "@" || marker == "$")
                && (index == 0 || !Self.isNameScalar(scalars[index - 1]))
            guard startsEntity else {
                index += 1
                continue
            }
            var end = index + 1
            while end < scalars.count, Self.continuesEntity(scalars[end], marker: marker) {
                end += 1
            }
            var name = scalars[(index + 1)..<end]
            while let last = name.last, last == "." || last == "-" || last == "@" {
                name = name.dropLast()
            }
            record(name, marker: marker)
            index = end
        }
    }

    /// Whether `scalar` can be part of an entity's name after `marker`:
    /// word characters and `_`, plus `.`, `-` and `@` in handles
    /// (`@alice.bsky.social`, `@bob@mastodon.social`) and `.` in tickers.
    private static func continuesEntity(_ scalar: Unicode.Scalar, marker: Unicode.Scalar) -> Bool {
        if isNameScalar(scalar) { return true }
        switch marker {
        case "@": return scalar == "." || scalar == "-" || scalar == "@"
        case "$": return scalar == "."
        default: return false
        }
    }

    /// Word characters and `_`: a marker glued after one (`bob@acme.com`) starts no entity.
    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        WordTokenizer.isWordScalar(scalar) || scalar == "_"
    }

    private mutating func record(_ name: ArraySlice<Unicode.Scalar>, marker: Unicode.Scalar) {
        guard let first = name.first else { return }
        var view = String.UnicodeScalarView()
        for scalar in name {
            WordTokenizer.appendLowercased(scalar, to: &view)
        }
        let value = String(view)
        switch marker {
        case "#": hashtags.insert(value)
        case "@": mentions.insert(value)
        default:
            // `$5` is money, not a ticker.
            if first.properties.isAlphabetic { cashtags.insert(value) }
        }
    }
}
