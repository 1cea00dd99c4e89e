import EarshotWire
import SourceFormats
import Testing

@Suite struct PlatformMappingTests {
    @Test func xEnvelopeJoinsAuthorsFromIncludes() throws {
        let (posts, rejections) = try readFixture("x.jsonl", format: .x)
        #expect(rejections.isEmpty)
        #expect(posts.map(\.id) == ["x:1712345678901234567", "x:1712345678901234999", "x:1712345678901235000", "x:1712345678901236000"])
        let reply = posts[0]
        #expect(reply.platform == .x)
        #expect(reply.source == "x")
        #expect(reply.url == "https://x.com/i/web/status/1712345678901234567")
        #expect(reply.createdAtMs == milliseconds("2024-04-02T10:15:30.000Z"))
        #expect(reply.languageHint == "en")
        #expect(reply.text == "Loving the new @acme phone, battery lasts forever https://example.com/review/acme-phone")
        #expect(reply.author.id == "2244994945")
        #expect(reply.author.handle == "devdiaries")
        #expect(reply.author.displayName == "Dev Diaries")
        #expect(reply.author.followers == 513_000)
        #expect(reply.author.following == 2100)
        #expect(reply.author.verified)
        #expect(reply.engagement.likes == 150 && reply.engagement.reposts == 12 && reply.engagement.replies == 3)
        #expect(reply.engagement.quotes == 2 && reply.engagement.views == 9800)
        #expect(reply.references == [Reference(kind: .replyTo, postId: "x:1712345678901234500")])
    }

    @Test func xRetweetQuoteStreamItemAndNoteTweet() throws {
        let posts = try readFixture("x.jsonl", format: .x).posts
        let retweet = posts[1]
        #expect(retweet.author.handle == "acme")
        #expect(retweet.languageHint == "", "und means no language")
        #expect(retweet.references == [Reference(kind: .repostOf, postId: "x:1712345678900000000")])
        let quote = posts[2]
        #expect(quote.author.handle == "sam_q")
        #expect(quote.createdAtMs == milliseconds("2024-04-02T10:00:00.000Z"), "+02:00 offset applied")
        #expect(quote.references == [Reference(kind: .quoteOf, postId: "x:1712345678901234567")])
        let standalone = posts[3]
        #expect(standalone.author.id == "42" && standalone.author.handle.isEmpty)
        #expect(standalone.text.hasSuffix("its long full text from note_tweet"))
    }

    @Test func mastodonStatusKeepsHTMLAndUsesTheHomeServerId() throws {
        let (posts, rejections) = try readFixture("mastodon.jsonl", format: .mastodon)
        #expect(rejections.isEmpty)
        let status = try #require(posts.first)
        #expect(status.id == "mastodon:mastodon.social:112233445566778899")
        #expect(status.platform == .mastodon)
        #expect(status.url == "https://mastodon.social/@alice/112233445566778899")
        #expect(status.textIsHtml)
        #expect(status.text.hasPrefix("<p>The <a href=\"https://mastodon.social/tags/fediverse\""))
        #expect(status.text.hasSuffix("<p>#SocialListening</p>"), "a tag missing from the content is appended")
        #expect(!status.text.contains("<p>#fediverse</p>"), "a tag in the content is not repeated")
        #expect(status.createdAtMs == milliseconds("2024-05-01T09:30:00.000Z"))
        #expect(status.languageHint == "en")
        #expect(status.author.id == "1" && status.author.handle == "alice@mastodon.social")
        #expect(status.author.displayName == "Alice Example")
        #expect(status.author.followers == 1500 && status.author.following == 300 && !status.author.bot)
        #expect(status.engagement.likes == 21 && status.engagement.reposts == 7 && status.engagement.replies == 4)
        #expect(status.references == [Reference(kind: .replyTo, postId: "mastodon:mastodon.social:112233445566770000")])
    }

