import EarshotWire
import Foundation
import GRDB
import Testing
@testable import EarshotStore

@Suite struct ListeningQueriesTests {
    @Test func createListUpdateDeleteWithIdsNamesAndVersions() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let initial = try store.listeningQuerySet().version
        let acme = try store.createListeningQuery(name: "Acme", group: "phones", query: "acme", nowMs: 1_000)
        let rival = try store.createListeningQuery(name: "Rival", group: "phones", query: "rival*", nowMs: 2_000)
        #expect(acme.id == "q-1")
        #expect(rival.id == "q-2")
        #expect(try store.listeningQueries(group: "phones").map(\.name) == ["Acme", "Rival"])
        #expect(try store.listeningQueries(group: "other").isEmpty)

        // The same name in another group is fine; in the same group it is not.
        _ = try store.createListeningQuery(name: "Acme", group: "cars", query: "acme cars", nowMs: 3_000)
        #expect(throws: ListeningQueryError.duplicateName(name: "Acme", group: "phones")) {
            try store.createListeningQuery(name: "Acme", group: "phones", query: "x", nowMs: 4_000)
        }
        #expect(throws: ListeningQueryError.duplicateName(name: "Rival", group: "phones")) {
            try store.updateListeningQuery(id: acme.id, ListeningQueryChange(name: "Rival"), nowMs: 4_000)
        }

        let updated = try store.updateListeningQuery(id: acme.id, ListeningQueryChange(query: "acme OR #acme"), nowMs: 5_000)
        #expect(updated.name == "Acme")
        #expect(updated.query == "acme OR #acme")
        #expect(updated.createdAtMs == 1_000)
        #expect(updated.updatedAtMs == 5_000)
        #expect(try store.listeningQuery(id: acme.id) == updated)

        try store.deleteListeningQuery(id: rival.id)
        #expect(throws: ListeningQueryError.notFound(id: rival.id)) { try store.deleteListeningQuery(id: rival.id) }
        #expect(throws: ListeningQueryError.notFound(id: "q-9")) { try store.updateListeningQuery(id: "q-9", ListeningQueryChange(name: "n"), nowMs: 0) }
        // Ids are never reused.
        #expect(try store.createListeningQuery(name: "Rival", group: "phones", query: "rival", nowMs: 6_000).id == "q-4")

        let snapshot = try store.listeningQuerySet()
        #expect(snapshot.queries.map(\.id) == ["q-1", "q-3", "q-4"])
        #expect(snapshot.version == initial + 6)  // 4 creates, 1 update, 1 delete
    }

    @Test func queriesSurviveReopening() throws {
        let path = temporaryPath("store.sqlite")
        do {
            let store = try PostStore(path: path, durable: false)
            _ = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", backfillState: "pending", nowMs: 1)
        }
        let reopened = try PostStore(path: path, durable: false)
        #expect(try reopened.listeningQueries().map(\.backfillState) == ["pending"])
        #expect(try reopened.createListeningQuery(name: "B", group: "g", query: "b", nowMs: 2).id == "q-2")
    }

    @Test func backfillCountsAPostOnceEvenWhenLiveMatchingGotItFirst() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", nowMs: 1)
        // 10 posts mention acme; 3 of them were matched live already, 5 posts do not mention it.
        var posts = (1...10).map { item($0, minute: Int64($0), tags: ["acme"], text: "I like acme") }
        for index in 0..<3 { posts[index].enrichment.matchedQueryIds = [query.id] }
        posts += (11...15).map { item($0, minute: Int64($0), text: "nothing to see") }
        _ = try store.apply(posts)
        #expect(try store.overview(selection(query.id)).totals.posts == 3)

        var progress: [Double] = []
        let result = try store.backfill(queryID: query.id, rows: 1...(try store.lastPostRowID()), chunkSize: 4,
                                        matches: { $0.post.text.contains("acme") }) { state in
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

        // A second pass over the same rows (and live redeliveries) changes nothing.
        #expect(try store.backfill(queryID: query.id, rows: 1...15, matches: { $0.post.text.contains("acme") }).added == 0)
        _ = try store.apply(posts)
        #expect(try store.overview(selection(query.id)).totals.posts == 10)
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 15)
    }

    @Test func backfillStopsWhenAskedAndDeletingAQueryRemovesItsCounts() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "All", group: "g", query: "hello", nowMs: 1)
        _ = try store.apply((1...10).map { item($0, minute: Int64($0)) })
        let partial = try store.backfill(queryID: query.id, rows: 1...10, chunkSize: 3, matches: { _ in true }) { _ in false }
        #expect(partial.scanned == 3)
        #expect(try store.overview(selection(query.id)).totals.posts == 3)

        try store.setBackfillState(id: query.id, "running 30%")
        #expect(try store.listeningQuery(id: query.id).backfillState == "running 30%")
        try store.deleteListeningQuery(id: query.id)
        let leftovers = try store.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM post_queries WHERE query_id = ?) + (SELECT COUNT(*) FROM buckets WHERE scope = ?)
                     + (SELECT COUNT(*) FROM facet_buckets WHERE scope = ?)
                """, arguments: [query.id, query.id, query.id])
        }
        #expect(leftovers == 0)
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 10)
        #expect(throws: ListeningQueryError.notFound(id: query.id)) { try store.setBackfillState(id: query.id, "done") }
    }

    @Test func deletingAQueryRemovesEveryRowOfItsScope() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", nowMs: 1)
        var posts = (1...5).map { item($0, minute: Int64($0), tags: ["acme"], author: "u\($0)", text: "acme battery") }
        for index in posts.indices { posts[index].enrichment.matchedQueryIds = [query.id] }
        _ = try store.apply(posts)
        var alert = Alert()
        alert.id = "\(query.id)/volume/1000"
        alert.queryId = query.id
        alert.bucketStartMs = 1_000
        #expect(try store.insertAlert(alert))
        let tables = ["post_queries": "query_id", "buckets": "scope", "facet_buckets": "scope",
                      "term_minutes": "scope", "author_sketches": "scope", "alerts": "scope"]
        func rows(_ table: String) throws -> Int {
            try store.database.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(tables[table]!) = ?", arguments: [query.id]) ?? 0
            }
        }
        for table in tables.keys { #expect(try rows(table) > 0, "\(table) before the delete") }
        try store.deleteListeningQuery(id: query.id)
        for table in tables.keys { #expect(try rows(table) == 0, "\(table) after the delete") }
    }

    @Test func aDeletedQueryStaysDeletedWhenItsMatchesArriveLate() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", nowMs: 1)
        let kept = try store.createListeningQuery(name: "Kept", group: "g", query: "acme", nowMs: 1)
        try store.deleteListeningQuery(id: query.id)
        // Posts enriched before the delete reached the workers still name the deleted query.
        var posts = (1...4).map { item($0, minute: Int64($0), text: "acme battery") }
        for index in posts.indices { posts[index].enrichment.matchedQueryIds = [query.id, kept.id] }
        #expect(try store.apply(posts).inserted == 4)
        #expect(try store.apply(posts).duplicates == 4)  // redelivery stays idempotent
        #expect(try store.backfill(queryID: query.id, rows: 1...4, matches: { _ in true }).added == 0)

        #expect(throws: StoreError.notFound("unknown query id '\(query.id)'")) { try store.overview(selection(query.id)) }
        let leftovers = try store.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM post_queries WHERE query_id = ?) + (SELECT COUNT(*) FROM buckets WHERE scope = ?)
                     + (SELECT COUNT(*) FROM facet_buckets WHERE scope = ?) + (SELECT COUNT(*) FROM author_sketches WHERE scope = ?)
                """, arguments: [query.id, query.id, query.id, query.id])
        }
        #expect(leftovers == 0)
        #expect(try store.alertScopes() == ["", kept.id])
        #expect(try store.overview(selection(kept.id)).totals.posts == 4)
        #expect(try store.overview(PostSelection(range: .allTime)).totals.posts == 4)
    }

    @Test func backfilledPostsCountInTheQuerysTrendingTermsAndAuthors() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", nowMs: 1)
        _ = try store.apply((1...6).map { item($0, minute: Int64($0), author: "u\($0 % 3)", text: "acme battery recall") }
            + (7...9).map { item($0, minute: Int64($0), text: "nothing to see") })
        #expect(try store.backfill(queryID: query.id, rows: 1...9, chunkSize: 4, matches: { $0.post.text.contains("acme") }).added == 6)

        let hour = TimeSpan(from: base, to: base + 3_600_000)
        let counts = try store.trendCounts(PostSelection(scope: .query(query.id), range: hour), kind: .term, baselineWindows: 24)
        #expect(counts.current["battery"] == 6)
        #expect(counts.current["recall"] == 6)
        #expect(counts.current["nothing"] == nil)
        let sketches = try store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM author_sketches WHERE scope = ?", arguments: [query.id])
        }
        #expect(sketches == 2)  // the hour and the day bucket
        // The backfill counts in the query's scope only: every post was counted live already.
        #expect(try store.trendCounts(PostSelection(range: hour), kind: .term, baselineWindows: 24).current["battery"] == 6)
    }
}

extension PostStore {
    /// Saves listening queries with exactly these ids (for tests whose posts match fixed ids;
    /// only saved queries get aggregates).
    func saveQueries(ids: [String]) throws {
        try database.write { db in
            for id in ids {
                try db.execute(sql: """
                    INSERT INTO listening_queries (id, name, group_name, query, created_at_ms, updated_at_ms) VALUES (?, ?, '', ?, 0, 0)
                    """, arguments: [id, id, id])
            }
            try db.execute(sql: "UPDATE listening_state SET version = version + 1")
        }
    }
}

/// Every post of listening query `queryID`.
private func selection(_ queryID: String) -> PostSelection {
    PostSelection(scope: .query(queryID), range: .allTime)
}
