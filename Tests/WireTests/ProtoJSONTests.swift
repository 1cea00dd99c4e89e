import Foundation
import Testing
@testable import EarshotWire

@Suite struct ProtoJSONTests {
    @Test func decodingAParsedObjectEqualsDecodingItsText() throws {
        let text = ProtoJSON.encode(samplePost())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let fromObject = try ProtoJSON.decode(Post.self, from: object)
        #expect(fromObject == samplePost())
        #expect(try ProtoJSON.decode(Post.self, from: Data(text.utf8)) == fromObject)
    }

    @Test(arguments: [
        ("x", Platform.x), ("mastodon", .mastodon), ("MASTODON", .mastodon), ("PLATFORM_X", .x),
        ("platform_x", .x), ("PLATFORM_BLUESKY", .bluesky), ("other", .other), ("PLATFORM_UNSPECIFIED", .unspecified),
    ])
    func enumNamesAndProtoValueNamesDecode(name: String, platform: Platform) throws {
        let post = try ProtoJSON.decode(Post.self, from: ["platform": name])
        #expect(post.platform == platform)
    }

    @Test func camelCaseAndProtoNamesOfTwoWordCasesDecode() throws {
        for name in ["replyTo", "REPLY_TO", "reply_to", "KIND_REPLY_TO", "kind_reply_to"] {
            let reference = try ProtoJSON.decode(Reference.self, from: ["kind": name])
            #expect(reference.kind == .replyTo, "\(name)")
        }
        let alert = try ProtoJSON.decode(Alert.self, from: ["kind": "ALERT_KIND_NEGATIVE_SENTIMENT"])
        #expect(alert.kind == .negativeSentiment)
    }

    @Test(arguments: ["linux", "another", "xx", "PLATFORM_", "KIND_X", "mastodonx", ""])
    func namesThatOnlyEndLikeACaseAreErrors(name: String) {
        #expect(throws: ProtoJSON.DecodingProblem.self) { try ProtoJSON.decode(Post.self, from: ["platform": name]) }
    }

    @Test func anUnknownNameSaysWhereAndWhatIsExpected() {
        #expect(throws: ProtoJSON.DecodingProblem(path: "platform", message: "unknown value 'linux'; expected one of unspecified, x, mastodon, reddit, bluesky, other, web")) {
            try ProtoJSON.decode(Post.self, from: Data(#"{"platform":"linux"}"#.utf8))
        }
    }
}

@Suite struct PostValidationTests {
    @Test func aNULCharacterInAPackedStringIsAProblem() {
        let fields: [(WritableKeyPath<Post, String>, String)] = [
            (\.id, "id"), (\.text, "text"), (\.author.id, "author id"), (\.author.handle, "author handle"),
            // Found by fuzzing (Fuzz/Corpus/csv-posts/nul-in-language-hint.csv): these passed and arrived cut short.
            (\.author.displayName, "author display name"), (\.source, "source"), (\.url, "url"), (\.languageHint, "language hint"),
        ]
        #expect(samplePost().validationProblem == nil)
        for (field, name) in fields {
            var post = samplePost()
            post[keyPath: field] += "\u{0}tail"
            let problem = post.validationProblem
            #expect(problem?.hasPrefix("\(name) of post ") == true, "\(name)")
            #expect(problem?.contains("contains a NUL character (U+0000)") == true, "\(name)")
        }
    }

    @Test func aNULCharacterInAReferencedPostIdIsAProblem() {
        var post = samplePost()
        var reference = Reference()
        reference.kind = .replyTo
        reference.postId = "x:2\u{0}b"
        post.references = [reference]
        #expect(post.validationProblem?.hasPrefix("reference post id of post ") == true)
    }

    @Test func theProblemShowsTheNULInTheId() {
        var post = samplePost()
        post.id = "x:1\u{0}a"
        #expect(post.validationProblem?.hasPrefix(#"id of post x:1\u0000a contains"#) == true)
    }
}
