import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import PostgresTestSupport
import SampleData
import Testing
import ZeroMQ

/// The whole pipeline with its store on PostgreSQL (a throwaway cluster, scripts/postgres-test-cluster.sh):
/// skipped without PostgreSQL 15, unless EARSHOT_REQUIRE_POSTGRES=1 (CI).
@Suite(.serialized, .enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
struct PostgresPipelineTests {
    /// Query starts before its database exists (PostgreSQL refuses it, as when the server is down):
    /// NOT_SERVING and the reason logged while it retries with back-off; once the database is
    /// there it migrates and serves, and posts published meanwhile arrive exactly once, also
    /// across a killed and restarted query.
    @Test func postsReachPostgresExactlyOnceAfterTheStoreComesUpLate() throws {
        let cluster = try PostgresTestCluster.shared.get()
        let database = "pipeline_\(UInt32.random(in: 0...UInt32.max))"
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(18))
        defer { stack.stop() }
        try stack.start(enrich: 1, score: 1, queryArguments: ["--store", cluster.url(ofDatabase: database)])
        let context = try Context()
        let query = try stack.queryClient(context: context)
        func health() -> HealthCheckResponse.ServingStatus? {
            try? query.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMilliseconds: 2_000).status
        }
        var status = health()
        let deadline = Date().addingTimeInterval(30)
        while status != .notServing && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            status = health()
        }
        #expect(status == .notServing)
        let queryLog = try #require(stack.member("query")).logFile
        func logsTheReason() -> Bool {
            (try? String(contentsOf: queryLog, encoding: .utf8))?.contains("cannot open the store; NOT_SERVING") == true
        }
        let logDeadline = Date().addingTimeInterval(10)
        while !logsTheReason() && Date() < logDeadline { Thread.sleep(forTimeInterval: 0.2) }
        #expect(logsTheReason())
        // Reads answer UNAVAILABLE, not INTERNAL, meanwhile.
        do {
            _ = try overview(query)
            Issue.record("an overview answered before the store was up")
        } catch let error as RPCError {
            #expect(error.code == .unavailable, "\(error)")
        }

        let publisher = Publisher(client: try stack.ingestClient(context: context))
        var stream = SampleStream(seed: 18, expectedCount: 3_000)
        let posts = stream.next(3_000)
        #expect(try publisher.publish(Array(posts.prefix(1_000))).accepted == 1_000)
        try cluster.createDatabase(database)
        try stack.waitUntilHealthy(timeoutSeconds: 90)
        #expect(try waitForStored(1_000, query, timeoutSeconds: 60).posts == 1_000)

        #expect(try publisher.publish(Array(posts[1_000..<2_000])).accepted == 1_000)
        let store = try #require(stack.member("query"))
        stack.kill(store)  // mid-stream: what it did not acknowledge is redelivered
        try stack.restart(store)
        try stack.waitUntilHealthy(timeoutSeconds: 90)
        #expect(try publisher.publish(Array(posts[2_000...])).accepted == 1_000)
        #expect(try publisher.publish(Array(posts.prefix(500))).duplicates == 500)

        let restartedQuery = try stack.queryClient(context: context)
        #expect(try waitForStored(3_000, restartedQuery, timeoutSeconds: 120).posts == 3_000)
        Thread.sleep(forTimeInterval: 4)  // redeliveries in flight must not count twice
        let final = try overview(restartedQuery)
        #expect(final.posts == 3_000)
        #expect(final.positive + final.neutral + final.negative + final.sentimentUnavailable == 3_000)
        #expect(final.uniqueAuthors == Int64(Set(posts.map(\.author.id)).count))
        let platforms = Dictionary(grouping: posts, by: { $0.platform.name }).mapValues { Int64($0.count) }
        #expect(Dictionary(uniqueKeysWithValues: final.platforms.map { ($0.label, $0.count) }) == platforms)
        var request = SearchPostsRequest()
        request.pageSize = 500
        var found = 0
        repeat {
            let page = try restartedQuery.call(QueryMethod.searchPosts, request, as: SearchPostsResponse.self, timeoutMilliseconds: 10_000)
            found += page.posts.count
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        #expect(found == 3_000)
    }

    /// The Python client of docs/PROTOCOL.md against a query service on PostgreSQL (port slot 26),
    /// with a reader's key made by `earshot keys generate`: Overview answers the posts the
    /// pipeline stored in PostgreSQL, and a method outside the role is refused.
    @Test func thePythonClientReadsFromAPostgresBackedQueryService() throws {
        let store = try PostgresTestCluster.shared.get().newDatabase()
        let running = try RunningStack(slot: 26, enrich: 1, score: 1, queryArguments: ["--store", store])
        defer { running.stack.stop() }
        let keys = try #require(running.stack.keys)
        let generated = try runEarshot(["keys", "generate", "--name", "kiosk", "--role", "reader", "--allow", "--keys", keys.path])
        #expect(generated.status == 0, "\(generated.errors)")
        var stream = SampleStream(seed: 26, expectedCount: 400)
        #expect(try running.publisher.publish(stream.next(400)).accepted == 400)
        #expect(try waitForStored(400, running.query, timeoutSeconds: 60).posts == 400)
        Thread.sleep(forTimeInterval: 1)  // the allow-list is read again within 250 ms of a change
        #expect(try pythonClient(running.stack, key: "kiosk", method: QueryMethod.overview) == "status 0 \nposts 400\n")
        #expect(try pythonClient(running.stack, key: "kiosk", method: ListeningMethod.deleteQuery)
            .hasPrefix("status 7 'kiosk' (role reader) may not call"))
    }
}
