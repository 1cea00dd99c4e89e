import EarshotStore
import Emotions
import PostgresNIO

/// The statements that add a ``RollupDelta`` to the roll-ups: one upsert per table (totals with
/// their emotion counts, hour and day facets, minute facet packs) and the author sketches' merge.
/// Building them (sorting rows and encoding their binds) needs no connection, so the writer
/// builds a batch's upserts on another thread while the server inserts its posts.
struct RollupUpserts: Sendable {
    /// A statement and its binds, encoded.
    struct Statement: Sendable {
        let sql: String
        let binds: PostgresBindings
    }

    private var statements: [Statement] = []
    private let sketches: [RollupDelta.BucketKey: AuthorSketch]

    init(_ delta: RollupDelta) {
        sketches = delta.sketches
        guard !delta.totals.isEmpty else { return }
        statements.append(Self.totals(delta))
        let facets = delta.facets  // summed from the minute packs on each reading
        if !facets.isEmpty { statements.append(Self.facets(facets)) }
        if !delta.minuteFacets.isEmpty { statements.append(Self.minuteFacets(delta)) }
    }

    /// Runs the upserts and merges the sketches on `session`, inside its transaction.
    func run(on session: PostgresSession, operation: String) throws(StoreError) {
        for statement in statements { try session.rows(operation, statement.sql, statement.binds) }
        try AuthorSketches.merge(sketches, into: session, operation: operation)
    }

    /// Totals, with emotion counts, per scope, level and bucket. Rows sorted, so concurrent writers lock them in the same order.
    private static func totals(_ delta: RollupDelta) -> Statement {
        let totals = delta.totals.sorted { ($0.key.scope, $0.key.level.rawValue, $0.key.bucket) < ($1.key.scope, $1.key.level.rawValue, $1.key.bucket) }
        var binds = PostgresBindings()
        binds.append(totals.map(\.key.scope))
        binds.append(totals.map { Int16($0.key.level.rawValue) })
        binds.append(totals.map(\.key.bucket))
        binds.append(totals.map { Int64($0.value.posts) })
        binds.append(totals.map(\.value.reach))
        binds.append(totals.map(\.value.engagement))
        binds.append(totals.map { Int64($0.value.positive) })
        binds.append(totals.map { Int64($0.value.neutral) })
        binds.append(totals.map { Int64($0.value.negative) })
        binds.append(totals.map { Int64($0.value.sentimentUnavailable) })
        let emotions = totals.map { delta.emotions[$0.key] ?? EmotionCounts() }
        var emotionTypes = ""
        for emotion in Emotion.allCases {
            binds.append(emotions.map { Int64($0[emotion]) })
            emotionTypes += ", $\(binds.count)::int8[]"
        }
        let emotionUpdates = EmotionCounts.columns.map { ", \($0) = r.\($0) + excluded.\($0)" }.joined()
        return Statement(sql: """
            INSERT INTO rollup_totals AS r (scope, level, bucket_ms, posts, reach, engagement, positive, neutral, negative, unavailable,
                                            \(EmotionCounts.columns.joined(separator: ", ")))
            SELECT * FROM unnest($1::text[], $2::int2[], $3::int8[], $4::int8[], $5::float8[], $6::float8[], $7::int8[], $8::int8[],
                                 $9::int8[], $10::int8[]\(emotionTypes))
            ON CONFLICT (scope, level, bucket_ms) DO UPDATE SET
                posts = r.posts + excluded.posts, reach = r.reach + excluded.reach, engagement = r.engagement + excluded.engagement,
                positive = r.positive + excluded.positive, neutral = r.neutral + excluded.neutral,
                negative = r.negative + excluded.negative, unavailable = r.unavailable + excluded.unavailable\(emotionUpdates)
            """, binds: binds)
    }

    /// The hour and day facet counts (a row per value).
    private static func facets(_ counts: [RollupDelta.FacetKey: Int]) -> Statement {
        let facets = counts.sorted {
            ($0.key.bucket.scope, $0.key.facet.rawValue, $0.key.bucket.level.rawValue, $0.key.bucket.bucket, $0.key.value)
                < ($1.key.bucket.scope, $1.key.facet.rawValue, $1.key.bucket.level.rawValue, $1.key.bucket.bucket, $1.key.value)
        }
        var binds = PostgresBindings()
        binds.append(facets.map(\.key.bucket.scope))
        binds.append(facets.map(\.key.facet.rawValue))
        binds.append(facets.map { Int16($0.key.bucket.level.rawValue) })
        binds.append(facets.map(\.key.bucket.bucket))
        binds.append(facets.map(\.key.value))
        binds.append(facets.map { Int64($0.value) })
        return Statement(sql: """
            INSERT INTO rollup_facets AS r (scope, facet, level, bucket_ms, value, count)
            SELECT * FROM unnest($1::text[], $2::int2[], $3::int2[], $4::int8[], $5::text[], $6::int8[])
            ON CONFLICT (scope, facet, level, bucket_ms, value) DO UPDATE SET count = r.count + excluded.count
            """, binds: binds)
    }

    /// The minute facet counts: one row per scope, pack and minute, whose arrays (facet, value,
    /// count) are passed as array literals and merged with a stored row's by (facet, value).
    private static func minuteFacets(_ delta: RollupDelta) -> Statement {
        let packs = delta.minuteFacets.sorted { ($0.key.scope, $0.key.pack, $0.key.bucket) < ($1.key.scope, $1.key.pack, $1.key.bucket) }
        var binds = PostgresBindings()
        binds.append(packs.map(\.key.scope))
        binds.append(packs.map(\.key.pack))
        binds.append(packs.map(\.key.bucket))
        let entries = packs.map { Array($0.value) }
        binds.append(entries.map { pack in "{" + pack.map { String($0.key.facet.rawValue) }.joined(separator: ",") + "}" })
        binds.append(entries.map { pack in "{" + pack.map { PostRow.arrayElement($0.key.value) }.joined(separator: ",") + "}" })
        binds.append(entries.map { pack in "{" + pack.map { String($0.value) }.joined(separator: ",") + "}" })
        return Statement(sql: """
            INSERT INTO rollup_minute_facets AS r (scope, pack, bucket_ms, facets, vals, counts)
            SELECT scope, pack, bucket_ms, facets::int2[], vals::text[], counts::int8[]
            FROM unnest($1::text[], $2::int2[], $3::int8[], $4::text[], $5::text[], $6::text[]) AS d(scope, pack, bucket_ms, facets, vals, counts)
            ON CONFLICT (scope, pack, bucket_ms) DO UPDATE SET (facets, vals, counts) = (
                SELECT array_agg(facet), array_agg(value), array_agg(count) FROM (
                    SELECT facet, value, SUM(count)::int8 AS count FROM (
                        SELECT * FROM unnest(r.facets, r.vals, r.counts)
                        UNION ALL SELECT * FROM unnest(excluded.facets, excluded.vals, excluded.counts)
                    ) AS both_packs (facet, value, count) GROUP BY facet, value
                ) AS merged)
            """, binds: binds)
    }
}
