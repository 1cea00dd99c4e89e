import Testing
@testable import Listening

@Suite("Syntax errors a marketer understands")
struct ErrorTests {
    @Test(
        "each mistake is reported with its message and 1-based position",
        arguments: [
            ("", "empty query", 1),
            ("   ", "empty query", 1),
            ("acme AND \"new", "unclosed quote", 10),
            ("acme AND \"acme corp\" OR \"x", "unclosed quote", 25),
            ("acme NEAR phone", "NEAR needs a distance: NEAR/5", 6),
            ("acme NEAR/x phone", "NEAR needs a distance: NEAR/5", 6),
            ("acme ONEAR/ phone", "ONEAR needs a distance: ONEAR/5", 6),
            ("acme NEAR/0 phone", "NEAR distance must be from 1 to 30", 6),
            ("acme NEAR/31 phone", "NEAR distance must be from 1 to 30", 6),
            ("acme (phone OR tablet", "unbalanced parenthesis", 6),
            ("acme phone) OR tablet", "unbalanced parenthesis", 11),
            ("acme ()", "empty parentheses", 6),
            ("acme (", "unbalanced parenthesis", 6),
            ("(acme OR (x)", "unbalanced parenthesis", 1),
            ("ru*", "wildcard needs at least 3 letters before *", 3),
            ("acme r?n*", "wildcard needs at least 3 letters before *", 9),
            ("ac*me", "* can only end a word: run*", 3),
            ("a?", "? needs at least 2 letters in the same word: wom?n", 1),
            ("\"new ph*ne\"", "* can only end a word: run*", 8),
            ("acme NOT", "NOT needs something to exclude", 6),
            ("acme NOT OR x", "NOT needs something to exclude", 6),
            ("foo:bar", "unknown field \"foo:\"", 1),
            ("acme https://x.com", "unknown field \"https:\"", 6),
            ("NOT job", "a query cannot be only NOT terms; add what to look for: acme NOT job", 1),
            ("NOT job AND NOT hiring", "a query cannot be only NOT terms; add what to look for: acme NOT job", 1),
            ("acme OR NOT job", "a query cannot be only NOT terms; add what to look for: acme NOT job", 9),
            ("AND acme", "AND needs something on both sides", 1),
            ("acme AND", "AND needs something on both sides", 6),
            ("acme OR", "OR needs something on both sides", 6),
            ("OR acme", "OR needs something on both sides", 1),
            ("(acme OR) x", "OR needs something on both sides", 7),
            ("NEAR/3 acme", "NEAR/3 needs a word or phrase on both sides", 1),
            ("acme NEAR/3", "NEAR/3 needs a word or phrase on both sides", 6),
            ("acme NEAR/3 NOT x", "NEAR/3 needs a word or phrase on both sides", 6),
            ("#acme NEAR/3 x", "NEAR/3 can only join words, phrases, or groups of them joined by OR", 1),
            ("x ONEAR/3 (a b)", "ONEAR/3 can only join words, phrases, or groups of them joined by OR", 11),
            ("\"\"", "empty phrase: put words between the quotes", 1),
            ("acme \"!!\"", "\"!!\" has no letters or digits to search for", 7),
            ("acme !!!", "\"!!!\" has no letters or digits to search for", 6),
            ("\"new phone\"~x", "phrase slop needs a number: \"new phone\"~5", 12),
            ("\"new phone\"~-1", "phrase slop needs a number: \"new phone\"~5", 12),
            ("a NEAR/+2 b", "NEAR needs a distance: NEAR/5", 3),
            ("\"new phone\"~31", "phrase slop can be at most 30", 12),
            ("acme -job", "use NOT to exclude: NOT job rather than -job", 6),
            ("acme author:", "\"author:\" needs a value right after the colon", 6),
            ("site:https://", "site: needs a domain: site:bbc.co.uk", 1),
            ("acme followers:1000", "followers: needs a comparison and a number: followers:>1000", 6),
            ("acme followers:>lots", "followers: needs a comparison and a number: followers:>1000", 6),
            ("acme verified:yes", "verified: must be true or false", 6),
            ("# acme", "\"#\" has no letters or digits to search for", 1),
            ("acme #!", "\"#!\" is not a valid hashtag: use letters, digits and _", 6),
            ("#acme*", "\"#acme*\" is not a valid hashtag: use letters, digits and _", 1),
            ("x @acme.", "\"@acme.\" is not a valid mention: use letters, digits, _, ., - and @", 3),
            ("x $AC!ME", "\"$AC!ME\" is not a valid cashtag: use letters, digits, _ and .", 3),
            ("raw:\"C++", "unclosed quote", 5),
        ])
    func reportsMistake(query: String, message: String, position: Int) {
        #expect(syntaxError(query) == QuerySyntaxError(position: position, message: message))
    }

