import EarshotStore
import EarshotWire
import Emotions
import NIOCore
import PostgresNIO

/// Parameters of one statement, numbered as they are added.
struct StatementBinds {
    private(set) var binds = PostgresBindings()

    /// Adds `value` and returns its placeholder ("$n").
    mutating func add<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}

/// The totals of one scope (or of several, summed) and their emotion counts.
struct ScopeTotals {
    var totals = PostTotals()
    var emotions = EmotionCounts()

    mutating func add(_ other: ScopeTotals) {
        totals.add(other.totals)
        emotions.add(other.emotions)
    }
}

/// Where one read's counts come from: the roll-up rows of whole buckets, and the posts of the
/// edges, for the scopes ("" = every post, else listening-query ids) of its selection.
struct CountSource {
    let scopes: [String]
    let cover: TimeCover

    var isAllPosts: Bool { scopes == [""] }

    /// The roll-up rows' condition on `level` and `bucket_ms` for the whole buckets at `levels` (FALSE without any).
    func spanCondition(_ binds: inout StatementBinds, levels: [BucketLevel] = BucketLevel.allCases) -> String {
        let spans = cover.spans.filter { levels.contains($0.level) }.map { span in
            "(level = \(binds.add(Int16(span.level.rawValue))) AND bucket_ms >= \(binds.add(span.from)) AND bucket_ms < \(binds.add(span.to)))"
        }
        return spans.isEmpty ? "FALSE" : "(" + spans.joined(separator: " OR ") + ")"
    }

    /// FROM and WHERE over the minute facet counts `u(facet, value, count)` of `facet` in the
    /// whole minutes of the cover (no row without any).
    func minuteFacets(_ facet: RollupFacet, _ binds: inout StatementBinds) -> String {
        let minutes = cover.spans.filter { $0.level == .minute }.map { span in
            "(m.bucket_ms >= \(binds.add(span.from)) AND m.bucket_ms < \(binds.add(span.to)))"
        }
        let scopeList = binds.add(scopes)
        return PostgresStore.minuteFacetRows(facet, scopes: scopeList, &binds,
                                             within: minutes.isEmpty ? "FALSE" : "(" + minutes.joined(separator: " OR ") + ")")
    }

    /// FROM and WHERE over the edge posts `p`, one row per post and scope holding it (`scope`);
    /// `extraJoin` is joined after the scope. The scopes are matched after unnesting, with no
    /// `query_ids &&` condition the GIN index could serve: an edge is less than a minute of posts,
    /// which the time index finds at once, but on a partition not analyzed yet (right after a
    /// bulk load) the planner would also read the GIN index's entries for the whole partition.
    func edgePosts(_ binds: inout StatementBinds, extraJoin: String = "") -> String {
        let times = cover.edges.map { edge in
            "(p.created_at_ms >= \(binds.add(edge.from)) AND p.created_at_ms < \(binds.add(edge.to)))"
        }
        let within = times.isEmpty ? "FALSE" : "(" + times.joined(separator: " OR ") + ")"
        if isAllPosts { return "FROM posts p CROSS JOIN LATERAL (VALUES (''::text)) AS m(scope) \(extraJoin) WHERE \(within)" }
        let scopes = binds.add(self.scopes)
        return """
            FROM posts p CROSS JOIN LATERAL unnest(p.query_ids) AS m(scope) \(extraJoin)
            WHERE \(within) AND m.scope = ANY(\(scopes)::text[])
            """
    }
}

