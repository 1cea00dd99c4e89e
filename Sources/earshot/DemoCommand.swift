import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import SampleData
import ZeroMQ

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline locally on a sample stream and print an insight report.",
        discussion: "Starts ingest, enrich, score and query as separate processes on 127.0.0.1, publishes a generated day of posts about four brands through ingest, waits until every post is stored, reads the report back over the RPC API, and stops the services."
    )

    @Option(help: "Posts in the sample stream") var posts = 20_000
    @Option(help: "Enrich worker processes") var enrich = 2
    @Option(help: "Score worker processes") var score = 2
    @Option(help: "First TCP port of the stack (it uses the next 30)") var basePort = 25_550
    @Option(help: "Where the journal, store and service logs go (default: a new temporary folder)") var directory: String?

    func validate() throws {
        try requirePositive(["posts": posts, "enrich": enrich, "score": score])
    }

    func run() throws {
        let folder = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("earshot-demo-\(getpid())")
        let stack = try LocalStack(executable: LocalStack.currentExecutable, directory: folder, basePort: basePort)
        print("Starting ingest, \(enrich) enrich, \(score) score and query (data and logs in \(folder.path))…")
        try stack.start(enrich: enrich, score: score)
        defer { stack.stop() }
        try stack.waitUntilHealthy()

        let context = try Context()
        let publisher = Publisher(client: try stack.ingestClient(context: context, clientName: "demo"))
        let query = try stack.queryClient(context: context, clientName: "demo")
        // One listening query per brand, in one group, so share of voice can compare them.
        var queryNames: [String: String] = [:]
        for brand in SampleStream.brands {
            var create = CreateQueryRequest()
            create.name = brand.name
            create.group = "brands"
            create.query = "\(brand.name.lowercased()) OR #\(brand.hashtag) OR @\(brand.handle)"
            let saved = try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
            queryNames[saved.id] = brand.name
            print("listening query \(saved.id) \(brand.name): \(saved.query)")
        }
        Thread.sleep(forTimeInterval: 1.5)  // the query set reaches the enrich workers (published every second)
        let now = wallClockMilliseconds()
        var stream = SampleStream(seed: 7, startMs: now - 86_400_000, spanMs: 86_400_000, expectedCount: posts)
        let started = Date()
        var published = 0
        while published < posts {
            let batch = stream.next(min(500, posts - published))
            _ = try publisher.publish(batch)
            published += batch.count
            if published % 5_000 == 0 || published == posts { print("published \(published)/\(posts)") }
        }
        var overview = OverviewResponse()
        while overview.posts < posts {
            guard Date().timeIntervalSince(started) < 300 else {
                throw StackError("only \(overview.posts) of \(posts) posts stored after 300 s; see the logs in \(folder.path)")
            }
            Thread.sleep(forTimeInterval: 0.2)
            overview = try query.call(QueryMethod.overview, OverviewRequest(), as: OverviewResponse.self)
        }
        let seconds = Date().timeIntervalSince(started)
        print("\n\(posts) posts through the pipeline in \(String(format: "%.1f", seconds)) s (\(Int(Double(posts) / seconds)) posts/s, debug builds are slower)\n")

        print("== Overview (last 24 h) ==")
        print(Report.overview(overview))
        var tags = TopHashtagsRequest()
        tags.limit = 8
        print("\n== Top hashtags ==")
        print(Report.hashtags(try query.call(QueryMethod.topHashtags, tags, as: TopHashtagsResponse.self)))
        var series = TimeSeriesRequest()
        series.granularity = .hour
        series.range = TimeRange(fromMs: now - 6 * 3_600_000, toMs: 0)
        print("\n== Volume per hour (last 6 h) ==")
        print(Report.timeSeries(try query.call(QueryMethod.timeSeries, series, as: TimeSeriesResponse.self)))
        var voice = ShareOfVoiceRequest()
        voice.group = "brands"
        let shares = try query.call(InsightsMethod.shareOfVoice, voice, as: ShareOfVoiceResponse.self).shares
        print("\n== Share of voice (group \"brands\") ==")
        print(table(["brand", "mentions", "share", "reach share"], shares.map { share in
            [queryNames[share.queryId] ?? share.queryId, "\(share.mentions)",
             String(format: "%.1f%%", share.mentionShare * 100), String(format: "%.1f%%", share.reachShare * 100)]
        }))
        var care = CareQueueRequest()
        care.pageSize = 5
        print("\n== Care queue (highest priority first) ==")
        print(Report.posts(SearchPostsResponse(carePage: try query.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self))))
        print("\nStopping the services (SIGTERM, graceful drain)…")
    }
}
