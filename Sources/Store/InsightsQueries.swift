import EarshotWire
import Foundation
import GRDB

/// Posts, sentiment and angry posts of one minute bucket of one scope, for spike detection.
public struct MinuteCount: Sendable, Equatable {
    public var bucketMs: Int64
    public var posts: Int
    public var positive: Int
    public var neutral: Int
    public var negative: Int
    /// Posts labelled anger (docs/EMOTIONS.md).
    public var anger: Int

    public init(bucketMs: Int64, posts: Int, positive: Int, neutral: Int, negative: Int, anger: Int) {
        self.bucketMs = bucketMs
        self.posts = posts
        self.positive = positive
        self.neutral = neutral
        self.negative = negative
        self.anger = anger
    }
}

extension PostStore: InsightsReadModel, CareQueueReadModel {
    /// Ranges with at most this many posts count unique authors exactly; larger ones merge sketches.
    public static let exactAuthorLimit = 20_000

    /// Unique authors of a scope over a range, and whether the figure is a sketch estimate.
    func uniqueAuthors(_ db: Database, scope: ResolvedScope, range: ResolvedRange, posts: Int) throws -> (Int, Bool) {
        if posts <= Self.exactAuthorLimit {
            let (sql, arguments) = authorIDsSQL(scope: scope, from: range.from, to: range.to)
            return (try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT author_id) FROM (\(sql))", arguments: arguments) ?? 0, false)
        }
        var sketch = AuthorSketch()
        let (scopeSQL, scopeArguments) = scope.condition("scope")
        let cover = range.cover
        func insertAuthors(from: Int64, to: Int64) throws {
            let (sql, arguments) = authorIDsSQL(scope: scope, from: from, to: to)
            let authorIDs = try String.fetchCursor(db, sql: sql, arguments: arguments)
            while let authorID = try authorIDs.next() { sketch.insert(hash: AuthorSketch.hash(authorID)) }
        }
        for edge in cover.edges { try insertAuthors(from: edge.from, to: edge.to) }
        for span in cover.spans {
            if span.level == .minute {
                try insertAuthors(from: span.from, to: span.to)
            } else {
                let rows = try Data.fetchCursor(db, sql: """
                    SELECT registers FROM author_sketches WHERE \(scopeSQL) AND level = ? AND bucket_ms >= ? AND bucket_ms < ?
                    """, arguments: scopeArguments + [span.level.rawValue, span.from, span.to])
                while let registers = try rows.next() { sketch.merge(AuthorSketch(bytes: [UInt8](registers))) }
            }
        }
        return (Int(sketch.estimate), true)
    }

    /// SQL selecting the author id of every post of `scope` in [from, to) (once per post).
    private func authorIDsSQL(scope: ResolvedScope, from: Int64, to: Int64) -> (String, StatementArguments) {
        if scope.isAllPosts {
            return ("SELECT author_id FROM posts WHERE created_at_ms >= ? AND created_at_ms < ?", [from, to])
        }
        // The covering (created_at_ms, author_id) index over the range, filtered by rowid: no
        // lookups of the wide post rows, which would read the disk on a cold cache.
        let (condition, arguments) = scope.condition("query_id")
        return ("""
            SELECT author_id FROM posts INDEXED BY posts_by_author_time WHERE created_at_ms >= ? AND created_at_ms < ? AND rowid IN
                (SELECT post_rowid FROM post_queries WHERE \(condition) AND created_at_ms >= ? AND created_at_ms < ?)
            """, [from, to] + arguments + [from, to])
    }

    /// Mentions and reach of each member query over a range (a group's in the group's order).
    public func voiceTotals(_ members: VoiceMembers, range span: TimeSpan) throws(StoreError) -> [QueryVoice] {
        let range = try ResolvedRange(checking: span)
        if case .queries(let queryIDs) = members { try ReadArguments.checkVoiceQueries(queryIDs) }
        return try read("share of voice") { db in
            let scope: ResolvedScope
            switch members {
            case .queries(let queryIDs):
                for queryID in queryIDs where try !ResolvedScope.isKnownQuery(queryID, db) {
                    throw StoreError.notFound("unknown query id '\(queryID)'")
                }
                scope = ResolvedScope(scopes: queryIDs)
            case .group(let group):
                scope = try ResolvedScope.resolve(.group(group), db)
            }
            let cover = range.cover
            let edges = try edgeDeltas(db, scope: scope, edges: cover.edges)
            var totals: [String: (Int, Double)] = [:]
            if !cover.spans.isEmpty {
                let (rows, arguments) = ResolvedRange.spanRows("buckets", "scope, posts, reach", scope: scope, spans: cover.spans)
                for row in try Row.fetchAll(db, sql: "SELECT scope, SUM(posts), SUM(reach) FROM \(rows) GROUP BY scope", arguments: arguments) {
                    totals[row[0]] = (row[1], row[2])
                }
            }
            return scope.scopes.map { queryID in
                let (posts, reach) = totals[queryID] ?? (0, 0)
                let edge = edges.totals(ofScope: queryID)
                return QueryVoice(queryID: queryID, mentions: posts + edge.posts, reach: reach + edge.reach)
            }
        }
    }