extension PostgresStore {
    /// Runs `body` on a reader connection of its own in one REPEATABLE READ, read-only
    /// transaction. With a ``ReadDeadline``, the server cancels a statement still running when
    /// it passes (`statement_timeout`), which fails with ``StoreError/deadlineExceeded(_:)``.
    func read<T>(_ operation: String, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try prepared()
        let deadline = ReadDeadline.unixMilliseconds
        return try readers.withSession { (session) throws(StoreError) in
            try Self.$boundReader.withValue(session) { Result { () throws(StoreError) in
                try session.exclusively { () throws(StoreError) in
                    try session.transaction(operation) { () throws(StoreError) in
                        try session.rows(operation, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                        if let deadline {
                            let remaining = deadline - wallClockMilliseconds()
                            guard remaining > 0 else { throw .deadlineExceeded("\(operation) did not start before the call's deadline") }
                            try session.rows(operation, "SET LOCAL statement_timeout = \(remaining)")
                        }
                        return try body()
                    }
                }
            } }.get()
        }
    }

    /// The roll-up scopes of `scope`; NOT_FOUND for an unknown query or group.
    func resolveScopes(_ scope: PostScope, _ operation: String) throws(StoreError) -> [String] {
        switch scope {
        case .allPosts:
            return [""]
        case .query(let queryID):
            guard try unknownQueries([queryID], operation).isEmpty else { throw .notFound("unknown query id '\(queryID)'") }
            return [queryID]
        case .group(let group):
            var binds = StatementBinds()
            let rows = try reader.rows(operation, """
                SELECT id FROM listening_queries WHERE group_name = \(binds.add(group)) ORDER BY name COLLATE "C", id COLLATE "C"
                """, binds.binds)
            guard !rows.isEmpty else { throw .notFound("unknown group '\(group)': no listening query has it") }
            return try rows.map { (row) throws(StoreError) in try PostgresSession.decode(row, String.self, operation) }
        }
    }

    /// The ids of `queryIDs` that are not saved listening queries.
    private func unknownQueries(_ queryIDs: [String], _ operation: String) throws(StoreError) -> [String] {
        var binds = StatementBinds()
        let rows = try reader.rows(operation, "SELECT id FROM listening_queries WHERE id = ANY(\(binds.add(queryIDs))::text[])", binds.binds)
        let known = Set(try rows.map { (row) throws(StoreError) in try PostgresSession.decode(row, String.self, operation) })
        return queryIDs.filter { !known.contains($0) }
    }

    /// Totals and emotion counts per scope of `source`, exact to the millisecond (whole buckets
    /// plus edge posts).
    func totals(_ source: CountSource, _ operation: String) throws(StoreError) -> [String: ScopeTotals] {
        var binds = StatementBinds()
        let scopes = binds.add(source.scopes)
        let spans = source.spanCondition(&binds)
        let edges = source.edgePosts(&binds)
        let rows = try reader.rows(operation, """
            SELECT scope, \(Self.summedTotalsColumns)
            FROM (
                SELECT scope, posts, reach, engagement, positive, neutral, negative, unavailable, \(EmotionCounts.columns.joined(separator: ", "))
                FROM rollup_totals WHERE scope = ANY(\(scopes)::text[]) AND \(spans)
                UNION ALL
                SELECT m.scope, 1, p.reach, p.engagement, (p.sentiment = 'positive')::int, (p.sentiment = 'neutral')::int,
                       (p.sentiment = 'negative')::int, (p.sentiment = 'unavailable')::int, \(Self.postEmotionColumns)
                \(edges)
            ) counted GROUP BY scope
            """, binds.binds)
        var totals: [String: ScopeTotals] = [:]
        for row in rows {
            let (scope, counted) = try Self.summed(row, key: String.self, operation)
            totals[scope] = counted
        }
        return totals
    }

    /// The totals' count columns of `rollup_totals` (or rows shaped like it) summed: posts, reach,
    /// engagement, the four sentiment counts, and the emotion counts as one array.
    static let summedTotalsColumns = """
        SUM(posts)::int8, SUM(reach)::float8, SUM(engagement)::float8, SUM(positive)::int8, SUM(neutral)::int8, SUM(negative)::int8,
        SUM(unavailable)::int8, ARRAY[\(EmotionCounts.columns.map { "SUM(\($0))::int8" }.joined(separator: ", "))]
        """

    /// A post row `p`'s emotion labels as a 0 or 1 per `emotion_*` column (a post without emotions counts in none).
    static let postEmotionColumns = Emotion.allCases.map { "COALESCE('\($0.name)' = ANY(p.emotions), false)::int::int8" }.joined(separator: ", ")

    /// A row of a key column followed by ``summedTotalsColumns``, decoded.
    private static func summed<Key: PostgresDecodable>(_ row: PostgresRow, key: Key.Type,
                                                       _ operation: String) throws(StoreError) -> (Key, ScopeTotals) {
        let (key, posts, reach, engagement, positive, neutral, negative, unavailable, emotions) =
            try PostgresSession.decode(row, (Key, Int64, Double, Double, Int64, Int64, Int64, Int64, [Int64]).self, operation)
        var totals = PostTotals()
        totals.posts = Int(posts)
        totals.reach = reach
        totals.engagement = engagement
        totals.positive = Int(positive)
        totals.neutral = Int(neutral)
        totals.negative = Int(negative)
        totals.sentimentUnavailable = Int(unavailable)
        return (key, ScopeTotals(totals: totals, emotions: EmotionCounts(counts: emotions.map { Int($0) })))
    }

    /// The totals and emotion counts of `source`'s scopes, summed.
    func summedTotals(_ source: CountSource, _ operation: String) throws(StoreError) -> ScopeTotals {
        try totals(source, operation).values.reduce(into: ScopeTotals()) { $0.add($1) }
    }

    /// Value → count of `facet` over `source`, summed over its scopes, exact to the millisecond.
    func facetCounts(_ facet: RollupFacet, _ source: CountSource, _ operation: String) throws(StoreError) -> [String: Int] {
        var binds = StatementBinds()
        let scopes = binds.add(source.scopes)
        let facetCode = binds.add(facet.rawValue)
        let spans = source.spanCondition(&binds, levels: RollupDelta.coarseLevels)
        let minutes = source.minuteFacets(facet, &binds)
        let edges = source.edgePosts(&binds, extraJoin: "CROSS JOIN LATERAL unnest(\(facet.postValues)) AS f(value)")
        let rows = try reader.rows(operation, """
            SELECT value, SUM(count)::int8 FROM (
                SELECT value, count FROM rollup_facets WHERE scope = ANY(\(scopes)::text[]) AND facet = \(facetCode) AND \(spans)
                UNION ALL
                SELECT u.value, u.count \(minutes)
                UNION ALL
                SELECT f.value, 1 \(edges)
            ) counted GROUP BY value
            """, binds.binds)
        var counts: [String: Int] = [:]
        for row in rows {
            let (value, count) = try PostgresSession.decode(row, (String, Int64).self, operation)
            counts[value] = Int(count)
        }
        return counts
    }

    /// FROM and WHERE over the minute facet counts `u(facet, value, count)` of `facet` in the
    /// packed rows `m` of `rollup_minute_facets` of the scopes placeholder `scopes` (a text array)
    /// that meet `within` (a condition on `m.bucket_ms`).
    static func minuteFacetRows(_ facet: RollupFacet, scopes: String, _ binds: inout StatementBinds, within: String) -> String {
        """
        FROM rollup_minute_facets m CROSS JOIN LATERAL unnest(m.facets, m.vals, m.counts) AS u(facet, value, count)
        WHERE m.scope = ANY(\(scopes)::text[]) AND m.pack = \(binds.add(facet.minutePack)) AND \(within) AND u.facet = \(binds.add(facet.rawValue))
        """
    }

    /// The `limit` most counted of `counts`, most counted first (ties by value).
    static func ranked(_ counts: [String: Int], limit: Int) -> [ValueCount] {
        counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(limit).map { ValueCount(value: $0.key, count: $0.value) }
    }

    /// The condition on posts `p` of `scopes` in `range` (each post once), for reads of the posts themselves.
    static func postsCondition(_ binds: inout StatementBinds, scopes: [String], range: TimeSpan) -> String {
        var condition = "p.created_at_ms >= \(binds.add(range.from)) AND p.created_at_ms < \(binds.add(range.to))"
        if scopes != [""] { condition += " AND p.query_ids && \(binds.add(scopes))::text[]" }
        return condition
    }
}

extension PostgresStore: VolumeReadModel {
    public func overview(_ selection: PostSelection) throws(StoreError) -> OverviewFigures {
        let range = try selection.range.checked()
        let operation = "overview"
        return try read(operation) { () throws(StoreError) in
            let source = CountSource(scopes: try resolveScopes(selection.scope, operation), cover: TimeCover(from: range.from, to: range.to))
            var figures = OverviewFigures()
            let summed = try summedTotals(source, operation)
            figures.totals = summed.totals
            figures.emotions = summed.emotions.ranked
            figures.languages = Self.ranked(try facetCounts(.language, source, operation), limit: 100)
            figures.platforms = Self.ranked(try facetCounts(.platform, source, operation), limit: 100)
            (figures.uniqueAuthors, figures.uniqueAuthorsEstimated) = try uniqueAuthors(source, range: range, posts: figures.totals.posts, operation)
            return figures
        }
    }

