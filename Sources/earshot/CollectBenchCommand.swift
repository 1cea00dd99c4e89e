import ArgumentParser
import CollectService
import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import Synchronization
import ZeroMQ

/// `earshot bench collect`: one Bluesky collector process against a stand-in Jetstream that
/// replays recorded-shape events as fast as the collector takes them.
struct CollectBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Posts/s one Bluesky collector process puts into ingest, with its CPU per 1k posts and peak RSS.",
        discussion: """
            Starts a stack (ingest and query; --workers enrich and score workers too) and a stand-in Jetstream on loopback that sends the \
            events of --events (data/jetstream/events.jsonl: posts, a delete, identity and account events), each with \
            a fresh rkey and time_us, as fast as the connection takes them; runs `earshot listen bluesky` against it as \
            its own process and times the posts from the upgrade until ingest has accepted them all. Target: ≥ 20,000 posts/s.
            """
    )

    @Option(help: "Posts to send (the events between them are sent too)") var posts = 200_000
    @Option(help: "Recorded-shape Jetstream events, one JSON message a line") var events = "data/jetstream/events.jsonl"
    @Option(help: "The collector's --batch-size (posts per PublishBatch call)") var batchSize = 500
    @Option(help: "First TCP port of the stack") var basePort = 26_650
    @Option(help: "Enrich and score workers to run beside (each); 0 measures the collector into ingest alone, without the pipeline's work on the same cores")
    var workers = 0

    static let targetPostsPerSecond = 20_000.0

    func validate() throws {
        try requirePositive(["posts": posts, "batch-size": batchSize])
        guard (0...8).contains(workers) else { throw ValidationError("--workers must be 0 to 8, got \(workers)") }
    }

    func run() throws {
        let templates = try JetstreamEventTemplate.load(events)
        let messages = JetstreamEventTemplate.messages(templates, posts: posts, startUs: wallClockMicroseconds())
        let frames = JetstreamEventTemplate.frames(messages, messagesPerWrite: 500)
        print("\(posts) posts in \(messages.count) events from \(templates.count) recorded-shape events (\(events)), sent as fast as the collector reads; \(workers) enrich and \(workers) score workers running beside")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-bench-collect-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let stack = try LocalStack(executable: LocalStack.currentExecutable, directory: folder, basePort: basePort)
        try stack.start(enrich: workers, score: workers)
        defer { stack.stop() }
        try stack.waitUntilHealthy()

        let upgradedAt = Mutex<Date?>(nil)
        let server = try JetstreamReplayServer { connection in
            upgradedAt.withLock { $0 = $0 ?? Date() }
            for frame in frames where connection.writeRaw(frame) == false { return }
            connection.waitForClose(seconds: 3_600)
        }
        defer { server.stop() }
        let collector = try stack.launch("collect", ["listen", "bluesky", "--endpoint", server.url, "--name", "bench-bluesky",
                                                     "--ingest", stack.ports.ingestRPC, "--batch-size", "\(batchSize)",
                                                     "--state-directory", folder.appendingPathComponent("collect").path] + stack.securityArguments)
        let context = try Context()
        let ingest = try stack.ingestClient(context: context, clientName: "bench")
        var cpuAtStart: Double?
        var accepted: Int64 = 0
        let deadline = Date().addingTimeInterval(600)
        while accepted < Int64(posts) {
            guard collector.isRunning else { throw ValidationError("the collector exited; see \(collector.logFile.path)") }
            guard Date() < deadline else { throw ValidationError("ingest accepted \(accepted) of \(posts) posts in 600 s; see \(collector.logFile.path)") }
            if cpuAtStart == nil, upgradedAt.withLock({ $0 }) != nil { cpuAtStart = stack.cpuSeconds(collector) }
            Thread.sleep(forTimeInterval: 0.02)
            let sources = try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
            accepted = sources.first { $0.source == "bench-bluesky" }?.accepted ?? 0
        }
        let seconds = Date().timeIntervalSince(upgradedAt.withLock { $0 } ?? Date())
        let cpuSeconds = (stack.cpuSeconds(collector) ?? 0) - (cpuAtStart ?? 0)
        let peakRSS = Double(stack.peakResidentBytes(collector) ?? 0) / 1e6
        let rate = Double(posts) / seconds
        print()
        print(table(["measure", "value", "target"], [
            ["posts/s into ingest (one collector)", String(format: "%.0f", rate), String(format: "≥ %.0f", Self.targetPostsPerSecond)],
            ["collector CPU per 1k posts", String(format: "%.1f ms", cpuSeconds * 1000 / Double(posts) * 1000), ""],
            ["collector peak RSS", String(format: "%.1f MB", peakRSS), ""],
            ["wall time", String(format: "%.2f s", seconds), ""],
        ]))
        print(rate >= Self.targetPostsPerSecond ? "target met" : "target NOT met")
    }
}

