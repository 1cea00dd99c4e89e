import ArgumentParser
import EarshotPostgresStore
import EarshotRPC
import EarshotStore
import EarshotWire
import EnrichService
import Foundation
import Launcher
import QueryService
import SampleData
import ScoreService
import Scoring
import Synchronization
import TextAnalysis
import ZeroMQ

/// `earshot bench store`: builds a store of generated posts through `PostStore.apply`, then
/// measures the insight RPCs of a real query process on it.
struct StoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Store apply rate, size per post, and Overview/TimeSeries/ShareOfVoice/Trending latency percentiles.",
        discussion: """
            Generates --posts posts with SampleStream over --days days (200,000 authors), enriches each distinct text once \
            with the real analyzer, scores every post with the real model, marks each post as matching the listening \
            query of every brand it names (4 queries in group "bench"), and applies them with PostStore.apply in batches \
            (durable: false unless --durable). Then starts `earshot query` on the store and, once its alert monitor has caught up with \
            the stored minutes (a one-off at start), times --calls calls of each method through its socket, over random ranges of 1 hour to the whole span, scoped to all posts, one query or the group. \
            With --store postgres://…, does the same on that PostgreSQL database (empty; the password from \
            EARSHOT_STORE_PASSWORD or the file EARSHOT_STORE_PASSWORD_FILE names) after the SQLite store, in the same run, \
            timing the reads twice: right after the load, and after VACUUM (ANALYZE).
            """
    )

    @Option(help: "Posts to store") var posts = 5_000_000
    @Option(help: "Days the posts span") var days = 30
    @Option(help: "Posts per PostStore.apply call") var batch = 20_000
    @Option(help: "Timed calls per method") var calls = 300
    @Option(help: "Store file (default: a temporary file, deleted afterwards)") var path: String?
    @Option(help: "Also measure the PostgreSQL store at this URL (an empty database), after the SQLite one") var store: String?
    @Option(help: "First TCP port for the query process") var basePort = 27_550
    @Flag(help: "fsync every batch, as the query service does (synchronous = FULL)") var durable = false

    func validate() throws {
        try requirePositive(["posts": posts, "days": days, "batch": batch, "calls": calls])
    }

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-bench-store-\(getpid())")
        let storePath = path ?? folder.appendingPathComponent("store.sqlite").path
        defer { if path == nil { try? FileManager.default.removeItem(at: folder) } }
        let startMs: Int64 = 1_790_000_000_000
        let spanMs = Int64(days) * 86_400_000
        // Closed once built (the store is a temporary), before the query process opens the file.
        let build = try buildStore(try PostStore(path: storePath, durable: durable, writerCacheMegabytes: 128), startMs: startMs, spanMs: spanMs)
        let bytes = ["", "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: storePath + $0)[.size] as? Int }.reduce(0, +)
        printBuild("SQLite", "PostStore.apply", build, bytes: bytes)
        try measureQueries(store: storePath, startMs: startMs, spanMs: spanMs, queryIDs: build.queryIDs)
        guard let store else { return }
        print()
        let location = try PostgresLocation(url: store, password: PostgresLocation.password(environment: ProcessInfo.processInfo.environment))
        let postgres = PostgresStore(location: location)
        defer { postgres.close() }
        guard try postgres.postCount() == 0 else { throw ValidationError("--store \(location) holds posts already: give an empty database") }
        var postgresBuild = try buildStore(postgres, startMs: startMs, spanMs: spanMs)
        printBuild("PostgreSQL", "PostgresStore.apply", postgresBuild, bytes: try postgres.databaseBytes())
        print("reads right after the load, while autovacuum works through the new rows:")
        try measureQueries(store: store, startMs: startMs, spanMs: spanMs, queryIDs: postgresBuild.queryIDs)
        let vacuumStarted = Date()
        try postgres.vacuumAnalyze()
        print(String(format: "reads after VACUUM (ANALYZE), as after any bulk load (it took %.1f s):", Date().timeIntervalSince(vacuumStarted)))
        try measureQueries(store: store, startMs: startMs, spanMs: spanMs, queryIDs: postgresBuild.queryIDs)
        print()
        try measureWriterUnderReads(postgres, url: store, feed: &postgresBuild.feed, startMs: startMs, spanMs: spanMs)
    }

    /// Prints what building the `backend` store took.
    private func printBuild(_ backend: String, _ apply: String, _ build: Build, bytes: Int) {
        print(table(["build (\(backend))", "value"], [
            ["posts stored", "\(build.posts)"],
            ["apply (\(apply), batches of \(batch)\(durable ? ", durable" : ""))", String(format: "%.1f s = %.0f posts/s", build.applySeconds, Double(build.posts) / build.applySeconds)],
            ["generate + enrich + score", String(format: "%.1f s", build.generateSeconds)],
            ["store size", String(format: "%.2f GB = %.0f bytes/post", Double(bytes) / 1e9, Double(bytes) / Double(build.posts))],
        ]))
        print()
    }

    private struct Build {
        var posts = 0
        var applySeconds = 0.0
        var generateSeconds = 0.0
        var queryIDs: [String] { feed.brandQueries.map(\.id) }
        /// The stream the store was built from, to go on with.
        var feed: BenchFeed
    }

    /// Generated posts as the benchmark stores them, one stream: each distinct text enriched
    /// once with the real analyzer, every post scored with the real model and marked as
    /// matching the listening query of every brand it names.
    struct BenchFeed {
        var stream: SampleStream
        let brandQueries: [(name: String, id: String)]
        let nowMs: Int64
        private let analyzer = TextAnalyzer()
        private let model = ScoringModel()
        private var enrichments: [String: Enrichment] = [:]

        init(stream: SampleStream, brandQueries: [(name: String, id: String)], nowMs: Int64) {
            self.stream = stream
            self.brandQueries = brandQueries
            self.nowMs = nowMs
        }

        /// The next `count` posts of the stream, enriched and scored.
        mutating func next(_ count: Int) throws -> [ScoredPost] {
            var pipeline = PipelineBatch(posts: stream.next(count).map { post in
                var item = PipelinePost()
                item.post = post
                if let cached = enrichments[post.text] {
                    item.enrichment = cached
                } else {
                    var single = PipelineBatch(posts: [item])
                    EnrichService.enrich(&single, analyzer: analyzer)
                    item.enrichment = single.posts[0].enrichment
                    enrichments[post.text] = item.enrichment
                }
                item.enrichment.matchedQueryIds = brandQueries.filter { post.text.contains($0.name) }.map(\.id)
                return item
            })
            ScoreService.score(&pipeline, model: model, nowMillis: nowMs)
            return try ScoredPost.batch(pipeline.posts)
        }
    }

    private func buildStore(_ store: some PostWriter & ListeningQueryStore, startMs: Int64, spanMs: Int64) throws -> Build {
        var brandQueries: [(name: String, id: String)] = []
        for brand in SampleStream.brands {
            let saved = try store.createListeningQuery(name: brand.name, group: "bench", query: brand.name, backfillState: "", nowMs: startMs)
            brandQueries.append((brand.name, saved.id))
        }
        let stream = SampleStream(seed: 7, startMs: startMs, spanMs: spanMs, expectedCount: posts, authorCount: 200_000)
        var result = Build(feed: BenchFeed(stream: stream, brandQueries: brandQueries, nowMs: startMs + spanMs))
        while result.posts < posts {
            let generated = Date()
            let batch = try result.feed.next(min(self.batch, posts - result.posts))
            let applied = Date()
            result.generateSeconds += applied.timeIntervalSince(generated)
            result.posts += try store.apply(batch).inserted
            result.applySeconds += Date().timeIntervalSince(applied)
            if result.posts % 500_000 < self.batch {
                printError("  \(result.posts) posts, \(Int(Double(result.posts) / result.applySeconds)) posts/s applying")
            }
        }
        return result
    }

    /// How much a reader's load slows the writer: the store's apply rate for the next posts of
    /// the stream alone, then for as many more while a `query --role reader` process answers
    /// Overview and minute TimeSeries calls in a loop from another thread.
    private func measureWriterUnderReads(_ store: PostgresStore, url: String, feed: inout BenchFeed, startMs: Int64, spanMs: Int64) throws {
        let count = max(batch, min(posts / 5, 200_000))
        func timedApply() throws -> Double {
            var batches: [[ScoredPost]] = []
            for start in stride(from: 0, to: count, by: batch) { batches.append(try feed.next(min(batch, count - start))) }
            let started = Date()
            for posts in batches { _ = try store.apply(posts) }
            return Double(count) / Date().timeIntervalSince(started)
        }
        let alone = try timedApply()
        let reader = try QueryProcess(store: url, role: "reader", ports: StackPorts(base: basePort))
        defer { reader.stop() }
        let load = ReadLoad()
        let endpoint = reader.endpoint
        let readerThread = Thread {
            guard let context = try? Context(),
                  let client = try? RPCClient(endpoint: endpoint, context: context, clientName: "bench-reads") else { return }
            var random = SplitMix64(seed: 5)
            var call = 0
            while !load.stop.load(ordering: .relaxed) {
                let length = Int64(3_600_000) * Int64(1 + random.next(below: 24))
                let from = startMs + Int64(random.next(below: Int(max(1, spanMs - length))))
                let range = TimeRange(fromMs: from, toMs: from + length)
                call += 1
                if call % 2 == 0 {
                    var request = OverviewRequest()
                    request.range = range
                    guard (try? client.call(QueryMethod.overview, request, as: OverviewResponse.self)) != nil else { continue }
                } else {
                    var request = TimeSeriesRequest()
                    request.range = range
                    request.granularity = .minute
                    guard (try? client.call(QueryMethod.timeSeries, request, as: TimeSeriesResponse.self)) != nil else { continue }
                }
                load.answered.add(1, ordering: .relaxed)
            }
        }
        readerThread.start()
        let readsStarted = Date()
        let underReads = try timedApply()
        let readSeconds = Date().timeIntervalSince(readsStarted)
        load.stop.store(true, ordering: .relaxed)
        let calls = load.answered.load(ordering: .relaxed)
        print(table(["writer under a reader's load (PostgreSQL)", "value"], [
            ["apply alone (\(count) posts, batches of \(batch))", String(format: "%.0f posts/s", alone)],
            ["apply while a reader answers Overview + minute TimeSeries", String(format: "%.0f posts/s (%.0f %% of alone)", underReads, 100 * underReads / alone)],
            ["reader calls answered meanwhile", String(format: "%d (%.0f calls/s)", calls, Double(calls) / readSeconds)],
        ]))
    }

    private func measureQueries(store: String, startMs: Int64, spanMs: Int64, queryIDs: [String]) throws {
        let query = try QueryProcess(store: store, role: "all", ports: StackPorts(base: basePort))
        defer { query.stop() }
        let catchUpStarted = Date()
        try query.waitForAlertCatchUp()
        print(String(format: "(timed once the query process's alert monitor caught up with the stored minutes: %.1f s after it served)",
                     Date().timeIntervalSince(catchUpStarted)))
        let client = query.client
        var random = SplitMix64(seed: 99)
        let lengths: [Int64] = [3_600_000, 6 * 3_600_000, 86_400_000, 7 * 86_400_000, spanMs]
        /// A random range of a random length, at a random millisecond (unaligned edges).
        func randomRange(maxLength: Int64 = .max) -> TimeRange {
            let length = min(lengths[random.next(below: lengths.count)], maxLength, spanMs)
            let from = startMs + Int64(random.next(below: Int(spanMs - length + 1)))
            return TimeRange(fromMs: from, toMs: from + length)
        }
        /// All posts, one query, or the group, in turn.
        func scope(_ call: Int) -> (queryID: String, group: String) {
            switch call % 3 {
            case 0: return ("", "")
            case 1: return (queryIDs[call % queryIDs.count], "")
            default: return ("", "bench")
            }
        }
        var rows: [[String]] = []
        func time(_ name: String, _ body: (Int) throws -> Void) throws {
            var latencies: [Double] = []
            for call in 0..<calls {
                let started = monotonicMilliseconds()
                try body(call)
                latencies.append(Double(monotonicMilliseconds() - started))
            }
            latencies.sort()
            func percentile(_ fraction: Double) -> String { String(format: "%.0f ms", latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))]) }
            rows.append([name, "\(calls)", percentile(0.5), percentile(0.99), String(format: "%.0f ms", latencies.last ?? 0)])
        }
        try time("Overview") { call in
            var request = OverviewRequest()
            request.range = randomRange()
            (request.queryId, request.group) = scope(call)
            _ = try client.call(QueryMethod.overview, request, as: OverviewResponse.self)
        }
        try time("TimeSeries (hour)") { call in
            var request = TimeSeriesRequest()
            request.range = randomRange()
            request.granularity = .hour
            (request.queryId, request.group) = scope(call)
            _ = try client.call(QueryMethod.timeSeries, request, as: TimeSeriesResponse.self)
        }
        try time("TimeSeries (minute, ≤ 1 day)") { call in
            var request = TimeSeriesRequest()
            request.range = randomRange(maxLength: 86_400_000)
            request.granularity = .minute
            (request.queryId, request.group) = scope(call)
            _ = try client.call(QueryMethod.timeSeries, request, as: TimeSeriesResponse.self)
        }
        try time("ShareOfVoice (group)") { _ in
            var request = ShareOfVoiceRequest()
            request.range = randomRange()
            request.group = "bench"
            _ = try client.call(InsightsMethod.shareOfVoice, request, as: ShareOfVoiceResponse.self)
        }
        try time("Trending (≤ 1 day vs 24 windows)") { call in
            var request = TrendingRequest()
            request.range = randomRange(maxLength: 86_400_000)
            request.kind = [TrendKind.hashtag, .term, .domain, .mention][call % 4]
            (request.queryId, request.group) = scope(call)
            _ = try client.call(InsightsMethod.trending, request, as: TrendingResponse.self)
        }
        print(table(["method (through the socket)", "calls", "p50", "p99", "max"], rows))
    }
}

