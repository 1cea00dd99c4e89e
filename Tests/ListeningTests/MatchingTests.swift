import Foundation
import Testing
@testable import Listening

@Suite("Matching operators")
struct MatchingTests {
    @Test("AND, OR, NOT and a space as AND")
    func booleans() throws {
        #expect(try matches("acme AND phone", "my Acme phone"))
        #expect(try matches("acme phone", "phone by acme"))
        #expect(try !matches("acme phone", "my acme tablet"))
        #expect(try matches("acme OR globex", "globex rocks"))
        #expect(try !matches("acme OR globex", "initech rocks"))
        #expect(try matches("acme NOT job", "acme is great"))
        #expect(try !matches("acme NOT job", "acme job offer"))
    }

    @Test("the brand query from the issue excludes job posts")
    func brandQuery() throws {
        let query = "(acme OR \"acme corp\" OR #acme) AND NOT (job OR hiring)"
        #expect(try matches(query, "Love my new #Acme blender"))
        #expect(try matches(query, MatchableDocument(text: "new blender", hashtags: ["acme"])))
        #expect(try !matches(query, "Acme Corp is hiring engineers"))
        #expect(try !matches(query, "Acme job fair today"))
        #expect(try !matches(query, "nothing to see"))
    }

    @Test("matching is case-insensitive and Unicode-aware")
    func caseAndUnicode() throws {
        #expect(try matches("ÉCOLE", "une école fermée"))
        #expect(try matches("straße", "STRASSE ist nicht Straße"))
        #expect(try matches("acme", "ACME!!!"))
        #expect(try matches("東京", "私は東京に住んでいます"))
        #expect(try !matches("acme", "acmecorp"))
    }

    @Test("punctuation splits words; hashtags and possessives count as their words")
    func tokenisation() throws {
        #expect(try matches("acme", "#acme rocks"))
        #expect(try matches("acme", "Acme's new phone"))
        #expect(try matches("acme's", "I like ACME'S phone"))
        #expect(try matches("e-mail", "send an e.mail"))
        #expect(try !matches("email", "send an e-mail"))
    }

    @Test("exact phrases need the words adjacent and in order")
    func phrases() throws {
        #expect(try matches("\"new phone\"", "my new phone is here"))
        #expect(try matches("\"new phone\"", "NEW, phone!"))
        #expect(try !matches("\"new phone\"", "phone new"))
        #expect(try !matches("\"new phone\"", "new shiny phone"))
        #expect(try matches("\"ha ha ha\"", "ha ha ha"))
        #expect(try !matches("\"ha ha ha\"", "ha ha"))
    }

    @Test("phrase slop allows that many inserted words in total, in order")
    func phraseSlop() throws {
        #expect(try matches("\"new phone\"~2", "new shiny red phone"))
        #expect(try !matches("\"new phone\"~1", "new shiny red phone"))
        #expect(try matches("\"a b c\"~2", "a x b y c"))
        #expect(try !matches("\"a b c\"~1", "a x b y c"))
        #expect(try matches("\"new phone\"~1", "new a new phone"))
    }

    @Test("phrase slop matches the words in either order, a swap costing 2, as in Lucene")
    func phraseSlopEitherOrder() throws {
        #expect(try matches("\"new phone\"~2", "phone new"))
        #expect(try !matches("\"new phone\"~1", "phone new"))
        #expect(try !matches("\"new phone\"", "phone new"))
        #expect(try matches("\"new phone\"~3", "phone is new"))
        #expect(try !matches("\"new phone\"~2", "phone is new"))
        #expect(try matches("\"a b c\"~2", "a c b"))
        #expect(try !matches("\"a b c\"~1", "a c b"))
        #expect(try matches("\"a b c\"~4", "c b a"))
        #expect(try !matches("\"a b c\"~3", "c b a"))
    }

    @Test("a repeated phrase word needs as many occurrences within the slop")
    func phraseSlopRepeatedWords() throws {
        #expect(try matches("\"ha ha ha\"~2", "ha x ha ha"))
        #expect(try !matches("\"ha ha ha\"~5", "ha x ha"))
        #expect(try matches("\"big big deal\"~2", "big deal big"))
    }