/// `earshot replay-jetstream` (hidden): a stand-in Jetstream serving recorded-shape events, for
/// the compose test's fake source container. Each connection gets the events from its cursor on.
struct ReplayJetstreamCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-jetstream", abstract: "Serve recorded-shape Jetstream events over WebSocket (a stand-in for tests).",
        shouldDisplay: false)

    @Option(help: "Address to listen on") var host = "127.0.0.1"
    @Option(help: "Port to listen on") var port = 6008
    @Option(help: "Recorded-shape Jetstream events, one JSON message a line") var events = "data/jetstream/events.jsonl"
    @Option(help: "Posts to serve (the events between them are served too)") var posts = 1_000

    func run() throws {
        let templates = try JetstreamEventTemplate.load(events)
        let startUs = wallClockMicroseconds()
        let messages = JetstreamEventTemplate.messages(templates, posts: posts, startUs: startUs)
        let server = try JetstreamReplayServer(host: host, port: port) { connection in
            let from = Int((connection.cursor ?? startUs) - startUs)
            connection.send(messages: Array(messages[max(0, min(messages.count, from))...]))
            connection.waitForClose(seconds: 365 * 86_400)
        }
        print("serving \(posts) posts in \(messages.count) events on ws://\(host):\(server.port)/subscribe")
        while true { Thread.sleep(forTimeInterval: 3_600) }
    }
}

/// One recorded Jetstream event, split around its `time_us` value and its `rkey` so copies
/// with fresh ones are cheap to make.
struct JetstreamEventTemplate {
    /// The text before `time_us`'s digits, between them and the rkey's value, and after it
    /// (events without an rkey: `middle` and `rest` hold the rest, `hasKey` is false).
    var head: String, middle: String, rest: String
    var hasKey: Bool
    /// Whether the event creates a post.
    var isPost: Bool

    /// The templates of a file of events, one JSON message a line.
    static func load(_ path: String) throws -> [JetstreamEventTemplate] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
        let templates = try text.split(separator: "\n").enumerated().map { index, line -> JetstreamEventTemplate in
            let line = String(line)
            guard let time = line.range(of: #""time_us":"#), let timeEnd = line[time.upperBound...].firstIndex(where: { !$0.isNumber }) else {
                throw ValidationError("\(path): line \(index + 1) has no time_us")
            }
            let isPost = line.contains(#""operation":"create""#) && line.contains(#""collection":"app.bsky.feed.post""#)
            guard let key = line.range(of: #""rkey":""#), let keyEnd = line[key.upperBound...].firstIndex(of: "\"") else {
                return JetstreamEventTemplate(head: String(line[..<time.upperBound]), middle: String(line[timeEnd...]), rest: "", hasKey: false, isPost: false)
            }
            return JetstreamEventTemplate(head: String(line[..<time.upperBound]), middle: String(line[timeEnd..<key.upperBound]),
                                          rest: String(line[keyEnd...]), hasKey: true, isPost: isPost)
        }
        guard templates.contains(where: \.isPost) else { throw ValidationError("\(path) holds no post event") }
        return templates
    }

    /// The event with `timeUs` and, when it has one, `key`.
    func event(timeUs: Int64, key: String) -> String {
        hasKey ? head + String(timeUs) + middle + key + rest : head + String(timeUs) + middle
    }

    /// Events cycling through `templates` until `posts` posts, event i at `startUs` + i µs
    /// with the rkey "bench" + i in base 36.
    static func messages(_ templates: [JetstreamEventTemplate], posts: Int, startUs: Int64) -> [String] {
        var messages: [String] = []
        var postCount = 0
        while postCount < posts {
            let template = templates[messages.count % templates.count]
            messages.append(template.event(timeUs: startUs + Int64(messages.count), key: "bench" + String(messages.count, radix: 36)))
            if template.isPost { postCount += 1 }
        }
        return messages
    }

    /// WebSocket frames of `messages`, grouped `messagesPerWrite` to a write.
    static func frames(_ messages: [String], messagesPerWrite: Int) -> [[UInt8]] {
        stride(from: 0, to: messages.count, by: messagesPerWrite).map { start in
            messages[start..<min(messages.count, start + messagesPerWrite)].flatMap {
                JetstreamReplayConnection.frame(Array($0.utf8), opcode: 0x1, fin: true)
            }
        }
    }
}
