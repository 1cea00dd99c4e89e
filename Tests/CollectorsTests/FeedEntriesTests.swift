import Collectors
import EarshotWire
import Foundation
import Testing

@Suite struct FeedEntriesTests {
    let feedURL = URL(string: "https://news.example/feed.xml")!

    @Test func rssItemsBecomeWebPosts() throws {
        let rss = """
            <?xml version="1.0"?>
            <rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>News</title><link>https://news.example/</link>
            <item><title>Acme &amp; rivals</title><link>https://news.example/a</link><guid>https://news.example/a</guid>
              <pubDate>Wed, 21 Oct 2015 07:28:00 GMT</pubDate><dc:creator>Ann</dc:creator>
              <description>short</description><content:encoded><![CDATA[<p>Acme <b>wins</b></p>]]></content:encoded></item>
            <item><title>Second</title><link>/b</link><guid isPermaLink="false">42</guid><pubDate>Wed, 21 Oct 2015 08:28:00 +0100</pubDate></item>
            <item><description>   </description></item>
            </channel></rss>
            """
        let (posts, rejected) = try FeedEntries.posts(in: Data(rss.utf8), feedURL: feedURL, sourceName: "news", nowMs: 7)
        #expect(posts.count == 2)
        #expect(rejected == ["entry 3: no guid, id or link"])
        #expect(posts[0].id == "web:https://news.example/a" && posts[0].platform == .web && posts[0].source == "news")
        #expect(posts[0].text == "<p>Acme &amp; rivals</p><p>Acme <b>wins</b></p>" && posts[0].textIsHtml)
        #expect(posts[0].createdAtMs == 1_445_412_480_000 && posts[0].author.handle == "Ann")
        #expect(posts[1].id == "web:https://news.example/feed.xml#42" && posts[1].url == "https://news.example/b")
        #expect(posts[1].createdAtMs == 1_445_412_480_000 && posts[1].author.handle == "news.example")
    }

    @Test func atomEntriesBecomeWebPosts() throws {
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
            <entry><title type="html">Hello &lt;world&gt;</title><id>tag:blog.example,2026:1</id>
              <link rel="self" href="https://blog.example/1.atom"/><link rel="alternate" href="https://blog.example/1"/>
              <updated>2026-01-02T03:04:05Z</updated><author><name>Bo</name></author>
              <content type="html">&lt;p&gt;body&lt;/p&gt;</content></entry>
            <entry><title>No date</title><link href="https://blog.example/2"/></entry>
            </feed>
            """
        let (posts, rejected) = try FeedEntries.posts(in: Data(atom.utf8), feedURL: feedURL, sourceName: "blog", nowMs: 99)
        #expect(rejected.isEmpty && posts.count == 2)
        #expect(posts[0].id == "web:tag:blog.example,2026:1" && posts[0].url == "https://blog.example/1")
        #expect(posts[0].text == "<p>Hello &lt;world&gt;</p><p>body</p>" && posts[0].author.handle == "Bo")
        #expect(posts[0].createdAtMs == 1_767_323_045_000)
        #expect(posts[1].id == "web:https://blog.example/2" && posts[1].createdAtMs == 99)
    }

    @Test(arguments: ["<rss><channel><item>", "{\"json\": true}", "<html><body>hi</body></html>", String(repeating: "<a>", count: 10_000)])
    func whatIsNotAFeedIsAnError(text: String) {
        #expect(throws: FeedProblem.self) { _ = try FeedEntries.posts(in: Data(text.utf8), feedURL: feedURL, sourceName: "x", nowMs: 1) }
    }
}
