import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import Synchronization
import Testing
import ZeroMQ
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Mastodon server as far as the collector sees it: statuses 1001…, a REST timeline showing
/// those up to `visibleUpTo`, and one scripted behaviour per streaming connection.
final class FakeMastodon: Sendable {
    enum StreamStep: Sendable {
        case status(Int)
        case raw(String)
        case tooManyRequests(retryAfterSeconds: Int)
        case close
    }

    let visibleUpTo = Atomic<Int>(0)
    private let scripts: Mutex<[[StreamStep]]>
    /// When each streaming connection arrived, and the min_id of each REST page asked for.
    let streamConnections = Mutex<[Date]>([])
    let pageRequests = Mutex<[String]>([])

    /// `scripts` for the first streaming connections, in order; later ones stay silent.
    init(scripts: [[StreamStep]]) { self.scripts = Mutex(scripts) }

    /// Adds the script of the next streaming connection without one.
    func enqueue(_ script: [StreamStep]) { scripts.withLock { $0.append(script) } }

    static func status(_ id: Int) -> String {
        #"{"id":"\#(id)","created_at":"2026-01-01T10:00:00.000Z","url":"https://fake.example/@a/\#(id)","content":"<p>status \#(id)</p>","account":{"id":"1","acct":"a"}}"#
    }

    func serve(_ request: FakeHTTPServer.Request, _ connection: FakeHTTPConnection) {
        switch request.path {
        case "/api/v1/timelines/public":
            let minimum = Int(request.query["min_id"] ?? "") ?? 0
            pageRequests.withLock { $0.append(request.query["min_id"] ?? "") }
            let limit = Int(request.query["limit"] ?? "") ?? 20
            let ids = Array((minimum + 1)...max(minimum + 1, visibleUpTo.load(ordering: .acquiring))).filter { $0 <= visibleUpTo.load(ordering: .acquiring) }.prefix(limit)
            connection.respond(status: "200 OK", headers: ["Content-Type": "application/json"], body: "[" + ids.reversed().map(Self.status).joined(separator: ",") + "]")
        case "/api/v1/streaming/public":
            streamConnections.withLock { $0.append(Date()) }
            let script = scripts.withLock { $0.isEmpty ? [] : $0.removeFirst() }
            if case .tooManyRequests(let seconds)? = script.first {
                connection.respond(status: "429 Too Many Requests", headers: ["Retry-After": "\(seconds)"], body: "{\"error\":\"Too many requests\"}")
                return
            }
            connection.startEventStream()
            for step in script {
                switch step {
                case .status(let id): connection.write("event: update\ndata: \(Self.status(id))\n\n")
                case .raw(let text): connection.write(text)
                case .tooManyRequests: break
                case .close: return
                }
            }
            connection.holdSilently()
        default:
            connection.respond(status: "404 Not Found", body: "{}")
        }
    }
}

