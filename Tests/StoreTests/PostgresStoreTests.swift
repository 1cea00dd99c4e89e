import EarshotWire
import Foundation
import Synchronization
import PostgresTestSupport
import Testing
@testable import EarshotPostgresStore
@testable import EarshotStore

/// A new PostgreSQL store in a database of its own on the test cluster, with listening queries
/// "one" and "two" (ids "q-1", "q-2") in group "brands".
private func emptyPostgresStore() throws -> PostgresStore {
    let url = try PostgresTestCluster.shared.get().newDatabase()
    let store = PostgresStore(location: try PostgresLocation(url: url))
    for name in ["one", "two"] { _ = try store.createListeningQuery(name: name, group: "brands", query: name, nowMs: 0) }
    return store
}

/// ``StoreConformance`` on the PostgreSQL store (skipped without PostgreSQL 15, unless EARSHOT_REQUIRE_POSTGRES=1).
@Suite(.enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
struct PostgresConformanceTests {
    let conformance = StoreConformance(emptyStore: emptyPostgresStore)

    @Test func applyingTwiceCountsOnce() throws { try conformance.applyingTwiceCountsOnce() }
    @Test func overviewCountsExactlyThePostsOfTheRange() throws { try conformance.overviewCountsExactlyThePostsOfTheRange() }
    @Test func overviewOfAGroupSumsItsQueriesExactly() throws { try conformance.overviewOfAGroupSumsItsQueriesExactly() }
    @Test func timeSeriesBucketsCountOnlyThePostsOfTheRange() throws { try conformance.timeSeriesBucketsCountOnlyThePostsOfTheRange() }
    @Test func topHashtagsCountOnlyThePostsOfTheRange() throws { try conformance.topHashtagsCountOnlyThePostsOfTheRange() }
    @Test func shareOfVoiceCountsOnlyThePostsOfTheRange() throws { try conformance.shareOfVoiceCountsOnlyThePostsOfTheRange() }
    @Test func trendingCountsOnlyThePostsOfTheWindowAndBaseline() throws { try conformance.trendingCountsOnlyThePostsOfTheWindowAndBaseline() }
    @Test func topAuthorsCountOnlyThePostsOfTheRange() throws { try conformance.topAuthorsCountOnlyThePostsOfTheRange() }
    @Test func searchPagesThroughExactlyThePostsOfTheRange() throws { try conformance.searchPagesThroughExactlyThePostsOfTheRange() }
    @Test func careQueuePagesThroughTheUnhandledPostsOfTheRange() throws { try conformance.careQueuePagesThroughTheUnhandledPostsOfTheRange() }
}

/// ``ListeningConformance`` on the PostgreSQL store (skipped as ``PostgresConformanceTests``).
@Suite(.enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
struct PostgresListeningConformanceTests {
    let conformance = ListeningConformance { PostgresStore(location: try PostgresLocation(url: try PostgresTestCluster.shared.get().newDatabase())) }

    @Test func createListUpdateDeleteWithIdsNamesAndVersions() throws { try conformance.createListUpdateDeleteWithIdsNamesAndVersions() }
    @Test func backfillCountsAPostOnceEvenWhenLiveMatchingGotItFirst() throws { try conformance.backfillCountsAPostOnceEvenWhenLiveMatchingGotItFirst() }
    @Test func backfillStopsWhenAskedAndDeletingAQueryRemovesItsCounts() throws { try conformance.backfillStopsWhenAskedAndDeletingAQueryRemovesItsCounts() }
    @Test func aDeletedQueryStaysDeletedWhenItsMatchesArriveLate() throws { try conformance.aDeletedQueryStaysDeletedWhenItsMatchesArriveLate() }
    @Test func backfilledPostsCountInTheQuerysTrendingTermsAndAuthors() throws { try conformance.backfilledPostsCountInTheQuerysTrendingTermsAndAuthors() }
    @Test func alertsAreStoredOnceAndFiltered() throws { try conformance.alertsAreStoredOnceAndFiltered() }
    @Test func theAlertMonitorsReadsCountThePosts() throws { try conformance.theAlertMonitorsReadsCountThePosts() }
}

/// What only the PostgreSQL store has: migrations, partitions, connection failures.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
struct PostgresStoreTests {
    @Test func writersStartingTogetherMigrateOnce() throws {
        let location = try PostgresLocation(url: PostgresTestCluster.shared.get().newDatabase())
        let opened = Mutex<[Result<Int, StoreError>]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let result = Result { () throws(StoreError) in try PostgresStore(location: location).postCount() }  // each migrates first
            opened.withLock { $0.append(result) }
        }
        #expect(opened.withLock { $0 }.map { try? $0.get() } == [0, 0, 0])
        let store = PostgresStore(location: location)
        let versions = try store.writer.exclusively { () throws(StoreError) in
            try store.writer.rows("versions", "SELECT version FROM earshot_migrations ORDER BY version")
                .map { (row) throws(StoreError) in try PostgresSession.decode(row, Int32.self, "versions") }
        }
        #expect(versions.map(Int.init) == PostgresSchema.migrations.map(\.version))
    }

    @Test func postsLandInOnePartitionPerDay() throws {
        let store = try emptyPostgresStore()
        // Posts on three days: the day before base, base's day and the day after.
        _ = try store.apply([item(1, minute: -1), item(2, minute: 0), item(3, minute: 24 * 60 - 1), item(4, minute: 24 * 60)])
        let partitions = try store.writer.exclusively { () throws(StoreError) in
            try store.writer.rows("partitions", """
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'posts'::regclass AND c.relkind = 'r' ORDER BY c.relname
                """).map { (row) throws(StoreError) in try PostgresSession.decode(row, String.self, "partitions") }
        }
        let day = base / BucketLevel.day.width
        #expect(partitions == [day - 1, day, day + 1].map(PostgresSchema.partitionName))
        #expect(try store.postCount() == 4)
    }

    @Test func readsRunAtOnceOnConnectionsOfTheirOwn() throws {
        let store = PostgresStore(location: try PostgresLocation(url: PostgresTestCluster.shared.get().newDatabase()), readerConnections: 2)
        _ = try store.postCount()
        let started = Date()
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            do throws(StoreError) {
                try store.read("sleep") { () throws(StoreError) in _ = try store.reader.rows("sleep", "SELECT pg_sleep(2)") }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let took = Date().timeIntervalSince(started)
        // One after the other they take at least 4 s; at once about 2 s, and a loaded machine
        // (opening the second connection, scheduling) gets 1.5 s of that margin.
        #expect(took < 3.5, "two reads of 2 s took \(took) s: they waited for each other")
    }

    @Test func aReadPastItsDeadlineIsCancelledAndTheConnectionServesTheNext() throws {
        let store = PostgresStore(location: try PostgresLocation(url: PostgresTestCluster.shared.get().newDatabase()))
        _ = try store.postCount()
        let started = Date()
        #expect(throws: StoreError.deadlineExceeded("sleep stopped at the call's deadline")) {
            try ReadDeadline.within(wallClockMilliseconds() + 300) { () throws(StoreError) in
                try store.read("sleep") { () throws(StoreError) in _ = try store.reader.rows("sleep", "SELECT pg_sleep(10)") }
            }
        }
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(try ReadDeadline.within(wallClockMilliseconds() + 5_000) { () throws(StoreError) in
            try store.read("count") { () throws(StoreError) in
                try PostgresSession.decode(try store.reader.rows("count", "SELECT count(*) FROM posts")[0], Int64.self, "count")
            }
        } == 0)
    }

    @Test func aServerThatIsDownIsUnavailable() throws {
        // Nothing listens on port 1 of the loopback.
        let store = PostgresStore(location: try PostgresLocation(url: "postgres://earshot@127.0.0.1:1/earshot"))
        #expect(throws: StoreError.self) { try store.prepare() }
        let calls: [() throws -> Void] = [{ _ = try store.postCount() }, { try store.checkReachable() }]
        for call in calls {
            do {
                try call()
                Issue.record("a store whose server is down answered")
            } catch {
                guard case .unavailable = error as? StoreError else { Issue.record("expected UNAVAILABLE, got \(error)"); continue }
            }
        }
        // A server that answers passes the health check, before any migration.
        try PostgresStore(location: try PostgresLocation(url: PostgresTestCluster.shared.get().newDatabase())).checkReachable()
    }
}

@Suite struct PostgresLocationTests {
    @Test func readsUserHostPortAndDatabase() throws {
        let location = try PostgresLocation(url: "postgres://ana@db.local:6543/earshot", password: "secret")
        #expect([location.user, location.host, "\(location.port)", location.database, location.password] == ["ana", "db.local", "6543", "earshot", "secret"])
        #expect(location.description == "postgres://ana@db.local:6543/earshot")
        #expect(try PostgresLocation(url: "postgresql://ana@db/earshot").port == 5432)
    }

    @Test func refusesAPasswordInTheURLAndIncompleteURLs() {
        for url in ["postgres://ana:secret@db/earshot", "postgres://db/earshot", "postgres://ana@db", "postgres://ana@db/", "mysql://ana@db/x", "store.sqlite"] {
            #expect(throws: StoreError.self, "\(url)") { try PostgresLocation(url: url) }
        }
    }

    @Test func takesThePasswordFromTheEnvironmentOrAFile() throws {
        #expect(try PostgresLocation.password(environment: [PostgresLocation.passwordVariable: "pw"]) == "pw")
        let path = temporaryPath("password")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "from file\nignored\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try PostgresLocation.password(environment: [PostgresLocation.passwordFileVariable: path]) == "from file")
        #expect(try PostgresLocation.password(environment: [:]) == nil)
        #expect(throws: StoreError.self) { try PostgresLocation.password(environment: [PostgresLocation.passwordFileVariable: path + ".missing"]) }
    }
}

/// Retention on PostgreSQL: whole day partitions dropped with their roll-ups.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
struct PostgresRetentionTests {
    @Test func retentionDropsWholeDaysWithTheirCounts() throws {
        let store = try emptyPostgresStore()
        var posts = [item(1, minute: -1, tags: ["old"]), item(2, minute: 0, tags: ["old"]), item(3, minute: 24 * 60 - 1, tags: ["old"]),
                     item(4, minute: 24 * 60, tags: ["kept"]), item(5, minute: 24 * 60 + 5, tags: ["kept"])]
        for index in posts.indices { posts[index].enrichment.matchedQueryIds = ["q-1"] }
        _ = try store.apply(posts)
        let day = base / BucketLevel.day.width
        // A cutoff inside a day keeps that day whole.
        #expect(try store.dropPartitions(before: base + BucketLevel.day.width + 3 * 3_600_000) == [day - 1, day])
        #expect(try store.dropPartitions(before: base + BucketLevel.day.width).isEmpty)
        #expect(try store.postCount() == 2)
        for scope in [PostScope.allPosts, .query("q-1")] {
            let all = PostSelection(scope: scope, range: .allTime)
            #expect(try store.overview(all).totals.posts == 2)
            #expect(try store.topHashtags(all, limit: 10) == [ValueCount(value: "kept", count: 2)])
            #expect(try store.timeSeries(all, granularity: .day).map(\.start) == [base + BucketLevel.day.width])
        }
        // Posts of a dropped day that come again are not stored again; new days still are.
        #expect(try store.apply([posts[1]]) == ApplyResult(inserted: 0, duplicates: 1))
        #expect(try store.apply([item(6, minute: 2 * 24 * 60)]) == ApplyResult(inserted: 1, duplicates: 0))
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 3)
    }
}

