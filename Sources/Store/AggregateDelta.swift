import GRDB

/// The aggregate changes of one batch, summed in memory per scope and minute,
/// rolled up to hours and days and written as one upsert per touched row.
///
/// Scopes are interned to small integers (``scope(_:)``); facet counts
/// (``facets``) are shared with ``InsightsDelta``.
struct AggregateDelta {
    typealias Totals = PostTotals
    private struct BucketKey: Hashable { var scope: Int32; var bucket: Int64 }

    /// The aggregate scope of every post.
    static let allPosts = ""

    /// Scope names by id.
    private(set) var scopeNames: [String] = []
    private var scopeIDs: [String: Int32] = [:]
    private var minuteTotals: [BucketKey: Totals] = [:]
    /// Facet counts of the batch (languages, platforms and hashtags from here; terms, domains, mentions from ``InsightsDelta``).
    var facets = FacetCounts()

    /// The id of scope `name` ("" = all posts, else a listening query id).
    mutating func scope(_ name: String) -> Int32 {
        if let id = scopeIDs[name] { return id }
        let id = Int32(scopeNames.count)
        scopeNames.append(name)
        scopeIDs[name] = id
        return id
    }

    /// The scopes a new post counts in: all posts, then each distinct listening query it
    /// matches that is among `savedQueries` (matches of a deleted query may still arrive).
    mutating func scopes(of item: ScoredPost, savedQueries: Set<String>) -> [Int32] {
        var scopes = [scope(Self.allPosts)]
        for queryID in item.matchedQueryIDs where savedQueries.contains(queryID) {
            let id = scope(queryID)
            if !scopes.contains(id) { scopes.append(id) }
        }
        return scopes
    }

    /// Counts `item` once in each of `scopes` (ids from ``scope(_:)``), with its language,
    /// platform, distinct hashtags and emotion labels.
    mutating func add(_ item: ScoredPost, scopes: [Int32]) {
        let minute = BucketLevel.minute.bucketStart(item.createdAtMs)
        var totals = Totals()
        totals.posts = 1
        totals.reach = item.reach
        totals.engagement = item.engagement
        switch item.sentiment {
        case .positive: totals.positive = 1
        case .neutral: totals.neutral = 1
        case .negative: totals.negative = 1
        case .unavailable: totals.sentimentUnavailable = 1
        }
        for scope in scopes {
            minuteTotals[BucketKey(scope: scope, bucket: minute), default: Totals()].add(totals)
        }
        facets.add(.language, value: facets.values.id(item.language), scopes: scopes, minute: minute)
        facets.add(.platform, value: facets.values.id(item.platform), scopes: scopes, minute: minute)
        facets.addDistinct(.hashtag, item.hashtags, scopes: scopes, minute: minute)
        if let emotions = item.emotions {
            facets.addDistinct(.emotion, emotions, scopes: scopes, minute: minute)
        }
    }

    /// The totals of scope `name` over every minute counted, zero when it has none.
    func totals(ofScope name: String) -> Totals {
        var sum = Totals()
        guard let id = scopeIDs[name] else { return sum }
        for (key, totals) in minuteTotals where key.scope == id { sum.add(totals) }
        return sum
    }

    func write(_ db: Database) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO buckets (scope, level, bucket_ms, posts, reach, engagement, positive, neutral, negative, unavailable)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT (scope, level, bucket_ms) DO UPDATE SET
                posts = posts + excluded.posts, reach = reach + excluded.reach, engagement = engagement + excluded.engagement,
                positive = positive + excluded.positive, neutral = neutral + excluded.neutral,
                negative = negative + excluded.negative, unavailable = unavailable + excluded.unavailable
            """)
        for level in BucketLevel.allCases {
            var rows = minuteTotals
            if level != .minute {
                rows = [:]
                for (key, totals) in minuteTotals {
                    rows[BucketKey(scope: key.scope, bucket: level.bucketStart(key.bucket)), default: Totals()].add(totals)
                }
            }
            for (key, totals) in rows {
                try RawStatement(upsert, db).run { bind in
                    bind.text(1, scopeNames[Int(key.scope)])
                    bind.int(2, Int64(level.rawValue))
                    bind.int(3, key.bucket)
                    bind.int(4, Int64(totals.posts))
                    bind.double(5, totals.reach)
                    bind.double(6, totals.engagement)
                    bind.int(7, Int64(totals.positive))
                    bind.int(8, Int64(totals.neutral))
                    bind.int(9, Int64(totals.negative))
                    bind.int(10, Int64(totals.sentimentUnavailable))
                }
            }
        }
        try facets.write(db, scopeNames: scopeNames)
    }
}

/// The scopes the posts of a ``BatchDeltas`` count in.
enum CountedScopes: Sendable {
    /// Every post, and each listening query of `saved` that the post matched (live apply).
    case allPostsAndMatches(saved: Set<String>)
    /// Listening query `id` only (a backfill: its posts count in every post already).
    case query(String)
}

/// The aggregate and insight deltas of one batch. `PostStore.apply` fills one on a
/// thread of its own while the writer inserts the rows: that thread is the only one
/// touching it until the writer has waited for it, then only the writer reads it.
final class BatchDeltas: @unchecked Sendable {
    private var aggregates = AggregateDelta()
    private var insights = InsightsDelta()

    /// Counts each post as new in the scopes `counted` names and rolls the counts up for writing.
    func add(_ posts: some Sequence<ScoredPost>, countedIn counted: CountedScopes) {
        switch counted {
        case .allPostsAndMatches(let saved):
            for item in posts { add(item, scopes: aggregates.scopes(of: item, savedQueries: saved)) }
        case .query(let id):
            let scopes = [aggregates.scope(id)]
            for item in posts { add(item, scopes: scopes) }
        }
        aggregates.facets.rollUp()
    }

    private func add(_ item: ScoredPost, scopes: [Int32]) {
        aggregates.add(item, scopes: scopes)
        insights.add(item, scopes: scopes, facets: &aggregates.facets)
    }

    /// The totals counted in scope `name`.
    func totals(ofScope name: String) -> AggregateDelta.Totals { aggregates.totals(ofScope: name) }

    /// Value → count of `facet`, summed over every scope counted.
    func counts(of facet: Facet) -> [String: Int] { aggregates.facets.counts(of: facet) }

    /// Writes every delta in the caller's transaction.
    func write(_ db: Database) throws {
        try aggregates.write(db)
        try insights.write(db, scopeNames: aggregates.scopeNames)
    }
}