    @Test("NEAR/n matches in either order when at most n words apart")
    func near() throws {
        #expect(try matches("acme NEAR/3 price", "acme x y price"))
        #expect(try !matches("acme NEAR/2 price", "acme x y price"))
        #expect(try matches("acme NEAR/3 price", "price x y acme"))
        #expect(try !matches("acme NEAR/2 price", "price x y acme"))
        #expect(try matches("acme NEAR/1 price", "acme price"))
        #expect(try !matches("acme NEAR/5 acme", "acme only once"))
        #expect(try matches("acme NEAR/5 acme", "acme and acme"))
    }

    @Test("ONEAR/n needs the left side first")
    func orderedNear() throws {
        #expect(try matches("acme ONEAR/3 price", "acme x y price"))
        #expect(try !matches("acme ONEAR/2 price", "acme x y price"))
        #expect(try !matches("acme ONEAR/3 price", "price x y acme"))
    }

    @Test("NEAR measures from the end of a phrase and works on OR groups and chains")
    func nearWithPhrasesAndGroups() throws {
        #expect(try matches("\"acme corp\" NEAR/2 price", "acme corp x price"))
        #expect(try !matches("\"acme corp\" NEAR/1 price", "acme corp x price"))
        #expect(try matches("price NEAR/2 \"acme corp\"", "price x acme corp"))
        #expect(try !matches("price NEAR/1 \"acme corp\"", "price x acme corp"))
        #expect(try matches("(acme OR globex) NEAR/2 (price OR cost)", "the globex cost"))
        #expect(try !matches("(acme OR globex) NEAR/2 (price OR cost)", "globex a b c cost"))
        #expect(try matches("a NEAR/1 b NEAR/1 c", "a b c"))
        #expect(try !matches("a NEAR/1 b NEAR/1 c", "a b x c"))
        #expect(try matches("run* NEAR/2 shoe*", "running in shoes"))
    }

    @Test("a trailing * matches any ending, including none")
    func trailingWildcard() throws {
        #expect(try matches("run*", "I was running"))
        #expect(try matches("run*", "run!"))
        #expect(try !matches("run*", "rum and rut"))
        #expect(try matches("\"new phon*\"", "new phones"))
    }

    @Test("? matches exactly one character")
    func singleCharacterWildcard() throws {
        #expect(try matches("wom?n", "women"))
        #expect(try matches("wom?n", "WOMAN"))
        #expect(try !matches("wom?n", "womn"))
        #expect(try !matches("wom?n", "womaan"))
        #expect(try matches("colo?r*", "colours"))
        #expect(try matches("?cme", "acme"))
    }

    @Test("raw: is case- and symbol-exact and bounded like a word")
    func raw() throws {
        #expect(try matches("raw:\"C++\"", "I write C++, daily"))
        #expect(try !matches("raw:\"C++\"", "I write c++ daily"))
        #expect(try !matches("raw:\"C++\"", "I write C daily"))
        #expect(try matches("raw:iPhone", "my iPhone."))
        #expect(try !matches("raw:iPhone", "my IPHONE"))
        #expect(try !matches("raw:iPhone", "two iPhones"))
        #expect(try !matches("raw:Phone", "an iPhone"))
        #expect(try matches("raw:\"Acme Corp\"", "at Acme Corp."))
        #expect(try !matches("raw:e", "cafe\u{301}"))
        #expect(try matches("C++", "I write c daily"))
    }
}

@Suite("Matching fields")
struct FieldMatchingTests {
    @Test("hashtags come from the hashtag list or from the text")
    func hashtags() throws {
        #expect(try matches("#acme", MatchableDocument(text: "x", hashtags: ["#ACME"])))
        #expect(try matches("#Acme", "so good #acme"))
        #expect(try !matches("#acme", "acme is not a hashtag here"))
        #expect(try !matches("#acme", "www.site.com/#acme2"))
    }

