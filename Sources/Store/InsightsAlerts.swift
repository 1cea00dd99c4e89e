import Emotions
import Foundation
import GRDB
import Insights

extension PostStore: AlertStore {
    /// Stores an alert unless one with the same id (scope, kind, bucket) exists; returns
    /// whether it was new, so a restarted monitor never publishes an alert twice.
    public func insertAlert(_ alert: StoredAlert) throws(StoreError) -> Bool {
        do {
            return try database.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO alerts (id, scope, kind, severity, bucket_ms, alert) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [alert.id, alert.scope, alert.kind.storedCode, alert.severity.storedCode,
                                           alert.bucketStartMs, Data(alert.record)])
                return db.changesCount == 1
            }
        } catch {
            throw .database(operation: "insert alert \(alert.id)", message: "\(error)")
        }
    }

    /// The stored alerts `filter` keeps, newest bucket first (ties by id).
    public func alerts(_ filter: AlertFilter) throws(StoreError) -> [StoredAlert] {
        let range = try ResolvedRange(checking: filter.range)
        try ReadArguments.checkLimit(filter.limit)
        var sql = "bucket_ms >= ? AND bucket_ms < ? AND severity >= ?"
        var arguments: StatementArguments = [range.from, range.to, filter.minSeverity?.storedCode ?? 0]
        if let kind = filter.kind {
            sql += " AND kind = ?"
            arguments += [kind.storedCode]
        }
        return try read("alerts") { db in
            var (sql, arguments) = (sql, arguments)
            switch filter.scope {
            case .any:
                break
            case .allPosts:
                sql += " AND scope = ''"
            case .query(let queryID):
                guard try ResolvedScope.isKnownQuery(queryID, db) else { throw StoreError.notFound("unknown query id '\(queryID)'") }
                sql += " AND scope = ?"
                arguments += [queryID]
            }
            return try Row.fetchAll(db, sql: """
                SELECT id, scope, kind, severity, bucket_ms, alert FROM alerts WHERE \(sql) ORDER BY bucket_ms DESC, id LIMIT ?
                """, arguments: arguments + [filter.limit]).map { (row) throws(StoreError) in
                try StoredAlert(id: row[0], scope: row[1], kindCode: row[2], severityCode: row[3], bucketStartMs: row[4],
                                record: [UInt8](row[5] as Data), operation: "alerts")
            }
        }
    }

    // MARK: Reads for the alert monitor

    /// The scopes to watch: every post (""), then every saved listening query, by id.
    public func alertScopes() throws(StoreError) -> [String] {
        try read("alert scopes") { db in
            [AggregateDelta.allPosts] + (try String.fetchAll(db, sql: "SELECT id FROM listening_queries ORDER BY id"))
        }
    }

    /// The start of the newest minute bucket holding any post, nil for an empty store.
    public func newestMinute() throws(StoreError) -> Int64? {
        try read("newest minute") { db in
            try Int64.fetchOne(db, sql: "SELECT MAX(bucket_ms) FROM buckets WHERE scope = '' AND level = ?", arguments: [BucketLevel.minute.rawValue])
        }
    }

    /// The start of the oldest minute bucket of `scope`, nil when it has no posts.
    public func oldestMinute(scope: String) throws(StoreError) -> Int64? {
        try read("oldest minute") { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(bucket_ms) FROM buckets WHERE scope = ? AND level = ?", arguments: [scope, BucketLevel.minute.rawValue])
        }
    }

    /// Minute buckets of `scope` in [from, to) that hold posts, oldest first.
    public func minuteCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [MinuteCount] {
        try read("minute counts") { db in
            try Row.fetchAll(db, sql: """
                SELECT b.bucket_ms, b.posts, b.positive, b.neutral, b.negative, COALESCE(f.count, 0) FROM buckets b
                LEFT JOIN facet_buckets f ON f.scope = b.scope AND f.facet = ? AND f.level = b.level
                    AND f.bucket_ms = b.bucket_ms AND f.value = ?
                WHERE b.scope = ? AND b.level = ? AND b.bucket_ms >= ? AND b.bucket_ms < ? ORDER BY b.bucket_ms
                """, arguments: [Facet.emotion.rawValue, Emotion.anger.name, scope, BucketLevel.minute.rawValue, from, to]).map { row in
                MinuteCount(bucketMs: row[0], posts: row[1], positive: row[2], neutral: row[3], negative: row[4], anger: row[5])
            }
        }
    }

    /// Term counts of `scope` in [from, to) (minute-aligned), for spike explanations.
    public func termCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [String: Int] {
        let range = try ResolvedRange(checking: TimeSpan(from: from, to: to))
        return try read("term counts") { db in try facetTotals(db, .term, range, ResolvedScope(scopes: [scope])) }
    }

    /// Posts per author handle of `scope` in [from, to), for spike explanations.
    public func authorCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [String: Int] {
        let range = try ResolvedRange(checking: TimeSpan(from: from, to: to))
        let (condition, arguments) = scopedPostsCondition(scope: ResolvedScope(scopes: [scope]), range: range)
        return try read("author counts") { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT author_handle, COUNT(*) FROM posts WHERE \(condition) GROUP BY author_handle",
                                        arguments: arguments) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }
}
