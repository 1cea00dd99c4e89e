import CollectService
import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import Synchronization
import Testing
import ZeroMQ

/// A Jetstream instance as far as the collector sees it: a history of post events (post n at
/// `time_us` base + n × 10 s) that every connection first replays from the cursor asked for,
/// then one scripted behaviour per connection.
final class FakeJetstream: Sendable {
    enum Step: Sendable {
        /// Post n joins the history and is sent.
        case post(Int)
        /// Post n is sent in three fragments with a ping between them.
        case fragmented(Int)
        /// Post n joins the history, its first fragment is sent, then the connection drops.
        case cutAfterFirstFragment(Int)
        /// A text message as it is (malformed events).
        case raw(String)
        /// A text message of this many bytes.
        case oversized(Int)
        /// A close frame with code 1001 (going away).
        case closeFrame
    }

    static let baseTimeUs: Int64 = 1_767_000_000_000_000
    static func timeUs(_ n: Int) -> Int64 { baseTimeUs + Int64(n) * 10_000_000 }

    static func post(_ n: Int) -> String {
        #"{"did":"did:plc:fake\#(n % 3)","time_us":\#(timeUs(n)),"kind":"commit","commit":{"rev":"r\#(n)","operation":"create","collection":"app.bsky.feed.post","rkey":"post\#(n)","record":{"$type":"app.bsky.feed.post","createdAt":"2026-01-01T10:00:00.000Z","langs":["en"],"text":"post \#(n) about acme"},"cid":"c\#(n)"}}"#
    }

    private let history = Mutex<[Int]>([])
    private let scripts: Mutex<[[Step]]>
    private let refusals: Mutex<[Int]>
    /// The cursor each upgraded connection asked for (nil: none), in order, and when it came.
    let connections = Mutex<[(cursor: Int64?, at: Date)]>([])
    /// When each request arrived, upgraded or refused.
    let requests = Mutex<[Date]>([])

    /// `scripts` for the first upgraded connections, in order (later ones stay silent);
    /// `refusals` the request numbers (from 1) answered 429 with Retry-After: 1.
    init(scripts: [[Step]], refusals: [Int] = []) {
        self.scripts = Mutex(scripts)
        self.refusals = Mutex(refusals)
    }

    func enqueue(_ script: [Step]) { scripts.withLock { $0.append(script) } }

    /// Post n joins the history without being sent (posted while nobody listened).
    func record(_ n: Int) { history.withLock { $0.append(n) } }

    func decide(_ target: String) -> JetstreamReplayServer.Answer {
        let number = requests.withLock { $0.append(Date()); return $0.count }
        return refusals.withLock { $0.contains(number) } ? .refuse(status: 429, headers: [("Retry-After", "1")]) : .upgrade
    }

    func serve(_ connection: JetstreamReplayConnection) {
        connections.withLock { $0.append((connection.cursor, Date())) }
        let cursor = connection.cursor
        let replayed = history.withLock { $0 }.filter { n in cursor.map { Self.timeUs(n) >= $0 } ?? false }
        connection.send(messages: replayed.map(Self.post))
        for step in scripts.withLock({ $0.isEmpty ? [] : $0.removeFirst() }) {
            switch step {
            case .post(let n):
                record(n)
                connection.send(messages: [Self.post(n)])
            case .fragmented(let n):
                record(n)
                let bytes = Array(Self.post(n).utf8)
                let third = bytes.count / 3
                connection.send(Array(bytes[..<third]), opcode: 0x1, fin: false)
                connection.send(Array("ping".utf8), opcode: 0x9)
                connection.send(Array(bytes[third..<(2 * third)]), opcode: 0x0, fin: false)
                connection.send(Array(bytes[(2 * third)...]), opcode: 0x0, fin: true)
            case .cutAfterFirstFragment(let n):
                record(n)
                connection.send(Array(Self.post(n).utf8.prefix(40)), opcode: 0x1, fin: false)
                connection.drop()
                return
            case .raw(let text):
                connection.send(messages: [text])
            case .oversized(let bytes):
                connection.send(Array(repeating: UInt8(ascii: "x"), count: bytes))
            case .closeFrame:
                connection.send([0x03, 0xE9], opcode: 0x8)
                connection.waitForClose(seconds: 5)
                connection.drop()
                return
            }
        }
        connection.waitForClose(seconds: 600)
    }
}