    @Test("mentions and cashtags come from their lists or from the text")
    func mentionsAndCashtags() throws {
        #expect(try matches("@acme", MatchableDocument(text: "x", mentions: ["@Acme"])))
        #expect(try matches("@acme.bsky.social", "thanks @Acme.bsky.social."))
        #expect(try !matches("@acme", "mail bob@acme"))
        #expect(try matches("@acme@mastodon.social", "cc @Acme@mastodon.social!"))
        #expect(try !matches("@acme", "cc @acme@mastodon.social"))
        #expect(try matches("$ACME", "buy $acme now"))
        #expect(try matches("$acme", MatchableDocument(text: "x", cashtags: ["ACME"])))
        #expect(try !matches("$acme", "acme"))
    }

    @Test("author: matches the handle case-insensitively or the exact id")
    func author() throws {
        let document = MatchableDocument(text: "x", authorHandle: "@JaneDoe", authorId: "did:plc:Ab12")
        #expect(try matches("author:janedoe", document))
        #expect(try matches("author:@JANEDOE", document))
        #expect(try matches("author:\"did:plc:Ab12\"", document))
        #expect(try !matches("author:\"did:plc:ab12\"", document))
        #expect(try !matches("author:jane", document))
    }

    @Test("site: and domain: match the domain and its subdomains, of the post or its links")
    func site() throws {
        let document = MatchableDocument(
            text: "x", urls: ["https://News.BBC.co.uk/world/123"], domains: ["example.org"])
        #expect(try matches("site:bbc.co.uk", document))
        #expect(try matches("domain:news.bbc.co.uk", document))
        #expect(try matches("site:example.org", document))
        #expect(try !matches("site:bc.co.uk", document))
        #expect(try !matches("site:sport.bbc.co.uk", document))
    }

    @Test("url: matches part of a linked URL, case-insensitively")
    func url() throws {
        let document = MatchableDocument(text: "x", urls: ["https://acme.com/Blog/launch"])
        #expect(try matches("url:acme.com/blog", document))
        #expect(try matches("url:\"https://acme.com\"", document))
        #expect(try !matches("url:acme.com/shop", document))
    }

    @Test("lang:, platform: and source: compare whole values; lang covers regional variants")
    func attributes() throws {
        let document = MatchableDocument(text: "x", language: "en_GB", platform: "Bluesky", source: "firehose")
        #expect(try matches("lang:en", document))
        #expect(try matches("lang:en-gb", document))
        #expect(try !matches("lang:en-us", document))
        #expect(try !matches("lang:e", document))
        #expect(try matches("platform:bluesky", document))
        #expect(try !matches("platform:mastodon", document))
        #expect(try matches("source:Firehose", document))
        #expect(try !matches("source:rss", document))
    }

    @Test("platform: takes the names CSV imports accept for X and Bluesky")
    func platformAliases() throws {
        #expect(try matches("platform:Twitter", MatchableDocument(text: "x", platform: "x")))
        #expect(try matches("platform:bsky", MatchableDocument(text: "x", platform: "bluesky")))
        #expect(try !matches("platform:twitter", MatchableDocument(text: "x", platform: "bluesky")))
        #expect(try structure("platform:TWITTER") == "platform(\"x\")")
    }

    @Test("followers: compares with every operator")
    func followers() throws {
        let document = MatchableDocument(text: "x", followers: 1_000)
        #expect(try matches("followers:>999", document))
        #expect(try !matches("followers:>1000", document))
        #expect(try matches("followers:>=1k", document))
        #expect(try !matches("followers:>=1001", document))
        #expect(try matches("followers:<1001", document))
        #expect(try !matches("followers:<1000", document))
        #expect(try matches("followers:<=1000", document))
        #expect(try !matches("followers:<=999", document))
        #expect(try matches("followers:=1000", document))
        #expect(try !matches("followers:=1001", document))
    }

