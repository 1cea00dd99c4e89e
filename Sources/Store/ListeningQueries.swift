import Foundation
import GRDB

/// A failure of a listening-query operation on the store.
public enum ListeningQueryError: Error, Equatable, CustomStringConvertible {
    /// No query has this id.
    case notFound(id: String)
    /// Another query of `group` is already called `name`.
    case duplicateName(name: String, group: String)
    /// A field is missing or malformed; the message says which.
    case invalidArgument(String)
    /// The store failed.
    case store(StoreError)

    /// A query's name must hold more than spaces.
    public static func checkName(_ name: String) throws(ListeningQueryError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidArgument("a query needs a name") }
    }

    public var description: String {
        switch self {
        case .notFound(let id): return "no listening query with id '\(id)'"
        case .duplicateName(let name, let group): return "group '\(group)' already has a query named '\(name)'"
        case .invalidArgument(let message): return message
        case .store(let error): return error.description
        }
    }
}

/// The fields of a query that an update may change; nil = unchanged.
public struct ListeningQueryChange: Sendable, Equatable {
    public var name: String?
    public var group: String?
    public var query: String?

    public init(name: String? = nil, group: String? = nil, query: String? = nil) {
        self.name = name
        self.group = group
        self.query = query
    }
}

/// How far a backfill pass got.
public struct BackfillProgress: Sendable, Equatable {
    /// Posts examined so far in this pass.
    public var scanned: Int
    /// Posts newly recorded as matching (not matched before, e.g. live).
    public var added: Int
    /// Share of the pass's row range done, 0...1.
    public var fraction: Double

    public init(scanned: Int, added: Int, fraction: Double) {
        self.scanned = scanned
        self.added = added
        self.fraction = fraction
    }
}

