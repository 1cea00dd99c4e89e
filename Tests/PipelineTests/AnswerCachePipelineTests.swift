import EarshotRPC
import EarshotWire
import Foundation
import Testing

/// The query service's answer cache (Sources/Services/Query/AnswerCache.swift) in a real stack:
/// repeated reads are answered from it, and an applied batch, a new listening query and each
/// chunk of its backfill make the next read see the change.
@Suite(.serialized) struct AnswerCachePipelineTests {
    /// Posts "<prefix>-<n>" with `text`, an hour apart.
    private func posts(_ prefix: String, _ range: ClosedRange<Int>, _ text: String) -> [Post] {
        range.map { index in
            var post = Post()
            post.id = "\(prefix)-\(index)"
            post.platform = .mastodon
            post.source = "cache-test"
            post.author.id = "author-\(index % 7)"
            post.author.handle = "author\(index % 7)"
            post.text = text
            post.createdAtMs = 1_767_225_600_000 + Int64(index) * 3_600_000
            return post
        }
    }

    private func cacheHits(_ query: RPCClient) throws -> Double {
        try query.call(StatsMethod.get, StatsRequest(), as: StatsResponse.self).metrics.first { $0.name == "earshot_query_cache_hits_total" }?.value ?? 0
    }

    @Test func repeatedReadsHitTheCacheAndEveryChangeIsSeenAtOnce() throws {
        let running = try RunningStack(slot: 25, enrich: 1, score: 1, queryArguments: ["--backfill-settle-ms", "200"])
        defer { running.stack.stop() }
        let query = running.query
        _ = try running.publisher.publish(posts("gronk", 1...30, "the gronk launch was yesterday") + posts("noise", 31...40, "unrelated chatter"))
        #expect(try waitForStored(40, query, timeoutSeconds: 60).posts == 40)

        // Repeated reads: answered from the cache, the same answer each time.
        let first = try overview(query)
        let hitsBefore = try cacheHits(query)
        for _ in 0..<5 { #expect(try overview(query) == first) }
        #expect(try cacheHits(query) >= hitsBefore + 4)  // an alert stored meanwhile may cost one miss

        // A newly applied batch: polled reads (each cached in its turn) reach the new count.
        _ = try running.publisher.publish(posts("more", 41...50, "more chatter"))
        #expect(try waitForStored(50, query, timeoutSeconds: 60).posts == 50)
        #expect(try overview(query).posts == 50)

        // A new listening query with a backfill: its volume grows chunk by chunk to every match,
        // though each read in between is cached.
        var create = CreateQueryRequest()
        create.name = "Gronk"
        create.query = "gronk"
        create.backfill = true
        let gronk = try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        var scoped = OverviewRequest()
        scoped.queryId = gronk.id
        var volumes: [Int64] = []
        #expect(try poll(seconds: 30) {
            volumes.append(try query.call(QueryMethod.overview, scoped, as: OverviewResponse.self).posts)
            return volumes.last == 30
        }, "volumes read: \(volumes)")

        // Deleting the query: the cached scoped answer is not served any more.
        var delete = DeleteQueryRequest()
        delete.id = gronk.id
        _ = try query.call(ListeningMethod.deleteQuery, delete, as: DeleteQueryResponse.self)
        #expect(throws: RPCError.self) { try query.call(QueryMethod.overview, scoped, as: OverviewResponse.self) }
    }
}
