import Testing
import Entities

struct URLTests {
    @Test func wikipediaParenthesesStayAndTrailingPunctuationGoes() {
        let entities = EntityExtractor.extract(from: "See https://en.wikipedia.org/wiki/Swift_(programming_language).")
        #expect(entities.urls == ["https://en.wikipedia.org/wiki/Swift_(programming_language)"])
        #expect(entities.domains == ["wikipedia.org"])
    }

    @Test func closingBracketOfTheSurroundingProseIsNotPartOfTheURL() {
        let entities = EntityExtractor.extract(from: "(details at https://example.com/a/b) and [www.example.org/x]")
        #expect(entities.urls == ["https://example.com/a/b", "www.example.org/x"])
        #expect(entities.domains == ["example.com", "example.org"])
    }

    @Test func trailingPunctuationQueryAndFragment() {
        let entities = EntityExtractor.extract(from: "Read HTTPS://Example.COM:8443/p?q=1&r=2#top!! or https://news.example.com/story, ok?")
        #expect(entities.urls == ["HTTPS://Example.COM:8443/p?q=1&r=2#top", "https://news.example.com/story"])
        #expect(entities.domains == ["example.com", "example.com"])
    }

    @Test func registeredDomainsHandleMultiPartSuffixes() {
        #expect(RegisteredDomain.of(host: "www.bbc.co.uk") == "bbc.co.uk")
        #expect(RegisteredDomain.of(host: "news.bbc.co.uk") == "bbc.co.uk")
        #expect(RegisteredDomain.of(host: "www.abc.net.au") == "abc.net.au")
        #expect(RegisteredDomain.of(host: "shop.example.com.au") == "example.com.au")
        #expect(RegisteredDomain.of(host: "mainichi.co.jp") == "mainichi.co.jp")
        #expect(RegisteredDomain.of(host: "en.m.wikipedia.org") == "wikipedia.org")
        #expect(RegisteredDomain.of(host: "WWW.Example.COM.") == "example.com")
        #expect(RegisteredDomain.of(host: "192.168.1.10") == "192.168.1.10")
        #expect(RegisteredDomain.of(host: "bit.ly") == "bit.ly")
    }

    @Test func userInfoAndPortAreNotPartOfTheDomain() {
        let entities = EntityExtractor.extract(from: "ftp-ish https://user:pw@files.example.co.uk:21/x")
        #expect(entities.domains == ["example.co.uk"])
    }

    @Test func textThatMerelyLooksLikeAURLIsNot() {
        let entities = EntityExtractor.extract(from: "http:// is a scheme, whatever.com is not linked, https://localhost/ has no dot")
        #expect(entities.urls.isEmpty)
        #expect(entities.domains.isEmpty)
    }
}

struct HashtagMentionCashtagTests {
    @Test func hashtagsNeedALetterAndAreLowerCased() {
        let entities = EntityExtractor.extract(from: "#Swift #1 #2024 #covid19 #日本語 #Café #हिंदी foo#bar C# &#39; #Swift")
        #expect(entities.hashtags == ["swift", "covid19", "日本語", "café", "हिंदी", "swift"])
    }

    @Test func mentionsIncludingMastodonInstancesButNotEmail() {
        let entities = EntityExtractor.extract(from: "@alice hi @Bob@Mastodon.Social, (@carol.d) mail bob@example.com @ nobody")
        #expect(entities.mentions == ["alice", "bob@mastodon.social", "carol.d"])
    }

    @Test func mentionWithoutInstanceDomainKeepsJustTheUser() {
        let entities = EntityExtractor.extract(from: "thanks @dave@localhost!")
        #expect(entities.mentions.isEmpty)
        #expect(EntityExtractor.extract(from: "thanks @dave!").mentions == ["dave"])
    }

    @Test func cashtagsAreLettersNotAmounts() {
        let entities = EntityExtractor.extract(from: "$TSLA up, $5 down, $brk.b flat, $AAPL's run, $ABCDEFG no, US$100, $btc")
        #expect(entities.cashtags == ["TSLA", "BRK.B", "AAPL", "BTC"])
    }

    @Test func urlsAreNotMinedForHashtagsOrMentions() {
        let entities = EntityExtractor.extract(from: "https://mastodon.social/@alice/1#reply https://example.com/$TSLA")
        #expect(entities.mentions.isEmpty)
        #expect(entities.hashtags.isEmpty)
        #expect(entities.cashtags.isEmpty)
        #expect(entities.urls.count == 2)
    }
}

struct EmojiTests {
    @Test func wholeGraphemeClusters() {
        let text = "ok 👍🏽 family 👨‍👩‍👧‍👦 flag 🇩🇪 keycap 1️⃣ heart ❤️ fire 🔥🔥 rainbow 🏳️‍🌈 scotland 🏴󠁧󠁢󠁳󠁣󠁴󠁿"
        let emoji = EntityExtractor.extract(from: text).emoji
        #expect(emoji == ["👍🏽", "👨‍👩‍👧‍👦", "🇩🇪", "1️⃣", "❤️", "🔥", "🔥", "🏳️‍🌈", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"])
        #expect(emoji.allSatisfy { $0.count == 1 })
    }

    @Test func textPresentationSymbolsAndDigitsAreNotEmoji() {
        let emoji = EntityExtractor.extract(from: "© 2024 Acme™, call #1 or 5*3, ↔ arrows, ☺︎ text style, single 🇩")
        #expect(emoji.isEmpty)
    }
}
