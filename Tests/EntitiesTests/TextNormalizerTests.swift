import Testing
import Entities

struct TextNormalizerTests {
    @Test func decodesCharacterReferences() {
        #expect(TextNormalizer.normalize("Tom &amp; Jerry &lt;3 &#39;hi&#39; &#x1F600; &hellip; &bogus; & done")
            == "Tom & Jerry <3 'hi' 😀 … &bogus; & done")
    }

    @Test func composesToNFC() {
        let decomposed = "Cafe\u{301} au lait"
        let normalized = TextNormalizer.normalize(decomposed)
        #expect(normalized.unicodeScalars.count == decomposed.unicodeScalars.count - 1)
        #expect(normalized.unicodeScalars.contains("\u{E9}"))
    }

    @Test("references and combining marks are found wherever they fall in the eight-byte steps of the check")
    func findsReferencesAndCombiningMarksAtEveryOffset() {
        for offset in 0..<17 {
            let prefix = String(repeating: "x", count: offset)
            #expect(TextNormalizer.normalize(prefix + "&amp;") == prefix + "&")
            #expect(TextNormalizer.normalize(prefix + "e\u{301}") == prefix + "\u{E9}")
            #expect(TextNormalizer.normalize(prefix + "e\u{301}" + prefix) == prefix + "\u{E9}" + prefix)
            #expect(TextNormalizer.normalize(prefix + "caf\u{E9} \u{2019}") == prefix + "caf\u{E9} \u{2019}")
        }
    }

    @Test func asciiTextIsUnchanged() {
        #expect(TextNormalizer.normalize("plain text, no entities") == "plain text, no entities")
    }

    @Test func mastodonContentBecomesTextWithFullLinksAndInstanceMentions() {
        let html = #"<p>Hello <span class="h-card"><a href="https://mastodon.social/@Gargron" class="u-url mention">@<span>Gargron</span></a></span> see <a href="https://example.com/very/long/path" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span><span class="ellipsis">example.com/very/lo</span><span class="invisible">ng/path</span></a> &amp; <a href="https://mastodon.social/tags/Swift" class="mention hashtag" rel="tag">#<span>Swift</span></a></p><p>Second line<br>third &lt;3 &#39;ok&#39;</p>"#
        let text = TextNormalizer.htmlToText(html)
        #expect(text == "Hello @Gargron@mastodon.social see https://example.com/very/long/path & #Swift\n\nSecond line\nthird <3 'ok'")
        let entities = EntityExtractor.extract(from: text)
        #expect(entities.mentions == ["gargron@mastodon.social"])
        #expect(entities.urls == ["https://example.com/very/long/path"])
        #expect(entities.hashtags == ["swift"])
    }

    @Test func remoteMentionThatAlreadyNamesItsInstanceIsLeftAlone() {
        let html = #"<p><a href="https://fosstodon.org/@kev" class="u-url mention">@<span>kev@fosstodon.org</span></a> hi</p>"#
        #expect(TextNormalizer.htmlToText(html) == "@kev@fosstodon.org hi")
    }

    @Test func escapedMarkupIsTextNotTags() {
        #expect(TextNormalizer.htmlToText("<p>use &lt;br&gt; for breaks</p>") == "use <br> for breaks")
        #expect(TextNormalizer.htmlToText("a < b and no closing") == "a < b and no closing")
    }

    @Test func plainTextDecodesReferencesOnceForHTMLAndForText() {
        // HTML "&amp;lt;" is the text "&lt;", not "<" (that would be decoding twice).
        #expect(TextNormalizer.plainText("<p>write &amp;lt; for &lt;</p>", isHTML: true) == "write &lt; for <")
        #expect(TextNormalizer.plainText("fish &amp; chips", isHTML: false) == "fish & chips")
    }
}