/// An `earshot query` process of the benchmark on a store, serving on loopback (insecure: a
/// loopback store benchmark), with a client that has seen it serving.
private struct QueryProcess {
    let process = Process()
    let endpoint: String
    let context: Context
    let client: RPCClient

    init(store: String, role: String, ports: StackPorts) throws {
        endpoint = ports.queryRPC
        process.executableURL = LocalStack.currentExecutable
        process.arguments = ["query", "--role", role, "--rpc", ports.queryRPC, "--collect", ports.collect, "--acks", ports.acks,
                             "--store", store, "--query-set", ports.querySet, "--alerts-pub", ports.alerts, "--alert-sources", "", "--insecure"]
        try process.run()
        do {
            context = try Context()
            client = try RPCClient(endpoint: ports.queryRPC, context: context, clientName: "bench")
        } catch {
            process.terminate()
            throw error
        }
        let deadline = Date().addingTimeInterval(120)
        while (try? client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMilliseconds: 1_000))?.status != .serving {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw StackError("query process (\(role)) not serving on \(ports.queryRPC)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// Waits until the process's alert monitor finished its first check, which judges every
    /// minute stored before it started: that catch-up is a one-off of a service's start, and
    /// timed calls should meet the store as a running service leaves it.
    func waitForAlertCatchUp() throws {
        let deadline = Date().addingTimeInterval(1_800)
        while true {
            let stats = try client.call(StatsMethod.get, StatsRequest(), as: StatsResponse.self)
            if let checks = stats.metrics.first(where: { $0.name == AlertMonitorConfiguration.checksMetric }), checks.value >= 1 { return }
            guard Date() < deadline, process.isRunning else {
                stop()
                throw StackError("the query process's alert monitor did not finish its first check on \(endpoint)")
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// The reads loop's stop flag and count of answered calls, shared with its thread.
private final class ReadLoad: Sendable {
    let stop = Atomic(false)
    let answered = Atomic(0)
}