    /// Counts of hashtags, terms, domains or mentions in the selection's window and in the
    /// `baselineWindows` windows of the same length just before it.
    public func trendCounts(_ selection: PostSelection, kind: TrendSubject, baselineWindows windows: Int) throws(StoreError) -> TrendCounts {
        let range = try ResolvedRange(checking: selection.range)
        let baselineFrom = try ReadArguments.trendBaseline(of: TimeSpan(from: range.from, to: range.to), windows: windows).from
        let facet: Facet = switch kind {
        case .hashtag: .hashtag
        case .term: .term
        case .domain: .domain
        case .mention: .mention
        }
        return try read("trending") { db in
            let scope = try ResolvedScope.resolve(selection.scope, db)
            func counts(_ from: Int64, _ to: Int64) throws -> [String: Int] {
                guard from < to else { return [:] }
                return try facetTotals(db, facet, ResolvedRange(checking: TimeSpan(from: from, to: to)), scope)
            }
            return TrendCounts(current: try counts(range.from, range.to), baseline: try counts(baselineFrom, range.from),
                               baselineWindows: windows, window: TimeSpan(from: range.from, to: range.to),
                               baselineRange: TimeSpan(from: baselineFrom, to: range.from))
        }
    }

    /// Item → count of one facet of a scope over the whole-bucket `spans`, plus the counted `edges`.
    /// Minute-level terms come from ``TermMinutes``, the rest from `facet_buckets`.
    func facetTotals(_ db: Database, _ facet: Facet, spans: [LevelSpan], _ scope: ResolvedScope, edges: BatchDeltas) throws -> [String: Int] {
        var spans = spans
        var counts = edges.counts(of: facet)
        if facet == .term {
            try TermMinutes.addCounts(db, scope: scope, spans: spans.filter { $0.level == .minute }, into: &counts)
            spans.removeAll { $0.level == .minute }
        }
        guard !spans.isEmpty else { return counts }
        let (rows, arguments) = ResolvedRange.spanRows("facet_buckets", "value, count", scope: scope, facet: facet, spans: spans)
        for row in try Row.fetchAll(db, sql: "SELECT value, SUM(count) FROM \(rows) GROUP BY value", arguments: arguments) {
            counts[row[0], default: 0] += row[1]
        }
        return counts
    }

    /// Item → count of one facet of a scope over a range, exact to the millisecond.
    func facetTotals(_ db: Database, _ facet: Facet, _ range: ResolvedRange, _ scope: ResolvedScope) throws -> [String: Int] {
        let cover = range.cover
        return try facetTotals(db, facet, spans: cover.spans, scope, edges: edgeDeltas(db, scope: scope, edges: cover.edges))
    }

    /// Authors ranked by reach, engagement or posts over a range (from the posts themselves).
    public func topAuthors(_ selection: PostSelection, orderBy order: AuthorRanking, limit: Int) throws(StoreError) -> [AuthorFigures] {
        let range = try ResolvedRange(checking: selection.range)
        try ReadArguments.checkLimit(limit)
        let orderSQL = switch order {
        case .reach: "SUM(reach)"
        case .engagement: "SUM(engagement)"
        case .posts: "COUNT(*)"
        }
        return try read("top authors") { db in
            let scope = try ResolvedScope.resolve(selection.scope, db)
            let (postsSQL, arguments) = scopedPostsCondition(scope: scope, range: range)
            return try Row.fetchAll(db, sql: """
                SELECT author_id, MAX(author_handle), COUNT(*), SUM(reach), SUM(engagement) FROM posts WHERE \(postsSQL)
                GROUP BY author_id ORDER BY \(orderSQL) DESC, author_id LIMIT ?
                """, arguments: arguments + [limit]).map { row in
                AuthorFigures(authorID: row[0], handle: row[1], posts: row[2], reach: row[3], engagement: row[4])
            }
        }
    }

