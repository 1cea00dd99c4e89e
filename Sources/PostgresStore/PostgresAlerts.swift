import EarshotStore
import Emotions
import Insights
import NIOCore
import PostgresNIO

extension PostgresStore: AlertStore {
    public func insertAlert(_ alert: StoredAlert) throws(StoreError) -> Bool {
        let operation = "insert alert \(alert.id)"
        try prepared()
        return try writer.exclusively { () throws(StoreError) -> Bool in
            var binds = StatementBinds()
            return try !writer.rows(operation, """
                INSERT INTO alerts (id, scope, kind, severity, bucket_ms, alert)
                VALUES (\(binds.add(alert.id)), \(binds.add(alert.scope)), \(binds.add(alert.kind.storedCode)),
                        \(binds.add(alert.severity.storedCode)), \(binds.add(alert.bucketStartMs)), \(binds.add(ByteBuffer(bytes: alert.record))))
                ON CONFLICT DO NOTHING RETURNING id
                """, binds.binds).isEmpty
        }
    }

    public func alerts(_ filter: AlertFilter) throws(StoreError) -> [StoredAlert] {
        let range = try filter.range.checked()
        try ReadArguments.checkLimit(filter.limit)
        let operation = "alerts"
        return try read(operation) { () throws(StoreError) -> [StoredAlert] in
            var binds = StatementBinds()
            var conditions = ["bucket_ms >= \(binds.add(range.from))", "bucket_ms < \(binds.add(range.to))",
                              "severity >= \(binds.add(filter.minSeverity?.storedCode ?? 0))"]
            if let kind = filter.kind { conditions.append("kind = \(binds.add(kind.storedCode))") }
            switch filter.scope {
            case .any: break
            case .allPosts: conditions.append("scope = ''")
            case .query(let queryID):
                let known = try resolveScopes(.query(queryID), operation)[0]  // NOT_FOUND for an unknown query
                conditions.append("scope = \(binds.add(known))")
            }
            return try reader.rows(operation, """
                SELECT id, scope, kind, severity, bucket_ms, alert FROM alerts WHERE \(conditions.joined(separator: " AND "))
                ORDER BY bucket_ms DESC, id COLLATE "C" LIMIT \(binds.add(Int64(filter.limit)))
                """, binds.binds).map { (row) throws(StoreError) in
                let (id, scope, kind, severity, bucket, record) =
                    try PostgresSession.decode(row, (String, String, Int16, Int16, Int64, ByteBuffer).self, operation)
                return try StoredAlert(id: id, scope: scope, kindCode: kind, severityCode: severity, bucketStartMs: bucket,
                                       record: Array(record.readableBytesView), operation: operation)
            }
        }
    }

    public func alertScopes() throws(StoreError) -> [String] {
        let operation = "alert scopes"
        return try read(operation) { () throws(StoreError) in
            [""] + (try reader.rows(operation, "SELECT id FROM listening_queries ORDER BY id COLLATE \"C\"").map {
                (row) throws(StoreError) in try PostgresSession.decode(row, String.self, operation)
            })
        }
    }

    public func newestMinute() throws(StoreError) -> Int64? {
        try minuteBound("MAX", scope: "", "newest minute")
    }

    public func oldestMinute(scope: String) throws(StoreError) -> Int64? {
        try minuteBound("MIN", scope: scope, "oldest minute")
    }

    /// The `aggregate` (MIN or MAX) of the minute buckets of `scope`, nil when it has none.
    private func minuteBound(_ aggregate: String, scope: String, _ operation: String) throws(StoreError) -> Int64? {
        try read(operation) { () throws(StoreError) -> Int64? in
            var binds = StatementBinds()
            let rows = try reader.rows(operation, """
                SELECT \(aggregate)(bucket_ms) FROM rollup_totals WHERE scope = \(binds.add(scope))
                    AND level = \(binds.add(Int16(BucketLevel.minute.rawValue)))
                """, binds.binds)
            return try PostgresSession.decode(rows[0], Int64?.self, operation)
        }
    }

    public func minuteCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [MinuteCount] {
        let operation = "minute counts"
        return try read(operation) { () throws(StoreError) -> [MinuteCount] in
            var binds = StatementBinds()
            return try reader.rows(operation, """
                SELECT t.bucket_ms, t.posts, t.positive, t.neutral, t.negative, t.\(EmotionCounts.columns[Emotion.anger.rawValue])
                FROM rollup_totals t
                WHERE t.scope = \(binds.add(scope)) AND t.level = \(binds.add(Int16(BucketLevel.minute.rawValue)))
                    AND t.bucket_ms >= \(binds.add(from)) AND t.bucket_ms < \(binds.add(to))
                ORDER BY t.bucket_ms
                """, binds.binds).map { (row) throws(StoreError) in
                let (bucket, posts, positive, neutral, negative, anger) =
                    try PostgresSession.decode(row, (Int64, Int64, Int64, Int64, Int64, Int64).self, operation)
                return MinuteCount(bucketMs: bucket, posts: Int(posts), positive: Int(positive), neutral: Int(neutral),
                                   negative: Int(negative), anger: Int(anger))
            }
        }
    }

    public func termCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [String: Int] {
        let range = try TimeSpan(from: from, to: to).checked()
        let operation = "term counts"
        return try read(operation) { () throws(StoreError) in
            try facetCounts(.term, CountSource(scopes: [scope], cover: TimeCover(from: range.from, to: range.to)), operation)
        }
    }

    public func authorCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [String: Int] {
        let range = try TimeSpan(from: from, to: to).checked()
        let operation = "author counts"
        return try read(operation) { () throws(StoreError) -> [String: Int] in
            var binds = StatementBinds()
            let condition = Self.postsCondition(&binds, scopes: [scope], range: range)
            var counts: [String: Int] = [:]
            for row in try reader.rows(operation, "SELECT p.author_handle, count(*) FROM posts p WHERE \(condition) GROUP BY 1", binds.binds) {
                let (handle, count) = try PostgresSession.decode(row, (String, Int64).self, operation)
                counts[handle] = Int(count)
            }
            return counts
        }
    }
}