@Suite(.serialized) struct BlueskyCollectPipelineTests {
    /// `earshot collect --config config` against `running`'s ingest, logging to `log` in `directory`.
    static func startCollector(config: URL, running: RunningStack, directory: URL, log: String, extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = earshotBinary
        process.arguments = ["collect", "--config", config.path, "--ingest", running.stack.ports.ingestRPC,
                             "--backoff-initial", "0.05", "--backoff-maximum", "0.3"] + extra + running.stack.securityArguments
        process.standardError = try FileHandle(forWritingTo: try CollectPipelineTests.emptyFile(log, in: directory))
        try process.run()
        return process
    }

    static func sources(_ running: RunningStack) throws -> [SourceHealth] {
        let ingest = try running.stack.ingestClient(context: running.context)
        return try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
    }

    /// Fragmented messages and a ping, malformed events, a connection dropped mid-message, a
    /// 429 with Retry-After, a close frame, a server restart and a collector restart from its
    /// cursor: every post is stored exactly once, with the cursor asked for on each reconnection.
    @Test func jetstreamResumesWithoutLossOrDoubleCounting() throws {
        let running = try RunningStack(slot: 27, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let fake = FakeJetstream(scripts: [
            [.post(1), .post(2), .raw("{broken"), .raw(#"{"did":"did:plc:x","kind":"commit"}"#),
             .raw(#"{"did":"did:plc:x","time_us":1767000000000001,"kind":"identity","identity":{}}"#),
             .fragmented(3), .cutAfterFirstFragment(4)],
            [.post(5), .closeFrame],
            [.post(6)],
        ], refusals: [2])
        // A port of the stack's slot, below the ephemeral range: the fake restarts on it.
        let port = stackBasePort(27) + 47
        var server = try JetstreamReplayServer(port: port, decide: { fake.decide($0) }, serve: { fake.serve($0) })
        defer { server.stop() }
        let directory = try CollectPipelineTests.collectDirectory(of: running)
        let config = directory.appendingPathComponent("sources.toml")
        try """
            state_directory = "\(directory.path)/state"
            [[source]]
            name = "bsky"
            kind = "bluesky"
            endpoint = "\(server.url)"
            silence_seconds = 30
            """.write(to: config, atomically: true, encoding: .utf8)
        var collector = try Self.startCollector(config: config, running: running, directory: directory, log: "collect-1.log")
        defer { if collector.isRunning { collector.terminate(); collector.waitUntilExit() } }

        // 1-3 on the first connection (4 cut off), the second refused with Retry-After: 1, the
        // third replays 3-4 from the cursor and sends 5 before a close frame; the fourth sends 6.
        #expect(try waitForStored(6, running.query, timeoutSeconds: 60).posts == 6)
        let requests = fake.requests.withLock { $0 }
        try #require(requests.count >= 3)
        #expect(requests[2].timeIntervalSince(requests[1]) >= 0.95)
        let cursors = fake.connections.withLock { $0 }.map(\.cursor)
        #expect(cursors.first == .some(nil))
        #expect(cursors.count >= 3 && cursors[1] == FakeJetstream.timeUs(3) - 5_000_000, "\(cursors)")

        // A server restart: 7 is posted while it is down, 8 on the stream after.
        server.stop()
        fake.record(7)
        fake.enqueue([.post(8)])
        Thread.sleep(forTimeInterval: 0.5)
        server = try JetstreamReplayServer(port: port, decide: { fake.decide($0) }, serve: { fake.serve($0) })
        #expect(try waitForStored(8, running.query, timeoutSeconds: 60).posts == 8)

        // The collector stops and starts again from its cursor (8's time): 9 came meanwhile.
        collector.terminate()
        collector.waitUntilExit()
        #expect(collector.terminationStatus == 0)
        let cursor = try String(contentsOf: directory.appendingPathComponent("state/bsky.cursor.json"), encoding: .utf8)
        #expect(cursor.contains(#""position":"\#(FakeJetstream.timeUs(8))""#), "\(cursor)")
        fake.record(9)
        collector = try Self.startCollector(config: config, running: running, directory: directory, log: "collect-2.log")
        #expect(try waitForStored(9, running.query, timeoutSeconds: 60).posts == 9)
        Thread.sleep(forTimeInterval: 1)
        #expect(try overview(running.query).posts == 9)
        #expect(fake.connections.withLock { $0 }.last?.cursor == FakeJetstream.timeUs(8) - 5_000_000)

        let source = try #require(try Self.sources(running).first { $0.source == "bsky" })
        #expect(source.accepted == 9 && source.duplicates >= 3 && source.rejected == 2, "\(source)")
        var search = SearchPostsRequest()
        search.platform = .bluesky
        search.pageSize = 100
        let stored = try running.query.call(QueryMethod.searchPosts, search, as: SearchPostsResponse.self).posts
        #expect(Set(stored.map(\.post.id)) == Set((1...9).map { "bluesky:at://did:plc:fake\($0 % 3)/app.bsky.feed.post/post\($0)" }))
        #expect(stored.allSatisfy { $0.post.author.id.hasPrefix("did:plc:fake") && $0.post.languageHint == "en" })
    }

    /// An oversized message is rejected and counted while the stream goes on, a silent server
    /// is reconnected after silence_seconds, the keyword filter keeps only matching posts (the
    /// cursor still moves past the others), and a wss:// source whose server speaks no TLS
    /// shows the TLS failure in ingest's source health.
    @Test func jetstreamSkipsOversizedMessagesAndReconnectsASilentServer() throws {
        let running = try RunningStack(slot: 28, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let fake = FakeJetstream(scripts: [
            [.post(1), .oversized(2 << 20), .post(2), .raw(FakeJetstream.post(3).replacingOccurrences(of: "about acme", with: "about nothing"))],
            [.post(4)],
        ])
        let server = try JetstreamReplayServer(decide: { fake.decide($0) }, serve: { fake.serve($0) })
        defer { server.stop() }
        let directory = try CollectPipelineTests.collectDirectory(of: running)
        let config = directory.appendingPathComponent("sources.toml")
        try """
            state_directory = "\(directory.path)/state"
            [[source]]
            name = "bsky-acme"
            kind = "bluesky"
            endpoint = "\(server.url)"
            keywords = ["ACME"]
            silence_seconds = 2
            [[source]]
            name = "bsky-tls"
            kind = "bluesky"
            endpoint = "\(server.url.replacingOccurrences(of: "ws://", with: "wss://"))"
            """.write(to: config, atomically: true, encoding: .utf8)
        let collector = try Self.startCollector(config: config, running: running, directory: directory, log: "collect.log")
        defer { if collector.isRunning { collector.terminate(); collector.waitUntilExit() } }

        #expect(try waitForStored(3, running.query, timeoutSeconds: 60).posts == 3)
        let connections = fake.connections.withLock { $0 }
        try #require(connections.count >= 2)
        // The first connection went silent after its last message; the second came after 2 s of silence.
        #expect(connections[1].at.timeIntervalSince(connections[0].at) >= 2)
        // The cursor moved past 3, which the keyword filter left out.
        #expect(connections[1].cursor == FakeJetstream.timeUs(3) - 5_000_000)
        Thread.sleep(forTimeInterval: 1)
        #expect(try overview(running.query).posts == 3)

        let sources = try Self.sources(running)
        let acme = try #require(sources.first { $0.source == "bsky-acme" })
        #expect(acme.accepted == 3 && acme.rejected == 1, "\(acme)")
        let tls = try #require(sources.first { $0.source == "bsky-tls" })
        #expect(tls.accepted == 0 && tls.collectorReconnects >= 1, "\(tls)")
        #expect(["ssl", "tls", "handshake"].contains { tls.collectorLastError.lowercased().contains($0) }, "the TLS failure: \(tls.collectorLastError)")
        #expect(try String(contentsOf: directory.appendingPathComponent("collect.log"), encoding: .utf8).contains("nothing received for 2 s"))
    }
}
