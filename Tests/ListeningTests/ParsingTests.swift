import Testing
@testable import Listening

@Suite("Parsing and precedence")
struct ParsingTests {
    @Test("NOT binds tighter than AND, AND tighter than OR, a space is AND")
    func precedence() throws {
        #expect(try structure("a b OR c") == "((a AND b) OR c)")
        #expect(try structure("a OR b AND c") == "(a OR (b AND c))")
        #expect(try structure("NOT a b") == "(NOT a AND b)")
        #expect(try structure("a AND NOT b OR c") == "((a AND NOT b) OR c)")
        #expect(try structure("a NOT b") == "(a AND NOT b)")
    }

    @Test("parentheses override precedence and nested ORs and ANDs are flattened")
    func parentheses() throws {
        #expect(try structure("a (b OR c)") == "(a AND (b OR c))")
        #expect(try structure("(a OR (b OR c)) AND (d e)") == "((a OR b OR c) AND d AND e)")
    }

    @Test("NEAR binds tighter than NOT and AND, and takes OR groups and phrases")
    func proximityPrecedence() throws {
        #expect(try structure("x NOT a NEAR/3 b") == "(x AND NOT (a NEAR/3 b))")
        #expect(try structure("x a ONEAR/2 b") == "(x AND (a ONEAR/2 b))")
        #expect(try structure("(a OR \"b c\") NEAR/4 d") == "((a OR \"b c\") NEAR/4 d)")
    }

    @Test("words with inner punctuation become phrases; quoted text keeps wildcards")
    func wordsAndPhrases() throws {
        #expect(try structure("e-mail") == "\"e mail\"")
        #expect(try structure("\"New  PHONE\"~5") == "\"new phone\"~5")
        #expect(try structure("\"new phon*\"") == "\"new phon*\"")
        #expect(try structure("\"acme\"~3") == "acme")
        #expect(try structure("Wom?n") == "wom?n")
    }

    @Test("lowercase and/or/not are ordinary words")
    func lowercaseOperatorsAreWords() throws {
        #expect(try structure("rock and roll") == "(rock AND and AND roll)")
    }

    @Test("fields parse to normalised values")
    func fields() throws {
        #expect(try structure("#AcmeLove") == "hashtag(\"acmelove\")")
        #expect(try structure("@AcmeCorp") == "mention(\"acmecorp\")")
        #expect(try structure("$ACME") == "cashtag(\"acme\")")
        #expect(try structure("author:@JaneDoe") == "author(handle: \"janedoe\", id: \"JaneDoe\")")
        #expect(try structure("site:https://News.BBC.co.uk/world") == "site(\"news.bbc.co.uk\")")
        #expect(try structure("domain:bbc.co.uk") == "site(\"bbc.co.uk\")")
        #expect(try structure("url:Example.com/Blog") == "url(\"example.com/blog\")")
        #expect(try structure("lang:en_GB") == "language(\"en-gb\")")
        #expect(try structure("platform:Bluesky source:RSS") == "(platform(\"bluesky\") AND source(\"rss\"))")
        #expect(try structure("followers:>=10k") == "followers(Listening.Comparison.greaterOrEqual, 10000)")
        #expect(try structure("followers:<2M") == "followers(Listening.Comparison.less, 2000000)")
        #expect(try structure("verified:TRUE") == "verified(true)")
        #expect(try structure("raw:\"C++\" Author:\"Jane Doe\"") == "(raw:C++ AND author(handle: \"jane doe\", id: \"Jane Doe\"))")
    }

    @Test("the source text is kept as written")
    func sourceIsKept() throws {
        #expect(try ListeningQuery.parse("  Acme OR #acme ").source == "  Acme OR #acme ")
    }

    @Test("queries that cannot be indexed are recognised")
    func indexability() throws {
        #expect(try ListeningQuery.parse("acme NOT job").isIndexed)
        #expect(try ListeningQuery.parse("followers:>100 lang:en").isIndexed)
        #expect(try !ListeningQuery.parse("followers:>100 verified:true").isIndexed)
        #expect(try !ListeningQuery.parse("acme OR url:example.com").isIndexed)
        #expect(try ListeningQuery.parse("acme url:example.com").isIndexed)
    }
}
