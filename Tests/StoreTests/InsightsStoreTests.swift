import EarshotWire
import Foundation
import GRDB
import Testing
@testable import EarshotStore

/// A post of `item` that matches listening queries `queries`.
private func matching(_ number: Int, minute: Int64, queries: [String], reach: Double = 100, author: String = "a",
                      label: String = "positive", priority: Int32 = 10, text: String = "hello") -> PipelinePost {
    var post = item(number, minute: minute, label: label, author: author, priority: priority, text: text)
    post.enrichment.matchedQueryIds = queries
    post.scores.reach = reach
    return post
}

@Suite struct InsightsStoreTests {
    @Test func shareOfVoiceSumsMentionsAndReachPerQuery() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        try store.saveQueries(ids: ["acme", "globex"])
        _ = try store.apply((0..<30).map { matching($0, minute: Int64($0), queries: ["acme"], reach: 10) }
            + (30..<40).map { matching($0, minute: Int64($0), queries: ["globex"], reach: 100) })
        let totals = try store.voiceTotals(.queries(["acme", "globex"]), range: .allTime)
        #expect(totals.map(\.queryID) == ["acme", "globex"])
        #expect(totals.map(\.mentions) == [30, 10])
        #expect(totals.map(\.reach) == [300, 1_000])

        for invalid in [["acme", "acme"], ["acme", ""]] {
            #expect(throws: StoreError.invalidArgument("query_ids must be distinct, non-empty ids, got \(invalid)")) {
                try store.voiceTotals(.queries(invalid), range: .allTime)
            }
        }
        #expect(throws: StoreError.notFound("unknown query id 'nobody'")) { try store.voiceTotals(.queries(["acme", "nobody"]), range: .allTime) }
        #expect(throws: StoreError.invalidArgument("give 1 to 100 query_ids, got 0")) { try store.voiceTotals(.queries([]), range: .allTime) }
        #expect(throws: StoreError.notFound("unknown group 'brands': no listening query has it")) {
            try store.voiceTotals(.group("brands"), range: .allTime)
        }
    }

    @Test func groupsAggregateTheirQueriesAndCountAuthorsOnce() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let acme = try store.createListeningQuery(name: "Acme", group: "phones", query: "acme", nowMs: 1)
        let globex = try store.createListeningQuery(name: "Globex", group: "phones", query: "globex", nowMs: 1)
        _ = try store.apply([
            matching(1, minute: 0, queries: [acme.id], author: "u1"),
            matching(2, minute: 1, queries: [globex.id], author: "u1"),
            matching(3, minute: 2, queries: [globex.id], author: "u2", label: "negative"),
            matching(4, minute: 3, queries: [], author: "u3"),
        ])
        let phones = PostSelection(scope: .group("phones"), range: .allTime)
        let overview = try store.overview(phones)
        #expect(overview.totals.posts == 3)
        #expect(overview.uniqueAuthors == 2)
        #expect(overview.totals.negative == 1)

        #expect(try store.timeSeries(phones, granularity: .day).map(\.totals.posts) == [3])

        #expect(try store.voiceTotals(.group("phones"), range: .allTime).map(\.mentions) == [1, 2])  // by name: Acme, Globex

        #expect(throws: StoreError.notFound("unknown group 'unknown': no listening query has it")) {
            try store.overview(PostSelection(scope: .group("unknown"), range: .allTime))
        }
        #expect(throws: StoreError.notFound("unknown query id 'q-404'")) {
            try store.overview(PostSelection(scope: .query("q-404"), range: .allTime))
        }
    }

    @Test func trendCountsCompareTheWindowWithTheWindowsBefore() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        // Hour 0-2: "battery" twice an hour; hour 3: "battery" ten times and "recall" eight times.
        var posts = (0..<6).map { item($0, minute: Int64($0) * 30, text: "My battery is fine") }
        posts += (0..<10).map { item(100 + $0, minute: 180 + Int64($0), text: "battery recall? https://x.example/recall #Acme") }
        posts += (0..<8).map { item(200 + $0, minute: 190 + Int64($0), text: "Recall announced") }
        _ = try store.apply(posts)
        let window = PostSelection(range: TimeSpan(from: base + 3 * 3_600_000, to: base + 4 * 3_600_000))
        let counts = try store.trendCounts(window, kind: .term, baselineWindows: 3)
        #expect(counts.current["battery"] == 10)
        #expect(counts.current["recall"] == 18)
        #expect(counts.current["https"] == nil)  // links are not terms
        #expect(counts.baseline["battery"] == 6)
        #expect(counts.baselineWindows == 3)
        #expect(counts.baselineRange == TimeSpan(from: base, to: base + 3 * 3_600_000))

        #expect(throws: StoreError.invalidArgument("baseline_windows must be between 1 and 168, got 0")) {
            try store.trendCounts(window, kind: .term, baselineWindows: 0)
        }
    }

    @Test func minuteTermCountsMergeAcrossBatchesAndCutAtMinuteEdges() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        // Minute 59: "battery" twice in two batches; minutes 60-61: "battery" and "recall"; minute 62: "recall".
        _ = try store.apply([item(1, minute: 59, text: "battery"), item(2, minute: 60, text: "battery recall")])
        _ = try store.apply([item(3, minute: 59, text: "battery charger"), item(4, minute: 61, text: "recall battery"),
                             item(5, minute: 62, text: "recall")])
        _ = try store.apply([item(3, minute: 59, text: "battery charger")])  // a redelivery counts once
        let minute: Int64 = 60_000
        #expect(try store.termCounts(scope: "", from: base + 59 * minute, to: base + 60 * minute) == ["battery": 2, "charger": 1])
        #expect(try store.termCounts(scope: "", from: base + 59 * minute, to: base + 62 * minute)
                == ["battery": 4, "charger": 1, "recall": 2])
        let counts = try store.trendCounts(PostSelection(range: TimeSpan(from: base + 60 * minute, to: base + 63 * minute)),
                                           kind: .term, baselineWindows: 1)
        #expect(counts.current == ["battery": 2, "recall": 3])
        #expect(counts.baseline == ["battery": 2, "charger": 1])
    }

    @Test func termMinutesMigrationPacksStoredMinuteTermRows() throws {
        let path = temporaryPath("store.sqlite")
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v3-insights")
        try queue.write { db in
            for (bucket, value, count) in [(base, "battery", 300), (base, "recall", 1), (base + 60_000, "battery", 2)] {
                try db.execute(sql: "INSERT INTO facet_buckets (scope, facet, level, bucket_ms, value, count) VALUES ('', 4, 0, ?, ?, ?)",
                               arguments: [bucket, value, count])
            }
            try db.execute(sql: "INSERT INTO facet_buckets (scope, facet, level, bucket_ms, value, count) VALUES ('', 4, 1, ?, 'battery', 5)",
                           arguments: [base])
        }
        try queue.close()
        let store = try PostStore(path: path, durable: false)
        #expect(try store.termCounts(scope: "", from: base, to: base + 60_000) == ["battery": 300, "recall": 1])  // a wide count
        #expect(try store.termCounts(scope: "", from: base, to: base + 120_000) == ["battery": 302, "recall": 1])
        #expect(try store.termCounts(scope: "", from: base, to: base + 3_600_000) == ["battery": 5])  // the hour row
        let minuteRows = try store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM facet_buckets WHERE facet = 4 AND level = 0")
        }
        #expect(minuteRows == 0)
    }

    @Test func careQueueRanksByPriorityPagesAndDropsHandledPosts() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        _ = try store.apply((1...7).map { item($0, minute: Int64($0), priority: Int32($0 * 10)) })
        let all = PostSelection(range: .allTime)
        let first = try store.careQueue(all, minPriority: 0, pageSize: 3, pageToken: "")
        #expect(first.posts.map(\.id) == ["t:7", "t:6", "t:5"])
        let second = try store.careQueue(all, minPriority: 0, pageSize: 3, pageToken: first.nextPageToken)
        #expect(second.posts.map(\.id) == ["t:4", "t:3", "t:2"])

        #expect(try store.markHandled(postID: "t:7", agent: "ana", now: 5) == CareClaim(claimed: true, handledBy: "ana", handledAtMs: 5))
        let rival = try store.markHandled(postID: "t:7", agent: "bob", now: 6)
        #expect(!rival.claimed && rival.handledBy == "ana")
        #expect(try store.markHandled(postID: "t:7", agent: "ana", now: 7).claimed)
        #expect(throws: StoreError.notFound("no stored post with id 't:99'")) {
            try store.markHandled(postID: "t:99", agent: "ana", now: 7)
        }
        #expect(try store.careQueue(all, minPriority: 50, pageSize: 3, pageToken: "").posts.map(\.id) == ["t:6", "t:5"])
        #expect(throws: StoreError.invalidArgument("page_token 'p1.1.1' was not issued by the care queue")) {
            try store.careQueue(all, minPriority: 0, pageSize: 3, pageToken: "p1.1.1")
        }
        #expect(throws: StoreError.invalidArgument("page_size must be between 1 and 500, got 0")) {
            try store.careQueue(all, minPriority: 0, pageSize: 0, pageToken: "")
        }
    }

    @Test func topAuthorsRankByReachOrEngagement() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        var posts = [matching(1, minute: 0, queries: [], reach: 500, author: "big"),
                     matching(2, minute: 1, queries: [], reach: 10, author: "busy"),
                     matching(3, minute: 2, queries: [], reach: 10, author: "busy")]
        posts[1].scores.engagement = 400
        _ = try store.apply(posts)
        let all = PostSelection(range: .allTime)
        #expect(try store.topAuthors(all, orderBy: .reach, limit: 20).map(\.authorID) == ["big", "busy"])
        let byEngagement = try store.topAuthors(all, orderBy: .engagement, limit: 20)
        #expect(byEngagement.first?.authorID == "busy")
        #expect(byEngagement.first?.posts == 2)
        #expect(throws: StoreError.invalidArgument("limit must be between 1 and 1000, got 1000000")) {
            try store.topAuthors(all, orderBy: .posts, limit: 1_000_000)
        }
    }

    // Alerts stored once and filtered: ListeningConformance.swift, on both backends.

    @Test func authorSketchEstimatesWithinAFewPercent() {
        var sketch = AuthorSketch()
        var other = AuthorSketch()
        for number in 0..<60_000 { sketch.insert(hash: AuthorSketch.hash("u\(number)")) }
        for number in 30_000..<90_000 { other.insert(hash: AuthorSketch.hash("u\(number)")) }
        #expect(abs(Double(sketch.estimate) - 60_000) / 60_000 < 0.05)
        sketch.merge(other)
        #expect(abs(Double(sketch.estimate) - 90_000) / 90_000 < 0.05)  // the overlap counts once
        var small = AuthorSketch()
        for number in 0..<100 { small.insert(hash: AuthorSketch.hash("a\(number)")) }
        #expect(abs(small.estimate - 100) <= 3)
    }

    /// Stored sketches hold registers chosen by this hash: it must not change between versions.
    @Test func authorHashIsStable() {
        #expect(AuthorSketch.hash("author-1") == 0x05F1_8948_EEB7_7896)
        #expect(AuthorSketch.hash("") == 0xF52A_15E9_A9B5_E89B)
    }

    @Test func termsSkipEntitiesLinksAndStopWords() {
        #expect(TermExtractor.terms(of: "Why does the Acme phone keep CRASHING?? @acme #fail https://acme.example/x $ACME it's 2024")
            == ["does", "acme", "phone", "keep", "crashing"])
        #expect(TermExtractor.terms(of: "refund refund Refund") == ["refund"])
    }

    /// Terms are Scoring's words: apostrophes, emoji and Unicode punctuation do not glue into them.
    @Test func termsUseScoringsTokenizer() {
        #expect(TermExtractor.terms(of: "service doesn’t respond") == ["service", "respond"])  // "doesnt" is a stop word
        #expect(TermExtractor.terms(of: "“Refund” doesn’t arrive") == TermExtractor.terms(of: "refund doesn't arrive"))
        #expect(TermExtractor.terms(of: "wasn’t wasn't") == ["wasnt"])
        #expect(TermExtractor.terms(of: "great😂😂 service") == ["great", "service"])
        #expect(TermExtractor.terms(of: "refund—never arrived…again") == ["refund", "never", "arrived"])
        #expect(TermExtractor.terms(of: "$ACME $100k rally") == ["rally"])  // cashtag chunks stay skipped
    }

    @Test func everyStopWordIsWrittenAsTheExtractorsWordsAndListedOnce() {
        let list = TermExtractor.stopWordList
        #expect(Set(list).count == list.count)
        // Words reach the list lowercased with apostrophes dropped: "it's" could never match.
        #expect(list.allSatisfy { word in word.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) } })
        #expect(TermExtractor.terms(of: "It's again, I'm done again") == ["done"])
    }
}