    /// Time series answer at most this many buckets (as the SQLite store).
    public static let maxSeriesBuckets = 100_000

    public func timeSeries(_ selection: PostSelection, granularity level: BucketLevel) throws(StoreError) -> [SeriesBucket] {
        let range = try selection.range.checked()
        let operation = "time series"
        let wholeFrom = -level.bucketStart(-range.from)  // ceiling
        let wholeTo = level.bucketStart(range.to)
        let inOneBucket = wholeTo < wholeFrom
        let cuts = [TimeSpan(from: range.from, to: inOneBucket ? range.to : wholeFrom),
                    TimeSpan(from: inOneBucket ? range.to : wholeTo, to: range.to)]
        return try read(operation) { () throws(StoreError) in
            let scopes = try resolveScopes(selection.scope, operation)
            var binds = StatementBinds()
            let scopeList = binds.add(scopes)
            let levelCode = binds.add(Int16(level.rawValue))
            let within = "bucket_ms >= \(binds.add(wholeFrom)) AND bucket_ms < \(binds.add(wholeTo))"
            let limit = binds.add(Int64(Self.maxSeriesBuckets + 1))
            let rows = try reader.rows(operation, """
                SELECT bucket_ms, \(Self.summedTotalsColumns)
                FROM rollup_totals WHERE scope = ANY(\(scopeList)::text[]) AND level = \(levelCode) AND \(within)
                GROUP BY bucket_ms ORDER BY bucket_ms LIMIT \(limit)
                """, binds.binds)
            guard rows.count <= Self.maxSeriesBuckets else {
                throw .invalidArgument("more than \(Self.maxSeriesBuckets) buckets in range; use a coarser granularity or a shorter range")
            }
            var buckets: [SeriesBucket] = []
            for row in rows {
                let (bucket, counted) = try Self.summed(row, key: Int64.self, operation)
                buckets.append(SeriesBucket(start: bucket, totals: counted.totals, emotions: counted.emotions.ranked))
            }
            /// The bucket of the posts in `cut`, nil when it has none.
            func cutBucket(_ cut: TimeSpan) throws(StoreError) -> SeriesBucket? {
                guard cut.from < cut.to else { return nil }
                let summed = try summedTotals(CountSource(scopes: scopes, cover: TimeCover(from: cut.from, to: cut.to)), operation)
                guard summed.totals.posts > 0 else { return nil }
                return SeriesBucket(start: level.bucketStart(cut.from), totals: summed.totals, emotions: summed.emotions.ranked)
            }
            if let first = try cutBucket(cuts[0]) { buckets.insert(first, at: 0) }
            if let last = try cutBucket(cuts[1]) { buckets.append(last) }
            return buckets
        }
    }

