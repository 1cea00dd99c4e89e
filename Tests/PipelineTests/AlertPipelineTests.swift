import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// The alert monitor of a real query process (port slot 14).
@Suite(.serialized) struct AlertPipelineTests {
    /// Runs `earshot query` alone on slot 14's ports with `alertArguments`; returns its exit status
    /// and standard error once it exits by itself (nil if it is still running after 30 s).
    private func runQueryUntilExit(_ alertArguments: [String]) throws -> (status: Int32, errors: String)? {
        let ports = StackPorts(base: stackBasePort(14))
        let directory = stackDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = Process()
        process.executableURL = earshotBinary
        process.arguments = ["query", "--rpc", ports.queryRPC, "--collect", ports.collect, "--acks", ports.acks,
                             "--store", directory.appendingPathComponent("store.sqlite").path, "--query-set", ports.querySet,
                             "--insecure"] + alertArguments
        let errors = directory.appendingPathComponent("query.log")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        guard !process.isRunning else {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        return (process.terminationStatus, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
    }

    /// A bad `--alert-sources` endpoint or an alert PUB bind that fails stops the service with a
    /// critical log line and a non-zero exit status (a supervisor must see the failure).
    @Test func anAlertMonitorThatCannotStartStopsTheServiceWithAFailureStatus() throws {
        let badSources = try #require(try runQueryUntilExit(["--alert-sources", "not-an-endpoint", "--alerts-pub", ""]),
                                      "the query service kept running with a bad --alert-sources")
        #expect(badSources.status != 0, "\(badSources.errors)")
        #expect(badSources.errors.contains("alert monitor stopped"), "\(badSources.errors)")

        // Another socket holds the PUB endpoint: the bind fails.
        let ports = StackPorts(base: stackBasePort(14))
        let context = try Context()
        let squatter = try Socket(.pub, context: context)
        try squatter.set([.linger(0)])
        _ = try squatter.bind(ports.alerts)
        defer { squatter.close() }
        let busyPub = try #require(try runQueryUntilExit(["--alert-sources", "", "--alerts-pub", ports.alerts]),
                                   "the query service kept running without its alert PUB socket")
        #expect(busyPub.status != 0, "\(busyPub.errors)")
        #expect(busyPub.errors.contains("alert monitor stopped"), "\(busyPub.errors)")
    }

