import EarshotStore
import NIOCore
import PostgresNIO

extension PostgresStore: ListeningQueryStore {
    /// Runs `body` in one writer transaction: it returns a listening-query failure without
    /// writing anything, or the result; server failures become ``ListeningQueryError/store(_:)``.
    private func writeListening<T>(_ operation: String,
                                   _ body: () throws(StoreError) -> Result<T, ListeningQueryError>) throws(ListeningQueryError) -> T {
        let outcome: Result<T, ListeningQueryError>
        do {
            try prepared()
            outcome = try writer.exclusively { () throws(StoreError) in try writer.transaction(operation, body) }
        } catch {
            throw .store(error)
        }
        return try outcome.get()
    }

    private static let queryColumns = "id, name, group_name, query, created_at_ms, updated_at_ms, backfill_state"

    private static func savedQuery(_ row: PostgresRow, _ operation: String) throws(StoreError) -> SavedListeningQuery {
        let (id, name, group, query, createdAtMs, updatedAtMs, backfillState) =
            try PostgresSession.decode(row, (String, String, String, String, Int64, Int64, String).self, operation)
        return SavedListeningQuery(id: id, name: name, group: group, query: query, createdAtMs: createdAtMs, updatedAtMs: updatedAtMs,
                                   backfillState: backfillState)
    }

    /// Query `id` read on `session`, nil when it is not saved.
    private static func fetchQuery(_ session: PostgresSession, id: String, _ operation: String) throws(StoreError) -> SavedListeningQuery? {
        var binds = StatementBinds()
        let rows = try session.rows(operation, "SELECT \(queryColumns) FROM listening_queries WHERE id = \(binds.add(id))", binds.binds)
        return try rows.first.map { (row) throws(StoreError) in try savedQuery(row, operation) }
    }

    /// Whether another query than `id` of `group` is called `name`.
    private func nameTaken(_ name: String, group: String, except id: String, _ operation: String) throws(StoreError) -> Bool {
        var binds = StatementBinds()
        return try !writer.rows(operation, """
            SELECT 1 FROM listening_queries WHERE group_name = \(binds.add(group)) AND name = \(binds.add(name)) AND id <> \(binds.add(id))
            """, binds.binds).isEmpty
    }

    private func bumpVersion(_ operation: String) throws(StoreError) {
        try writer.rows(operation, "UPDATE listening_state SET version = version + 1")
    }

    public func createListeningQuery(name: String, group: String, query: String, backfillState: String = "",
                                     nowMs: Int64) throws(ListeningQueryError) -> SavedListeningQuery {
        try ListeningQueryError.checkName(name)
        let operation = "create listening query"
        return try writeListening(operation) { () throws(StoreError) -> Result<SavedListeningQuery, ListeningQueryError> in
            if try nameTaken(name, group: group, except: "", operation) { return .failure(.duplicateName(name: name, group: group)) }
            var binds = StatementBinds()
            let rows = try writer.rows(operation, """
                INSERT INTO listening_queries (id, name, group_name, query, created_at_ms, updated_at_ms, backfill_state)
                VALUES ('q-' || nextval('listening_query_numbers'), \(binds.add(name)), \(binds.add(group)), \(binds.add(query)),
                        \(binds.add(nowMs)), \(binds.add(nowMs)), \(binds.add(backfillState)))
                RETURNING \(Self.queryColumns)
                """, binds.binds)
            try bumpVersion(operation)
            return .success(try Self.savedQuery(rows[0], operation))
        }
    }

    public func updateListeningQuery(id: String, _ change: ListeningQueryChange, nowMs: Int64) throws(ListeningQueryError) -> SavedListeningQuery {
        if let name = change.name { try ListeningQueryError.checkName(name) }
        let operation = "update listening query"
        return try writeListening(operation) { () throws(StoreError) -> Result<SavedListeningQuery, ListeningQueryError> in
            guard var saved = try Self.fetchQuery(writer, id: id, operation) else { return .failure(.notFound(id: id)) }
            saved.name = change.name ?? saved.name
            saved.group = change.group ?? saved.group
            saved.query = change.query ?? saved.query
            saved.updatedAtMs = nowMs
            if try nameTaken(saved.name, group: saved.group, except: id, operation) {
                return .failure(.duplicateName(name: saved.name, group: saved.group))
            }
            var binds = StatementBinds()
            try writer.rows(operation, """
                UPDATE listening_queries SET name = \(binds.add(saved.name)), group_name = \(binds.add(saved.group)),
                    query = \(binds.add(saved.query)), updated_at_ms = \(binds.add(nowMs)) WHERE id = \(binds.add(id))
                """, binds.binds)
            try bumpVersion(operation)
            return .success(saved)
        }
    }

