import EarshotWire
import Foundation
import GRDB

/// A validated [from, to) range in Unix ms.
struct ResolvedRange {
    /// Queries never look past the year 9999; an open end means "until then".
    static let endOfTime: Int64 = 253_402_300_800_000
    let from: Int64
    let to: Int64

    init(_ range: TimeRange) throws(StoreError) {
        guard range.fromMs >= 0, range.toMs >= 0 else {
            throw .invalidArgument("time range bounds must be Unix milliseconds ≥ 0 (got from_ms \(range.fromMs), to_ms \(range.toMs))")
        }
        from = min(range.fromMs, Self.endOfTime)
        to = range.toMs == 0 ? Self.endOfTime : min(range.toMs, Self.endOfTime)
        guard from < to else {
            throw .invalidArgument("inverted time range: from_ms \(range.fromMs) is not before to_ms \(range.toMs)")
        }
    }

    /// SQL condition and arguments selecting the aggregate rows of `scope` that cover the range.
    func spanCondition(scope: String) -> (sql: String, arguments: StatementArguments) {
        let spans = TimeCover.spans(from: from, to: to)
        guard !spans.isEmpty else { return ("0", []) }
        let sql = spans.map { _ in "(level = ? AND bucket_ms >= ? AND bucket_ms < ?)" }.joined(separator: " OR ")
        var arguments: StatementArguments = [scope]
        for span in spans { arguments += [span.level.rawValue, span.from, span.to] }
        return ("scope = ? AND (\(sql))", arguments)
    }
}

extension PostStore {
    /// Totals, sentiment breakdown, languages and platforms over a range.
    public func overview(_ request: OverviewRequest) throws(StoreError) -> OverviewResponse {
        let range = try ResolvedRange(request.range)
        let (condition, arguments) = range.spanCondition(scope: request.queryId)
        return try read("overview") { db in
            var response = OverviewResponse()
            if let row = try Row.fetchOne(db, sql: """
                SELECT COALESCE(SUM(posts), 0), COALESCE(SUM(reach), 0), COALESCE(SUM(engagement), 0), COALESCE(SUM(positive), 0),
                       COALESCE(SUM(neutral), 0), COALESCE(SUM(negative), 0), COALESCE(SUM(unavailable), 0)
                FROM buckets WHERE \(condition)
                """, arguments: arguments) {
                response.posts = row[0]
                response.reach = row[1]
                response.engagement = row[2]
                response.positive = row[3]
                response.neutral = row[4]
                response.negative = row[5]
                response.sentimentUnavailable = row[6]
            }
            let rated = response.positive + response.neutral + response.negative
            response.netSentiment = rated == 0 ? 0 : Double(response.positive - response.negative) * 100 / Double(rated)
            response.languages = try facetCounts(db, .language, condition, arguments, limit: 100)
            response.platforms = try facetCounts(db, .platform, condition, arguments, limit: 100)
            let minuteFrom = BucketLevel.minute.bucketStart(range.from)
            let minuteTo = -BucketLevel.minute.bucketStart(-range.to)
            response.uniqueAuthors = try Int64.fetchOne(db, sql: request.queryId.isEmpty
                ? "SELECT COUNT(DISTINCT author_id) FROM posts WHERE created_at_ms >= ? AND created_at_ms < ?"
                : """
                  SELECT COUNT(DISTINCT p.author_id) FROM post_queries q JOIN posts p ON p.rowid = q.post_rowid
                  WHERE q.query_id = ? AND q.created_at_ms >= ? AND q.created_at_ms < ?
                  """,
                arguments: (request.queryId.isEmpty ? [] : [request.queryId]) + [minuteFrom, minuteTo]) ?? 0
            return response
        }
    }

    private func facetCounts(_ db: Database, _ facet: Facet, _ condition: String, _ arguments: StatementArguments, limit: Int) throws -> [LabeledCount] {
        try Row.fetchAll(db, sql: """
            SELECT value, SUM(count) AS total FROM facet_buckets WHERE facet = ? AND \(condition)
            GROUP BY value ORDER BY total DESC, value LIMIT ?
            """, arguments: [facet.rawValue] + arguments + [limit]).map { LabeledCount(label: $0[0], count: $0[1]) }
    }

