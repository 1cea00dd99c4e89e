import EarshotWire
import Foundation
import Emotions
import GRDB

/// A validated [from, to) range in Unix ms.
struct ResolvedRange {
    let from: Int64
    let to: Int64

    init(_ range: TimeRange) throws(StoreError) {
        self.init(try TimeSpan.requested(fromMs: range.fromMs, toMs: range.toMs))
    }

    init(checking span: TimeSpan) throws(StoreError) {
        self.init(try span.checked())
    }

    private init(_ span: TimeSpan) {
        from = span.from
        to = span.to
    }

    /// The range as whole aggregate buckets plus edges counted from the posts.
    var cover: TimeCover { TimeCover(from: from, to: to) }

    /// A derived table of the `columns` of the aggregate rows of `scope` (and `facet`, in
    /// `facet_buckets`) in the whole-bucket `spans`: one primary-key range per span, joined
    /// by UNION ALL, so SQLite never scans the scope's other buckets.
    static func spanRows(_ table: String, _ columns: String, scope: ResolvedScope, facet: Facet? = nil,
                         spans: [LevelSpan]) -> (sql: String, arguments: StatementArguments) {
        guard !spans.isEmpty else { return ("(SELECT \(columns) FROM \(table) WHERE 0)", []) }
        let (scopeSQL, scopeArguments) = scope.condition("scope")
        let facetSQL = facet == nil ? "" : " AND facet = ?"
        let facetArguments: StatementArguments = facet.map { [$0.rawValue] } ?? []
        var arguments: StatementArguments = []
        for span in spans { arguments += scopeArguments + facetArguments + [span.level.rawValue, span.from, span.to] }
        let select = "SELECT \(columns) FROM \(table) WHERE \(scopeSQL)\(facetSQL) AND level = ? AND bucket_ms >= ? AND bucket_ms < ?"
        return ("(" + Array(repeating: select, count: spans.count).joined(separator: " UNION ALL ") + ")", arguments)
    }
}

extension PostStore: VolumeReadModel, SearchReadModel {
    /// Totals, sentiment, languages, platforms, emotions and unique authors of a selection.
    public func overview(_ selection: PostSelection) throws(StoreError) -> OverviewFigures {
        let range = try ResolvedRange(checking: selection.range)
        return try read("overview") { db in
            let scope = try ResolvedScope.resolve(selection.scope, db)
            let cover = range.cover
            let edges = try edgeDeltas(db, scope: scope, edges: cover.edges)
            var figures = OverviewFigures()
            figures.totals = try bucketTotals(db, scope: scope, spans: cover.spans, edges: edges)
            figures.languages = try facetCounts(db, .language, spans: cover.spans, scope, edges: edges, limit: 100)
            figures.platforms = try facetCounts(db, .platform, spans: cover.spans, scope, edges: edges, limit: 100)
            figures.emotions = try facetCounts(db, .emotion, spans: cover.spans, scope, edges: edges, limit: Emotion.allCases.count)
            (figures.uniqueAuthors, figures.uniqueAuthorsEstimated) = try uniqueAuthors(db, scope: scope, range: range, posts: figures.totals.posts)
            return figures
        }
    }

    /// The totals of every member of `scope` (summed) over the whole-bucket `spans`, plus the counted `edges`.
    func bucketTotals(_ db: Database, scope: ResolvedScope, spans: [LevelSpan], edges: BatchDeltas) throws -> PostTotals {
        var totals = PostTotals()
        for member in scope.scopes { totals.add(edges.totals(ofScope: member)) }
        guard !spans.isEmpty else { return totals }
        let (rows, arguments) = ResolvedRange.spanRows("buckets", "posts, reach, engagement, positive, neutral, negative, unavailable",
                                                       scope: scope, spans: spans)
        if let row = try Row.fetchOne(db, sql: """
            SELECT COALESCE(SUM(posts), 0), COALESCE(SUM(reach), 0), COALESCE(SUM(engagement), 0), COALESCE(SUM(positive), 0),
                   COALESCE(SUM(neutral), 0), COALESCE(SUM(negative), 0), COALESCE(SUM(unavailable), 0)
            FROM \(rows)
            """, arguments: arguments) {
            totals.add(Self.totals(row))
        }
        return totals
    }

    /// The totals of a row of columns posts, reach, engagement, positive, neutral, negative and unavailable, in that order.
    private static func totals(_ row: Row, from first: Int = 0) -> PostTotals {
        var totals = PostTotals()
        totals.posts = row[first]
        totals.reach = row[first + 1]
        totals.engagement = row[first + 2]
        totals.positive = row[first + 3]
        totals.neutral = row[first + 4]
        totals.negative = row[first + 5]
        totals.sentimentUnavailable = row[first + 6]
        return totals
    }