    public func topHashtags(_ selection: PostSelection, limit: Int) throws(StoreError) -> [ValueCount] {
        let range = try selection.range.checked()
        try ReadArguments.checkLimit(limit)
        return try read("top hashtags") { () throws(StoreError) in
            let source = CountSource(scopes: try resolveScopes(selection.scope, "top hashtags"), cover: TimeCover(from: range.from, to: range.to))
            return Self.ranked(try facetCounts(.hashtag, source, "top hashtags"), limit: limit)
        }
    }
}

extension PostgresStore: SearchReadModel, CareQueueReadModel {
    public func search(_ selection: PostSelection, filter: PostFilter, pageSize: Int, pageToken: String) throws(StoreError) -> PostPage {
        let range = try selection.range.checked()
        try ReadArguments.checkPageSize(pageSize)
        let filter = try NormalizedFilter(filter)
        let cursor = try pageToken.isEmpty ? nil : PageCursor(token: pageToken)
        let operation = "search"
        return try read(operation) { () throws(StoreError) in
            var binds = StatementBinds()
            var conditions = [Self.postsCondition(&binds, scopes: try resolveScopes(selection.scope, operation), range: range)]
            if let text = filter.textContains { conditions.append("strpos(p.search_text, \(binds.add(text))) > 0") }
            if let handle = filter.authorHandle { conditions.append("p.author_handle = \(binds.add(handle))") }
            if let language = filter.language { conditions.append("p.language = \(binds.add(language))") }
            if let platform = filter.platform { conditions.append("p.platform = \(binds.add(platform))") }
            if let sentiment = filter.sentiment { conditions.append("p.sentiment = \(binds.add(sentiment.rawValue))") }
            if let emotion = filter.emotion { conditions.append("\(binds.add(emotion)) = ANY(p.emotions)") }
            if let minPriority = filter.minPriority { conditions.append("p.priority >= \(binds.add(Int32(clamping: minPriority)))") }
            if let hashtag = filter.hashtag { conditions.append("p.hashtags @> ARRAY[\(binds.add(hashtag))]") }
            if let cursor {
                conditions.append("(p.created_at_ms, p.seq) < (\(binds.add(cursor.createdAtMs)), \(binds.add(cursor.rowID)))")
            }
            let rows = try reader.rows(operation, """
                SELECT p.seq, p.priority, p.created_at_ms, p.id, p.record FROM posts p WHERE \(conditions.joined(separator: " AND "))
                ORDER BY p.created_at_ms DESC, p.seq DESC LIMIT \(binds.add(Int64(pageSize + 1)))
                """, binds.binds)
            return try Self.page(rows, pageSize: pageSize, operation) { PageCursor(createdAtMs: $0.createdAtMs, rowID: $0.seq).token }
        }
    }

