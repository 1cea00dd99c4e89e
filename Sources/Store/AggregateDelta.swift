import EarshotWire
import GRDB

/// The aggregate changes of one batch, summed in memory and written as one
/// upsert per touched row.
struct AggregateDelta {
    struct Totals {
        var posts = 0, positive = 0, neutral = 0, negative = 0, unavailable = 0
        var reach = 0.0, engagement = 0.0
    }
    struct BucketKey: Hashable { var level: Int; var bucket: Int64 }
    struct FacetKey: Hashable { var facet: Int; var level: Int; var bucket: Int64; var value: String }

    private(set) var buckets: [BucketKey: Totals] = [:]
    private(set) var facets: [FacetKey: Int] = [:]

    mutating func add(_ item: PipelinePost, sentiment: SentimentClass) {
        let time = item.post.createdAtMs
        for level in BucketLevel.allCases {
            let bucket = level.bucketStart(time)
            let key = BucketKey(level: level.rawValue, bucket: bucket)
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
            facets[FacetKey(facet: Facet.language.rawValue, level: level.rawValue, bucket: bucket, value: item.enrichment.language), default: 0] += 1
            facets[FacetKey(facet: Facet.platform.rawValue, level: level.rawValue, bucket: bucket, value: item.post.platform.name), default: 0] += 1
            for tag in Set(item.enrichment.entities.hashtags) {
                facets[FacetKey(facet: Facet.hashtag.rawValue, level: level.rawValue, bucket: bucket, value: tag), default: 0] += 1
            }
        }
    }

    func write(_ db: Database) throws {
        let bucket = try db.cachedStatement(sql: """
            INSERT INTO buckets (level, bucket_ms, posts, reach, engagement, positive, neutral, negative, unavailable)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (level, bucket_ms) DO UPDATE SET
                posts = posts + excluded.posts, reach = reach + excluded.reach, engagement = engagement + excluded.engagement,
                positive = positive + excluded.positive, neutral = neutral + excluded.neutral,
                negative = negative + excluded.negative, unavailable = unavailable + excluded.unavailable
            """)
        for (key, totals) in buckets {
            try bucket.execute(arguments: [key.level, key.bucket, totals.posts, totals.reach, totals.engagement,
                                           totals.positive, totals.neutral, totals.negative, totals.unavailable])
        }
        let facet = try db.cachedStatement(sql: """
            INSERT INTO facet_buckets (facet, level, bucket_ms, value, count) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (facet, level, bucket_ms, value) DO UPDATE SET count = count + excluded.count
            """)
        for (key, count) in facets {
            try facet.execute(arguments: [key.facet, key.level, key.bucket, key.value, count])
        }
    }
}