    /// The `limit` most counted values of `facet` over the whole-bucket `spans` plus the counted `edges`,
    /// most counted first (ties by value).
    private func facetCounts(_ db: Database, _ facet: Facet, spans: [LevelSpan], _ scope: ResolvedScope,
                             edges: BatchDeltas, limit: Int) throws -> [ValueCount] {
        try facetTotals(db, facet, spans: spans, scope, edges: edges)
            .sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .prefix(limit).map { ValueCount(value: $0.key, count: $0.value) }
    }

    /// Time series answer at most this many buckets.
    public static let maxSeriesBuckets = 100_000

    /// Volume, reach, engagement, sentiment and emotions per bucket (only buckets with posts).
    /// A bucket the range cuts (the first when the range starts inside it, the last when it
    /// ends inside it) counts only the posts within the range.
    public func timeSeries(_ selection: PostSelection, granularity level: BucketLevel) throws(StoreError) -> [SeriesBucket] {
        let range = try ResolvedRange(checking: selection.range)
        let maxBuckets = Self.maxSeriesBuckets
        // Whole buckets of the level in [wholeFrom, wholeTo); the range's parts of the cut
        // buckets beside them (or of the one bucket holding the whole range).
        let wholeFrom = -level.bucketStart(-range.from)  // ceiling
        let wholeTo = level.bucketStart(range.to)
        let inOneBucket = wholeTo < wholeFrom
        let firstCut = TimeSpan(from: range.from, to: inOneBucket ? range.to : wholeFrom)
        let lastCut = TimeSpan(from: inOneBucket ? range.to : wholeTo, to: range.to)
        return try read("time series") { db in
            let scope = try ResolvedScope.resolve(selection.scope, db)
            let (scopeCondition, scopeArguments) = scope.condition("scope")
            let rows = try Row.fetchAll(db, sql: """
                SELECT bucket_ms, SUM(posts), SUM(reach), SUM(engagement), SUM(positive), SUM(neutral), SUM(negative), SUM(unavailable)
                FROM buckets WHERE \(scopeCondition) AND level = ? AND bucket_ms >= ? AND bucket_ms < ?
                GROUP BY bucket_ms ORDER BY bucket_ms LIMIT ?
                """, arguments: scopeArguments + [level.rawValue, wholeFrom, wholeTo, maxBuckets + 1])
            if rows.count > maxBuckets {
                throw StoreError.invalidArgument("more than \(maxBuckets) buckets in range; use a coarser granularity or a shorter range")
            }
            let emotionRows = try Row.fetchAll(db, sql: """
                SELECT bucket_ms, value, SUM(count) AS total
                FROM facet_buckets WHERE \(scopeCondition) AND facet = ? AND level = ? AND bucket_ms >= ? AND bucket_ms < ?
                GROUP BY bucket_ms, value ORDER BY bucket_ms, total DESC, value
                """, arguments: scopeArguments + [Facet.emotion.rawValue, level.rawValue, wholeFrom, wholeTo])
            let emotions = Dictionary(grouping: emotionRows) { row -> Int64 in row[0] }
            var buckets = rows.map { row in
                SeriesBucket(start: row[0], totals: Self.totals(row, from: 1),
                             emotions: emotions[row[0], default: []].map { ValueCount(value: $0[1], count: $0[2]) })
            }
            /// The bucket of the posts in `cut`, nil when it has none.
            func cutBucket(_ cut: TimeSpan) throws -> SeriesBucket? {
                guard cut.from < cut.to else { return nil }
                let cover = TimeCover(from: cut.from, to: cut.to)
                let edges = try edgeDeltas(db, scope: scope, edges: cover.edges)
                let totals = try bucketTotals(db, scope: scope, spans: cover.spans, edges: edges)
                guard totals.posts > 0 else { return nil }
                return SeriesBucket(start: level.bucketStart(cut.from), totals: totals,
                                    emotions: try facetCounts(db, .emotion, spans: cover.spans, scope, edges: edges,
                                                              limit: Emotion.allCases.count))
            }
            if let first = try cutBucket(firstCut) { buckets.insert(first, at: 0) }
            if let last = try cutBucket(lastCut) { buckets.append(last) }
            return buckets
        }
    }

    /// The `limit` (1…1000) most used hashtags of a selection, most used first (ties by tag).
    public func topHashtags(_ selection: PostSelection, limit: Int) throws(StoreError) -> [ValueCount] {
        let range = try ResolvedRange(checking: selection.range)
        try ReadArguments.checkLimit(limit)
        return try read("top hashtags") { db in
            let scope = try ResolvedScope.resolve(selection.scope, db)
            let cover = range.cover
            let edges = try edgeDeltas(db, scope: scope, edges: cover.edges)
            return try facetCounts(db, .hashtag, spans: cover.spans, scope, edges: edges, limit: limit)
        }
    }