    public func careQueue(_ selection: PostSelection, minPriority: Int, pageSize: Int, pageToken: String) throws(StoreError) -> PostPage {
        let range = try selection.range.checked()
        try ReadArguments.checkPageSize(pageSize)
        try ReadArguments.checkMinPriority(minPriority)
        let cursor = try pageToken.isEmpty ? nil : CareCursor(token: pageToken)
        let operation = "care queue"
        return try read(operation) { () throws(StoreError) in
            var binds = StatementBinds()
            var conditions = [Self.postsCondition(&binds, scopes: try resolveScopes(selection.scope, operation), range: range),
                              "p.priority >= \(binds.add(Int32(minPriority)))",
                              "NOT EXISTS (SELECT 1 FROM care_handled h WHERE h.post_id = p.id)"]
            if let cursor {
                conditions.append("(p.priority, p.created_at_ms, p.seq) < (\(binds.add(cursor.priority)), \(binds.add(cursor.createdAtMs)), \(binds.add(cursor.rowID)))")
            }
            let rows = try reader.rows(operation, """
                SELECT p.seq, p.priority, p.created_at_ms, p.id, p.record FROM posts p WHERE \(conditions.joined(separator: " AND "))
                ORDER BY p.priority DESC, p.created_at_ms DESC, p.seq DESC LIMIT \(binds.add(Int64(pageSize + 1)))
                """, binds.binds)
            return try Self.page(rows, pageSize: pageSize, operation) {
                CareCursor(priority: Int64($0.priority), createdAtMs: $0.createdAtMs, rowID: $0.seq).token
            }
        }
    }

