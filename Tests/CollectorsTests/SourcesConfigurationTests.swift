import Collectors
import Foundation
import Testing

@Suite struct SourcesConfigurationTests {
    @Test func aFullFileReads() throws {
        let text = """
            # Earshot sources
            state_directory = "/var/lib/earshot/collect"   # cursors
            batch_size = 1_000

            [[source]]
            name = "masto-swift"
            kind = "mastodon"
            instance = 'https://mastodon.social'
            timeline = "hashtag:swift"
            token_file = "/run/secrets/masto\\u00e9"
            silence_seconds = 120

            [[source]]
            name = "masto-local"
            kind = "mastodon"
            instance = "http://127.0.0.1:8080"
            token_env = "MASTO_TOKEN"

            [[source]]
            name = "blog"
            kind = "rss"
            url = "https://example.org/feed.xml"
            interval_seconds = 60
            """
        let configuration = try SourcesConfiguration(parsing: text)
        #expect(configuration.stateDirectory == "/var/lib/earshot/collect" && configuration.batchSize == 1_000)
        #expect(configuration.sources == [
            SourceSettings(name: "masto-swift", endpoint: .mastodon(instance: URL(string: "https://mastodon.social")!, timeline: .hashtag("swift")),
                           credential: .file("/run/secrets/mastoé"), silenceSeconds: 120),
            SourceSettings(name: "masto-local", endpoint: .mastodon(instance: URL(string: "http://127.0.0.1:8080")!, timeline: .federated),
                           credential: .environment("MASTO_TOKEN")),
            SourceSettings(name: "blog", endpoint: .feed(url: URL(string: "https://example.org/feed.xml")!, intervalSeconds: 60)),
        ])
    }

    @Test(arguments: [
        ("[[source]]\nkind = \"mastodon\"\ninstance = \"https://a.b\"", "line 1: the [[source]] at line 1 has no name"),
        ("[[source]]\nname = \"a\"\nkind = \"myspace\"", "line 3: kind 'myspace' is not one of mastodon, rss, reddit, x, bluesky"),
        ("[[source]]\nname = \"a\"\nkind = \"mastodon\"\ninstance = \"ftp://a.b\"", "line 4: instance 'ftp://a.b' is not an http or https address"),
        ("[[source]]\nname = \"a\"\nkind = \"mastodon\"\ninstance = \"https://a.b\"\ncolour = \"red\"", "line 5: unknown key colour in the [[source]] at line 1"),
        ("[[source]]\nname = \"a\"\nname = \"b\"", "line 3: name is set twice"),
        ("batch_size = 0", "line 1: batch_size must be an integer from 1 to 10000"),
        ("batch_size = \"10\"", "line 1: batch_size must be an integer from 1 to 10000"),
        ("state_directory = \"open", "line 1: state_directory: the string is not closed on its line"),
        ("[sources]", "line 1: only [[source]] tables are known, not [sources]"),
        ("x = [\"a\", 2]", "line 1: x: expected a quoted string"),
        ("x = 1 2", "line 1: unexpected 2 after the value of x"),
        ("= 3", "line 1: expected key = value, found = 3"),
        ("[[source]]\nname = \"a b\"", "line 2: name 'a b' must be 1-100 letters, digits, '.', '_' or '-'"),
        ("[[source]]\nname = \"a\"\nkind = \"mastodon\"\ninstance = \"https://a.b\"\ntoken_file = \"f\"\ntoken_env = \"E\"", "line 6: set token_file or token_env, not both"),
        ("[[source]]\nname = \"a\"\nkind = \"x\"\nrules = []", "line 4: rules must list one or more filter rules of 1-1024 bytes"),
        ("[[source]]\nname = \"a\"\nkind = \"x\"\nrules = \"acme\"", "line 4: rules must be an array of strings"),
        ("[[source]]\nname = \"a\"\nkind = \"mastodon\"\ninstance = \"https://a.b\"\ntimeline = \"home\"", "line 5: timeline 'home' is not public, local, hashtag:TAG or list:ID"),
        ("[[source]]\nname = \"a\"\nkind = \"mastodon\"\ninstance = \"https://a.b\"\n[[source]]\nname = \"a\"\nkind = \"mastodon\"\ninstance = \"https://c.d\"", "line 5: a second source named a; names must be unique"),
    ])
    func everyMistakeNamesItsLine(text: String, message: String) {
        do {
            _ = try SourcesConfiguration(parsing: text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func aRedditSourceReadsWithItsDefaults() throws {
        let text = "[[source]]\nname = \"r\"\nkind = \"reddit\"\nsubreddit = \"swift\"\nquery = \"acme phone\"\nclient_id = \"abc\"\ntoken_env = \"REDDIT_SECRET\""
        let source = try #require(try SourcesConfiguration(parsing: text).sources.first)
        guard case .reddit(let reddit) = source.endpoint else { Issue.record("not reddit: \(source)"); return }
        #expect(reddit.apiURL.absoluteString == "https://oauth.reddit.com" && reddit.intervalSeconds == 60)
        #expect(reddit.listing.path == "/r/swift/search" && reddit.listing.query.first! == ("q", "acme phone"))
        #expect(source.credential == .environment("REDDIT_SECRET"))
        #expect(throws: ConfigurationError(line: 1, "the [[source]] at line 1 (reddit) needs a subreddit, a query or both")) {
            try SourcesConfiguration(parsing: "[[source]]\nname = \"r\"\nkind = \"reddit\"\nclient_id = \"abc\"")
        }
    }

    @Test func quotedStringsReadBackAsTheyWere() throws {
        let awkward = "a\\b\"c\nd\te\u{1}f/é"
        let text = try ConfigurationText(parsing: "k = \(ConfigurationText.quoted(awkward))")
        #expect(text.topLevel.first?.value == .string(awkward))
    }
}