    /// Removes query `id`, its roll-ups and its alerts. Its id stays in the `query_ids` of the
    /// posts it matched (rewriting them would touch every partition); ids are never reused and
    /// reads of an unknown query answer NOT_FOUND, so nothing counts them again.
    public func deleteListeningQuery(id: String) throws(ListeningQueryError) {
        let operation = "delete listening query"
        try writeListening(operation) { () throws(StoreError) -> Result<Void, ListeningQueryError> in
            var binds = StatementBinds()
            let scope = binds.add(id)
            guard try !writer.rows(operation, "DELETE FROM listening_queries WHERE id = \(scope) RETURNING id", binds.binds).isEmpty else {
                return .failure(.notFound(id: id))
            }
            for table in ["rollup_totals", "rollup_facets", "rollup_minute_facets", "author_sketches", "alerts"] {
                try writer.rows(operation, "DELETE FROM \(table) WHERE scope = \(scope)", binds.binds)
            }
            try bumpVersion(operation)
            return .success(())
        }
    }

    /// Runs a read, turning its failure into ``ListeningQueryError/store(_:)``.
    private func readListening<T>(_ operation: String, _ body: () throws(StoreError) -> T) throws(ListeningQueryError) -> T {
        do { return try read(operation, body) } catch { throw .store(error) }
    }

    public func listeningQuery(id: String) throws(ListeningQueryError) -> SavedListeningQuery {
        let operation = "read listening query"
        guard let saved = try readListening(operation, { () throws(StoreError) in try Self.fetchQuery(reader, id: id, operation) }) else {
            throw .notFound(id: id)
        }
        return saved
    }

    public func listeningQueries(group: String = "") throws(ListeningQueryError) -> [SavedListeningQuery] {
        let operation = "list listening queries"
        return try readListening(operation) { () throws(StoreError) -> [SavedListeningQuery] in
            var binds = StatementBinds()
            let group = binds.add(group)
            return try reader.rows(operation, """
                SELECT \(Self.queryColumns) FROM listening_queries WHERE \(group) = '' OR group_name = \(group)
                ORDER BY group_name COLLATE "C", name COLLATE "C"
                """, binds.binds).map { (row) throws(StoreError) in try Self.savedQuery(row, operation) }
        }
    }

    public func listeningQuerySet() throws(ListeningQueryError) -> ListeningQuerySet {
        let operation = "read query set"
        return try readListening(operation) { () throws(StoreError) -> ListeningQuerySet in
            let version = try PostgresSession.decode(try reader.rows(operation, "SELECT version FROM listening_state")[0], Int64.self, operation)
            let queries = try reader.rows(operation, "SELECT \(Self.queryColumns) FROM listening_queries ORDER BY id COLLATE \"C\"")
                .map { (row) throws(StoreError) in try Self.savedQuery(row, operation) }
            return ListeningQuerySet(version: UInt64(max(0, version)), queries: queries)
        }
    }

    public func setBackfillState(id: String, _ state: String) throws(ListeningQueryError) {
        let operation = "record backfill state"
        try writeListening(operation) { () throws(StoreError) -> Result<Void, ListeningQueryError> in
            var binds = StatementBinds()
            let rows = try writer.rows(operation, """
                UPDATE listening_queries SET backfill_state = \(binds.add(state)) WHERE id = \(binds.add(id)) RETURNING id
                """, binds.binds)
            return rows.isEmpty ? .failure(.notFound(id: id)) : .success(())
        }
    }

    // MARK: Backfill

