import EarshotWire
import Foundation
import GRDB
import Testing
@testable import EarshotStore

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("earshot-test-\(UUID().uuidString)/\(name)").path
}

/// A scored post at `minute` minutes after `base`.
func item(_ number: Int, minute: Int64, label: String = "positive", tags: [String] = [], author: String = "a",
          language: String = "en", platform: Platform = .x, priority: Int32 = 10, text: String = "hello") -> PipelinePost {
    var item = PipelinePost()
    item.deliverySeq = UInt64(number)
    item.post.id = "t:\(number)"
    item.post.platform = platform
    item.post.author.id = author
    item.post.author.handle = author
    item.post.text = text
    item.post.createdAtMs = base + minute * 60_000 + 1_234
    item.enrichment.language = language
    item.enrichment.sentiment.available = label != "unavailable"
    item.enrichment.sentiment.label = label == "unavailable" ? "" : label
    item.enrichment.entities.hashtags = tags
    item.scores.reach = 100
    item.scores.engagement = 5
    item.scores.priority = priority
    return item
}

extension PostWriter {
    /// Applies scored pipeline posts, converted as the query service converts them.
    func apply(_ posts: [PipelinePost]) throws -> ApplyResult { try apply(ScoredPost.batch(posts)) }
}

/// The decoded posts of a search page.
func views(_ page: PostPage) throws -> [PostView] {
    try page.posts.map { try PostView(serializedBytes: $0.view) }
}

/// A backfill's match: the stored post's text contains `word`.
func textContains(_ word: String) -> (StoredPost) throws(StoreError) -> Bool {
    { (post: StoredPost) throws(StoreError) -> Bool in
        do { return try PostView(serializedBytes: post.view).post.text.contains(word) } catch {
            throw .database(operation: "decode stored post \(post.id)", message: "\(error)")
        }
    }
}

/// 2026-01-01T00:00:00Z, a day boundary.
let base: Int64 = 1_767_225_600_000

