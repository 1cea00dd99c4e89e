import ArgumentParser
import EarshotPostgresStore
import EarshotRPC
import EarshotStore
import EarshotWire
import EnrichService
import Foundation
import Launcher
import SampleData
import ScoreService
import Scoring
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
            (durable: false unless --durable). Then starts `earshot query` on the store and times --calls calls of each method through \
            its socket, over random ranges of 1 hour to the whole span, scoped to all posts, one query or the group. \
            With --store postgres://…, does the same on that PostgreSQL database (empty; the password from \
            EARSHOT_STORE_PASSWORD or the file EARSHOT_STORE_PASSWORD_FILE names) after the SQLite store, in the same run.
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
        let postgresBuild = try buildStore(postgres, startMs: startMs, spanMs: spanMs)
        printBuild("PostgreSQL", "PostgresStore.apply", postgresBuild, bytes: try postgres.databaseBytes())
        try measureQueries(store: store, startMs: startMs, spanMs: spanMs, queryIDs: postgresBuild.queryIDs)
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
        var queryIDs: [String] = []
    }

    private func buildStore(_ store: some PostWriter & ListeningQueryStore, startMs: Int64, spanMs: Int64) throws -> Build {
        var result = Build()
        var brandQueries: [(name: String, id: String)] = []
        for brand in SampleStream.brands {
            let saved = try store.createListeningQuery(name: brand.name, group: "bench", query: brand.name, backfillState: "", nowMs: startMs)
            brandQueries.append((brand.name, saved.id))
        }
        result.queryIDs = brandQueries.map(\.id)
        var stream = SampleStream(seed: 7, startMs: startMs, spanMs: spanMs, expectedCount: posts, authorCount: 200_000)
        let analyzer = TextAnalyzer()
        let model = ScoringModel()
        var enrichments: [String: Enrichment] = [:]
        while result.posts < posts {
            let generated = Date()
            var pipeline = PipelineBatch(posts: stream.next(min(batch, posts - result.posts)).map { post in
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
            ScoreService.score(&pipeline, model: model, nowMillis: startMs + spanMs)
            let applied = Date()
            result.generateSeconds += applied.timeIntervalSince(generated)
            result.posts += try store.apply(ScoredPost.batch(pipeline.posts)).inserted
            result.applySeconds += Date().timeIntervalSince(applied)
            if result.posts % 500_000 < batch {
                printError("  \(result.posts) posts, \(Int(Double(result.posts) / result.applySeconds)) posts/s applying")
            }
        }
        return result
    }

    private func measureQueries(store: String, startMs: Int64, spanMs: Int64, queryIDs: [String]) throws {
        let ports = StackPorts(base: basePort)
        let process = Process()
        process.executableURL = LocalStack.currentExecutable
        process.arguments = ["query", "--rpc", ports.queryRPC, "--collect", ports.collect, "--acks", ports.acks, "--store", store,
                             "--query-set", ports.querySet, "--alerts-pub", ports.alerts, "--alert-sources", "", "--insecure"]
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let context = try Context()
        let client = try RPCClient(endpoint: ports.queryRPC, context: context, clientName: "bench")  // insecure: a loopback store benchmark
        let deadline = Date().addingTimeInterval(120)
        while (try? client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMilliseconds: 1_000))?.status != .serving {
            guard Date() < deadline, process.isRunning else { throw StackError("query process not serving on \(ports.queryRPC)") }
            Thread.sleep(forTimeInterval: 0.2)
        }
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