@Suite(.serialized) struct CollectPipelineTests {
    /// The collector's folder (config, state, log) inside the stack's folder.
    static func collectDirectory(of running: RunningStack) throws -> URL {
        let directory = running.stack.directory.appendingPathComponent("collect")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A new empty file `name` in `directory` (a process's log).
    static func emptyFile(_ name: String, in directory: URL) throws -> URL {
        let file = directory.appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        return file
    }

    /// A connection dropped mid-event, a malformed event, a 429 with Retry-After, a server
    /// restart, silence timeouts (streams left silent reconnect after 2 s) and a restart of the collector from its cursor: every status
    /// is stored exactly once.
    @Test func mastodonResumesWithoutLossOrDoubleCounting() throws {
        let running = try RunningStack(slot: 15, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let half = "event: update\ndata: " + String(FakeMastodon.status(1003).prefix(30))
        let fake = FakeMastodon(scripts: [
            [.status(1001), .status(1002), .raw("event: update\ndata: {broken\n\n"), .raw(half), .close],
            [.tooManyRequests(retryAfterSeconds: 1)],
            [.status(1005)],
        ])
        fake.visibleUpTo.store(1004, ordering: .releasing)
        // A port of the stack's slot, below the ephemeral range: the fake restarts on it below,
        // and an ephemeral port could meanwhile be taken by some outgoing connection.
        var server = try FakeHTTPServer(port: stackBasePort(15) + 47) { fake.serve($0, $1) }
        defer { server.stop() }
        let directory = try Self.collectDirectory(of: running)
        let config = directory.appendingPathComponent("sources.toml")
        try """
            state_directory = "\(directory.path)/state"
            [[source]]
            name = "masto"
            kind = "mastodon"
            instance = "\(server.url)"
            silence_seconds = 2
            """.write(to: config, atomically: true, encoding: .utf8)
        let metricsAddress = "127.0.0.1:\(stackBasePort(15) + 45)"
        func startCollector(_ log: String) throws -> Process {
            let process = Process()
            process.executableURL = earshotBinary
            process.arguments = ["collect", "--config", config.path, "--ingest", running.stack.ports.ingestRPC,
                                 "--backoff-initial", "0.05", "--backoff-maximum", "0.3", "--metrics", metricsAddress] + running.stack.securityArguments
            FileManager.default.createFile(atPath: directory.appendingPathComponent(log).path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent(log))
            try process.run()
            return process
        }
        var collector = try startCollector("collect-1.log")
        defer { if collector.isRunning { collector.terminate(); collector.waitUntilExit() } }

        // The first stream gives 1001 and 1002, a malformed event and half of 1003; the second
        // is refused with Retry-After: 1; the third fills 1003-1004 over REST and streams 1005.
        #expect(try waitForStored(5, running.query, timeoutSeconds: 30).posts == 5)
        let connections = fake.streamConnections.withLock { $0 }
        try #require(connections.count >= 3)
        #expect(connections[2].timeIntervalSince(connections[1]) >= 0.95)
        #expect(fake.pageRequests.withLock { $0 }.contains("1002"))

        // A server restart: 1006 appears while it is down, 1007 on the stream after.
        fake.visibleUpTo.store(1006, ordering: .releasing)
        fake.enqueue([.status(1007)])
        let port = server.port
        server.stop()
        Thread.sleep(forTimeInterval: 0.5)
        server = try FakeHTTPServer(port: port) { fake.serve($0, $1) }
        #expect(try waitForStored(7, running.query, timeoutSeconds: 30).posts == 7)

        // The collector stops and starts again from its cursor: 1008 came meanwhile, and the
        // stream repeats 1007 before 1009.
        collector.terminate()
        collector.waitUntilExit()
        #expect(collector.terminationStatus == 0)
        let cursor = try String(contentsOf: directory.appendingPathComponent("state/masto.cursor.json"), encoding: .utf8)
        #expect(cursor.contains(#""position":"1007""#))
        fake.visibleUpTo.store(1008, ordering: .releasing)
        fake.enqueue([.status(1007), .status(1009)])
        collector = try startCollector("collect-2.log")
        #expect(try waitForStored(9, running.query, timeoutSeconds: 30).posts == 9)
        Thread.sleep(forTimeInterval: 1)
        #expect(try overview(running.query).posts == 9)
        #expect(fake.pageRequests.withLock { $0 }.contains("1007"))

        let ingest = try running.stack.ingestClient(context: running.context)
        let sources = try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
        let masto = try #require(sources.first { $0.source == "masto" })
        #expect(masto.accepted == 9 && masto.duplicates >= 1 && masto.rejected == 1)

        let (status, metrics) = try httpGet("http://\(metricsAddress)/metrics")
        #expect(status == 200)
        #expect(metrics.contains(#"earshot_collect_connected{source="masto"}"#))
        #expect(metrics.contains(#"earshot_collect_posts_total{source="masto"} 2.0"#))
    }
}

/// An RSS feed as far as the collector sees it: a version the test changes, its ETag, and the
/// conditional headers of each poll.
final class FakeFeed: Sendable {
    /// The number of items and whether the next answer is a 429 or a broken document.
    let items = Atomic<Int>(2)
    let nextAnswer = Mutex<String?>(nil)
    let polls = Mutex<[(ifNoneMatch: String?, status: Int)]>([])

    func serve(_ request: FakeHTTPServer.Request, _ connection: FakeHTTPConnection) {
        let count = items.load(ordering: .acquiring)
        let tag = "\"v\(count)\""
        switch nextAnswer.withLock({ answer in defer { answer = nil }; return answer }) {
        case "429"?:
            polls.withLock { $0.append((request.headers["if-none-match"], 429)) }
            return connection.respond(status: "429 Too Many Requests", headers: ["Retry-After": "1"], body: "")
        case "broken"?:
            polls.withLock { $0.append((request.headers["if-none-match"], 200)) }
            return connection.respond(status: "200 OK", headers: ["Content-Type": "application/rss+xml"], body: "<rss><channel><item>")
        default: break
        }
        if request.headers["if-none-match"] == tag {
            polls.withLock { $0.append((tag, 304)) }
            return connection.respond(status: "304 Not Modified", headers: ["ETag": tag], body: "")
        }
        polls.withLock { $0.append((request.headers["if-none-match"], 200)) }
        let entries = (1...count).map { "<item><title>Story \($0)</title><link>https://news.example/\($0)</link><guid>https://news.example/\($0)</guid><pubDate>Wed, 21 Oct 2015 07:28:00 GMT</pubDate></item>" }
        connection.respond(status: "200 OK", headers: ["Content-Type": "application/rss+xml", "ETag": tag],
                           body: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>News</title>\(entries.joined())</channel></rss>")
    }
}

extension CollectPipelineTests {
    /// Conditional polls (304 while nothing changed), a 429 with Retry-After and a broken
    /// document: every entry is stored once, with platform web. The same server asked for TLS
    /// fails, and ingest's source health shows why, as the collector reported it.
    @Test func rssPollsConditionallyAndStoresEachEntryOnce() throws {
        let running = try RunningStack(slot: 15, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let feed = FakeFeed()
        let server = try FakeHTTPServer { feed.serve($0, $1) }
        defer { server.stop() }
        // Plain HTTP only: a source that asks it for TLS fails the handshake.
        let plainServer = try FakeHTTPServer(greeting: "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        defer { plainServer.stop() }
        let directory = try Self.collectDirectory(of: running)
        let logFile = try Self.emptyFile("listen.log", in: directory)
        let config = directory.appendingPathComponent("sources.toml")
        try """
            state_directory = "\(directory.path)/state"
            [[source]]
            name = "news"
            kind = "rss"
            url = "\(server.url)/feed.xml"
            interval_seconds = 1
            [[source]]
            name = "tls-news"
            kind = "rss"
            url = "\(plainServer.url.replacingOccurrences(of: "http://", with: "https://"))/feed.xml"
            interval_seconds = 1
            """.write(to: config, atomically: true, encoding: .utf8)
        let collector = Process()
        collector.executableURL = earshotBinary
        collector.arguments = ["collect", "--config", config.path, "--ingest", running.stack.ports.ingestRPC,
                               "--backoff-initial", "0.05", "--backoff-maximum", "0.3"] + running.stack.securityArguments
        collector.standardError = try FileHandle(forWritingTo: logFile)
        try collector.run()
        defer { if collector.isRunning { collector.terminate(); collector.waitUntilExit() } }

        #expect(try waitForStored(2, running.query, timeoutSeconds: 30).posts == 2)
        Thread.sleep(forTimeInterval: 2.5)
        #expect(feed.polls.withLock { $0 }.contains { $0.status == 304 && $0.ifNoneMatch == "\"v2\"" })
        feed.nextAnswer.withLock { $0 = "429" }
        while feed.nextAnswer.withLock({ $0 }) != nil { Thread.sleep(forTimeInterval: 0.1) }
        let refusedAt = Date()
        feed.nextAnswer.withLock { $0 = "broken" }
        feed.items.store(3, ordering: .releasing)
        #expect(try waitForStored(3, running.query, timeoutSeconds: 30).posts == 3)
        // Retry-After: 1 was waited out (less the 0.1 s this loop may have taken to see the 429 served).
        #expect(Date().timeIntervalSince(refusedAt) >= 0.85)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try overview(running.query).posts == 3)

        let ingest = try running.stack.ingestClient(context: running.context)
        let sources = try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
        let news = try #require(sources.first { $0.source == "news" })
        #expect(news.accepted == 3 && news.rejected == 1)
        #expect(["connected", "connecting"].contains(news.collectorState) && news.collectorLastError.isEmpty, "\(news)")
        // The same server asked for TLS: the failure is in ingest's source health, as the collector reported it.
        let tlsNews = try #require(sources.first { $0.source == "tls-news" })
        #expect(tlsNews.accepted == 0 && tlsNews.collectorReconnects >= 1, "\(tlsNews)")
        #expect(["backing_off", "connecting"].contains(tlsNews.collectorState), "\(tlsNews)")
        #expect(["ssl", "tls", "secure"].contains { tlsNews.collectorLastError.lowercased().contains($0) }, "the TLS failure: \(tlsNews.collectorLastError)")
        var search = SearchPostsRequest()
        search.platform = .web
        search.pageSize = 100
        let stored = try running.query.call(QueryMethod.searchPosts, search, as: SearchPostsResponse.self).posts
        #expect(stored.count == 3 && stored.allSatisfy { $0.post.url.hasPrefix("https://news.example/") })
    }
}

/// The status and body of `GET url` (plain HTTP on loopback).
func httpGet(_ url: String) throws -> (Int, String) {
    final class Answer: @unchecked Sendable { var status = 0, body = "" }
    let answer = Answer()
    let done = DispatchSemaphore(value: 0)
    URLSession.shared.dataTask(with: URL(string: url)!) { data, response, _ in
        answer.status = (response as? HTTPURLResponse)?.statusCode ?? 0
        answer.body = String(decoding: data ?? Data(), as: UTF8.self)
        done.signal()
    }.resume()
    guard done.wait(timeout: .now() + 10) == .success else { throw FakeServerError("no answer from \(url)") }
    return (answer.status, answer.body)
}

/// Reddit's token endpoint and a subreddit's `new` listing, two items a page, items 1…`newest`.
final class FakeReddit: Sendable {
    let newest = Atomic<Int>(3)
    let nextAnswer = Mutex<String?>(nil)
    let tokenAuthorizations = Mutex<[String]>([])
    let listingAuthorizations = Mutex<Set<String>>([])

    static func fullname(_ number: Int) -> String { "t3_" + String(1_000 + number, radix: 36) }

    func serve(_ request: FakeHTTPServer.Request, _ connection: FakeHTTPConnection) {
        switch request.path {
        case "/api/v1/access_token":
            tokenAuthorizations.withLock { $0.append(request.headers["authorization"] ?? "") }
            connection.respond(status: "200 OK", headers: ["Content-Type": "application/json"], body: #"{"access_token":"fake-token","token_type":"bearer","expires_in":3600}"#)
        case "/r/swift/new":
            listingAuthorizations.withLock { _ = $0.insert(request.headers["authorization"] ?? "") }
            if nextAnswer.withLock({ answer in defer { answer = nil }; return answer }) == "429" {
                return connection.respond(status: "429 Too Many Requests", headers: ["Retry-After": "1"], body: "")
            }
            var numbers = Array((1...newest.load(ordering: .acquiring)).reversed())
            if let after = request.query["after"], let index = numbers.firstIndex(where: { Self.fullname($0) == after }) {
                numbers = Array(numbers[(index + 1)...])
            }
            let page = numbers.prefix(2)
            let children = page.map { number in
                #"{"kind":"t3","data":{"id":"\#(Self.fullname(number).dropFirst(3))","name":"\#(Self.fullname(number))","subreddit":"swift","title":"Post \#(number)","selftext":"text \#(number)","author":"ann","created_utc":1767323045,"permalink":"/r/swift/comments/\#(number)/x/"}}"#
            }
            let after = numbers.count > 2 ? "\"\(Self.fullname(page.last!))\"" : "null"
            connection.respond(status: "200 OK", headers: ["Content-Type": "application/json", "X-Ratelimit-Remaining": "99.0", "X-Ratelimit-Reset": "60"],
                               body: #"{"kind":"Listing","data":{"after":\#(after),"children":[\#(children.joined(separator: ","))]}}"#)
        default:
            connection.respond(status: "404 Not Found", body: "{}")
        }
    }
}

extension CollectPipelineTests {
    /// App-only OAuth, paging back to the cursor, a 429 with Retry-After: every new item is
    /// stored once and none is fetched twice.
    @Test func redditPagesBackToItsCursor() throws {
        let running = try RunningStack(slot: 15, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let reddit = FakeReddit()
        let server = try FakeHTTPServer { reddit.serve($0, $1) }
        defer { server.stop() }
        let directory = try Self.collectDirectory(of: running)
        let logFile = try Self.emptyFile("collect.log", in: directory)
        try "app-secret\n".write(to: directory.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("sources.toml")
        try """
            state_directory = "\(directory.path)/state"
            [[source]]
            name = "r-swift"
            kind = "reddit"
            subreddit = "swift"
            client_id = "app-id"
            token_file = "\(directory.path)/secret"
            interval_seconds = 1
            api_url = "\(server.url)"
            token_url = "\(server.url)/api/v1/access_token"
            """.write(to: config, atomically: true, encoding: .utf8)
        let collector = Process()
        collector.executableURL = earshotBinary
        collector.arguments = ["collect", "--config", config.path, "--ingest", running.stack.ports.ingestRPC,
                               "--backoff-initial", "0.05", "--backoff-maximum", "0.3"] + running.stack.securityArguments
        collector.standardError = try FileHandle(forWritingTo: logFile)
        try collector.run()
        defer { if collector.isRunning { collector.terminate(); collector.waitUntilExit() } }

        // The first poll takes the newest page only: collection starts now.
        #expect(try waitForStored(2, running.query, timeoutSeconds: 30).posts == 2)
        reddit.newest.store(7, ordering: .releasing)
        #expect(try waitForStored(6, running.query, timeoutSeconds: 30).posts == 6)
        reddit.nextAnswer.withLock { $0 = "429" }
        reddit.newest.store(9, ordering: .releasing)
        #expect(try waitForStored(8, running.query, timeoutSeconds: 30).posts == 8)
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try overview(running.query).posts == 8)

        let ingest = try running.stack.ingestClient(context: running.context)
        let sources = try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
        let source = try #require(sources.first { $0.source == "r-swift" })
        #expect(source.accepted == 8 && source.duplicates == 0 && source.rejected == 0)
        #expect(reddit.tokenAuthorizations.withLock { $0 } == ["Basic " + Data("app-id:app-secret".utf8).base64EncodedString()])
        #expect(reddit.listingAuthorizations.withLock { $0 } == ["Bearer fake-token"])
    }
}

/// The X API v2 filtered stream: rules (one of this source's to delete, one of another tool's
/// to keep) and one scripted behaviour per stream connection.
final class FakeXStream: Sendable {
    let ruleRequests = Mutex<[String]>([])
    let streamConnections = Mutex<[Date]>([])
    private let scripts: Mutex<[[String]]>

    init(scripts: [[String]]) { self.scripts = Mutex(scripts) }

    static func post(_ id: Int) -> String {
        #"{"data":{"id":"\#(id)","text":"post \#(id)","author_id":"u1","created_at":"2026-01-01T10:00:00.000Z","edit_history_tweet_ids":["\#(id)"]},"includes":{"users":[{"id":"u1","username":"ann","name":"Ann"}]},"matching_rules":[{"id":"r9","tag":"earshot:xs"}]}"# + "\r\n"
    }

    func serve(_ request: FakeHTTPServer.Request, _ connection: FakeHTTPConnection) {
        switch request.path {
        case "/2/tweets/search/stream/rules":
            ruleRequests.withLock { $0.append(request.method + " " + request.body) }
            connection.respond(status: "200 OK", headers: ["Content-Type": "application/json"],
                               body: #"{"data":[{"id":"r1","value":"stale","tag":"earshot:xs"},{"id":"r2","value":"theirs","tag":"other"}],"meta":{"result_count":2}}"#)
        case "/2/tweets/search/stream":
            streamConnections.withLock { $0.append(Date()) }
            let script = scripts.withLock { $0.isEmpty ? [] : $0.removeFirst() }
            if script.first == "429" {
                return connection.respond(status: "429 Too Many Requests", headers: ["Retry-After": "1"], body: "")
            }
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
            for step in script {
                if step == "close" { return }
                connection.write(step)
            }
            connection.holdSilently()
        default:
            connection.respond(status: "404 Not Found", body: "{}")
        }
    }
}

extension CollectPipelineTests {
    /// Rules brought in line, a line cut by a dropped connection, a malformed line, keep-alive
    /// newlines, a 429 with Retry-After: the posts sent whole are stored once.
    @Test func xFilteredStreamSyncsRulesAndReconnects() throws {
        let running = try RunningStack(slot: 15, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let half = String(FakeXStream.post(3).prefix(40))
        let fake = FakeXStream(scripts: [
            [FakeXStream.post(1), "\r\n", "{not json\r\n", FakeXStream.post(2), half, "close"],
            ["429"],
            ["\r\n", FakeXStream.post(3), FakeXStream.post(4)],
        ])
        let server = try FakeHTTPServer { fake.serve($0, $1) }
        defer { server.stop() }
        let directory = try Self.collectDirectory(of: running)
        let logFile = try Self.emptyFile("collect.log", in: directory)
        let config = directory.appendingPathComponent("sources.toml")
        try """
            state_directory = "\(directory.path)/state"
            [[source]]
            name = "xs"
            kind = "x"
            rules = ["acme OR #acme"]
            token_env = "FAKE_X_TOKEN"
            api_url = "\(server.url)"
            silence_seconds = 30
            """.write(to: config, atomically: true, encoding: .utf8)
        let collector = Process()
        collector.executableURL = earshotBinary
        collector.arguments = ["collect", "--config", config.path, "--ingest", running.stack.ports.ingestRPC,
                               "--backoff-initial", "0.05", "--backoff-maximum", "0.3"] + running.stack.securityArguments
        collector.environment = ProcessInfo.processInfo.environment.merging(["FAKE_X_TOKEN": "x-bearer"]) { $1 }
        collector.standardError = try FileHandle(forWritingTo: logFile)
        try collector.run()
        defer { if collector.isRunning { collector.terminate(); collector.waitUntilExit() } }

        #expect(try waitForStored(4, running.query, timeoutSeconds: 60).posts == 4)
        Thread.sleep(forTimeInterval: 1)
        #expect(try overview(running.query).posts == 4)
        let connections = fake.streamConnections.withLock { $0 }
        try #require(connections.count >= 3)
        // The 429 asked for 1 s (without Retry-After the collector would wait X's documented minute).
        #expect(connections[2].timeIntervalSince(connections[1]) >= 0.95)
        let rules = fake.ruleRequests.withLock { $0 }
        #expect(rules.contains { $0.hasPrefix("POST") && $0.contains(#""delete""#) && $0.contains("r1") && !$0.contains("r2") })
        #expect(rules.contains { $0.hasPrefix("POST") && $0.contains("acme OR #acme") && $0.contains("earshot:xs") })
        let ingest = try running.stack.ingestClient(context: running.context)
        let sources = try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
        let source = try #require(sources.first { $0.source == "xs" })
        #expect(source.accepted == 4 && source.rejected == 1)
        let log = try String(contentsOf: logFile, encoding: .utf8)
        #expect(!log.contains("x-bearer"))
    }
}

@Suite struct CollectCommandTests {
    @Test func aBadSourcesFileStopsWithItsLineBeforeAnythingRuns() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sources-\(UUID().uuidString).toml")
        defer { try? FileManager.default.removeItem(at: file) }
        try "[[source]]\nname = \"a\"\nkind = \"mastodon\"\ninstance = \"https://a.example\"\ntimeline = \"home\"\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try runEarshot(["collect", "--config", file.path, "--insecure"])
        #expect(result.status != 0)
        #expect(result.errors.contains("line 5: timeline 'home' is not public, local, hashtag:TAG or list:ID"))
    }

    @Test func listenChecksItsFlagsAsTheFileWouldBe() throws {
        let result = try runEarshot(["listen", "mastodon", "--instance", "ftp://a.example", "--insecure"])
        #expect(result.status != 0)
        #expect(result.errors.contains("instance 'ftp://a.example' is not an http or https address"))
    }
}
