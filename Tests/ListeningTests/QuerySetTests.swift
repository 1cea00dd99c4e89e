import Testing
@testable import Listening

/// Builds random but well-formed queries and documents from a small shared
/// vocabulary, so that queries match often enough to be interesting.
struct RandomCorpus {
    var generator: SeededGenerator

    static let words = [
        "acme", "globex", "phone", "price", "new", "job", "hiring", "running", "runner", "women", "woman",
        "corp", "cost", "great", "bad", "c", "love",
    ]
    static let wildcards = ["run*", "wom?n", "pho*", "glo?ex", "acm*", "?ove"]
    static let raws = ["raw:Acme", "raw:\"C++\"", "raw:iPhone", "raw:\"Acme Corp\""]
    static let fields = [
        "#acme", "#launch", "@globex", "$ACME", "author:jane", "author:u42", "site:bbc.co.uk", "domain:example.org",
        "url:acme.com/blog", "lang:en", "lang:fr", "platform:bluesky", "source:rss", "followers:>1000",
        "followers:<=50", "verified:true", "verified:false",
    ]

    mutating func pick(_ options: [String]) -> String {
        options.randomElement(using: &generator)!
    }

    mutating func chance(_ percent: Int) -> Bool {
        Int.random(in: 0..<100, using: &generator) < percent
    }

    /// A positional operand: word, wildcard or phrase with optional slop.
    mutating func textTerm() -> String {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: return pick(Self.wildcards)
        case 1:
            let phrase = "\"\(pick(Self.words)) \(pick(Self.words))\""
            return chance(50) ? phrase + "~\(Int.random(in: 1...3, using: &generator))" : phrase
        default: return pick(Self.words)
        }
    }

    mutating func query(depth: Int = 0) -> String {
        let leaf = depth >= 3 || chance(30)
        if leaf {
            switch Int.random(in: 0..<10, using: &generator) {
            case 0...4: return textTerm()
            case 5: return pick(Self.raws)
            case 6:
                let keyword = chance(50) ? "NEAR" : "ONEAR"
                return "\(textTerm()) \(keyword)/\(Int.random(in: 1...3, using: &generator)) \(textTerm())"
            default: return pick(Self.fields)
            }
        }
        let left = query(depth: depth + 1)
        let right = query(depth: depth + 1)
        switch Int.random(in: 0..<5, using: &generator) {
        case 0: return "(\(left) OR \(right))"
        case 1: return "\(left) AND \(right)"
        case 2: return "\(left) NOT \(right)"
        case 3: return "(\(left)) OR (\(right))"
        default: return "\(left) \(right)"
        }
    }

    mutating func document() -> MatchableDocument {
        let texts = Self.words + ["Acme", "C++", "iPhone", "iPhones", "#acme", "@globex", "$ACME", "ACME", "Corp", ",", "!"]
        let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pick(texts) }.joined(separator: " ")
        return MatchableDocument(
            text: text,
            hashtags: chance(20) ? ["launch"] : [],
            authorHandle: pick(["jane", "@Jane", "bob"]),
            authorId: pick(["u42", "u7"]),
            urls: chance(30) ? [pick(["https://acme.com/blog/x", "https://news.bbc.co.uk/a", "http://other.net"])] : [],
            domains: chance(30) ? [pick(["example.org", "www.example.org", "bbc.co.uk"])] : [],
            language: pick(["en", "en-GB", "fr", ""]),
            platform: pick(["bluesky", "mastodon"]),
            source: pick(["rss", "firehose"]),
            followers: Int64.random(in: 0...3_000, using: &generator),
            verified: chance(20))
    }
}

@Suite("QuerySet index")
struct QuerySetTests {
    /// A set of the given id → query text pairs.
    private func querySet(_ queries: KeyValuePairs<String, String>) throws -> QuerySet {
        QuerySet(try queries.map { (id: $0.key, query: try ListeningQuery.parse($0.value)) })
    }

    @Test("the index returns exactly what evaluating every query one by one returns")
    func indexAgreesWithBruteForce() throws {
        var corpus = RandomCorpus(generator: SeededGenerator(seed: 2026))
        var queries: [(id: String, query: ListeningQuery)] = []
        var attempts = 0
        while queries.count < 400 {
            attempts += 1
            if let query = try? ListeningQuery.parse(corpus.query()) {
                queries.append((id: "q\(queries.count)", query: query))
            }
        }
        #expect(attempts < 800, "most generated queries should be valid")
        let set = QuerySet(queries)
        var totalMatches = 0
        var totalCandidates = 0
        for _ in 0..<400 {
            let document = corpus.document()
            let expected = queries.filter { $0.query.matches(document) }.map(\.id).sorted()
            #expect(set.matches(document) == expected, "\(document.text)")
            totalMatches += expected.count
            totalCandidates += set.candidates(for: PreparedDocument(document)).count
        }
        #expect(totalMatches > 4_000, "the generated queries should match often")
        #expect(totalCandidates < 400 * queries.count * 3 / 4, "even with a tiny vocabulary the index should skip queries")
    }

    @Test("unanchored queries are evaluated for every document")
    func unanchoredQueries() throws {
        let set = try querySet(["big": "followers:>1000", "brand": "acme"])
        #expect(set.count == 2)
        #expect(set.unindexedCount == 1)
        #expect(set.matches(MatchableDocument(text: "hello", followers: 5_000)) == ["big"])
        #expect(set.matches(MatchableDocument(text: "acme", followers: 5_000)) == ["big", "brand"])
        #expect(set.matches(MatchableDocument(text: "hello")) == [])
    }

    @Test("ids come back sorted and a shared id is reported once")
    func sortedUniqueIds() throws {
        let set = try querySet(["zeta": "acme", "alpha": "#acme", "alpha": "acme*"])
        #expect(set.matches(MatchableDocument(text: "#acme")) == ["alpha", "zeta"])
    }

    @Test("a document only reaches the queries sharing one of its keys")
    func candidatesAreSelective() throws {
        let set = try querySet([
            "acme": "acme NOT job", "globex": "globex OR #globex", "runners": "run* lang:en", "bbc": "site:bbc.co.uk",
        ])
        let running = PreparedDocument(MatchableDocument(text: "I love running", language: "en"))
        #expect(set.candidates(for: running) == [3])
        let bbc = PreparedDocument(MatchableDocument(text: "acme", urls: ["https://news.bbc.co.uk/x"]))
        #expect(set.candidates(for: bbc) == [0, 1])
    }
}
