import EarshotWire
import Foundation
import Insights
import Testing
@testable import EarshotStore

/// The contract of ``ListeningQueryStore`` and ``AlertStore``, written against the interfaces
/// only, so that every backend runs the same checks: ids, names and versions of listening
/// queries; backfills that count a post once however often it is matched; deletes that take a
/// query's counts with them; alerts stored once and filtered; the alert monitor's reads.
struct ListeningConformance<Store: PostWriter & VolumeReadModel & InsightsReadModel & ListeningQueryStore & AlertStore> {
    /// Makes an empty store without listening queries.
    let blankStore: () throws -> Store

    /// Every post of listening query `queryID`.
    private func selection(_ queryID: String) -> PostSelection { PostSelection(scope: .query(queryID), range: .allTime) }

    private func create(_ store: Store, _ name: String, group: String, query: String, nowMs: Int64) throws -> SavedListeningQuery {
        try store.createListeningQuery(name: name, group: group, query: query, backfillState: "", nowMs: nowMs)
    }

    private func backfill(_ store: Store, _ queryID: String, rows: ClosedRange<Int64>, chunkSize: Int = 2_000,
                          matches: (StoredPost) throws(StoreError) -> Bool,
                          progress: (BackfillProgress) -> Bool = { _ in true }) throws -> BackfillProgress {
        try store.backfill(queryID: queryID, rows: rows, chunkSize: chunkSize, matches: matches, progress: progress)
    }