/// Tables of the listening queries: `listening_queries` (one row per query;
/// other components read `id` and `group_name`) and `listening_state` (the
/// id counter and the query-set version, bumped by every change).
enum ListeningQueryTables {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE listening_queries (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                group_name TEXT NOT NULL,
                query TEXT NOT NULL,
                created_at_ms INTEGER NOT NULL,
                updated_at_ms INTEGER NOT NULL,
                backfill_state TEXT NOT NULL DEFAULT ''
            );
            CREATE UNIQUE INDEX listening_queries_by_group_name ON listening_queries (group_name, name);
            CREATE TABLE listening_state (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                last_number INTEGER NOT NULL,
                version INTEGER NOT NULL
            );
            INSERT INTO listening_state (singleton, last_number, version) VALUES (1, 0, 1);
            """)
    }
}

extension PostStore: ListeningQueryStore {
    /// Writes in one transaction, mapping database failures to ``ListeningQueryError/store(_:)``.
    private func writeListening<T>(_ operation: String, _ body: (Database) throws -> T) throws(ListeningQueryError) -> T {
        do { return try database.write(body) } catch let error as ListeningQueryError { throw error } catch {
            throw .store(.database(operation: operation, message: "\(error)"))
        }
    }

    /// Reads in one transaction; a listening-query failure of `body` (an unknown id) passes as it is.
    private func readListening<T>(_ operation: String, _ body: (Database) throws -> T) throws(ListeningQueryError) -> T {
        do { return try database.read(body) } catch let error as ListeningQueryError { throw error } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.database(operation: operation, message: "\(error)"))
        }
    }

    private static let queryColumns = "id, name, group_name, query, created_at_ms, updated_at_ms, backfill_state"

    private static func savedQuery(_ row: Row) -> SavedListeningQuery {
        SavedListeningQuery(id: row[0], name: row[1], group: row[2], query: row[3], createdAtMs: row[4], updatedAtMs: row[5],
                            backfillState: row[6])
    }

    private static func fetchQuery(_ db: Database, id: String) throws -> SavedListeningQuery {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(queryColumns) FROM listening_queries WHERE id = ?", arguments: [id]) else {
            throw ListeningQueryError.notFound(id: id)
        }
        return savedQuery(row)
    }

    private static func requireUniqueName(_ db: Database, name: String, group: String, except id: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM listening_queries WHERE group_name = ? AND name = ? AND id <> ?",
                             arguments: [group, name, id]) == true {
            throw ListeningQueryError.duplicateName(name: name, group: group)
        }
    }

    private static func bumpVersion(_ db: Database) throws {
        try db.execute(sql: "UPDATE listening_state SET version = version + 1")
    }

    /// Stores a new query under the next id ("q-1", "q-2", …; ids are never
    /// reused). The caller has validated `query`. Throws
    /// ``ListeningQueryError/duplicateName(name:group:)`` when the group already has `name`.
    public func createListeningQuery(name: String, group: String, query: String, backfillState: String = "",
                                     nowMs: Int64) throws(ListeningQueryError) -> SavedListeningQuery {
        try ListeningQueryError.checkName(name)
        return try writeListening("create listening query") { db in
            try Self.requireUniqueName(db, name: name, group: group, except: "")
            try db.execute(sql: "UPDATE listening_state SET last_number = last_number + 1")
            let number = try Int64.fetchOne(db, sql: "SELECT last_number FROM listening_state") ?? 1
            let saved = SavedListeningQuery(id: "q-\(number)", name: name, group: group, query: query, createdAtMs: nowMs,
                                            updatedAtMs: nowMs, backfillState: backfillState)
            try db.execute(sql: "INSERT INTO listening_queries (\(Self.queryColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [saved.id, name, group, query, nowMs, nowMs, backfillState])
            try Self.bumpVersion(db)
            return saved
        }
    }

    /// Changes the given fields of query `id` (the caller has validated a new query text).
    public func updateListeningQuery(id: String, _ change: ListeningQueryChange, nowMs: Int64) throws(ListeningQueryError) -> SavedListeningQuery {
        if let name = change.name { try ListeningQueryError.checkName(name) }
        return try writeListening("update listening query") { db in
            var saved = try Self.fetchQuery(db, id: id)
            saved.name = change.name ?? saved.name
            saved.group = change.group ?? saved.group
            saved.query = change.query ?? saved.query
            saved.updatedAtMs = nowMs
            try Self.requireUniqueName(db, name: saved.name, group: saved.group, except: id)
            try db.execute(sql: "UPDATE listening_queries SET name = ?, group_name = ?, query = ?, updated_at_ms = ? WHERE id = ?",
                           arguments: [saved.name, saved.group, saved.query, nowMs, id])
            try Self.bumpVersion(db)
            return saved
        }
    }

    /// Every table holding rows of one listening query, with the column naming the query:
    /// its matches, and its scope's aggregates, insights and alerts.
    static let perQueryTables: [(table: String, column: String)] = [
        ("post_queries", "query_id"), ("buckets", "scope"), ("facet_buckets", "scope"),
        ("term_minutes", "scope"), ("author_sketches", "scope"), ("alerts", "scope"),
    ]

    /// Removes query `id` with its matches and everything kept for its scope (``perQueryTables``).
    public func deleteListeningQuery(id: String) throws(ListeningQueryError) {
        try writeListening("delete listening query") { db in
            try db.execute(sql: "DELETE FROM listening_queries WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw ListeningQueryError.notFound(id: id) }
            for (table, column) in Self.perQueryTables {
                try db.execute(sql: "DELETE FROM \(table) WHERE \(column) = ?", arguments: [id])
            }
            try Self.bumpVersion(db)
        }
    }

    /// Query `id`.
    public func listeningQuery(id: String) throws(ListeningQueryError) -> SavedListeningQuery {
        try readListening("read listening query") { db in try Self.fetchQuery(db, id: id) }
    }

    /// The queries of `group` ("" = all), by group then name.
    public func listeningQueries(group: String = "") throws(ListeningQueryError) -> [SavedListeningQuery] {
        try readListening("list listening queries") { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.queryColumns) FROM listening_queries WHERE ? = '' OR group_name = ? ORDER BY group_name, name
                """, arguments: [group, group]).map(Self.savedQuery)
        }
    }

    /// Every query with the current version, read in one transaction (what the query-set feed publishes).
    public func listeningQuerySet() throws(ListeningQueryError) -> ListeningQuerySet {
        try readListening("read query set") { db in
            ListeningQuerySet(version: UInt64(try Int64.fetchOne(db, sql: "SELECT version FROM listening_state") ?? 0),
                              queries: try Row.fetchAll(db, sql: "SELECT \(Self.queryColumns) FROM listening_queries ORDER BY id").map(Self.savedQuery))
        }
    }

    /// Records a backfill's progress (not a query-set change: no version bump);
    /// ``ListeningQueryError/notFound(id:)`` tells a backfill its query was deleted.
    public func setBackfillState(id: String, _ state: String) throws(ListeningQueryError) {
        try writeListening("record backfill state") { db in
            try db.execute(sql: "UPDATE listening_queries SET backfill_state = ? WHERE id = ?", arguments: [state, id])
            guard db.changesCount == 1 else { throw ListeningQueryError.notFound(id: id) }
        }
    }

    // MARK: Backfill

    /// The highest post rowid stored so far (0 when empty): the boundary
    /// between a backfill's first pass and its second.
    public func lastPostRowID() throws(StoreError) -> Int64 {
        try read("last post rowid") { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(rowid), 0) FROM posts") ?? 0 }
    }

    /// Matches the stored posts with rowid in `rows` against `matches` and
    /// records the matching ones for `queryID`, `chunkSize` posts per
    /// transaction (memory stays bounded by one chunk).
    ///
    /// A match is recorded with `INSERT OR IGNORE` and added to the query's
    /// aggregates only when the insert happened, in the same transaction, so
    /// a post that live matching (or an earlier pass) recorded already is
    /// counted once. The posts count in the query's aggregates and insights
    /// (terms, domains, mentions, unique authors) as live matches do.
    /// `progress` is called after each chunk and may return `false` to stop
    /// early (shutdown); the pass also stops, writing nothing more, once the
    /// query is deleted. Returns the last progress.
    @discardableResult
    public func backfill(queryID: String, rows: ClosedRange<Int64>, chunkSize: Int = 2_000,
                         matches: (StoredPost) throws(StoreError) -> Bool,
                         progress: (BackfillProgress) -> Bool = { _ in true }) throws(StoreError) -> BackfillProgress {
        var state = BackfillProgress(scanned: 0, added: 0, fraction: rows.isEmpty ? 1 : 0)
        var cursor = rows.lowerBound - 1
        let span = Double(max(1, rows.upperBound - rows.lowerBound + 1))
        while cursor < rows.upperBound {
            let chunk = try read("backfill read") { db in
                try Row.fetchAll(db, sql: "SELECT rowid, id, created_at_ms, view FROM posts WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?",
                                 arguments: [cursor, rows.upperBound, chunkSize])
                    .map { row in (rowID: row[0] as Int64, post: StoredPost(id: row[1], createdAtMs: row[2], view: [UInt8](row[3] as Data))) }
            }
            guard let last = chunk.last else { break }
            var matched: [(rowID: Int64, item: ScoredPost)] = []
            for entry in chunk {
                guard try matches(entry.post) else { continue }
                do { matched.append((entry.rowID, try ScoredPost(record: entry.post.view))) } catch {
                    throw .database(operation: "backfill decode post rowid \(entry.rowID)", message: "\(error)")
                }
            }
            guard let added = try recordMatches(queryID: queryID, matched) else { return state }
            state.added += added
            state.scanned += chunk.count
            cursor = last.rowID
            state.fraction = min(1, Double(cursor - rows.lowerBound + 1) / span)
            if !progress(state) { return state }
        }
        state.fraction = 1
        return state
    }

    /// Inserts the matches of one chunk and counts the new ones in the query's scope; returns
    /// how many were new, or nil (writing nothing) when the query no longer exists.
    private func recordMatches(queryID: String, _ matched: [(rowID: Int64, item: ScoredPost)]) throws(StoreError) -> Int? {
        guard !matched.isEmpty else { return 0 }
        do {
            return try database.write { db in
                guard try savedQueries.ids(db).ids.contains(queryID) else { return nil }
                let insertMatch = try db.cachedStatement(sql: "INSERT OR IGNORE INTO post_queries (query_id, created_at_ms, post_rowid) VALUES (?, ?, ?)")
                var added: [ScoredPost] = []
                for (rowID, item) in matched {
                    try insertMatch.execute(arguments: [queryID, item.createdAtMs, rowID])
                    if db.changesCount == 1 { added.append(item) }
                }
                let deltas = BatchDeltas()
                deltas.add(added, countedIn: .query(queryID))
                try deltas.write(db)
                return added.count
            }
        } catch {
            throw .database(operation: "backfill write for \(queryID)", message: "\(error)")
        }
    }
}
