import EarshotWire
import Foundation
import GRDB
import Testing
@testable import EarshotStore

@Suite struct ListeningQueriesTests {
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

    // The listening queries' contract on both backends: ListeningConformance.swift. Here: SQLite's own tables.

    @Test func deletingABackfilledQueryLeavesNoRowOfIt() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "All", group: "g", query: "hello", nowMs: 1)
        _ = try store.apply((1...10).map { item($0, minute: Int64($0)) })
        #expect(try store.backfill(queryID: query.id, rows: 1...10, chunkSize: 3, matches: { _ in true }).added == 10)
        try store.deleteListeningQuery(id: query.id)
        let leftovers = try store.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM post_queries WHERE query_id = ?) + (SELECT COUNT(*) FROM buckets WHERE scope = ?)
                     + (SELECT COUNT(*) FROM facet_buckets WHERE scope = ?)
                """, arguments: [query.id, query.id, query.id])
        }
        #expect(leftovers == 0)
    }

    @Test func deletingAQueryRemovesEveryRowOfItsScope() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", nowMs: 1)
        var posts = (1...5).map { item($0, minute: Int64($0), tags: ["acme"], author: "u\($0)", text: "acme battery") }
        for index in posts.indices { posts[index].enrichment.matchedQueryIds = [query.id] }
        _ = try store.apply(posts)
        #expect(try store.insertAlert(StoredAlert(id: "\(query.id)/volume/1000", scope: query.id, kind: .volume, severity: .low,
                                                  bucketStartMs: 1_000, record: [1, 2, 3])))
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

    @Test func aDeletedQuerysLateMatchesLeaveNoRow() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", nowMs: 1)
        let kept = try store.createListeningQuery(name: "Kept", group: "g", query: "acme", nowMs: 1)
        try store.deleteListeningQuery(id: query.id)
        // Posts enriched before the delete reached the workers still name the deleted query.
        var posts = (1...4).map { item($0, minute: Int64($0), text: "acme battery") }
        for index in posts.indices { posts[index].enrichment.matchedQueryIds = [query.id, kept.id] }
        _ = try store.apply(posts)
        _ = try store.backfill(queryID: query.id, rows: 1...4, matches: { _ in true })
        let leftovers = try store.database.read { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT COUNT(*) FROM post_queries WHERE query_id = ?) + (SELECT COUNT(*) FROM buckets WHERE scope = ?)
                     + (SELECT COUNT(*) FROM facet_buckets WHERE scope = ?) + (SELECT COUNT(*) FROM author_sketches WHERE scope = ?)
                """, arguments: [query.id, query.id, query.id, query.id])
        }
        #expect(leftovers == 0)
    }

    @Test func backfilledPostsGetTheQuerysAuthorSketches() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let query = try store.createListeningQuery(name: "Acme", group: "g", query: "acme", nowMs: 1)
        _ = try store.apply((1...6).map { item($0, minute: Int64($0), author: "u\($0 % 3)", text: "acme battery recall") }
            + (7...9).map { item($0, minute: Int64($0), text: "nothing to see") })
        #expect(try store.backfill(queryID: query.id, rows: 1...9, chunkSize: 4, matches: textContains("acme")).added == 6)
        let sketches = try store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM author_sketches WHERE scope = ?", arguments: [query.id])
        }
        #expect(sketches == 2)  // the hour and the day bucket
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