    @Test("verified: true and false")
    func verified() throws {
        #expect(try matches("verified:true", MatchableDocument(text: "x", verified: true)))
        #expect(try !matches("verified:true", MatchableDocument(text: "x", verified: false)))
        #expect(try matches("verified:false", MatchableDocument(text: "x", verified: false)))
    }

    @Test("the tester lists the matching documents")
    func tester() throws {
        let documents = ["acme rocks", "nothing", "ACME again"].map { MatchableDocument(text: $0) }
        #expect(QueryTester.matchingIndices(of: try ListeningQuery.parse("acme"), in: documents) == [0, 2])
    }
}

@Suite("Sample documents")
struct SampleDocumentTests {
    @Test("a JSON line with only some keys decodes, the rest defaulting")
    func decodesPartialJSON() throws {
        let line = #"{"text": "I love #acme", "followers": 1200, "language": "en-GB", "urls": ["https://bbc.co.uk/x"]}"#
        let document = try JSONDecoder().decode(MatchableDocument.self, from: Data(line.utf8))
        #expect(
            document
                == MatchableDocument(
                    text: "I love #acme", urls: ["https://bbc.co.uk/x"], language: "en-GB", followers: 1_200))
        #expect(try matches("#acme lang:en followers:>1k site:bbc.co.uk", document))
    }

    @Test("a document encodes and decodes back unchanged")
    func roundTrip() throws {
        let document = MatchableDocument(
            text: "x", hashtags: ["a"], mentions: ["b"], cashtags: ["C"], authorHandle: "d", authorId: "e",
            urls: ["f"], domains: ["g"], language: "h", platform: "i", source: "j", followers: 7, verified: true)
        let data = try JSONEncoder().encode(document)
        #expect(try JSONDecoder().decode(MatchableDocument.self, from: data) == document)
    }
}

@Suite("Proximity against a reference")
struct ProximityReferenceTests {
    /// Positions of `word` in a space-separated text of single-letter words.
    private func positions(of word: String, in words: [String]) -> [Int] {
        words.indices.filter { words[$0] == word }
    }

    @Test("NEAR, ONEAR and phrase slop agree with their definitions on random texts")
    func randomTexts() throws {
        var generator = SeededGenerator(seed: 7)
        var matched = 0
        for _ in 0..<600 {
            let words = (0..<Int.random(in: 0...40, using: &generator)).map { _ in ["a", "b", "x", "y"].randomElement(using: &generator)! }
            let text = words.joined(separator: " ")
            let distance = Int.random(in: 1...4, using: &generator)
            let (a, b) = (positions(of: "a", in: words), positions(of: "b", in: words))
            let near = a.contains { i in b.contains { j in i != j && abs(i - j) <= distance } }
            let onear = a.contains { i in b.contains { j in j > i && j - i <= distance } }
            let slop = distance - 1
            // Lucene's measure: b belongs one place after a; |where b is - where it belongs|.
            let phrase = a.contains { i in b.contains { j in j != i && abs(j - 1 - i) <= slop } }
            #expect(try matches("a NEAR/\(distance) b", text) == near, "\(text)")
            #expect(try matches("a ONEAR/\(distance) b", text) == onear, "\(text)")
            #expect(try matches("\"a b\"~\(slop)", text) == phrase, "\(text)")
            matched += near ? 1 : 0
        }
        #expect(matched > 100)
    }

    @Test("a NEAR between a phrase and a word measures from the phrase's edge")
    func phraseEdges() throws {
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let words = (0..<Int.random(in: 0...30, using: &generator)).map { _ in ["a", "b", "c", "x"].randomElement(using: &generator)! }
            let text = words.joined(separator: " ")
            let starts = words.indices.dropLast().filter { words[$0] == "a" && words[$0 + 1] == "b" }
            let c = positions(of: "c", in: words)
            let expected = starts.contains { start in
                c.contains { j in (j > start + 1 && j - (start + 1) <= 2) || (j < start && start - j <= 2) }
            }
            #expect(try matches("\"a b\" NEAR/2 c", text) == expected, "\(text)")
        }
    }
}
