import EarshotStore
import NIOCore
import PostgresNIO

/// The author sketches of the PostgreSQL store (`author_sketches`): a HyperLogLog sketch
/// (``AuthorSketch``, as the SQLite store's) of the authors of each scope and hour or day,
/// merged at apply time. Overview counts the unique authors of selections of up to
/// `PostStore.exactAuthorLimit` posts exactly from the posts, and larger ones by merging the
/// sketches of their whole hours and days with the authors of the posts of their minutes and
/// edges (`uniqueAuthorsEstimated`), as the SQLite store does.
enum AuthorSketches {
    /// Merges `sketches` into the stored ones, on `session` inside its transaction. Under a
    /// transaction-level advisory lock, so that two writers never merge into the same new row at
    /// once (the second would overwrite the first's).
    static func merge(_ sketches: [RollupDelta.BucketKey: AuthorSketch], into session: PostgresSession, operation: String) throws(StoreError) {
        guard !sketches.isEmpty else { return }
        let keys = sketches.keys.sorted { ($0.scope, $0.level.rawValue, $0.bucket) < ($1.scope, $1.level.rawValue, $1.bucket) }
        var lock = PostgresBindings()
        lock.append(PostgresSchema.sketchLock)
        try session.rows(operation, "SELECT pg_advisory_xact_lock($1)", lock)
        var binds = PostgresBindings()
        binds.append(keys.map(\.scope))
        binds.append(keys.map { Int16($0.level.rawValue) })
        binds.append(keys.map(\.bucket))
        var merged = sketches
        for row in try session.rows(operation, """
            SELECT s.scope, s.level, s.bucket_ms, s.registers FROM author_sketches s
            JOIN unnest($1::text[], $2::int2[], $3::int8[]) AS k(scope, level, bucket_ms)
                ON s.scope = k.scope AND s.level = k.level AND s.bucket_ms = k.bucket_ms
            """, binds) {
            let (scope, level, bucket, registers) = try PostgresSession.decode(row, (String, Int16, Int64, ByteBuffer).self, operation)
            guard let level = BucketLevel(rawValue: Int(level)) else { continue }
            merged[RollupDelta.BucketKey(scope: scope, level: level, bucket: bucket)]?.merge(AuthorSketch(bytes: Array(registers.readableBytesView)))
        }
        binds.append(keys.map { ByteBuffer(bytes: merged[$0]!.registers) })
        try session.rows(operation, """
            INSERT INTO author_sketches AS s (scope, level, bucket_ms, registers)
            SELECT * FROM unnest($1::text[], $2::int2[], $3::int8[], $4::bytea[])
            ON CONFLICT (scope, level, bucket_ms) DO UPDATE SET registers = excluded.registers
            """, binds)
    }

    /// Sketches the authors of the posts already stored (migration 3), chunk by chunk in the order
    /// they were stored, on `session` inside the migration's transaction.
    static func fill(_ session: PostgresSession) throws(StoreError) {
        let operation = "migration 3: author sketches"
        let saved = Set(try session.rows(operation, "SELECT id FROM listening_queries").map {
            (row) throws(StoreError) in try PostgresSession.decode(row, String.self, operation)
        })
        var cursor: Int64 = 0
        while true {
            var binds = PostgresBindings()
            binds.append(cursor)
            let rows = try session.rows(operation, """
                SELECT seq, author_id, created_at_ms, query_ids FROM posts WHERE seq > $1 ORDER BY seq LIMIT 20000
                """, binds)
            guard !rows.isEmpty else { return }
            var sketches: [RollupDelta.BucketKey: AuthorSketch] = [:]
            for row in rows {
                let (seq, author, createdAtMs, queryIDs) = try PostgresSession.decode(row, (Int64, String, Int64, [String]).self, operation)
                cursor = seq
                let hash = AuthorSketch.hash(author)
                for scope in [""] + queryIDs.filter(saved.contains) {
                    for level in RollupDelta.coarseLevels {
                        sketches[RollupDelta.BucketKey(scope: scope, level: level, bucket: level.bucketStart(createdAtMs)), default: AuthorSketch()]
                            .insert(hash: hash)
                    }
                }
            }
            try merge(sketches, into: session, operation: operation)
        }
    }
}

extension PostgresStore {
    /// The unique authors of `source` over `range` (whose `posts` posts were counted), and whether
    /// the figure is a sketch estimate; call inside ``read(_:_:)``.
    func uniqueAuthors(_ source: CountSource, range: TimeSpan, posts: Int, _ operation: String) throws(StoreError) -> (Int, Bool) {
        if posts <= PostStore.exactAuthorLimit {
            var binds = StatementBinds()
            let condition = Self.postsCondition(&binds, scopes: source.scopes, range: range)
            let rows = try reader.rows(operation, "SELECT count(DISTINCT p.author_id) FROM posts p WHERE \(condition)", binds.binds)
            return (Int(try PostgresSession.decode(rows[0], Int64.self, operation)), false)
        }
        var sketch = AuthorSketch()
        var binds = StatementBinds()
        let scopes = binds.add(source.scopes)
        let coarse = source.spanCondition(&binds, levels: RollupDelta.coarseLevels)
        for row in try reader.rows(operation, "SELECT registers FROM author_sketches WHERE scope = ANY(\(scopes)::text[]) AND \(coarse)", binds.binds) {
            sketch.merge(AuthorSketch(bytes: Array(try PostgresSession.decode(row, ByteBuffer.self, operation).readableBytesView)))
        }
        // The minutes and edges: from the posts, one index range per stretch of adjacent spans
        // (a UNION ALL: an OR of ranges is planned as a scan of whole partitions). The scope test
        // is one the GIN index cannot serve (`IS TRUE`): a stretch is at most two partial hours,
        // which the time index finds at once, but on a partition not analyzed yet (right after
        // a bulk load) the planner would also read the GIN index's entries for the whole partition.
        let stretches = TimeSpan.joined(source.cover.spans.filter { $0.level == .minute }.map { TimeSpan(from: $0.from, to: $0.to) }
                                        + source.cover.edges)
        if !stretches.isEmpty {
            var postBinds = StatementBinds()
            let scopes = source.isAllPosts ? "" : " AND (p.query_ids && \(postBinds.add(source.scopes))::text[]) IS TRUE"
            let selects = stretches.map { span in
                "SELECT p.author_id FROM posts p WHERE p.created_at_ms >= \(postBinds.add(span.from)) AND p.created_at_ms < \(postBinds.add(span.to))\(scopes)"
            }
            for row in try reader.rows(operation, selects.joined(separator: " UNION ALL "), postBinds.binds) {
                sketch.insert(hash: AuthorSketch.hash(try PostgresSession.decode(row, String.self, operation)))
            }
        }
        return (Int(sketch.estimate), true)
    }
}
