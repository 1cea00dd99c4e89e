import EarshotWire
import Foundation
import Testing
@testable import EarshotStore

/// Every aggregate answers exactly the posts of its half-open millisecond range
/// [from_ms, to_ms) (query.proto), whatever buckets the range cuts: checked against
/// the posts themselves over ranges that start and end mid-minute and mid-hour.
@Suite struct ExactRangeTests {
    /// A post every 17.001 s over about five hours (across hour and minute boundaries), with
    /// varied sentiment, language, platform, hashtags, emotions and listening-query matches.
    static let posts: [PipelinePost] = (0..<1_100).map { number in
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

    /// Ranges that start and end inside minutes and hours, short ones inside one minute, and one aligned range.
    static let ranges: [(from: Int64, to: Int64)] = [
        (base + 331_922, base + 5_607_724),      // mid-minute to mid-minute, across hours
        (base + 1_800_000 + 7, base + 9_000_001),  // mid-hour start: an hour series' first bucket is cut
        (base + 61_500, base + 61_900),          // inside one minute, no post
        (base + 67_000, base + 67_002),          // inside one minute, one post
        (base + 119_999, base + 120_001),        // across one minute boundary
        (base + 3_599_000, base + 7_260_500),
        (base, base + 3 * 3_600_000),            // aligned
    ]

    /// A store holding ``posts``, with two listening queries "q-1" and "q-2" in group "brands".
    static func store() throws -> PostStore {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        for name in ["one", "two"] { _ = try store.createListeningQuery(name: name, group: "brands", query: name, nowMs: 0) }
        _ = try store.apply(posts)
        return store
    }

    static func request(_ from: Int64, _ to: Int64) -> TimeRange { TimeRange(fromMs: from, toMs: to) }

    static func within(_ from: Int64, _ to: Int64, query: String? = nil) -> [PipelinePost] {
        posts.filter { $0.post.createdAtMs >= from && $0.post.createdAtMs < to && (query.map($0.enrichment.matchedQueryIds.contains) ?? true) }
    }

    static func counted(_ values: [String]) -> [String: Int64] { values.reduce(into: [:]) { $0[$1, default: 0] += 1 } }

    static func asDictionary(_ counts: [LabeledCount]) -> [String: Int64] {
        Dictionary(uniqueKeysWithValues: counts.map { ($0.label, $0.count) })
    }

    @Test func overviewCountsExactlyThePostsOfTheRange() throws {
        let store = try Self.store()
        for (from, to) in Self.ranges {
            var request = OverviewRequest()
            request.range = Self.request(from, to)
            let overview = try store.overview(request)
            let expected = Self.within(from, to)
            #expect(overview.posts == Int64(expected.count), "range \(from)..<\(to)")
            #expect(overview.reach == Double(expected.count) * 100)
            #expect(overview.positive == Int64(expected.filter { $0.enrichment.sentiment.label == "positive" }.count))
            #expect(overview.sentimentUnavailable == Int64(expected.filter { !$0.enrichment.sentiment.available }.count))
            #expect(Self.asDictionary(overview.languages) == Self.counted(expected.map(\.enrichment.language)))
            #expect(Self.asDictionary(overview.platforms) == Self.counted(expected.map(\.post.platform.name)))
            #expect(Self.asDictionary(overview.emotions)
                    == Self.counted(expected.filter(\.enrichment.emotions.available).flatMap(\.enrichment.emotions.labels)))
            #expect(overview.uniqueAuthors == Int64(Set(expected.map(\.post.author.id)).count))
        }
    }

    @Test func overviewOfAGroupSumsItsQueriesExactly() throws {
        let store = try Self.store()
        for (from, to) in Self.ranges {
            var request = OverviewRequest()
            request.range = Self.request(from, to)
            request.group = "brands"
            let expected = Self.within(from, to, query: "q-1").count + Self.within(from, to, query: "q-2").count
            #expect(try store.overview(request).posts == Int64(expected), "range \(from)..<\(to)")
        }
    }

    @Test func timeSeriesBucketsCountOnlyThePostsOfTheRange() throws {
        let store = try Self.store()
        for granularity in [Granularity.minute, .hour, .day] {
            let level: BucketLevel = granularity == .minute ? .minute : granularity == .hour ? .hour : .day
            for (from, to) in Self.ranges {
                var request = TimeSeriesRequest()
                request.range = Self.request(from, to)
                request.granularity = granularity
                let buckets = try store.timeSeries(request).buckets
                let expected = Dictionary(grouping: Self.within(from, to)) { level.bucketStart($0.post.createdAtMs) }
                #expect(buckets.map(\.startMs) == expected.keys.sorted(), "\(granularity) range \(from)..<\(to)")
                #expect(buckets.map(\.posts) == expected.keys.sorted().map { Int64(expected[$0]!.count) }, "\(granularity) range \(from)..<\(to)")
                #expect(buckets.map { $0.emotions.reduce(0) { $0 + $1.count } }
                        == expected.keys.sorted().map { Int64(expected[$0]!.filter(\.enrichment.emotions.available).flatMap(\.enrichment.emotions.labels).count) })
            }
        }
    }

    @Test func topHashtagsCountOnlyThePostsOfTheRange() throws {
        let store = try Self.store()
        for (from, to) in Self.ranges {
            var request = TopHashtagsRequest()
            request.range = Self.request(from, to)
            request.limit = 100
            #expect(Self.asDictionary(try store.topHashtags(request).hashtags)
                    == Self.counted(Self.within(from, to).flatMap(\.enrichment.entities.hashtags)), "range \(from)..<\(to)")
        }
    }

    @Test func shareOfVoiceAndTrendingCountOnlyThePostsOfTheRange() throws {
        let store = try Self.store()
        for (from, to) in Self.ranges {
            var voice = ShareOfVoiceRequest()
            voice.range = Self.request(from, to)
            voice.group = "brands"
            #expect(try store.voiceTotals(voice).map(\.mentions)
                    == ["q-1", "q-2"].map { Int64(Self.within(from, to, query: $0).count) }, "range \(from)..<\(to)")
            var trending = TrendingRequest()
            trending.range = Self.request(from, to)
            trending.kind = .term
            trending.baselineWindows = 1
            let counts = try store.trendCounts(trending, now: to)
            let expected = Self.within(from, to).flatMap { Set($0.post.text.split(separator: " ").map(String.init)) }
            #expect(counts.current.mapValues(Int64.init) == Self.counted(expected), "range \(from)..<\(to)")
            let length = to - from
            #expect(counts.baseline.values.reduce(0, +) == Self.within(from - length, from).count * 2)
        }
    }
}