@Suite struct StoreTests {
    @Test func applyingTheSameBatchTwiceCountsOnce() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let batch = (1...50).map { item($0, minute: Int64($0)) }
        #expect(try store.apply(batch) == ApplyResult(inserted: 50, duplicates: 0))
        #expect(try store.apply(batch + [item(51, minute: 3)]) == ApplyResult(inserted: 1, duplicates: 50))
        #expect(try store.postCount() == 51)
        let overview = try store.overview(PostSelection(range: .allTime)).totals
        #expect(overview.posts == 51)
        #expect(overview.reach == 5_100)
        #expect(overview.engagement == 255)
    }

    @Test func storedPostsSurviveReopening() throws {
        let path = temporaryPath("store.sqlite")
        do {
            let store = try PostStore(path: path)
            _ = try store.apply([item(1, minute: 0)])
        }
        let reopened = try PostStore(path: path)
        #expect(try reopened.postCount() == 1)
        #expect(try reopened.apply([item(1, minute: 0)]).duplicates == 1)
    }

    /// Another connection holding the file's write lock for a moment (a store being closed
    /// by a process that is stopping) makes opening and writing wait, not fail with "database
    /// is locked".
    @Test func aLockHeldForAMomentIsWaitedFor() throws {
        let path = temporaryPath("store.sqlite")
        do { _ = try PostStore(path: path) }
        let other = try DatabaseQueue(path: path)
        let locked = DispatchSemaphore(value: 0)
        let holding = Thread {
            try? other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                locked.signal()
                Thread.sleep(forTimeInterval: 1.5)
                try db.execute(sql: "COMMIT")
            }
        }
        holding.start()
        locked.wait()
        let started = Date()
        let store = try PostStore(path: path)
        #expect(try store.apply([item(1, minute: 0)]).inserted == 1)
        // The store opened while the lock was held (it waited), unless this thread ran 1.3 s late.
        #expect(Date().timeIntervalSince(started) > 0.2, "the lock was not held while the store opened")
    }

    @Test func overviewCountsSentimentLanguagesPlatformsAndAuthors() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        _ = try store.apply([
            item(1, minute: 0, label: "positive", author: "a"),
            item(2, minute: 1, label: "positive", author: "b", platform: .mastodon),
            item(3, minute: 2, label: "negative", author: "a"),
            item(4, minute: 3, label: "neutral", author: "c", language: "fr"),
            item(5, minute: 4, label: "unavailable", author: "d", language: "ja"),
        ])
        let overview = try store.overview(PostSelection(range: .allTime))
        #expect(overview.totals.posts == 5)
        #expect(overview.uniqueAuthors == 4)
        let totals = overview.totals
        #expect((totals.positive, totals.neutral, totals.negative, totals.sentimentUnavailable) == (2, 1, 1, 1))
        #expect(totals.netSentiment == 25)  // (2 - 1) / 4 rated
        #expect(overview.languages.first == ValueCount(value: "en", count: 3))
        #expect(overview.platforms.contains(ValueCount(value: "mastodon", count: 1)))
    }

    @Test func overviewOverARangeMatchesACountOfThePosts() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        // Posts every 7 minutes over three days: ranges cross minute, hour and day buckets.
        let posts = (0..<900).map { item($0, minute: Int64($0) * 7) }
        _ = try store.apply(posts)
        for (from, to) in [(0, 3 * 1_440), (61, 1_500), (1_439, 1_441), (5, 6), (100, 2_900)] as [(Int64, Int64)] {
            let range = TimeSpan(from: base + from * 60_000, to: base + to * 60_000)
            let expected = posts.filter { $0.post.createdAtMs >= range.from && $0.post.createdAtMs < range.to }.count
            #expect(try store.overview(PostSelection(range: range)).totals.posts == expected, "range \(from)..<\(to) minutes")
        }
    }

    @Test func timeSeriesHasOneBucketPerHourWithPosts() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        _ = try store.apply([item(1, minute: 0), item(2, minute: 30), item(3, minute: 61, label: "negative"), item(4, minute: 185)])
        let buckets = try store.timeSeries(PostSelection(range: .allTime), granularity: .hour)
        #expect(buckets.map(\.start) == [base, base + 3_600_000, base + 3 * 3_600_000])
        #expect(buckets.map(\.totals.posts) == [2, 1, 1])
        #expect(buckets[1].totals.negative == 1)
        #expect(try store.timeSeries(PostSelection(range: .allTime), granularity: .day).map(\.totals.posts) == [4])
    }

    @Test func topHashtagsRanksByPosts() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        _ = try store.apply([
            item(1, minute: 0, tags: ["acme", "fail"]), item(2, minute: 1, tags: ["acme"]),
            item(3, minute: 2, tags: ["acme", "acme"]), item(4, minute: 3, tags: ["globex"]),
        ])
        #expect(try store.topHashtags(PostSelection(range: .allTime), limit: 2)
                == [ValueCount(value: "acme", count: 3), ValueCount(value: "fail", count: 1)])
    }

    @Test func searchFiltersAndPagesWithoutGapsOrRepeats() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        var posts = (0..<230).map { item($0, minute: Int64($0 % 40), label: $0 % 3 == 0 ? "negative" : "positive", tags: $0 % 2 == 0 ? ["even"] : [],
                                           priority: Int32($0 % 100), text: $0 % 5 == 0 ? "My Phone is BROKEN" : "fine") }
        posts.append(item(999, minute: 10, author: "Special", text: "x"))
        _ = try store.apply(posts)
        var filter = PostFilter()
        filter.hashtag = "#Even"
        filter.sentimentLabel = "negative"
        var seen: [String] = []
        var pages = 0
        var pageToken = ""
        repeat {
            let page = try store.search(PostSelection(range: .allTime), filter: filter, pageSize: 7, pageToken: pageToken)
            seen += page.posts.map(\.id)
            for view in try views(page) {
                #expect(view.enrichment.entities.hashtags == ["even"])
                #expect(view.enrichment.sentiment.label == "negative")
            }
            pageToken = page.nextPageToken
            pages += 1
        } while !pageToken.isEmpty
        let expected = posts.filter { $0.enrichment.entities.hashtags == ["even"] && $0.enrichment.sentiment.label == "negative" }
        #expect(seen.count == expected.count)
        #expect(Set(seen) == Set(expected.map(\.post.id)))
        #expect(pages == (expected.count + 6) / 7)

        var text = PostFilter()
        text.textContains = "broken"
        text.minPriority = 50
        let found = try views(store.search(PostSelection(range: .allTime), filter: text, pageSize: 500, pageToken: ""))
        #expect(!found.isEmpty)
        #expect(found.allSatisfy { $0.post.text.contains("BROKEN") && $0.scores.priority >= 50 })
        // Newest first.
        #expect(found.map(\.post.createdAtMs) == found.map(\.post.createdAtMs).sorted(by: >))

        var author = PostFilter()
        author.authorHandle = "@special"
        #expect(try store.search(PostSelection(range: .allTime), filter: author, pageSize: 50, pageToken: "").posts.map(\.id) == ["t:999"])
        var platform = PostFilter()
        platform.platform = "mastodon"
        #expect(try store.search(PostSelection(range: .allTime), filter: platform, pageSize: 50, pageToken: "").posts.isEmpty)
        platform.platform = "myspace"
        #expect(throws: StoreError.invalidArgument("unknown platform 'myspace'")) {
            try store.search(PostSelection(range: .allTime), filter: platform, pageSize: 50, pageToken: "")
        }
    }

    @Test func searchPagesInNewestFirstOrderAcrossEqualTimes() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        // Five posts per minute (equal times), authors out of insertion order.
        _ = try store.apply((0..<40).map { item($0, minute: Int64($0 / 5), author: "a\(39 - $0)") })
        var seen: [String] = []
        var pageToken = ""
        repeat {
            let page = try store.search(PostSelection(range: .allTime), filter: PostFilter(), pageSize: 3, pageToken: pageToken)
            seen += page.posts.map(\.id)
            pageToken = page.nextPageToken
        } while !pageToken.isEmpty
        #expect(seen == (0..<40).reversed().map { "t:\($0)" })
    }

    @Test func storeLowercasingMatchesLowercased() {
        for text in ["Hello WORLD", "ÉCOLE Über", "ΣΊΣΥΦΟΣ", "İstanbul", "STRASSE ẞ", "Ｆｕｌｌ ＷＩＤＴＨ", "emoji 😀 OK", "ǅ ǈ", ""] {
            #expect(text.storeLowercased == text.lowercased())
        }
    }

    @Test func versionFourStoresLoseTheRedundantIndexes() throws {
        let path = temporaryPath("store.sqlite")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v4-term-minutes")
        try queue.close()
        let store = try PostStore(path: path, durable: false)
        _ = try store.apply([item(1, minute: 0), item(2, minute: 1)])
        let indexes = try store.database.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }
        #expect(indexes == ["alerts_by_bucket", "listening_queries_by_group_name", "posts_by_author_time", "posts_by_priority"])
        #expect(try store.search(PostSelection(range: .allTime), filter: PostFilter(), pageSize: 50, pageToken: "").posts.map(\.id) == ["t:2", "t:1"])
        let fresh = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        #expect(try fresh.database.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == PostStore.pageSize)
    }

    @Test func theWALIsCopiedIntoTheDatabaseByTheBackgroundCheckpoints() throws {
        let path = temporaryPath("store.sqlite")
        let store = try PostStore(path: path, durable: false)
        let text = String(repeating: "checkpoint ", count: 200)
        // About 36 MB of WAL: past the 1,000 pages (16 MB) that make a checkpoint due, short of
        // the 4,096 pages (64 MB) past which the writer would checkpoint by itself.
        for batch in 0..<2 {
            _ = try store.apply((0..<4_000).map { item(batch * 4_000 + $0, minute: Int64($0 / 100), text: text) })
        }
        try store.checkpointer.read { _ in }  // after the queued checkpoints
        let databaseBytes = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(databaseBytes > 16_000_000)
        #expect(try store.postCount() == 8_000)
    }

    @Test func badArgumentsAreInvalidArgumentWithAMessage() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        #expect(throws: StoreError.invalidArgument("inverted time range: from_ms 10 is not before to_ms 5")) {
            try TimeSpan.requested(fromMs: 10, toMs: 5)
        }
        #expect(throws: StoreError.invalidArgument("inverted time range: from_ms 10 is not before to_ms 5")) {
            try store.overview(PostSelection(range: TimeSpan(from: 10, to: 5)))
        }
        #expect(throws: StoreError.self) { try TimeSpan.requested(fromMs: -1, toMs: 5) }
        #expect(try TimeSpan.requested(fromMs: 10, toMs: 0) == TimeSpan(from: 10, to: TimeSpan.endOfTime))
        #expect(throws: StoreError.self) { try PostScope(queryID: "q-1", group: "brands") }
        let all = PostSelection(range: .allTime)
        #expect(throws: StoreError.invalidArgument("page_size must be between 1 and 500, got 1000000")) {
            try store.search(all, filter: PostFilter(), pageSize: 1_000_000, pageToken: "")
        }
        for forged in ["garbage", "p1.9223372036854775807.1", "p1.-5.1", "p1..1", "p1.1.1.1"] {
            #expect(throws: StoreError.invalidArgument("page_token '\(forged)' was not issued by this service")) {
                try store.search(all, filter: PostFilter(), pageSize: 50, pageToken: forged)
            }
        }
        var badLabel = PostFilter()
        badLabel.sentimentLabel = "happy"
        #expect(throws: StoreError.self) { try store.search(all, filter: badLabel, pageSize: 50, pageToken: "") }
        #expect(throws: StoreError.invalidArgument("limit must be between 1 and 1000, got 0")) {
            try store.topHashtags(PostSelection(range: .allTime), limit: 0)
        }
    }
}

