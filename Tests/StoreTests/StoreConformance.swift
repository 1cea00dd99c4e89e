import EarshotWire
import Foundation
import Testing
@testable import EarshotStore

/// ``StoreConformance/posts``: a post every 17.001 s over about five hours (across hour and
/// minute boundaries), with varied sentiment, language, platform, hashtags, emotions and listening-query matches.
private let conformancePosts: [PipelinePost] = (0..<1_100).map { number in
    var post = item(number, minute: 0, label: ["positive", "negative", "neutral", "unavailable"][number % 4],
                    tags: number % 3 == 0 ? ["acme"] : ["globex", "t\(number % 5)"], author: "a\(number % 37)",
                    language: number % 7 == 0 ? "fr" : "en", platform: number % 2 == 0 ? .x : .mastodon,
                    text: "outage \(number % 2 == 0 ? "refund" : "delay")")
    post.post.createdAtMs = base + 50_000 + Int64(number) * 17_001
    post.enrichment.emotions.available = number % 5 != 0
    post.enrichment.emotions.labels = number % 2 == 0 ? ["anger"] : ["joy", "surprise"]
    post.enrichment.matchedQueryIds = (number % 4 == 0 ? ["q-1"] : []) + (number % 6 == 0 ? ["q-2"] : [])
    return post
}

/// ``StoreConformance/ranges``: ranges that start and end inside minutes and hours, short ones
/// inside one minute, and one aligned range.
private let conformanceRanges: [TimeSpan] = [
    TimeSpan(from: base + 331_922, to: base + 5_607_724),      // mid-minute to mid-minute, across hours
    TimeSpan(from: base + 1_800_000 + 7, to: base + 9_000_001),  // mid-hour start: an hour series' first bucket is cut
    TimeSpan(from: base + 61_500, to: base + 61_900),          // inside one minute, no post
    TimeSpan(from: base + 67_000, to: base + 67_002),          // inside one minute, one post
    TimeSpan(from: base + 119_999, to: base + 120_001),        // across one minute boundary
    TimeSpan(from: base + 3_599_000, to: base + 7_260_500),
    TimeSpan(from: base, to: base + 3 * 3_600_000),            // aligned
]

/// The contract of the store's interfaces (Sources/Store/StoreInterfaces.swift), written
/// against them only, so that every backend runs the same checks (``SQLiteConformanceTests``
/// runs them on ``PostStore``):
/// - applying is idempotent per post id;
/// - every read answers exactly the posts of its half-open millisecond range
///   [from, to) (query.proto), whatever buckets the range cuts: checked against the posts
///   themselves over ranges that start and end mid-minute and mid-hour.
struct StoreConformance<Store: PostWriter & VolumeReadModel> {
    /// Makes an empty store with two listening queries, "q-1" and "q-2", in group "brands".
    let emptyStore: () throws -> Store

    /// A post every 17.001 s over about five hours (across hour and minute boundaries), with
    /// varied sentiment, language, platform, hashtags, emotions and listening-query matches.
    static var posts: [PipelinePost] { conformancePosts }

    /// Ranges that start and end inside minutes and hours, short ones inside one minute, and one aligned range.
    static var ranges: [TimeSpan] { conformanceRanges }

    /// The posts of ``posts`` in `range` (and matching `query`, when given).
    static func within(_ range: TimeSpan, query: String? = nil) -> [PipelinePost] {
        posts.filter { $0.post.createdAtMs >= range.from && $0.post.createdAtMs < range.to
            && (query.map($0.enrichment.matchedQueryIds.contains) ?? true) }
    }