    func createListUpdateDeleteWithIdsNamesAndVersions() throws {
        let store = try blankStore()
        let initial = try store.listeningQuerySet().version
        let acme = try create(store, "Acme", group: "phones", query: "acme", nowMs: 1_000)
        let rival = try create(store, "Rival", group: "phones", query: "rival*", nowMs: 2_000)
        #expect(acme.id == "q-1")
        #expect(rival.id == "q-2")
        #expect(try store.listeningQueries(group: "phones").map(\.name) == ["Acme", "Rival"])
        #expect(try store.listeningQueries(group: "other").isEmpty)

        // The same name in another group is fine; in the same group it is not.
        _ = try create(store, "Acme", group: "cars", query: "acme cars", nowMs: 3_000)
        #expect(try store.listeningQueries(group: "").map(\.group) == ["cars", "phones", "phones"])
        #expect(throws: ListeningQueryError.duplicateName(name: "Acme", group: "phones")) {
            try create(store, "Acme", group: "phones", query: "x", nowMs: 4_000)
        }
        #expect(throws: ListeningQueryError.duplicateName(name: "Rival", group: "phones")) {
            try store.updateListeningQuery(id: acme.id, ListeningQueryChange(name: "Rival"), nowMs: 4_000)
        }
        #expect(throws: ListeningQueryError.invalidArgument("a query needs a name")) { try create(store, "  ", group: "g", query: "x", nowMs: 0) }

        let updated = try store.updateListeningQuery(id: acme.id, ListeningQueryChange(query: "acme OR #acme"), nowMs: 5_000)
        #expect(updated.name == "Acme")
        #expect(updated.query == "acme OR #acme")
        #expect(updated.createdAtMs == 1_000)
        #expect(updated.updatedAtMs == 5_000)
        #expect(try store.listeningQuery(id: acme.id) == updated)

        try store.deleteListeningQuery(id: rival.id)
        #expect(throws: ListeningQueryError.notFound(id: rival.id)) { try store.deleteListeningQuery(id: rival.id) }
        #expect(throws: ListeningQueryError.notFound(id: rival.id)) { try store.listeningQuery(id: rival.id) }
        #expect(throws: ListeningQueryError.notFound(id: "q-9")) { try store.updateListeningQuery(id: "q-9", ListeningQueryChange(name: "n"), nowMs: 0) }
        // Ids are never reused.
        #expect(try create(store, "Rival", group: "phones", query: "rival", nowMs: 6_000).id == "q-4")

        let snapshot = try store.listeningQuerySet()
        #expect(snapshot.queries.map(\.id) == ["q-1", "q-3", "q-4"])
        #expect(snapshot.version == initial + 6)  // 4 creates, 1 update, 1 delete
        try store.setBackfillState(id: acme.id, "running 30%")
        #expect(try store.listeningQuery(id: acme.id).backfillState == "running 30%")
        #expect(try store.listeningQuerySet().version == initial + 6)  // a backfill's progress is no change of the set
    }

    func backfillCountsAPostOnceEvenWhenLiveMatchingGotItFirst() throws {
        let store = try blankStore()
        let query = try create(store, "Acme", group: "g", query: "acme", nowMs: 1)
        // 10 posts mention acme; 3 of them were matched live already, 5 posts do not mention it.
        var posts = (1...10).map { item($0, minute: Int64($0), tags: ["acme"], text: "I like acme") }
        for index in 0..<3 { posts[index].enrichment.matchedQueryIds = [query.id] }
        posts += (11...15).map { item($0, minute: Int64($0), text: "nothing to see") }
        _ = try store.apply(posts)
        #expect(try store.overview(selection(query.id)).totals.posts == 3)
        #expect(try store.lastPostRowID() == 15)

        var progress: [Double] = []
        let result = try backfill(store, query.id, rows: 1...(try store.lastPostRowID()), chunkSize: 4,
                                  matches: textContains("acme")) { state in
            progress.append(state.fraction)
            return true
        }
        #expect(result.scanned == 15)
        #expect(result.added == 7)
        #expect(progress.count == 4)  // 15 posts in chunks of 4
        #expect(progress == progress.sorted() && progress.last == 1)

        let overview = try store.overview(selection(query.id)).totals
        #expect(overview.posts == 10)
        #expect(overview.reach == 1_000)
        #expect(try store.topHashtags(selection(query.id), limit: 10) == [ValueCount(value: "acme", count: 10)])
        // Counted in minutes at the edges of a range too (from the posts), not only in whole buckets.
        let cut = TimeSpan(from: base + 90_000, to: base + 5 * 60_000 + 30_000)
        #expect(try store.overview(PostSelection(scope: .query(query.id), range: cut)).totals.posts == 4)  // minutes 2…5

        // A second pass over the same rows (and live redeliveries) changes nothing.
        #expect(try backfill(store, query.id, rows: 1...15, matches: textContains("acme")).added == 0)
        _ = try store.apply(posts)
        #expect(try store.overview(selection(query.id)).totals.posts == 10)
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 15)
    }

    func backfillStopsWhenAskedAndDeletingAQueryRemovesItsCounts() throws {
        let store = try blankStore()
        let query = try create(store, "All", group: "g", query: "hello", nowMs: 1)
        _ = try store.apply((1...10).map { item($0, minute: Int64($0)) })
        let partial = try backfill(store, query.id, rows: 1...10, chunkSize: 3, matches: { _ in true }) { _ in false }
        #expect(partial.scanned == 3)
        #expect(try store.overview(selection(query.id)).totals.posts == 3)

        try store.deleteListeningQuery(id: query.id)
        #expect(throws: StoreError.notFound("unknown query id '\(query.id)'")) { try store.overview(selection(query.id)) }
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 10)
        #expect(throws: ListeningQueryError.notFound(id: query.id)) { try store.setBackfillState(id: query.id, "done") }
        // A backfill of a deleted query writes nothing.
        #expect(try backfill(store, query.id, rows: 1...10, matches: { _ in true }).added == 0)
    }

    func aDeletedQueryStaysDeletedWhenItsMatchesArriveLate() throws {
        let store = try blankStore()
        let query = try create(store, "Acme", group: "g", query: "acme", nowMs: 1)
        let kept = try create(store, "Kept", group: "g", query: "acme", nowMs: 1)
        try store.deleteListeningQuery(id: query.id)
        // Posts enriched before the delete reached the workers still name the deleted query.
        var posts = (1...4).map { item($0, minute: Int64($0), text: "acme battery") }
        for index in posts.indices { posts[index].enrichment.matchedQueryIds = [query.id, kept.id] }
        #expect(try store.apply(posts).inserted == 4)
        #expect(try store.apply(posts).duplicates == 4)  // redelivery stays idempotent
        #expect(try backfill(store, query.id, rows: 1...4, matches: { _ in true }).added == 0)

        #expect(throws: StoreError.notFound("unknown query id '\(query.id)'")) { try store.overview(selection(query.id)) }
        #expect(try store.alertScopes() == ["", kept.id])
        #expect(try store.overview(selection(kept.id)).totals.posts == 4)
        #expect(try store.overview(PostSelection(scope: .group("g"), range: .allTime)).totals.posts == 4)
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 4)
    }

    func backfilledPostsCountInTheQuerysTrendingTermsAndAuthors() throws {
        let store = try blankStore()
        let query = try create(store, "Acme", group: "g", query: "acme", nowMs: 1)
        _ = try store.apply((1...6).map { item($0, minute: Int64($0), author: "u\($0 % 3)", text: "acme battery recall") }
            + (7...9).map { item($0, minute: Int64($0), text: "nothing to see") })
        #expect(try backfill(store, query.id, rows: 1...9, chunkSize: 4, matches: textContains("acme")).added == 6)

        let hour = TimeSpan(from: base, to: base + 3_600_000)
        let counts = try store.trendCounts(PostSelection(scope: .query(query.id), range: hour), kind: .term, baselineWindows: 24)
        #expect(counts.current["battery"] == 6)
        #expect(counts.current["recall"] == 6)
        #expect(counts.current["nothing"] == nil)
        #expect(try store.overview(selection(query.id)).uniqueAuthors == 3)
        #expect(try store.authorCounts(scope: query.id, from: base, to: base + 3_600_000) == ["u0": 2, "u1": 2, "u2": 2])
        // The backfill counts in the query's scope only: every post was counted live already.
        #expect(try store.trendCounts(PostSelection(range: hour), kind: .term, baselineWindows: 24).current["battery"] == 6)
    }

    func alertsAreStoredOnceAndFiltered() throws {
        let store = try blankStore()
        let acme = try create(store, "Acme", group: "g", query: "acme", nowMs: 1)
        let alert = StoredAlert(id: "\(acme.id)/volume/1000", scope: acme.id, kind: .volume, severity: .high, bucketStartMs: 1_000,
                                record: Array("the alert's details".utf8))
        #expect(try store.insertAlert(alert))
        #expect(try !store.insertAlert(alert))
        let overall = StoredAlert(id: "*/negative/2000", scope: "", kind: .negativeSentiment, severity: .low, bucketStartMs: 2_000,
                                  record: [0, 255, 7])
        #expect(try store.insertAlert(overall))
        let angry = StoredAlert(id: "*/anger/3000", scope: "", kind: .anger, severity: .critical, bucketStartMs: 3_000, record: [])
        #expect(try store.insertAlert(angry))

        // Every field comes back as stored: kind, severity, scope and the details' bytes.
        #expect(try store.alerts(AlertFilter()) == [angry, overall, alert])
        #expect(try store.alerts(AlertFilter(minSeverity: .medium)) == [angry, alert])
        #expect(try store.alerts(AlertFilter(minSeverity: .critical)) == [angry])
        #expect(try store.alerts(AlertFilter(kind: .volume)) == [alert])
        #expect(try store.alerts(AlertFilter(kind: .anger, minSeverity: .low)) == [angry])
        #expect(try store.alerts(AlertFilter(range: TimeSpan(from: 1_500, to: 2_500))) == [overall])
        #expect(try store.alerts(AlertFilter(scope: .allPosts)).map(\.id) == ["*/anger/3000", "*/negative/2000"])
        #expect(try store.alerts(AlertFilter(scope: .query(acme.id))) == [alert])
        #expect(try store.alerts(AlertFilter(limit: 1)).count == 1)
        #expect(throws: StoreError.notFound("unknown query id 'nope'")) { try store.alerts(AlertFilter(scope: .query("nope"))) }
        #expect(throws: StoreError.self) { try store.alerts(AlertFilter(limit: 0)) }
        // Deleting the query takes its alerts with it.
        try store.deleteListeningQuery(id: acme.id)
        #expect(try store.alerts(AlertFilter()).map(\.id) == ["*/anger/3000", "*/negative/2000"])
    }

    func theAlertMonitorsReadsCountThePosts() throws {
        let store = try blankStore()
        #expect(try store.newestMinute() == nil)
        let acme = try create(store, "Acme", group: "g", query: "acme", nowMs: 1)
        var posts = (0..<12).map { number in
            item(number, minute: Int64(number / 3), label: number % 2 == 0 ? "negative" : "positive", author: "u\(number % 2)",
                 text: number < 6 ? "battery fire" : "screen")
        }
        for index in posts.indices where index >= 3 { posts[index].enrichment.matchedQueryIds = [acme.id] }
        for index in posts.indices where index % 4 == 0 {
            posts[index].enrichment.emotions.available = true
            posts[index].enrichment.emotions.labels = ["anger"]
        }
        _ = try store.apply(posts)
        #expect(try store.newestMinute() == base + 3 * 60_000)
        #expect(try store.oldestMinute(scope: "") == base)
        #expect(try store.oldestMinute(scope: acme.id) == base + 60_000)
        #expect(try store.alertScopes() == ["", acme.id])

        let minutes = try store.minuteCounts(scope: "", from: base, to: base + 3 * 60_000)
        #expect(minutes.map(\.bucketMs) == [0, 1, 2].map { base + $0 * 60_000 })
        #expect(minutes.map(\.posts) == [3, 3, 3])
        #expect(minutes.map(\.negative) == [2, 1, 2])
        #expect(minutes.map(\.positive) == [1, 2, 1])
        #expect(minutes.map(\.anger) == [1, 1, 1])  // posts 0, 4 and 8
        #expect(try store.minuteCounts(scope: acme.id, from: base, to: base + 10 * 60_000).map(\.posts) == [3, 3, 3])
        #expect(try store.termCounts(scope: "", from: base, to: base + 2 * 60_000) == ["battery": 6, "fire": 6])
        #expect(try store.termCounts(scope: acme.id, from: base, to: base + 10 * 60_000)
                == ["battery": 3, "fire": 3, "screen": 6])
        #expect(try store.authorCounts(scope: "", from: base + 60_000, to: base + 3 * 60_000) == ["u0": 3, "u1": 3])
    }
}