@Suite struct TimeCoverTests {
    @Test func spansAndEdgesTileTheRangeExactlyWithCoarseBucketsInside() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let from = base + Int64.random(in: 0..<(5 * 86_400_000), using: &random)
            let to = from + Int64.random(in: 1..<(4 * 86_400_000), using: &random)
            let cover = TimeCover(from: from, to: to)
            let pieces = (cover.spans.map { TimeSpan(from: $0.from, to: $0.to) } + cover.edges).sorted { $0.from < $1.from }
            #expect(pieces.first?.from == from)
            #expect(pieces.last?.to == to)
            for (previous, next) in zip(pieces, pieces.dropFirst()) { #expect(previous.to == next.from) }
            for span in cover.spans {
                #expect(span.from % span.level.width == 0 && span.to % span.level.width == 0)
            }
            for edge in cover.edges { #expect(edge.to - edge.from < (cover.spans.isEmpty ? 120_000 : 60_000)) }
            #expect(cover.edges.count <= 2)
            #expect(cover.spans.count <= 2 * 24 + 2 * 60 + 1)
        }
    }

    @Test func aWholeDayIsOneDayBucket() {
        #expect(TimeCover(from: base, to: base + 86_400_000).spans == [LevelSpan(level: .day, from: base, to: base + 86_400_000)])
        #expect(TimeCover(from: base, to: base + 86_400_000).edges.isEmpty)
    }

