import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Launcher
import PostgresTestSupport
import SampleData
import Testing
import ZeroMQ

/// Several query processes over one PostgreSQL store, and the store lost mid-stream (port slot 20;
/// skipped without PostgreSQL 15, unless EARSHOT_REQUIRE_POSTGRES=1).
@Suite(.serialized, .enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
struct PostgresScalingPipelineTests {
    /// One writer (`query --role writer`) and two stateless readers (`--role reader`): every reader
    /// answers the same exact figures, a listening query created on a reader is published by the
    /// writer's feed and backfilled by the writer, and a killed reader or writer loses nothing.
    @Test func readersAnswerWhatTheWriterStored() throws {
        let store = try PostgresTestCluster.shared.get().newDatabase()
        let running = try RunningStack(slot: 20, enrich: 1, score: 1, ingestArguments: ["--redelivery-ms", "2000"],
                                       queryArguments: ["--store", store, "--role", "writer"])
        defer { running.stack.stop() }
        let (stack, context, publisher, writer) = (running.stack, running.context, running.publisher, running.query)
        let readers = try (1...2).map { (n) throws -> RPCClient in
            try stack.addQueryReader(n, store: store)
            return try stack.client(stack.ports.queryReader(n), server: KeyDirectory.queryKey, context: context)
        }
        for reader in readers { #expect(try waitUntilServing(reader, seconds: 60)) }
        // The writer applies; reads are the readers'.
        #expect(throws: RPCError.self) { try overview(writer) }

        var stream = SampleStream(seed: 20, expectedCount: 3_000)
        let posts = stream.next(3_000)
        #expect(try publisher.publish(Array(posts.prefix(1_500))).accepted == 1_500)
        #expect(try waitForStored(1_500, readers[0], timeoutSeconds: 90).posts == 1_500)

        // A listening query created on a reader: the writer backfills it and its feed reaches the workers.
        var create = CreateQueryRequest()
        create.name = "Refunds"
        create.group = "care"
        create.query = "refund"
        create.backfill = true
        let refunds = try readers[1].call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        #expect(refunds.backfillState == "pending")
        var list = ListQueriesRequest()
        list.group = "care"
        let backfilled = try poll(seconds: 60) {
            try readers[0].call(ListeningMethod.listQueries, list, as: ListQueriesResponse.self).queries.first?.backfillState == "done"
        }
        #expect(backfilled)

        // Mid-stream, a reader and the writer are killed; the writer comes back, the reader stays away.
        #expect(try publisher.publish(Array(posts[1_500..<2_500])).accepted == 1_000)
        let writerMember = try #require(stack.member("query"))
        stack.kill(writerMember)
        try stack.restart(writerMember)
        try stack.waitUntilHealthy(timeoutSeconds: 90)
        stack.kill(try #require(stack.member("query-reader-2")))
        #expect(try publisher.publish(Array(posts[2_500...])).accepted == 500)
        #expect(try publisher.publish(Array(posts.prefix(300))).duplicates == 300)
        #expect(try waitForStored(3_000, readers[0], timeoutSeconds: 120).posts == 3_000)
        Thread.sleep(forTimeInterval: 4)  // redeliveries in flight must not count twice

        try stack.restart(try #require(stack.member("query-reader-2")))
        #expect(try waitUntilServing(readers[1], seconds: 60))
        let figures = try readers.map(overview)
        #expect(figures[0] == figures[1])
        #expect(figures[0].posts == 3_000)
        #expect(figures[0].uniqueAuthors == Int64(Set(posts.map(\.author.id)).count))
        // Posts matched live (after the feed reached the worker) and by the backfill count once each.
        var scoped = OverviewRequest()
        scoped.queryId = refunds.id
        let refundPosts = try readers.map { try $0.call(QueryMethod.overview, scoped, as: OverviewResponse.self).posts }
        #expect(refundPosts[0] == refundPosts[1])
        #expect(refundPosts[0] == Int64(posts.filter { $0.text.lowercased().contains("refund") }.count))
    }

    /// PostgreSQL stops (its own cluster) while posts flow and starts again: meanwhile the writer
    /// acknowledges nothing, Health answers NOT_SERVING and reads UNAVAILABLE, on the
    /// single process and on a stateless reader (`--role reader`) alike, and Health answers
    /// SERVING again once the server is back; ingest keeps the
    /// posts and redelivers them, and every acknowledged post is stored exactly once.
    @Test func postsPublishedWhilePostgresIsDownArriveOnceWhenItIsBack() throws {
        let cluster = try PostgresTestCluster.dedicated()
        let store = try cluster.createDatabase("lost_mid_stream")
        let running = try RunningStack(slot: 20, enrich: 1, score: 1, ingestArguments: ["--redelivery-ms", "2000"],
                                       queryArguments: ["--store", store])
        defer { running.stack.stop() }
        let (publisher, query) = (running.publisher, running.query)
        try running.stack.addQueryReader(1, store: store)
        let reader = try running.stack.client(running.stack.ports.queryReader(1), server: KeyDirectory.queryKey, context: running.context)
        #expect(try waitUntilServing(reader, seconds: 60))
        var stream = SampleStream(seed: 21, expectedCount: 3_000)
        let posts = stream.next(3_000)
        #expect(try publisher.publish(Array(posts.prefix(1_000))).accepted == 1_000)
        #expect(try publisher.publish(Array(posts[1_000..<1_500])).accepted == 500)
        try cluster.pause()  // while the second part is still on its way
        #expect(try publisher.publish(Array(posts[1_500..<2_500])).accepted == 1_000)
        for (name, client) in [("query", query), ("reader", reader)] {
            #expect(try poll(seconds: 30) {
                (try? client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMilliseconds: 2_000).status) == .notServing
            }, "\(name) is not NOT_SERVING")
            do {
                _ = try overview(client)
                Issue.record("\(name): an overview answered while PostgreSQL was down")
            } catch let error as RPCError {
                #expect(error.code == .unavailable, "\(name): \(error)")
            }
        }

        try cluster.resume()
        #expect(try publisher.publish(Array(posts[2_500...])).accepted == 500)
        #expect(try waitUntilServing(query, seconds: 60))
        #expect(try waitUntilServing(reader, seconds: 60))
        #expect(try waitForStored(3_000, query, timeoutSeconds: 120).posts == 3_000)
        Thread.sleep(forTimeInterval: 4)  // redeliveries in flight must not count twice
        let final = try overview(query)
        #expect(final.posts == 3_000)
        #expect(final.positive + final.neutral + final.negative + final.sentimentUnavailable == 3_000)
        #expect(final.uniqueAuthors == Int64(Set(posts.map(\.author.id)).count))
        #expect(try overview(reader) == final)
    }
}

/// Whether the process behind `client` answers Health/Check SERVING within `seconds`.
private func waitUntilServing(_ client: RPCClient, seconds: Double) throws -> Bool {
    try poll(seconds: seconds) {
        (try? client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMilliseconds: 2_000).status) == .serving
    }
}