    @Test("an unknown platform is reported at its value, with the platforms there are")
    func unknownPlatform() {
        let message = "unknown platform \"twiter\"; platforms are x, mastodon, reddit, bluesky, other, web"
        #expect(syntaxError("acme platform:twiter") == QuerySyntaxError(position: 15, message: message))
        #expect(syntaxError("acme platform:\"twiter\"") == QuerySyntaxError(position: 15, message: message))
        #expect(syntaxError("platform:blue")?.message.hasPrefix("unknown platform \"blue\"") == true)
        #expect(syntaxError("platform:unspecified") != nil)
    }

    @Test("description puts the position after the message")
    func description() {
        #expect(syntaxError("acme AND \"new")?.description == "unclosed quote at 10")
    }

    @Test("positions count characters, not bytes")
    func positionsCountCharacters() {
        #expect(syntaxError("cafe\u{301} acme (x")?.position == 11)
    }

    /// A limit, a query just within it, a query just over it and the error that reports it.
    struct LimitCase: Sendable, CustomTestStringConvertible {
        let limits: QueryLimits
        let within: String
        let over: String
        let error: QuerySyntaxError

        init(_ limits: QueryLimits, _ within: String, _ over: String, _ position: Int, _ message: String) {
            self.limits = limits
            self.within = within
            self.over = over
            self.error = QuerySyntaxError(position: position, message: message)
        }

        var testDescription: String { error.message }
    }

    @Test(
        "each limit accepts a query at the limit and rejects one beyond it",
        arguments: [
            LimitCase(.init(maxLength: 10), "acme OR xy", "acme OR xyz", 11, "query is longer than the limit of 10 characters"),
            LimitCase(.init(maxTerms: 3), "a \"b c\" #d", "a \"b c\" #d e", 12, "too many terms: a query can have at most 3"),
            LimitCase(.init(maxWildcards: 2), "run* wom?n", "run* wom?n \"jog* x\"", 12, "too many wildcards: a query can have at most 2"),
            LimitCase(.init(maxNearDistance: 5), "a NEAR/5 b", "a NEAR/6 b", 3, "NEAR distance must be from 1 to 5"),
            LimitCase(.init(maxPhraseSlop: 2), "\"c d\"~2", "\"c d\"~3", 6, "phrase slop can be at most 2"),
            LimitCase(.init(maxNesting: 2), "((a))", "(((a)))", 3, "parentheses nested too deep: at most 2 levels"),
        ])
    func limit(_ limitCase: LimitCase) {
        #expect(syntaxError(limitCase.within, limits: limitCase.limits) == nil)
        #expect(syntaxError(limitCase.over, limits: limitCase.limits) == limitCase.error)
    }

    @Test("random input either parses or reports a position inside the query")
    func randomInput() {
        var generator = SeededGenerator(seed: 99)
        let pieces = [
            "a", "acme", " ", " ", "(", ")", "\"", "~2", "*", "?", "#", "@", "$", ":", "AND", "OR", "NOT", "NEAR/2",
            "ONEAR/", "raw:", "site:", "followers:>", "9", "-", "é", "🔥", "東",
        ]
        var parsed = 0
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }
                .joined()
            if let error = syntaxError(text) {
                #expect((1...max(1, text.count)).contains(error.position), "\(text): \(error)")
            } else {
                parsed += 1
                _ = try? ListeningQuery.parse(text).matches(MatchableDocument(text: "acme a (b) #a $a é 東 9"))
            }
        }
        #expect(parsed > 100)
    }

    @Test("the tester shows a caret under the mistake")
    func diagnose() {
        #expect(QueryTester.diagnose("acme (x") == "acme (x\n     ^\nunbalanced parenthesis at 6")
        #expect(QueryTester.diagnose("acme") == nil)
    }
}