/// The set-based apply on PostgreSQL: minute facets packed one row per scope and minute, merged
/// across batches; author sketches for large selections.
@Suite(.enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
struct PostgresApplyTests {
    /// Ten posts in each of four minutes, with languages (one unknown), hashtags (one needing
    /// quotes in an array literal), terms, emotions and matches of "q-1".
    private static let posts: [PipelinePost] = (0..<40).map { number in
        var post = item(number, minute: Int64(number % 4), tags: ["t\(number % 3)", number % 5 == 0 ? #"a"b\c"# : "plain"],
                        author: "a\(number % 7)", language: number % 5 == 0 ? "" : "en",
                        text: "refund delay \(number % 2 == 0 ? "battery" : "charger")")
        post.enrichment.emotions.available = true
        post.enrichment.emotions.labels = number % 3 == 0 ? ["anger"] : ["joy"]
        post.enrichment.matchedQueryIds = number % 2 == 0 ? ["q-1"] : []
        return post
    }

    /// A batch of four insert chunks (``PostgresStore/insertChunks(posts:)``): the first stored
    /// already, the second partly, the third all new, the last repeating a new post of the second.
    @Test func aBatchOfSeveralInsertChunksCountsEachNewPostOnce() throws {
        let store = try emptyPostgresStore()
        let posts = (0..<10_100).map { number in
            var post = item(number, minute: Int64(number % 60), author: "a\(number % 11)")
            post.enrichment.matchedQueryIds = number % 2 == 0 ? ["q-1"] : []
            return post
        }
        let chunks = PostgresStore.insertChunks(posts: posts.count + 1)
        #expect(chunks.count == 4 && chunks[0] == 0..<1_000 && chunks[1].upperBound > 1_707)
        #expect(try store.apply(Array(posts[0..<1_700])) == ApplyResult(inserted: 1_700, duplicates: 0))
        #expect(try store.apply(posts + [posts[1_707]]) == ApplyResult(inserted: posts.count - 1_700, duplicates: 1_701))
        #expect(try store.apply(posts) == ApplyResult(inserted: 0, duplicates: posts.count))
        let range = TimeSpan(from: base, to: base + 60 * 60_000)
        #expect(try store.overview(PostSelection(range: range)).totals.posts == posts.count)
        #expect(try store.overview(PostSelection(scope: .query("q-1"), range: range)).totals.posts == posts.count / 2)
        #expect(try store.timeSeries(PostSelection(range: range), granularity: .minute).map(\.totals.posts)
                == (0..<60).map { minute in posts.count / 60 + (minute < posts.count % 60 ? 1 : 0) })
        #expect(try store.postCount() == posts.count)
    }

    @Test func aRedeliveredBatchAndRepeatsInsideABatchCountOnceInEveryRollup() throws {
        let store = try emptyPostgresStore()
        let posts = Self.posts
        // Half the posts, then all of them with a repeat inside the batch (each minute's packs merge
        // with the stored ones), then all of them again.
        #expect(try store.apply(Array(posts[0..<20])) == ApplyResult(inserted: 20, duplicates: 0))
        #expect(try store.apply(posts + [posts[30]]) == ApplyResult(inserted: 20, duplicates: 21))
        #expect(try store.apply(posts) == ApplyResult(inserted: 0, duplicates: 40))
        // Whole minutes only: counted from the minute roll-ups, not from the posts.
        let range = TimeSpan(from: base, to: base + 4 * 60_000)
        let terms = StoreConformance<PostgresStore>.counted(posts.flatMap { Set($0.post.text.split(separator: " ").map(String.init)) })
        for (scope, stored) in [(PostScope.allPosts, posts), (.query("q-1"), posts.filter { $0.enrichment.matchedQueryIds == ["q-1"] })] {
            let selection = PostSelection(scope: scope, range: range)
            let overview = try store.overview(selection)
            #expect(overview.totals.posts == stored.count)
            #expect(StoreConformance<PostgresStore>.asDictionary(overview.languages)
                    == StoreConformance<PostgresStore>.counted(stored.map(\.enrichment.language)))
            #expect(StoreConformance<PostgresStore>.asDictionary(overview.emotions)
                    == StoreConformance<PostgresStore>.counted(stored.flatMap(\.enrichment.emotions.labels)))
            #expect(StoreConformance<PostgresStore>.asDictionary(try store.topHashtags(selection, limit: 100))
                    == StoreConformance<PostgresStore>.counted(stored.flatMap(\.enrichment.entities.hashtags)))
            let series = try store.timeSeries(selection, granularity: .minute)
            let perMinute = Dictionary(grouping: stored) { BucketLevel.minute.bucketStart($0.post.createdAtMs) }
            #expect(series.map(\.start) == perMinute.keys.sorted())
            #expect(series.map(\.totals.posts) == perMinute.keys.sorted().map { perMinute[$0]!.count })
            #expect(series.map { $0.emotions.reduce(0) { $0 + $1.count } } == series.map(\.totals.posts))
        }
        #expect(try store.trendCounts(PostSelection(range: range), kind: .term, baselineWindows: 1).current == terms)
        #expect(try store.minuteCounts(scope: "", from: range.from, to: range.to).map(\.anger)
                == (0..<4).map { minute in posts.filter { BucketLevel.minute.bucketStart($0.post.createdAtMs) == base + Int64(minute) * 60_000 && $0.enrichment.emotions.labels == ["anger"] }.count })
    }

    @Test func migrationFiveMovesEmotionFacetCountsIntoTheTotals() throws {
        let store = try emptyPostgresStore()
        // Three hours of posts with one, two or no emotion labels, some matching q-1.
        let labels: [[String]?] = [["anger"], ["joy", "surprise"], nil, ["neutral"], ["anger", "sadness"]]
        let posts = (0..<90).map { number in
            var post = item(number, minute: Int64(number * 2), author: "a\(number % 9)")
            if let chosen = labels[number % labels.count] {
                post.enrichment.emotions.available = true
                post.enrichment.emotions.labels = chosen
            }
            post.enrichment.matchedQueryIds = number % 2 == 0 ? ["q-1"] : []
            return post
        }
        _ = try store.apply(posts)
        let range = TimeSpan(from: base + 30_000, to: base + 3 * 3_600_000 - 30_000)
        func readings() throws -> [String] {
            try [PostScope.allPosts, .query("q-1")].flatMap { scope in
                let selection = PostSelection(scope: scope, range: range)
                return try ["\(store.overview(selection))", "\(store.timeSeries(selection, granularity: .minute))",
                            "\(store.timeSeries(selection, granularity: .hour))", "\(store.minuteCounts(scope: "", from: base, to: range.to))"]
            }
        }
        let expected = try readings()
        #expect(expected[0].contains("anger") && expected[0].contains("surprise"))
        func count(_ sql: String) throws -> Int64 {
            try store.writer.exclusively { () throws(StoreError) in
                try PostgresSession.decode(try store.writer.rows("count", sql)[0], Int64.self, "count")
            }
        }
        // Back to the schema of migration 4: emotion counts as facet rows (code 2) and in the minute packs.
        let named = "(VALUES " + EmotionCounts.columns.map { "('\($0.dropFirst("emotion_".count))', \($0))" }.joined(separator: ", ") + ") AS e(name, count)"
        try store.writer.exclusively { () throws(StoreError) in
            for statement in [
                "INSERT INTO rollup_facets (scope, facet, level, bucket_ms, value, count) SELECT scope, 2, level, bucket_ms, e.name, e.count FROM rollup_totals CROSS JOIN LATERAL \(named) WHERE level > 0 AND e.count > 0",
                """
                UPDATE rollup_minute_facets m SET facets = m.facets || f.facets, vals = m.vals || f.vals, counts = m.counts || f.counts
                FROM (SELECT scope, bucket_ms, array_agg(2::int2) AS facets, array_agg(e.name) AS vals, array_agg(e.count) AS counts
                      FROM rollup_totals CROSS JOIN LATERAL \(named) WHERE level = 0 AND e.count > 0 GROUP BY scope, bucket_ms) AS f
                WHERE m.scope = f.scope AND m.pack = 0 AND m.bucket_ms = f.bucket_ms
                """,
                "ALTER TABLE rollup_totals " + EmotionCounts.columns.map { "DROP COLUMN \($0)" }.joined(separator: ", "),
                "DELETE FROM earshot_migrations WHERE version = 5",
            ] { try store.writer.rows("back to version 4", statement) }
        }
        #expect(try count("SELECT count(*) FROM rollup_facets WHERE facet = 2") > 0)
        #expect(try count("SELECT count(*) FROM rollup_minute_facets WHERE 2 = ANY(facets)") > 0)
        #expect(try PostgresSchema.migrate(store.writer) == [5])
        #expect(try count("SELECT count(*) FROM rollup_facets WHERE facet = 2") == 0)
        #expect(try count("SELECT count(*) FROM rollup_minute_facets WHERE 2 = ANY(facets)") == 0)
        #expect(try readings() == expected)
    }

    @Test func largeSelectionsEstimateUniqueAuthorsFromSketches() throws {
        let store = try emptyPostgresStore()
        // A post a minute for 50 hours, by 1,500 authors; the range holds a whole day, hours, minutes and edges.
        let posts = (0..<3_000).map { item($0, minute: Int64($0), author: "a\($0 % 1_500)") }
        #expect(try store.apply(posts).inserted == 3_000)
        let range = TimeSpan(from: base + 90_500, to: base + 2_900 * 60_000 + 7)
        let exact = Set(posts.filter { $0.post.createdAtMs >= range.from && $0.post.createdAtMs < range.to }.map(\.post.author.id)).count
        let source = CountSource(scopes: [""], cover: TimeCover(from: range.from, to: range.to))
        /// The sketch estimate, whatever the number of posts.
        func estimate() throws -> Int {
            let (authors, estimated) = try store.read("test") { () throws(StoreError) in
                try store.uniqueAuthors(source, range: range, posts: .max, "test")
            }
            #expect(estimated)
            return authors
        }
        let sketched = try estimate()
        #expect(abs(sketched - exact) <= exact / 20, "estimate \(sketched), exact \(exact)")
        // Small selections stay exact.
        let overview = try store.overview(PostSelection(range: range))
        #expect(overview.uniqueAuthors == exact && !overview.uniqueAuthorsEstimated)
        // Migration 3 sketches stored posts the same way.
        try store.writer.exclusively { () throws(StoreError) in
            try store.writer.transaction("refill") { () throws(StoreError) in
                try store.writer.rows("refill", "DELETE FROM author_sketches")
                try AuthorSketches.fill(store.writer)
            }
        }
        #expect(try estimate() == sketched)
    }
}