    static func counted(_ values: [String]) -> [String: Int] { values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    static func asDictionary(_ counts: [ValueCount]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.value, $0.count) })
    }

    /// A store holding ``posts``.
    func filledStore() throws -> Store {
        let store = try emptyStore()
        _ = try store.apply(Self.posts)
        return store
    }

    func applyingTwiceCountsOnce() throws {
        let store = try emptyStore()
        let batch = Array(Self.posts.prefix(300))
        #expect(try store.apply(batch) == ApplyResult(inserted: 300, duplicates: 0))
        // A redelivery overlapping new posts, with a post repeated inside the batch.
        let redelivered = Array(Self.posts[200..<400]) + [Self.posts[399]]
        #expect(try store.apply(redelivered) == ApplyResult(inserted: 100, duplicates: 101))
        #expect(try store.apply(batch) == ApplyResult(inserted: 0, duplicates: 300))
        #expect(try store.postCount() == 400)
        let stored = Array(Self.posts.prefix(400))
        let overview = try store.overview(PostSelection(range: .allTime))
        #expect(overview.totals.posts == 400)
        #expect(overview.totals.reach == 40_000)
        #expect(Self.asDictionary(try store.topHashtags(PostSelection(range: .allTime), limit: 100))
                == Self.counted(stored.flatMap(\.enrichment.entities.hashtags)))
        var group = PostSelection(range: .allTime)
        group.scope = .group("brands")
        #expect(try store.overview(group).totals.posts
                == stored.filter { $0.enrichment.matchedQueryIds.contains("q-1") }.count
                + stored.filter { $0.enrichment.matchedQueryIds.contains("q-2") }.count)
    }

    func overviewCountsExactlyThePostsOfTheRange() throws {
        let store = try filledStore()
        for range in Self.ranges {
            let overview = try store.overview(PostSelection(range: range))
            let expected = Self.within(range)
            #expect(overview.totals.posts == expected.count, "range \(range)")
            #expect(overview.totals.reach == Double(expected.count) * 100)
            #expect(overview.totals.positive == expected.filter { $0.enrichment.sentiment.label == "positive" }.count)
            #expect(overview.totals.sentimentUnavailable == expected.filter { !$0.enrichment.sentiment.available }.count)
            #expect(Self.asDictionary(overview.languages) == Self.counted(expected.map(\.enrichment.language)))
            #expect(Self.asDictionary(overview.platforms) == Self.counted(expected.map(\.post.platform.name)))
            #expect(Self.asDictionary(overview.emotions)
                    == Self.counted(expected.filter(\.enrichment.emotions.available).flatMap(\.enrichment.emotions.labels)))
            #expect(overview.uniqueAuthors == Set(expected.map(\.post.author.id)).count)
        }
    }

    func overviewOfAGroupSumsItsQueriesExactly() throws {
        let store = try filledStore()
        for range in Self.ranges {
            let expected = Self.within(range, query: "q-1").count + Self.within(range, query: "q-2").count
            #expect(try store.overview(PostSelection(scope: .group("brands"), range: range)).totals.posts == expected, "range \(range)")
            #expect(try store.overview(PostSelection(scope: .query("q-2"), range: range)).totals.posts
                    == Self.within(range, query: "q-2").count, "range \(range)")
        }
    }

    func timeSeriesBucketsCountOnlyThePostsOfTheRange() throws {
        let store = try filledStore()
        for level in BucketLevel.allCases {
            for range in Self.ranges {
                let buckets = try store.timeSeries(PostSelection(range: range), granularity: level)
                let expected = Dictionary(grouping: Self.within(range)) { level.bucketStart($0.post.createdAtMs) }
                let starts = expected.keys.sorted()
                #expect(buckets.map(\.start) == starts, "\(level) range \(range)")
                #expect(buckets.map(\.totals.posts) == starts.map { expected[$0]!.count }, "\(level) range \(range)")
                #expect(buckets.map { $0.emotions.reduce(0) { $0 + $1.count } }
                        == starts.map { expected[$0]!.filter(\.enrichment.emotions.available).flatMap(\.enrichment.emotions.labels).count })
            }
        }
    }

    func topHashtagsCountOnlyThePostsOfTheRange() throws {
        let store = try filledStore()
        for range in Self.ranges {
            #expect(Self.asDictionary(try store.topHashtags(PostSelection(range: range), limit: 100))
                    == Self.counted(Self.within(range).flatMap(\.enrichment.entities.hashtags)), "range \(range)")
        }
    }
}

/// ``StoreConformance`` on the SQLite store.
@Suite struct SQLiteConformanceTests {
    let conformance = StoreConformance {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        for name in ["one", "two"] { _ = try store.createListeningQuery(name: name, group: "brands", query: name, nowMs: 0) }
        return store
    }

    @Test func applyingTwiceCountsOnce() throws { try conformance.applyingTwiceCountsOnce() }
    @Test func overviewCountsExactlyThePostsOfTheRange() throws { try conformance.overviewCountsExactlyThePostsOfTheRange() }
    @Test func overviewOfAGroupSumsItsQueriesExactly() throws { try conformance.overviewOfAGroupSumsItsQueriesExactly() }
    @Test func timeSeriesBucketsCountOnlyThePostsOfTheRange() throws { try conformance.timeSeriesBucketsCountOnlyThePostsOfTheRange() }
    @Test func topHashtagsCountOnlyThePostsOfTheRange() throws { try conformance.topHashtagsCountOnlyThePostsOfTheRange() }
}

/// Exactness of the reads not yet behind a read-model interface (share of voice, trending),
/// on the SQLite store's RPC-typed methods; they join ``StoreConformance`` when migrated.
@Suite struct ExactRangeTests {
    typealias Fixture = StoreConformance<PostStore>

    @Test func shareOfVoiceAndTrendingCountOnlyThePostsOfTheRange() throws {
        let store = try SQLiteConformanceTests().conformance.filledStore()
        for range in Fixture.ranges {
            let (from, to) = (range.from, range.to)
            var voice = ShareOfVoiceRequest()
            voice.range = TimeRange(fromMs: from, toMs: to)
            voice.group = "brands"
            #expect(try store.voiceTotals(voice).map(\.mentions)
                    == ["q-1", "q-2"].map { Int64(Fixture.within(range, query: $0).count) }, "range \(from)..<\(to)")
            var trending = TrendingRequest()
            trending.range = TimeRange(fromMs: from, toMs: to)
            trending.kind = .term
            trending.baselineWindows = 1
            let counts = try store.trendCounts(trending, now: to)
            let expected = Fixture.within(range).flatMap { Set($0.post.text.split(separator: " ").map(String.init)) }
            #expect(counts.current.mapValues(Int64.init) == Fixture.counted(expected).mapValues(Int64.init), "range \(from)..<\(to)")
            let length = to - from
            #expect(counts.baseline.values.reduce(0, +) == Fixture.within(TimeSpan(from: from - length, to: from)).count * 2)
        }
    }
}