/// ``ListeningConformance`` on the SQLite store.
@Suite struct SQLiteListeningConformanceTests {
    let conformance = ListeningConformance { try PostStore(path: temporaryPath("store.sqlite"), durable: false) }

    @Test func createListUpdateDeleteWithIdsNamesAndVersions() throws { try conformance.createListUpdateDeleteWithIdsNamesAndVersions() }
    @Test func backfillCountsAPostOnceEvenWhenLiveMatchingGotItFirst() throws { try conformance.backfillCountsAPostOnceEvenWhenLiveMatchingGotItFirst() }
    @Test func backfillStopsWhenAskedAndDeletingAQueryRemovesItsCounts() throws { try conformance.backfillStopsWhenAskedAndDeletingAQueryRemovesItsCounts() }
    @Test func aDeletedQueryStaysDeletedWhenItsMatchesArriveLate() throws { try conformance.aDeletedQueryStaysDeletedWhenItsMatchesArriveLate() }
    @Test func backfilledPostsCountInTheQuerysTrendingTermsAndAuthors() throws { try conformance.backfilledPostsCountInTheQuerysTrendingTermsAndAuthors() }
    @Test func alertsAreStoredOnceAndFiltered() throws { try conformance.alertsAreStoredOnceAndFiltered() }
    @Test func theAlertMonitorsReadsCountThePosts() throws { try conformance.theAlertMonitorsReadsCountThePosts() }
}