    /// A page of rows (seq, priority, created_at_ms, id, record), `pageSize` at most; the next page's
    /// token from the last row (by `token`) when there were more.
    private static func page(_ rows: [PostgresRow], pageSize: Int, _ operation: String,
                             token: ((seq: Int64, priority: Int32, createdAtMs: Int64)) -> String) throws(StoreError) -> PostPage {
        var page = PostPage()
        var last: (seq: Int64, priority: Int32, createdAtMs: Int64)?
        for row in rows.prefix(pageSize) {
            let (seq, priority, createdAtMs, id, record) = try PostgresSession.decode(row, (Int64, Int32, Int64, String, ByteBuffer).self, operation)
            page.posts.append(StoredPost(id: id, createdAtMs: createdAtMs, view: Array(record.readableBytesView)))
            last = (seq, priority, createdAtMs)
        }
        if rows.count > pageSize, let last { page.nextPageToken = token(last) }
        return page
    }
}

extension PostgresStore: InsightsReadModel {
    public func voiceTotals(_ members: VoiceMembers, range span: TimeSpan) throws(StoreError) -> [QueryVoice] {
        let range = try span.checked()
        if case .queries(let queryIDs) = members { try ReadArguments.checkVoiceQueries(queryIDs) }
        let operation = "share of voice"
        return try read(operation) { () throws(StoreError) in
            let scopes: [String]
            switch members {
            case .queries(let queryIDs):
                if let unknown = try unknownQueries(queryIDs, operation).first { throw .notFound("unknown query id '\(unknown)'") }
                scopes = queryIDs
            case .group(let group):
                scopes = try resolveScopes(.group(group), operation)
            }
            let totals = try totals(CountSource(scopes: scopes, cover: TimeCover(from: range.from, to: range.to)), operation)
            return scopes.map { QueryVoice(queryID: $0, mentions: totals[$0]?.totals.posts ?? 0, reach: totals[$0]?.totals.reach ?? 0) }
        }
    }

    public func trendCounts(_ selection: PostSelection, kind: TrendSubject, baselineWindows windows: Int) throws(StoreError) -> TrendCounts {
        let range = try selection.range.checked()
        let baseline = try ReadArguments.trendBaseline(of: range, windows: windows)
        let facet: RollupFacet = switch kind {
        case .hashtag: .hashtag
        case .term: .term
        case .domain: .domain
        case .mention: .mention
        }
        let operation = "trending"
        return try read(operation) { () throws(StoreError) in
            let scopes = try resolveScopes(selection.scope, operation)
            func counts(_ span: TimeSpan) throws(StoreError) -> [String: Int] {
                guard span.from < span.to else { return [:] }
                return try facetCounts(facet, CountSource(scopes: scopes, cover: TimeCover(from: span.from, to: span.to)), operation)
            }
            return TrendCounts(current: try counts(range), baseline: try counts(baseline), baselineWindows: windows,
                               window: range, baselineRange: baseline)
        }
    }

    public func topAuthors(_ selection: PostSelection, orderBy order: AuthorRanking, limit: Int) throws(StoreError) -> [AuthorFigures] {
        let range = try selection.range.checked()
        try ReadArguments.checkLimit(limit)
        let orderSQL = switch order {
        case .reach: "SUM(p.reach)"
        case .engagement: "SUM(p.engagement)"
        case .posts: "count(*)"
        }
        let operation = "top authors"
        return try read(operation) { () throws(StoreError) in
            var binds = StatementBinds()
            let condition = Self.postsCondition(&binds, scopes: try resolveScopes(selection.scope, operation), range: range)
            let rows = try reader.rows(operation, """
                SELECT p.author_id, MAX(p.author_handle), count(*), SUM(p.reach)::float8, SUM(p.engagement)::float8
                FROM posts p WHERE \(condition)
                GROUP BY p.author_id ORDER BY \(orderSQL) DESC, p.author_id COLLATE "C" LIMIT \(binds.add(Int64(limit)))
                """, binds.binds)
            return try rows.map { (row) throws(StoreError) in
                let (author, handle, posts, reach, engagement) = try PostgresSession.decode(row, (String, String, Int64, Double, Double).self, operation)
                return AuthorFigures(authorID: author, handle: handle, posts: Int(posts), reach: reach, engagement: engagement)
            }
        }
    }
}