    /// Volume, reach, engagement and sentiment per bucket (only buckets with posts).
    public func timeSeries(_ request: TimeSeriesRequest) throws(StoreError) -> TimeSeriesResponse {
        let range = try ResolvedRange(request.range)
        let level: BucketLevel = switch request.granularity {
        case .minute: .minute
        case .unspecified, .hour: .hour
        case .day: .day
        }
        let maxBuckets = 100_000
        return try read("time series") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT bucket_ms, posts, reach, engagement, positive, neutral, negative FROM buckets
                WHERE scope = ? AND level = ? AND bucket_ms >= ? AND bucket_ms < ? ORDER BY bucket_ms LIMIT ?
                """, arguments: [request.queryId, level.rawValue, level.bucketStart(range.from), range.to, maxBuckets + 1])
            if rows.count > maxBuckets {
                throw StoreError.invalidArgument("more than \(maxBuckets) buckets in range; use a coarser granularity or a shorter range")
            }
            var response = TimeSeriesResponse()
            response.buckets = rows.map { row in
                var bucket = TimeBucket()
                bucket.startMs = row[0]
                bucket.posts = row[1]
                bucket.reach = row[2]
                bucket.engagement = row[3]
                bucket.positive = row[4]
                bucket.neutral = row[5]
                bucket.negative = row[6]
                return bucket
            }
            return response
        }
    }

    /// The most used hashtags in a range.
    public func topHashtags(_ request: TopHashtagsRequest) throws(StoreError) -> TopHashtagsResponse {
        let range = try ResolvedRange(request.range)
        guard (0...1_000).contains(request.limit) else {
            throw .invalidArgument("limit must be between 1 and 1000 (0 means 10), got \(request.limit)")
        }
        let (condition, arguments) = range.spanCondition(scope: request.queryId)
        return try read("top hashtags") { db in
            var response = TopHashtagsResponse()
            response.hashtags = try facetCounts(db, .hashtag, condition, arguments, limit: request.limit == 0 ? 10 : Int(request.limit))
            return response
        }
    }

    /// Posts matching the filters, newest first, a page at a time.
    public func search(_ request: SearchPostsRequest) throws(StoreError) -> SearchPostsResponse {
        let range = try ResolvedRange(request.range)
        guard (0...500).contains(request.pageSize) else {
            throw .invalidArgument("page_size must be between 1 and 500 (0 means 50), got \(request.pageSize)")
        }
        let pageSize = request.pageSize == 0 ? 50 : Int(request.pageSize)
        var conditions = ["created_at_ms >= ?", "created_at_ms < ?"]
        var arguments: StatementArguments = [range.from, range.to]
        if !request.textContains.isEmpty {
            conditions.append("instr(search_text, ?) > 0")
            arguments += [request.textContains.lowercased()]
        }
        if !request.authorHandle.isEmpty {
            conditions.append("author_handle = ?")
            arguments += [request.authorHandle.lowercased().trimmingPrefix("@")]
        }
        if !request.language.isEmpty {
            conditions.append("language = ?")
            arguments += [request.language.lowercased()]
        }
        if request.platform != .unspecified {
            conditions.append("platform = ?")
            arguments += [Int(request.platform.rawValue)]
        }
        if !request.sentimentLabel.isEmpty {
            guard let sentiment = SentimentClass(label: request.sentimentLabel.lowercased()) else {
                throw .invalidArgument("sentiment_label must be positive, neutral, negative or unavailable, got '\(request.sentimentLabel)'")
            }
            conditions.append("sentiment = ?")
            arguments += [sentiment.rawValue]
        }
        if request.minPriority > 0 {
            conditions.append("priority >= ?")
            arguments += [Int(request.minPriority)]
        }
        if !request.hashtag.isEmpty {
            conditions.append("rowid IN (SELECT post_rowid FROM post_hashtags WHERE tag = ? AND created_at_ms >= ? AND created_at_ms < ?)")
            arguments += [request.hashtag.lowercased().trimmingPrefix("#"), range.from, range.to]
        }
        if !request.queryId.isEmpty {
            conditions.append("rowid IN (SELECT post_rowid FROM post_queries WHERE query_id = ? AND created_at_ms >= ? AND created_at_ms < ?)")
            arguments += [request.queryId, range.from, range.to]
        }
        if !request.pageToken.isEmpty {
            let cursor = try PageCursor(token: request.pageToken)
            conditions.append("(created_at_ms, rowid) < (?, ?)")
            arguments += [cursor.createdAtMs, cursor.rowID]
        }
        let sql = "SELECT rowid, created_at_ms, view FROM posts WHERE \(conditions.joined(separator: " AND ")) ORDER BY created_at_ms DESC, rowid DESC LIMIT ?"
        arguments += [pageSize + 1]
        return try read("search") { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var response = SearchPostsResponse()
            for row in rows.prefix(pageSize) {
                response.posts.append(try PostView(serializedBytes: [UInt8](row[2] as Data)))
            }
            if rows.count > pageSize, let last = rows.prefix(pageSize).last {
                response.nextPageToken = PageCursor(createdAtMs: last[1], rowID: last[0]).token
            }
            return response
        }
    }
}

/// Where the next page of a search starts: after this (created_at, rowid).
struct PageCursor: Equatable {
    var createdAtMs: Int64
    var rowID: Int64

    init(createdAtMs: Int64, rowID: Int64) {
        self.createdAtMs = createdAtMs
        self.rowID = rowID
    }

    init(token: String) throws(StoreError) {
        let parts = token.split(separator: ".")
        guard parts.count == 3, parts[0] == "p1", let created = Int64(parts[1]), let row = Int64(parts[2]) else {
            throw .invalidArgument("page_token '\(token.prefix(40))' was not issued by this service")
        }
        self.init(createdAtMs: created, rowID: row)
    }

    var token: String { "p1.\(createdAtMs).\(rowID)" }
}

extension String {
    fileprivate func trimmingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