    /// Condition on `posts` selecting the posts of a scope in a range.
    func scopedPostsCondition(scope: ResolvedScope, range: ResolvedRange) -> (String, StatementArguments) {
        var sql = "created_at_ms >= ? AND created_at_ms < ?"
        var arguments: StatementArguments = [range.from, range.to]
        if !scope.isAllPosts {
            let (condition, scopeArguments) = scope.condition("query_id")
            sql += " AND rowid IN (SELECT post_rowid FROM post_queries WHERE \(condition) AND created_at_ms >= ? AND created_at_ms < ?)"
            arguments += scopeArguments + [range.from, range.to]
        }
        return (sql, arguments)
    }

    /// Unhandled posts by care priority (highest first, then newest), a page at a time.
    public func careQueue(_ selection: PostSelection, minPriority: Int, pageSize: Int, pageToken: String) throws(StoreError) -> PostPage {
        let range = try ResolvedRange(checking: selection.range)
        try ReadArguments.checkPageSize(pageSize)
        try ReadArguments.checkMinPriority(minPriority)
        let cursor = try pageToken.isEmpty ? nil : CareCursor(token: pageToken)
        return try read("care queue") { db in
            let scope = try ResolvedScope.resolve(selection.scope, db)
            var (sql, arguments) = scopedPostsCondition(scope: scope, range: range)
            sql += " AND priority >= ? AND NOT EXISTS (SELECT 1 FROM care_handled h WHERE h.post_rowid = posts.rowid)"
            arguments += [minPriority]
            if let cursor {
                sql += " AND (priority, created_at_ms, rowid) < (?, ?, ?)"
                arguments += [cursor.priority, cursor.createdAtMs, cursor.rowID]
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT rowid, priority, created_at_ms, id, view FROM posts WHERE \(sql)
                ORDER BY priority DESC, created_at_ms DESC, rowid DESC LIMIT ?
                """, arguments: arguments + [pageSize + 1])
            var page = PostPage()
            page.posts = rows.prefix(pageSize).map { row in StoredPost(id: row[3], createdAtMs: row[2], view: [UInt8](row[4] as Data)) }
            if rows.count > pageSize, let last = rows.prefix(pageSize).last {
                page.nextPageToken = CareCursor(priority: last[1], createdAtMs: last[2], rowID: last[0]).token
            }
            return page
        }
    }

    /// Claims a post for `agent`: the first claim wins (a conditional insert in one
    /// transaction), a repeat by the same agent is a success, and the post leaves the queue.
    public func markHandled(postID: String, agent: String, now: Int64) throws(StoreError) -> CareClaim {
        try ReadArguments.checkClaim(postID: postID, agent: agent)
        do {
            return try database.write { db in
                guard let rowID = try Int64.fetchOne(db, sql: "SELECT rowid FROM posts WHERE id = ?", arguments: [postID]) else {
                    throw StoreError.notFound("no stored post with id '\(postID)'")
                }
                try db.execute(sql: "INSERT INTO care_handled (post_rowid, agent, handled_at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                               arguments: [rowID, agent, now])
                let row = try Row.fetchOne(db, sql: "SELECT agent, handled_at_ms FROM care_handled WHERE post_rowid = ?", arguments: [rowID])!
                let handledBy: String = row[0]
                return CareClaim(claimed: handledBy == agent, handledBy: handledBy, handledAtMs: row[1])
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(operation: "mark handled", message: "\(error)")
        }
    }
}

/// Where the next page of the care queue starts: after this (priority, created_at, row order key).
public struct CareCursor: Equatable, Sendable {
    public var priority: Int64
    public var createdAtMs: Int64
    public var rowID: Int64

    public init(priority: Int64, createdAtMs: Int64, rowID: Int64) {
        self.priority = priority
        self.createdAtMs = createdAtMs
        self.rowID = rowID
    }

    /// The cursor of a token the care queue issued; INVALID_ARGUMENT for any other.
    public init(token: String) throws(StoreError) {
        guard let numbers = PageCursor.numbers(ofToken: token, tag: "c1", count: 3) else {
            throw .invalidArgument("page_token '\(token.prefix(40))' was not issued by the care queue")
        }
        self.init(priority: numbers[0], createdAtMs: numbers[1], rowID: numbers[2])
    }

    /// The page token clients send back.
    public var token: String { "c1.\(priority).\(createdAtMs).\(rowID)" }
}
