import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Testing

/// `count` posts "<prefix>-<n>" saying `text`, a minute apart from `start`.
private func emotionPosts(_ prefix: String, _ count: Int, _ text: String, start: Int64 = 1_767_225_600_000) -> [Post] {
    (1...count).map { index in
        var post = Post()
        post.id = "\(prefix)-\(index)"
        post.platform = .mastodon
        post.source = "emotion-feed"
        post.author.id = "author-\(prefix)-\(index)"
        post.author.handle = "\(prefix)\(index)"
        post.text = text
        post.createdAtMs = start + Int64(index) * 60_000
        return post
    }
}

extension PipelineTests {
    /// Emotions go from the enrich workers through the store into Overview, TimeSeries,
    /// SearchPosts, export, the `emotion:` field of listening queries and `ask overview`; other
    /// languages get none. Real processes, real sockets.
    @Test func emotionsReachStoreInsightsSearchExportQueriesAndTheCLI() throws {
        let running = try RunningStack(slot: 9, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let (stack, context, publisher, query) = (running.stack, running.context, running.publisher, running.query)
        let worker = try stack.client(stack.ports.workerControl(1), server: KeyDirectory.workerKey, context: context)

        var create = CreateQueryRequest()
        create.name = "Angry"
        create.query = "emotion:anger"
        let angryQuery = try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        create.name = "Bad"
        create.query = "emotion:rage"
        #expect(throws: RPCError.self) { try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self) }
        let deadline = Date().addingTimeInterval(10)
        while try worker.call(StatsMethod.get, StatsRequest(), as: StatsResponse.self).metrics
            .first(where: { $0.name == "earshot_enrich_listening_queries" })?.value != 1, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }

        let angry = "I am so angry and furious about this stupid update, it makes me mad every single day"
        let joyful = "I love this so much, thank you for the wonderful update, it made my day!"
        let french = "Je suis tellement en colère contre cette mise à jour, c'est vraiment honteux et inacceptable"
        _ = try publisher.publish(emotionPosts("angry", 20, angry) + emotionPosts("joy", 15, joyful) + emotionPosts("fr", 10, french))
        let overview = try waitForStored(45, query, timeoutSeconds: 60)
        #expect(overview.posts == 45)
        let counts = Dictionary(uniqueKeysWithValues: overview.emotions.map { ($0.label, $0.count) })
        #expect(counts["anger"] == 20)
        #expect(counts["joy"] == 15)
        let labelled: Int64 = overview.emotions.map(\.count).reduce(0, +)
        #expect(labelled >= 35)

        var series = TimeSeriesRequest()
        series.granularity = .hour
        let buckets = try query.call(QueryMethod.timeSeries, series, as: TimeSeriesResponse.self).buckets
        let angryInBuckets: Int64 = buckets.flatMap(\.emotions).filter { $0.label == "anger" }.map(\.count).reduce(0, +)
        #expect(angryInBuckets == 20)

        var search = SearchPostsRequest()
        search.emotion = "anger"
        search.pageSize = 100
        let found = try query.call(QueryMethod.searchPosts, search, as: SearchPostsResponse.self).posts
        #expect(found.count == 20)
        #expect(found.allSatisfy { $0.post.text == angry && $0.enrichment.emotions.labels.contains("anger") })
        search.emotion = ""
        search.textContains = "colère"
        let notEnglish = try query.call(QueryMethod.searchPosts, search, as: SearchPostsResponse.self).posts
        #expect(notEnglish.count == 10)
        #expect(notEnglish.allSatisfy { !$0.enrichment.emotions.available && $0.enrichment.emotions.labels.isEmpty })
        search.emotion = "rage"
        #expect(throws: RPCError.self) { try query.call(QueryMethod.searchPosts, search, as: SearchPostsResponse.self) }

        var volume = OverviewRequest()
        volume.queryId = angryQuery.id
        #expect(try query.call(QueryMethod.overview, volume, as: OverviewResponse.self).posts == 20)

        let endpoint = stack.ports.queryRPC
        let keys = try #require(stack.keys).path
        let table = try runEarshot(["ask", "overview", "--query", endpoint, "--keys", keys])
        #expect(table.status == 0)
        #expect(table.output.contains("emotion") && table.output.contains("anger"))
        let export = try runEarshot(["export", "--query", endpoint, "--keys", keys, "--emotion", "joy"])
        #expect(export.status == 0)
        let lines = export.output.split(separator: "\n")
        #expect(lines.count == 15)
        #expect(lines.allSatisfy { $0.contains("wonderful update") })
    }
}
