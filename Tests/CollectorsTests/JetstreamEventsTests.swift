import Collectors
import EarshotWire
import Foundation
import Testing

@Suite struct JetstreamEventsTests {
    static let reply = #"{"did":"did:plc:ewvi7nxzyoun6zhxrhs64oiz","time_us":1725911162400112,"kind":"commit","commit":{"rev":"3l3qo2w2abc2c","operation":"create","collection":"app.bsky.feed.post","rkey":"3l3qo2w1xyz2c","record":{"$type":"app.bsky.feed.post","createdAt":"2024-09-09T19:46:02.310Z","langs":["en"],"reply":{"parent":{"cid":"b","uri":"at://did:plc:eygm/app.bsky.feed.post/3l3qo2vuowo2b"},"root":{"cid":"b","uri":"at://did:plc:eygm/app.bsky.feed.post/3l3qo2vuowo2b"}},"text":"Agreed, their SUPPORT was useless"},"cid":"bafy"}}"#

    static func read(_ text: String, keywords: [String] = []) -> JetstreamRecord {
        var events = JetstreamEvents(sourceName: "bsky", keywords: keywords)
        return events.read(message: Array(text.utf8))
    }

    @Test func aCreatedPostBecomesAPostWithItsDidKeyAndLanguage() throws {
        guard case .post(let post, let timeUs) = Self.read(Self.reply) else { Issue.record("not a post"); return }
        #expect(timeUs == 1_725_911_162_400_112)
        #expect(post.id == "bluesky:at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3l3qo2w1xyz2c")
        #expect(post.platform == .bluesky && post.source == "bsky")
        #expect(post.author.id == "did:plc:ewvi7nxzyoun6zhxrhs64oiz")
        #expect(post.text == "Agreed, their SUPPORT was useless" && post.languageHint == "en")
        #expect(post.createdAtMs == 1_725_911_162_310)
        #expect(post.url == "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/3l3qo2w1xyz2c")
        #expect(post.references.map(\.postId) == ["bluesky:at://did:plc:eygm/app.bsky.feed.post/3l3qo2vuowo2b"])
    }

    @Test func eventsWithoutANewPostOnlyMoveTheCursor() {
        let delete = #"{"did":"did:plc:a","time_us":5,"kind":"commit","commit":{"rev":"r","operation":"delete","collection":"app.bsky.feed.post","rkey":"k"}}"#
        let like = #"{"did":"did:plc:a","time_us":6,"kind":"commit","commit":{"rev":"r","operation":"create","collection":"app.bsky.feed.like","rkey":"k","record":{}}}"#
        let identity = #"{"did":"did:plc:a","time_us":7,"kind":"identity","identity":{"did":"did:plc:a","handle":"a.bsky.social"}}"#
        #expect([delete, like, identity].map { Self.read($0).timeUs } == [5, 6, 7])
        for text in [delete, like, identity] {
            guard case .passed = Self.read(text) else { Issue.record("\(text) is not passed"); continue }
        }
    }

    @Test func theKeywordFilterIsCaseInsensitiveAndPassesTheRest() {
        guard case .post = Self.read(Self.reply, keywords: ["support", "other"]) else { Issue.record("support matches SUPPORT"); return }
        guard case .passed(let timeUs) = Self.read(Self.reply, keywords: ["refund"]) else { Issue.record("refund does not match"); return }
        #expect(timeUs == 1_725_911_162_400_112)
    }

    @Test func malformedMessagesAreRejectedWithAReason() {
        let cases: [(String, String)] = [
            ("{broken", "not a JSON object"),
            ("[1,2]", "not a JSON object"),
            (#"{"did":"did:plc:a","kind":"commit"}"#, "without a positive time_us"),
            (#"{"did":"did:plc:a","time_us":"12","kind":"commit"}"#, "without a positive time_us"),
            (#"{"time_us":3,"kind":"commit"}"#, "without a did"),
            (#"{"did":"did:plc:a","time_us":3,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k"}}"#, "without a record"),
            (#"{"did":"did:plc:a","time_us":3,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k","record":{"text":"hi"}}}"#, "createdAt"),
            (String(repeating: "[", count: 10_000), "not a JSON object"),
        ]
        for (text, reason) in cases {
            guard case .rejected(let found) = Self.read(text) else { Issue.record("\(text.prefix(60)) was not rejected"); continue }
            #expect(found.contains(reason), "\(text.prefix(60)): \(found)")
        }
        var events = JetstreamEvents(sourceName: "bsky")
        guard case .rejected = events.read(message: [0x7B, 0xFF, 0xFE, 0x7D]) else { Issue.record("invalid UTF-8 was not rejected"); return }
    }

    @Test func theSubscriptionAsksForPostsFromTheCursorLessTheRewind() {
        #expect(JetstreamCursor.query(position: nil).map { "\($0.0)=\($0.1)" } == ["wantedCollections=app.bsky.feed.post"])
        #expect(JetstreamCursor.query(position: "1725911162400112").map { "\($0.0)=\($0.1)" }
                == ["wantedCollections=app.bsky.feed.post", "cursor=1725911157400112"])
        #expect(JetstreamCursor.query(position: "garbage").count == 1)
    }

    @Test func blueskySourcesReadFromTheFile() throws {
        let configuration = try SourcesConfiguration(parsing: """
            [[source]]
            name = "bsky"
            kind = "bluesky"
            [[source]]
            name = "bsky-acme"
            kind = "bluesky"
            endpoint = "ws://127.0.0.1:6008/subscribe"
            keywords = ["acme", "#acme"]
            """)
        #expect(configuration.sources.map(\.endpoint) == [
            .bluesky(endpoint: URL(string: SourcesConfiguration.defaultJetstream)!, keywords: []),
            .bluesky(endpoint: URL(string: "ws://127.0.0.1:6008/subscribe")!, keywords: ["acme", "#acme"]),
        ])
        #expect(configuration.sources[0].endpoint.cursorKey == "bluesky \(SourcesConfiguration.defaultJetstream)")
        #expect(throws: ConfigurationError.self) {
            try SourcesConfiguration(parsing: "[[source]]\nname = \"b\"\nkind = \"bluesky\"\nendpoint = \"https://jetstream.example/subscribe\"")
        }
        do {
            _ = try SourcesConfiguration(parsing: "[[source]]\nname = \"b\"\nkind = \"bluesky\"\nkeywords = [\"\"]")
            Issue.record("an empty keyword was accepted")
        } catch {
            #expect(error.line == 4)
        }
    }
}