    /// Posts of a selection passing the filter, newest first, a page at a time.
    public func search(_ selection: PostSelection, filter: PostFilter, pageSize: Int, pageToken: String) throws(StoreError) -> PostPage {
        let range = try ResolvedRange(checking: selection.range)
        try ReadArguments.checkPageSize(pageSize)
        let filter = try NormalizedFilter(filter)
        let cursor = try pageToken.isEmpty ? nil : PageCursor(token: pageToken)
        // A later page ends at its cursor's time: one upper bound, where the (created_at_ms, author_id) index seeks.
        var conditions = ["created_at_ms >= ?", "created_at_ms < ?"]
        var arguments: StatementArguments = [range.from, cursor.map { min(range.to, $0.createdAtMs + 1) } ?? range.to]
        if let text = filter.textContains {
            conditions.append("instr(search_text, ?) > 0")
            arguments += [text]
        }
        if let handle = filter.authorHandle {
            conditions.append("author_handle = ?")
            arguments += [handle]
        }
        if let language = filter.language {
            conditions.append("language = ?")
            arguments += [language]
        }
        if let platform = filter.platform.flatMap(Platform.init(name:)) {
            conditions.append("platform = ?")
            arguments += [Int(platform.rawValue)]
        }
        if let sentiment = filter.sentiment {
            conditions.append("sentiment = ?")
            arguments += [SentimentClass(sentiment).rawValue]
        }
        if let emotion = filter.emotion.flatMap(Emotion.init(name:)) {
            conditions.append("emotions & ? != 0")
            arguments += [1 << emotion.rawValue]
        }
        if let minPriority = filter.minPriority {
            conditions.append("priority >= ?")
            arguments += [minPriority]
        }
        if let hashtag = filter.hashtag {
            conditions.append("rowid IN (SELECT post_rowid FROM post_hashtags WHERE tag = ? AND created_at_ms >= ? AND created_at_ms < ?)")
            arguments += [hashtag, range.from, range.to]
        }
        if let cursor {
            conditions.append("(created_at_ms, rowid) < (?, ?)")
            arguments += [cursor.createdAtMs, cursor.rowID]
        }
        return try read("search") { db in
            var (conditions, arguments) = (conditions, arguments)
            let scope = try ResolvedScope.resolve(selection.scope, db)
            if !scope.isAllPosts {
                let (scopeCondition, scopeArguments) = scope.condition("query_id")
                conditions.append("rowid IN (SELECT post_rowid FROM post_queries WHERE \(scopeCondition) AND created_at_ms >= ? AND created_at_ms < ?)")
                arguments += scopeArguments + [range.from, range.to]
            }
            let sql = """
                SELECT rowid, created_at_ms, id, view FROM posts WHERE \(conditions.joined(separator: " AND "))
                ORDER BY created_at_ms DESC, rowid DESC LIMIT ?
                """
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments + [pageSize + 1])
            var page = PostPage()
            page.posts = rows.prefix(pageSize).map { row in StoredPost(id: row[2], createdAtMs: row[1], view: [UInt8](row[3] as Data)) }
            if rows.count > pageSize, let last = rows.prefix(pageSize).last {
                page.nextPageToken = PageCursor(createdAtMs: last[1], rowID: last[0]).token
            }
            return page
        }
    }
}

/// Where the next page of a search starts: after this (created_at, row order key: SQLite's
/// rowid, PostgreSQL's sequence number).
public struct PageCursor: Equatable, Sendable {
    public var createdAtMs: Int64
    public var rowID: Int64

    public init(createdAtMs: Int64, rowID: Int64) {
        self.createdAtMs = createdAtMs
        self.rowID = rowID
    }

    /// The cursor of a token this service issued; INVALID_ARGUMENT for any other.
    public init(token: String) throws(StoreError) {
        guard let numbers = Self.numbers(ofToken: token, tag: "p1", count: 2) else {
            throw .invalidArgument("page_token '\(token.prefix(40))' was not issued by this service")
        }
        self.init(createdAtMs: numbers[0], rowID: numbers[1])
    }

    /// The page token clients send back.
    public var token: String { "p1.\(createdAtMs).\(rowID)" }

    /// The numbers of a page token "<tag>.<n>.<n>…" with `count` numbers, each within 0 ... the
    /// end of time (which tokens this service issues always are), or nil.
    static func numbers(ofToken token: String, tag: Substring, count: Int) -> [Int64]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == count + 1, parts[0] == tag else { return nil }
        let numbers = parts.dropFirst().compactMap { Int64($0) }.filter { (0...TimeSpan.endOfTime).contains($0) }
        return numbers.count == count ? numbers : nil
    }
}
