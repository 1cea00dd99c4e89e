import EarshotWire
import GRDB

/// The aggregate changes of one batch, summed in memory and written as one
/// upsert per touched row.
struct AggregateDelta {
    struct Totals {
        var posts = 0, positive = 0, neutral = 0, negative = 0, unavailable = 0
        var reach = 0.0, engagement = 0.0
    }
    struct BucketKey: Hashable { var scope: String; var level: Int; var bucket: Int64 }
    struct FacetKey: Hashable { var scope: String; var facet: Int; var level: Int; var bucket: Int64; var value: String }

    /// The aggregate scope of every post.
    static let allPosts = ""

    private(set) var buckets: [BucketKey: Totals] = [:]
    private(set) var facets: [FacetKey: Int] = [:]

    /// Counts `item` once in `scope` ("" = all posts, else a listening query id).
    mutating func add(_ item: PipelinePost, sentiment: SentimentClass, scope: String) {
        let time = item.post.createdAtMs
        for level in BucketLevel.allCases {
            let bucket = level.bucketStart(time)
            let key = BucketKey(scope: scope, level: level.rawValue, bucket: bucket)
            var totals = buckets[key] ?? Totals()
            totals.posts += 1
            totals.reach += item.scores.reach
            totals.engagement += item.scores.engagement
            switch sentiment {
            case .positive: totals.positive += 1
            case .neutral: totals.neutral += 1
            case .negative: totals.negative += 1
            case .unavailable: totals.unavailable += 1
            }
            buckets[key] = totals
            facets[FacetKey(scope: scope, facet: Facet.language.rawValue, level: level.rawValue, bucket: bucket, value: item.enrichment.language), default: 0] += 1
            facets[FacetKey(scope: scope, facet: Facet.platform.rawValue, level: level.rawValue, bucket: bucket, value: item.post.platform.name), default: 0] += 1
            for tag in Set(item.enrichment.entities.hashtags) {
                facets[FacetKey(scope: scope, facet: Facet.hashtag.rawValue, level: level.rawValue, bucket: bucket, value: tag), default: 0] += 1
            }
        }
    }

    func write(_ db: Database) throws {
        let bucket = try db.cachedStatement(sql: """
            INSERT INTO buckets (scope, level, bucket_ms, posts, reach, engagement, positive, neutral, negative, unavailable)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (scope, level, bucket_ms) DO UPDATE SET
                posts = posts + excluded.posts, reach = reach + excluded.reach, engagement = engagement + excluded.engagement,
                positive = positive + excluded.positive, neutral = neutral + excluded.neutral,
                negative = negative + excluded.negative, unavailable = unavailable + excluded.unavailable
            """)
        for (key, totals) in buckets {
            try bucket.execute(arguments: [key.scope, key.level, key.bucket, totals.posts, totals.reach, totals.engagement,
                                           totals.positive, totals.neutral, totals.negative, totals.unavailable])
        }
        let facet = try db.cachedStatement(sql: """
            INSERT INTO facet_buckets (scope, facet, level, bucket_ms, value, count) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (scope, facet, level, bucket_ms, value) DO UPDATE SET count = count + excluded.count
            """)
        for (key, count) in facets {
            try facet.execute(arguments: [key.scope, key.facet, key.level, key.bucket, key.value, count])
        }
    }
}