    /// One of two sources goes silent for eight hours of data time and comes back: with the source
    /// health that ingest reports (`--alert-sources`), the monitor flags the short buckets as
    /// outages and keeps them out of its baseline, so neither the drop nor the return pages; the
    /// backtest over the same stored posts, which has no source health, learns the half volume and
    /// pages at the return.
    @Test func aSourceGoingSilentIsAnOutageNotAnAlert() throws {
        let running = try RunningStack(slot: 14, enrich: 1, score: 1, ingestArguments: ["--silence-floor-ms", "1000"],
                                       queryArguments: ["--alert-grace-minutes", "30", "--alert-interval-ms", "200"])
        defer { running.stack.stop() }
        let (stack, publisher, query) = (running.stack, running.publisher, running.query)
        let ingest = try stack.ingestClient(context: running.context)
        let minute: Int64 = 60_000
        let dayStart: Int64 = 1_767_225_600_000  // 2026-01-01 00:00 UTC
        // Two feeds, three posts a minute each (30 posts per 5-minute bucket together).
        func posts(_ source: String, fromMinute: Int, toMinute: Int) -> [Post] {
            (fromMinute..<toMinute).flatMap { minuteIndex in
                (0..<3).map { index in
                    var post = Post()
                    post.id = "\(source)-\(minuteIndex)-\(index)"
                    post.platform = .x
                    post.source = source
                    post.author.id = "\(source)-author-\(minuteIndex % 97)"
                    post.text = "ordinary chatter number \(minuteIndex) about the weather"
                    post.createdAtMs = dayStart + Int64(minuteIndex) * minute + Int64(index) * 15_000
                    return post
                }
            }
        }
        func publish(_ batch: [Post]) throws {
            let sorted = batch.sorted { $0.createdAtMs < $1.createdAtMs }
            for start in stride(from: 0, to: sorted.count, by: 400) {
                _ = try publisher.publish(Array(sorted[start..<min(start + 400, sorted.count)]))
            }
        }
        func sources() throws -> [SourceHealth] {
            try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
        }
        func outageBuckets() throws -> Double {
            try query.call(StatsMethod.get, StatsRequest(), as: StatsResponse.self).metrics
                .first { $0.name == "earshot_query_alert_outage_buckets_total" }?.value ?? 0
        }

        // 16 hours of both feeds, then feed-b stops: ingest flags it silent (wall clock).
        let silenceStart = 16 * 60, silenceEnd = 24 * 60, dayEnd = 30 * 60
        var expected = posts("feed-a", fromMinute: 0, toMinute: silenceStart) + posts("feed-b", fromMinute: 0, toMinute: silenceStart)
        try publish(expected)
        #expect(try waitForStored(Int64(expected.count), query, timeoutSeconds: 180).posts == Int64(expected.count))
        var deadline = Date().addingTimeInterval(30)
        while try !sources().contains(where: { $0.source == "feed-b" && $0.silent }), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(try sources().contains { $0.source == "feed-b" && $0.silent })

        // Eight hours of feed-a alone: half the volume, judged while feed-b is silent.
        let alone = posts("feed-a", fromMinute: silenceStart, toMinute: silenceEnd)
        try publish(alone)
        expected += alone
        #expect(try waitForStored(Int64(expected.count), query, timeoutSeconds: 180).posts == Int64(expected.count))
        // Buckets up to 30 minutes (the grace) before the newest post are judged: ~7.5 hours.
        deadline = Date().addingTimeInterval(60)
        while try outageBuckets() < 80, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        #expect(try outageBuckets() >= 80, "the short buckets of the silence are outages")

        // feed-b comes back (its missing posts are lost) and both run six more hours.
        let back = posts("feed-a", fromMinute: silenceEnd, toMinute: dayEnd) + posts("feed-b", fromMinute: silenceEnd, toMinute: dayEnd)
        try publish(back)
        expected += back
        #expect(try waitForStored(Int64(expected.count), query, timeoutSeconds: 180).posts == Int64(expected.count))
        deadline = Date().addingTimeInterval(20)
        while try !sources().contains(where: { $0.source == "feed-b" && !$0.silent }), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        Thread.sleep(forTimeInterval: 3)  // a few checks of the monitor past the return

        var listed = AlertsRequest()
        listed.range = TimeRange(fromMs: dayStart, toMs: dayStart + Int64(dayEnd) * minute)
        let stored = try query.call(InsightsMethod.alerts, listed, as: AlertsResponse.self).alerts
        #expect(!stored.contains { $0.kind == .volume }, "no volume alert for the drop or the return: \(stored.map(\.id))")

        // Without source health (the backtest over the same stored posts) the half volume becomes the
        // baseline and feed-b's return pages: with a 12-hour window, since the default 24 hours
        // still hold more full hours than the eight at half volume.
        let backtest = try runEarshot(["alerts", "backtest", "--query", stack.ports.queryRPC, "--keys", try #require(stack.keys).path,
                                       "--query-id", "", "--baseline-buckets", "12",
                                       "--from", "\(dayStart)", "--to", "\(dayStart + Int64(dayEnd - 30) * minute)", "--json"])
        #expect(backtest.status == 0, "\(backtest.errors)")
        let report = try JSONSerialization.jsonObject(with: Data(backtest.output.utf8)) as? [String: Any]
        let returnStart = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(dayStart + Int64(silenceEnd) * minute) / 1000))
        let volumeAlerts = (report?["alerts"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "volume" }
        #expect(volumeAlerts.contains { ($0["bucket_start"] as? String ?? "") >= returnStart }, "\(backtest.output)")
    }
}