    @Test func aRangeInsideOneMinuteIsOneEdge() {
        #expect(TimeCover(from: base + 10, to: base + 20).spans.isEmpty)
        #expect(TimeCover(from: base + 10, to: base + 20).edges == [TimeSpan(from: base + 10, to: base + 20)])
    }

    @Test func joinedSpansMergeWhatTouchesOrOverlapsAndDropEmptyOnes() {
        let spans = [TimeSpan(from: 50, to: 60), TimeSpan(from: 10, to: 20), TimeSpan(from: 20, to: 30), TimeSpan(from: 40, to: 40),
                     TimeSpan(from: 25, to: 35), TimeSpan(from: 61, to: 70)]
        #expect(TimeSpan.joined(spans) == [TimeSpan(from: 10, to: 35), TimeSpan(from: 50, to: 60), TimeSpan(from: 61, to: 70)])
        #expect(TimeSpan.joined([]).isEmpty)
        // A cover's minutes and edges: two stretches around the coarse buckets in the middle.
        let cover = TimeCover(from: base + 1_234, to: base + 2 * 86_400_000 + 3_700_005)
        let fine = cover.spans.filter { $0.level == .minute }.map { TimeSpan(from: $0.from, to: $0.to) } + cover.edges
        #expect(TimeSpan.joined(fine) == [TimeSpan(from: base + 1_234, to: base + 3_600_000),
                                          TimeSpan(from: base + 2 * 86_400_000 + 3_600_000, to: base + 2 * 86_400_000 + 3_700_005)])
    }
}

@Suite struct QueryScopeTests {
    @Test func aggregatesAndSearchCanBeScopedToAListeningQuery() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        var posts = (0..<10).map { item($0, minute: Int64($0), label: $0 < 4 ? "negative" : "positive", tags: ["t\($0 % 2)"], author: "a\($0 % 3)") }
        try store.saveQueries(ids: ["complaints", "brand"])
        for index in 0..<4 { posts[index].enrichment.matchedQueryIds = ["complaints"] }
        posts[3].enrichment.matchedQueryIds.append("brand")
        _ = try store.apply(posts)
        _ = try store.apply(posts)  // redelivery: still counted once per scope

        let complaints = PostSelection(scope: .query("complaints"), range: .allTime)
        let scoped = try store.overview(complaints)
        #expect(scoped.totals.posts == 4)
        #expect(scoped.totals.negative == 4)
        #expect(scoped.uniqueAuthors == 3)
        #expect(try store.overview(PostSelection(scope: .query("brand"), range: .allTime)).totals.posts == 1)
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 10)
        #expect(throws: StoreError.notFound("unknown query id 'nobody'")) {
            try store.overview(PostSelection(scope: .query("nobody"), range: .allTime))
        }

        #expect(try store.timeSeries(complaints, granularity: .hour).map(\.totals.posts) == [4])

        #expect(try store.topHashtags(complaints, limit: 10) == [ValueCount(value: "t0", count: 2), ValueCount(value: "t1", count: 2)])

        #expect(Set(try store.search(complaints, filter: PostFilter(), pageSize: 50, pageToken: "").posts.map(\.id)) == Set((0..<4).map { "t:\($0)" }))
    }
}
