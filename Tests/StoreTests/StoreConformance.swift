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
/// - search and the care queue page through the posts, never skipping or repeating one;
///   a claimed post leaves the care queue, and the first claim wins;
/// - every read answers exactly the posts of its half-open millisecond range
///   [from, to) (query.proto), whatever buckets the range cuts: checked against the posts
///   themselves over ranges that start and end mid-minute and mid-hour.
struct StoreConformance<Store: PostWriter & VolumeReadModel & SearchReadModel & InsightsReadModel & CareQueueReadModel> {
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

    func shareOfVoiceCountsOnlyThePostsOfTheRange() throws {
        let store = try filledStore()
        for range in Self.ranges {
            let voices = try store.voiceTotals(.group("brands"), range: range)
            #expect(voices.map(\.queryID) == ["q-1", "q-2"])  // by name: one, two
            #expect(voices.map(\.mentions) == ["q-1", "q-2"].map { Self.within(range, query: $0).count }, "range \(range)")
            #expect(voices.map(\.reach) == ["q-1", "q-2"].map { Double(Self.within(range, query: $0).count) * 100 })
        }
    }

    func trendingCountsOnlyThePostsOfTheWindowAndBaseline() throws {
        let store = try filledStore()
        /// Distinct words of each post: the terms of ``posts``' texts.
        func terms(_ posts: [PipelinePost]) -> [String: Int] {
            Self.counted(posts.flatMap { Set($0.post.text.split(separator: " ").map(String.init)) })
        }
        for range in Self.ranges {
            let counts = try store.trendCounts(PostSelection(range: range), kind: .term, baselineWindows: 2)
            let baseline = TimeSpan(from: range.from - 2 * (range.to - range.from), to: range.from)
            #expect(counts.current == terms(Self.within(range)), "range \(range)")
            #expect(counts.baseline == terms(Self.within(baseline)), "range \(range)")
            #expect(counts.window == range && counts.baselineRange == baseline)
            let hashtags = try store.trendCounts(PostSelection(scope: .query("q-1"), range: range), kind: .hashtag, baselineWindows: 1)
            #expect(hashtags.current == Self.counted(Self.within(range, query: "q-1").flatMap(\.enrichment.entities.hashtags)))
        }
    }

    func topAuthorsCountOnlyThePostsOfTheRange() throws {
        let store = try filledStore()
        for range in Self.ranges {
            let authors = try store.topAuthors(PostSelection(range: range), orderBy: .posts, limit: 1_000)
            let expected = Self.counted(Self.within(range).map(\.post.author.id))
            #expect(Dictionary(uniqueKeysWithValues: authors.map { ($0.authorID, $0.posts) }) == expected, "range \(range)")
            #expect(authors.map(\.posts) == authors.map(\.posts).sorted(by: >))
        }
    }

    func searchPagesThroughExactlyThePostsOfTheRange() throws {
        let store = try filledStore()
        for range in Self.ranges {
            for scope in [PostScope.allPosts, .query("q-2")] {
                var ids: [String] = []
                var times: [Int64] = []
                var pageToken = ""
                repeat {
                    let page = try store.search(PostSelection(scope: scope, range: range), filter: PostFilter(), pageSize: 37, pageToken: pageToken)
                    ids += page.posts.map(\.id)
                    times += page.posts.map(\.createdAtMs)
                    pageToken = page.nextPageToken
                } while !pageToken.isEmpty
                let expected = Self.within(range, query: scope == .allPosts ? nil : "q-2")
                #expect(ids == expected.reversed().map(\.post.id), "\(scope) range \(range)")
                #expect(times == times.sorted(by: >))
            }
        }
    }

    func careQueuePagesThroughTheUnhandledPostsOfTheRange() throws {
        let store = try filledStore()
        let range = Self.ranges[0]
        let expected = Self.within(range).reversed().map(\.post.id)  // one priority: newest first
        #expect(try store.markHandled(postID: expected[1], agent: "ana", now: 5) == CareClaim(claimed: true, handledBy: "ana", handledAtMs: 5))
        #expect(try store.markHandled(postID: expected[1], agent: "bob", now: 6) == CareClaim(claimed: false, handledBy: "ana", handledAtMs: 5))
        var ids: [String] = []
        var pageToken = ""
        repeat {
            let page = try store.careQueue(PostSelection(range: range), minPriority: 10, pageSize: 50, pageToken: pageToken)
            ids += page.posts.map(\.id)
            pageToken = page.nextPageToken
        } while !pageToken.isEmpty
        #expect(ids == expected.filter { $0 != expected[1] })
        #expect(try store.careQueue(PostSelection(range: range), minPriority: 11, pageSize: 50, pageToken: "").posts.isEmpty)
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
    @Test func shareOfVoiceCountsOnlyThePostsOfTheRange() throws { try conformance.shareOfVoiceCountsOnlyThePostsOfTheRange() }
    @Test func trendingCountsOnlyThePostsOfTheWindowAndBaseline() throws { try conformance.trendingCountsOnlyThePostsOfTheWindowAndBaseline() }
    @Test func topAuthorsCountOnlyThePostsOfTheRange() throws { try conformance.topAuthorsCountOnlyThePostsOfTheRange() }
    @Test func searchPagesThroughExactlyThePostsOfTheRange() throws { try conformance.searchPagesThroughExactlyThePostsOfTheRange() }
    @Test func careQueuePagesThroughTheUnhandledPostsOfTheRange() throws { try conformance.careQueuePagesThroughTheUnhandledPostsOfTheRange() }
}