    @Test func mastodonBoostCarriesTheBoostedContent() throws {
        let boost = try #require(try readFixture("mastodon.jsonl", format: .mastodon).posts.last)
        #expect(boost.id == "mastodon:mastodon.social:112233445566790000")
        #expect(boost.author.handle == "botty@mastodon.social" && boost.author.bot)
        #expect(boost.text == "<p>Neues Release ist da!</p>")
        #expect(boost.languageHint == "de")
        #expect(boost.createdAtMs == milliseconds("2024-05-01T10:00:00.000Z"), "the boost's own time")
        #expect(boost.references == [Reference(kind: .repostOf, postId: "mastodon:fosstodon.org:998877")])
    }

    @Test func redditCommentAndSubmission() throws {
        let (posts, rejections) = try readFixture("reddit.ndjson", format: .reddit)
        #expect(rejections.isEmpty)
        let comment = posts[0]
        #expect(comment.id == "reddit:t1_kq1x2y3")
        #expect(comment.platform == .reddit)
        #expect(comment.text == "Battery life is <meh> & the camera is great")
        #expect(!comment.textIsHtml)
        #expect(comment.createdAtMs == 1_714_550_400_000)
        #expect(comment.author.handle == "throwaway_42" && comment.author.id == "t2_abc12")
        #expect(comment.engagement.likes == 0, "a negative score is no likes")
        #expect(comment.url == "https://www.reddit.com/r/Android/comments/1ch9abc/acme_phone_review/kq1x2y3/")
        #expect(comment.references == [Reference(kind: .replyTo, postId: "reddit:t1_kq1aaaa")])
        let submission = posts[1]
        #expect(submission.id == "reddit:t3_1ch9abc")
        #expect(submission.text == "Acme phone review: 3 days in\n\nhttps://example.com/acme-review")
        #expect(submission.createdAtMs == 1_714_546_800_000)
        #expect(submission.engagement.likes == 1234 && submission.engagement.replies == 57)
        #expect(submission.references.isEmpty)
    }

    @Test func blueskyReplyWithLinkFacetAndQuote() throws {
        let (posts, rejections) = try readFixture("bluesky.jsonl", format: .bluesky)
        #expect(rejections.isEmpty)
        let reply = posts[0]
        #expect(reply.id == "bluesky:at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3kq2abcxyz22a")
        #expect(reply.platform == .bluesky)
        #expect(reply.url == "https://bsky.app/profile/carol.bsky.social/post/3kq2abcxyz22a")
        #expect(reply.text == "Agree! see https://example.com/long-article-about-phones for more")
        #expect(reply.createdAtMs == milliseconds("2024-06-10T14:20:00.123Z"))
        #expect(reply.languageHint == "en")
        #expect(reply.author.id == "did:plc:z72i7hdynmk6r22z27h6tvur" && reply.author.handle == "carol.bsky.social")
        #expect(reply.author.displayName == "Carol" && reply.author.followers == 2048 && reply.author.following == 310)
        #expect(reply.engagement.likes == 10 && reply.engagement.reposts == 2 && reply.engagement.replies == 1)
        #expect(reply.references == [Reference(kind: .replyTo, postId: "bluesky:at://did:plc:parent/app.bsky.feed.post/3kq1parent"),
                                     Reference(kind: .quoteOf, postId: "bluesky:at://did:plc:quoted/app.bsky.feed.post/3kq0quoted")])
        let searched = posts[1]
        #expect(searched.id == "bluesky:at://did:plc:dave/app.bsky.feed.post/3kq3dave")
        #expect(searched.text == "Photo post\n\nhttps://news.example.net/story", "a link card's address is appended")
    }

    @Test func earshotLinesKeepTheirOwnSourceUnlessOneIsNamed() {
        let line = #"{"id":"sample:1","platform":"x","source":"firehose","text":"hi","createdAtMs":1700000000000}"#
        var reader = SourceReader(format: .earshot)
        #expect((try? reader.read(line: line, lineNumber: 1).get())?.first?.source == "firehose")
        var named = SourceReader(format: .earshot, sourceName: "backfill")
        let post = try? named.read(line: line, lineNumber: 1).get().first
        #expect(post?.source == "backfill" && post?.platform == .x && post?.createdAtMs == 1_700_000_000_000)
    }
}

extension Reference {
    init(kind: Kind, postId: String) {
        self.init()
        self.kind = kind
        self.postId = postId
    }
}
