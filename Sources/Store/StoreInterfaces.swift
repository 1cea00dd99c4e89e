import EarshotWire

// The store's interfaces, in plain Swift types: one writer and a read model per feature.
// Backends (SQLite here; PostgreSQL next) conform; the query service translates the
// RPC messages to and from these types, so wire schema, SQL and RPC surface change apart.

/// Which posts an aggregate counts: every post, one listening query's, or the posts of
/// each query of a group (a post heard by two queries of the group counts twice).
public enum PostScope: Sendable, Equatable {
    case allPosts
    case query(String)
    case group(String)

    /// The scope of a request's `query_id` / `group` pair (both empty: every post);
    /// INVALID_ARGUMENT when both are given.
    public init(queryID: String, group: String) throws(StoreError) {
        switch (queryID.isEmpty, group.isEmpty) {
        case (true, true): self = .allPosts
        case (false, true): self = .query(queryID)
        case (true, false): self = .group(group)
        case (false, false):
            throw .invalidArgument("give query_id or group, not both (got query_id '\(queryID)', group '\(group)')")
        }
    }
}

/// The posts a read covers: a scope and an exact [from, to) range of creation times.
public struct PostSelection: Sendable, Equatable {
    public var scope: PostScope
    public var range: TimeSpan

    public init(scope: PostScope = .allPosts, range: TimeSpan) {
        self.scope = scope
        self.range = range
    }
}

/// A value of a facet (language, platform, emotion, hashtag…) and how many posts have it.
public struct ValueCount: Sendable, Equatable {
    public var value: String
    public var count: Int

    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }
}

/// Volume, reach, engagement and sentiment of a set of posts.
public struct PostTotals: Sendable, Equatable {
    public var posts = 0
    public var reach = 0.0
    public var engagement = 0.0
    public var positive = 0, neutral = 0, negative = 0
    /// Posts without a sentiment (unsupported language, model unavailable).
    public var sentimentUnavailable = 0

    public init() {}

    /// % positive − % negative among posts with sentiment, in [-100, 100]; 0 without any.
    public var netSentiment: Double {
        let rated = positive + neutral + negative
        return rated == 0 ? 0 : Double(positive - negative) * 100 / Double(rated)
    }

    /// Adds `other`'s posts to these.
    mutating func add(_ other: PostTotals) {
        posts += other.posts
        reach += other.reach
        engagement += other.engagement
        positive += other.positive
        neutral += other.neutral
        negative += other.negative
        sentimentUnavailable += other.sentimentUnavailable
    }
}

/// The overview of a selection.
public struct OverviewFigures: Sendable, Equatable {
    public var totals = PostTotals()
    /// Most frequent first (ties by value), at most 100.
    public var languages: [ValueCount] = []
    /// Most frequent first (ties by value), at most 100.
    public var platforms: [ValueCount] = []
    /// Emotion labels, most frequent first: a post counts once under each of its labels.
    public var emotions: [ValueCount] = []
    public var uniqueAuthors = 0
    /// Whether ``uniqueAuthors`` is a sketch estimate (large selections) rather than exact.
    public var uniqueAuthorsEstimated = false

    public init() {}
}

/// One bucket of a time series: the selection's posts within [start, start + width).
public struct SeriesBucket: Sendable, Equatable {
    public var start: Int64
    public var totals: PostTotals
    /// Emotion labels, most frequent first.
    public var emotions: [ValueCount]

    public init(start: Int64, totals: PostTotals, emotions: [ValueCount]) {
        self.start = start
        self.totals = totals
        self.emotions = emotions
    }
}

/// Volume reads: the overview, time series and top hashtags of a selection, exact to the
/// millisecond of its range.
public protocol VolumeReadModel: Sendable {
    /// Totals, sentiment, languages, platforms, emotions and unique authors.
    func overview(_ selection: PostSelection) throws(StoreError) -> OverviewFigures
    /// One bucket per `granularity` bucket holding posts of the selection, oldest first; a bucket the
    /// range cuts counts only the posts within the range. More than `maxBuckets` is INVALID_ARGUMENT.
    func timeSeries(_ selection: PostSelection, granularity: BucketLevel) throws(StoreError) -> [SeriesBucket]
    /// The `limit` (1…1000) most used hashtags, most used first (ties by tag).
    func topHashtags(_ selection: PostSelection, limit: Int) throws(StoreError) -> [ValueCount]
}

/// What changes the store: scored posts, applied exactly once in effect.
public protocol PostWriter: Sendable {
    /// Stores the new posts of a batch and counts them in every aggregate, atomically;
    /// posts already stored (redeliveries) change nothing.
    func apply(_ posts: [PipelinePost]) throws(StoreError) -> ApplyResult
    /// How many posts are stored.
    func postCount() throws(StoreError) -> Int
}