    /// The `seq` of the newest stored post (0 when empty). The one writer stores batches one
    /// transaction at a time, so every post numbered up to here is committed.
    public func lastPostRowID() throws(StoreError) -> Int64 {
        let operation = "last post seq"
        return try read(operation) { () throws(StoreError) in
            try PostgresSession.decode(try reader.rows(operation, "SELECT COALESCE(MAX(seq), 0)::int8 FROM posts")[0], Int64.self, operation)
        }
    }

    public func backfill(queryID: String, rows: ClosedRange<Int64>, chunkSize: Int = 2_000, matches: (StoredPost) throws(StoreError) -> Bool,
                         progress: (BackfillProgress) -> Bool = { _ in true }) throws(StoreError) -> BackfillProgress {
        var state = BackfillProgress(scanned: 0, added: 0, fraction: rows.isEmpty ? 1 : 0)
        var cursor = rows.lowerBound - 1
        let span = Double(max(1, rows.upperBound - rows.lowerBound + 1))
        let operation = "backfill read"
        while cursor < rows.upperBound {
            let chunk = try read(operation) { () throws(StoreError) -> [(seq: Int64, post: StoredPost)] in
                var binds = StatementBinds()
                return try reader.rows(operation, """
                    SELECT seq, id, created_at_ms, record FROM posts WHERE seq > \(binds.add(cursor)) AND seq <= \(binds.add(rows.upperBound))
                    ORDER BY seq LIMIT \(binds.add(Int64(chunkSize)))
                    """, binds.binds).map { (row) throws(StoreError) in
                    let (seq, id, createdAtMs, record) = try PostgresSession.decode(row, (Int64, String, Int64, ByteBuffer).self, operation)
                    return (seq: seq, post: StoredPost(id: id, createdAtMs: createdAtMs, view: Array(record.readableBytesView)))
                }
            }
            guard let last = chunk.last else { break }
            var matched: [ScoredPost] = []
            for entry in chunk {
                guard try matches(entry.post) else { continue }
                do { matched.append(try ScoredPost(record: entry.post.view)) } catch {
                    throw .database(operation: "backfill decode post seq \(entry.seq)", message: "\(error)")
                }
            }
            guard let added = try recordMatches(queryID: queryID, matched) else { return state }
            state.added += added
            state.scanned += chunk.count
            cursor = last.seq
            state.fraction = min(1, Double(cursor - rows.lowerBound + 1) / span)
            if !progress(state) { return state }
        }
        state.fraction = 1
        return state
    }

    /// Adds `queryID` to the matches of the posts of one chunk and counts those it was new for in
    /// the query's roll-ups, in one transaction; how many were new, or nil (writing nothing) when
    /// the query no longer exists.
    private func recordMatches(queryID: String, _ matched: [ScoredPost]) throws(StoreError) -> Int? {
        guard !matched.isEmpty else { return 0 }
        let operation = "backfill write for \(queryID)"
        try prepared()
        return try writer.exclusively { () throws(StoreError) -> Int? in
            try writer.transaction(operation) { () throws(StoreError) -> Int? in
                var binds = StatementBinds()
                let query = binds.add(queryID)
                guard try !writer.rows(operation, "SELECT 1 FROM listening_queries WHERE id = \(query)", binds.binds).isEmpty else { return nil }
                let returned = try writer.rows(operation, """
                    UPDATE posts p SET query_ids = array_append(p.query_ids, \(query))
                    FROM unnest(\(binds.add(matched.map { PostRow.storable($0.id) }))::text[], \(binds.add(matched.map(\.createdAtMs)))::int8[])
                        AS m(id, created_at_ms)
                    WHERE p.id = m.id AND p.created_at_ms = m.created_at_ms AND NOT (\(query) = ANY(p.query_ids))
                    RETURNING p.id, p.created_at_ms
                    """, binds.binds)
                var added: Set<PostKey> = []
                for row in returned {
                    let (id, createdAtMs) = try PostgresSession.decode(row, (String, Int64).self, operation)
                    added.insert(PostKey(id: id, createdAtMs: createdAtMs))
                }
                var delta = RollupDelta()
                for post in matched where added.contains(PostKey(id: PostRow.storable(post.id), createdAtMs: post.createdAtMs)) {
                    delta.add(PostRow(post), scopes: [queryID])
                }
                try write(delta, operation: operation)
                return added.count
            }
        }
    }
}
