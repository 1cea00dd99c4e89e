import Insights

// The store's interfaces, in plain Swift types: one writer and a read model per feature.
// Both backends (SQLite, PostgreSQL) conform; the query service translates the RPC messages
// to and from these types, so wire schema, SQL and RPC surface change apart. Records the
// store keeps whole without reading them (a stored post's view, an alert's details) pass as
// bytes the query service encodes and decodes.

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
    public mutating func add(_ other: PostTotals) {
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

/// What a post search keeps: posts passing every non-empty field.
public struct PostFilter: Sendable, Equatable {
    /// A substring of the text, ignoring case.
    public var textContains = ""
    /// The author's handle, ignoring case, with or without "@".
    public var authorHandle = ""
    /// A language code, ignoring case.
    public var language = ""
    /// A platform name ("x", "mastodon", …).
    public var platform = ""
    /// A sentiment label: positive, neutral, negative or unavailable.
    public var sentimentLabel = ""
    /// An emotion label (docs/EMOTIONS.md).
    public var emotion = ""
    /// The lowest care priority kept (0: any).
    public var minPriority = 0
    /// A hashtag, ignoring case, with or without "#".
    public var hashtag = ""

    public init() {}
}

/// A stored post: its id, creation time and its record as the pipeline scored it
/// (an encoded `earshot.v1.PostView`: post, enrichment and scores), which the store
/// keeps and returns without reading.
public struct StoredPost: Sendable, Equatable {
    public var id: String
    public var createdAtMs: Int64
    public var view: [UInt8]

    public init(id: String, createdAtMs: Int64, view: [UInt8]) {
        self.id = id
        self.createdAtMs = createdAtMs
        self.view = view
    }
}

/// One page of posts and where the next starts ("" after the last page).
public struct PostPage: Sendable, Equatable {
    public var posts: [StoredPost] = []
    public var nextPageToken = ""

    public init(posts: [StoredPost] = [], nextPageToken: String = "") {
        self.posts = posts
        self.nextPageToken = nextPageToken
    }
}

/// Search and export: the posts of a selection, a page at a time.
public protocol SearchReadModel: Sendable {
    /// The selection's posts that pass `filter`, newest first, `pageSize` (1…500) at a time;
    /// `pageToken` is the previous page's ``PostPage/nextPageToken`` ("" for the first page).
    /// Paging never skips or repeats a post.
    func search(_ selection: PostSelection, filter: PostFilter, pageSize: Int, pageToken: String) throws(StoreError) -> PostPage
}

/// The listening queries whose share of voice is measured: a group's (in the group's order,
/// by name) or the listed ones (in the order given).
public enum VoiceMembers: Sendable, Equatable {
    case group(String)
    case queries([String])
}

/// Mentions (posts) and reach of one listening query.
public struct QueryVoice: Sendable, Equatable {
    public var queryID: String
    public var mentions: Int
    public var reach: Double

    public init(queryID: String, mentions: Int, reach: Double) {
        self.queryID = queryID
        self.mentions = mentions
        self.reach = reach
    }
}

/// What Trending counts.
public enum TrendSubject: Sendable, Equatable {
    case hashtag, term, domain, mention
}

/// Per-item counts of the current window and of its baseline, for Trending.
public struct TrendCounts: Sendable, Equatable {
    /// Item → count in the current window.
    public var current: [String: Int]
    /// Item → count summed over the baseline windows.
    public var baseline: [String: Int]
    /// How many windows of the current window's length the baseline spans.
    public var baselineWindows: Int
    /// The current window.
    public var window: TimeSpan
    /// The baseline span, just before the window (shorter when it would start before 0).
    public var baselineRange: TimeSpan

    public init(current: [String: Int], baseline: [String: Int], baselineWindows: Int, window: TimeSpan, baselineRange: TimeSpan) {
        self.current = current
        self.baseline = baseline
        self.baselineWindows = baselineWindows
        self.window = window
        self.baselineRange = baselineRange
    }
}

/// How top authors are ranked.
public enum AuthorRanking: Sendable, Equatable {
    case reach, engagement, posts
}

/// One author's posts, reach and engagement in a selection.
public struct AuthorFigures: Sendable, Equatable {
    public var authorID: String
    /// The author's handle, lowercased as stored.
    public var handle: String
    public var posts: Int
    public var reach: Double
    public var engagement: Double

    public init(authorID: String, handle: String, posts: Int, reach: Double, engagement: Double) {
        self.authorID = authorID
        self.handle = handle
        self.posts = posts
        self.reach = reach
        self.engagement = engagement
    }
}

/// Insight reads: share of voice, trending and top authors, exact to the millisecond of their ranges.
public protocol InsightsReadModel: Sendable {
    /// Mentions and reach of each member query over `range` (1…100 distinct queries);
    /// NOT_FOUND for an unknown group or query.
    func voiceTotals(_ members: VoiceMembers, range: TimeSpan) throws(StoreError) -> [QueryVoice]
    /// Counts of `kind` in the selection's range (the current window) and in the `baselineWindows`
    /// (1…168) windows of the same length just before it.
    func trendCounts(_ selection: PostSelection, kind: TrendSubject, baselineWindows: Int) throws(StoreError) -> TrendCounts
    /// The `limit` (1…1000) top authors by `order`, highest first (ties by author id).
    func topAuthors(_ selection: PostSelection, orderBy order: AuthorRanking, limit: Int) throws(StoreError) -> [AuthorFigures]
}

/// Who handles a post of the care queue.
public struct CareClaim: Sendable, Equatable {
    /// Whether the claiming agent holds the post (it claimed it now or before).
    public var claimed: Bool
    /// The agent that holds the post: the first to claim it.
    public var handledBy: String
    /// When that agent claimed it, in Unix ms.
    public var handledAtMs: Int64

    public init(claimed: Bool, handledBy: String, handledAtMs: Int64) {
        self.claimed = claimed
        self.handledBy = handledBy
        self.handledAtMs = handledAtMs
    }
}

/// The care queue: unhandled posts by care priority.
public protocol CareQueueReadModel: Sendable {
    /// The selection's unhandled posts with priority at least `minPriority` (0…100), highest
    /// priority first, then newest, `pageSize` (1…500) at a time; `pageToken` as for search.
    func careQueue(_ selection: PostSelection, minPriority: Int, pageSize: Int, pageToken: String) throws(StoreError) -> PostPage
}

extension PostWriter {
    /// Nothing to do: the store was ready once opened.
    public func prepare() throws(StoreError) {}
}

/// What changes the store: scored posts, applied exactly once in effect, and care claims.
public protocol PostWriter: Sendable {
    /// Makes the store ready for use: a server store connects and migrates its schema (UNAVAILABLE
    /// while the server cannot be reached). Calls prepare the store themselves when needed; the
    /// writer's service calls this at start to report readiness. An embedded store is ready once opened.
    func prepare() throws(StoreError)
    /// Stores the new posts of a batch and counts them in every aggregate, atomically;
    /// posts already stored (redeliveries) change nothing.
    func apply(_ posts: [ScoredPost]) throws(StoreError) -> ApplyResult
    /// How many posts are stored.
    func postCount() throws(StoreError) -> Int
    /// Claims post `postID` for `agent` (1…200 bytes) at `now`: the first claim wins, a repeat by
    /// the same agent is a success, and the post leaves the care queue. NOT_FOUND for an unknown post.
    func markHandled(postID: String, agent: String, now: Int64) throws(StoreError) -> CareClaim
}

/// A saved listening query.
public struct SavedListeningQuery: Sendable, Equatable {
    /// "q-<n>", given by the store; never reused.
    public var id: String
    /// Unique within its group.
    public var name: String
    /// The project: a brand and its competitors.
    public var group: String
    /// The query text (docs/QUERY-LANGUAGE.md), validated by the caller.
    public var query: String
    public var createdAtMs: Int64
    public var updatedAtMs: Int64
    /// "" (no backfill asked), "pending", "running 40%", "settling", "done" or "failed: <reason>".
    public var backfillState: String

    public init(id: String, name: String, group: String, query: String, createdAtMs: Int64, updatedAtMs: Int64, backfillState: String) {
        self.id = id
        self.name = name
        self.group = group
        self.query = query
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
        self.backfillState = backfillState
    }
}

/// Every saved listening query, by id, and the version of the set (bumped by every change).
public struct ListeningQuerySet: Sendable, Equatable {
    public var version: UInt64
    public var queries: [SavedListeningQuery]

    public init(version: UInt64, queries: [SavedListeningQuery]) {
        self.version = version
        self.queries = queries
    }
}

/// The saved listening queries and their backfills. The writer changes them; every change bumps
/// the query-set version the query-set feed publishes. Ids are "q-1", "q-2", … and never reused.
public protocol ListeningQueryStore: Sendable {
    /// Saves a new query (the caller has validated its text) under the next id;
    /// ``ListeningQueryError/duplicateName(name:group:)`` when the group already has `name`.
    func createListeningQuery(name: String, group: String, query: String, backfillState: String,
                              nowMs: Int64) throws(ListeningQueryError) -> SavedListeningQuery
    /// Changes the given fields of query `id` (the caller has validated a new text).
    func updateListeningQuery(id: String, _ change: ListeningQueryChange, nowMs: Int64) throws(ListeningQueryError) -> SavedListeningQuery
    /// Removes query `id` and everything kept for its scope (aggregates, alerts).
    func deleteListeningQuery(id: String) throws(ListeningQueryError)
    /// Query `id`.
    func listeningQuery(id: String) throws(ListeningQueryError) -> SavedListeningQuery
    /// The queries of `group` ("" = all), by group then name.
    func listeningQueries(group: String) throws(ListeningQueryError) -> [SavedListeningQuery]
    /// Every query, by id, with the current version, read at once (what the query-set feed publishes).
    func listeningQuerySet() throws(ListeningQueryError) -> ListeningQuerySet
    /// Records a backfill's progress (no version bump); NOT_FOUND tells a backfill its query was deleted.
    func setBackfillState(id: String, _ state: String) throws(ListeningQueryError)
    /// The position of the newest stored post (0 when empty): posts are numbered in the order
    /// they were stored, and a backfill's first pass covers those up to here.
    func lastPostRowID() throws(StoreError) -> Int64
    /// Matches the stored posts numbered in `rows` against `matches` (which reads each post's
    /// stored view), `chunkSize` posts per
    /// transaction, and records the matching ones for `queryID`: a post matched before (live or
    /// by an earlier pass) counts once. `progress` is called after each chunk and may return
    /// false to stop; the pass also stops once the query is deleted. Returns the last progress.
    func backfill(queryID: String, rows: ClosedRange<Int64>, chunkSize: Int, matches: (StoredPost) throws(StoreError) -> Bool,
                  progress: (BackfillProgress) -> Bool) throws(StoreError) -> BackfillProgress
}

/// Which scopes' alerts a read returns.
public enum AlertScopeFilter: Sendable, Equatable {
    /// Every scope's.
    case any
    /// The alerts on every post (scope "").
    case allPosts
    /// One listening query's; NOT_FOUND when it is not saved.
    case query(String)
}

/// A spike alert as the store keeps it: what reads filter on, and the alert's details as the
/// alert monitor encoded them (an `earshot.v1.Alert`), which the store returns without reading.
public struct StoredAlert: Sendable, Equatable {
    /// "<query id or *>/<kind>/<bucket start>": one alert per scope, kind and bucket.
    public var id: String
    /// The listening query whose posts spiked; "" for every post.
    public var scope: String
    public var kind: SpikeKind
    public var severity: SpikeSeverity
    /// The start of the bucket that spiked, in Unix ms.
    public var bucketStartMs: Int64
    public var record: [UInt8]

    public init(id: String, scope: String, kind: SpikeKind, severity: SpikeSeverity, bucketStartMs: Int64, record: [UInt8]) {
        self.id = id
        self.scope = scope
        self.kind = kind
        self.severity = severity
        self.bucketStartMs = bucketStartMs
        self.record = record
    }
}

extension StoredAlert {
    /// The alert a store row holds, its kind and severity as their ``SpikeKind/storedCode`` and
    /// ``SpikeSeverity/storedCode``; a database failure of `operation` for a code none has.
    package init(id: String, scope: String, kindCode: Int16, severityCode: Int16, bucketStartMs: Int64, record: [UInt8],
                 operation: String) throws(StoreError) {
        guard let kind = SpikeKind(storedCode: kindCode), let severity = SpikeSeverity(storedCode: severityCode) else {
            throw .database(operation: operation, message: "stored alert \(id) has kind \(kindCode) and severity \(severityCode): unknown")
        }
        self.init(id: id, scope: scope, kind: kind, severity: severity, bucketStartMs: bucketStartMs, record: record)
    }
}

/// The stored alerts a read returns: those of `scope` whose bucket starts in `range`, of
/// `kind` and at least `minSeverity` (nil: any), newest bucket first, `limit` (1…1000) at most.
public struct AlertFilter: Sendable, Equatable {
    public var range: TimeSpan
    public var scope: AlertScopeFilter
    public var kind: SpikeKind?
    public var minSeverity: SpikeSeverity?
    public var limit: Int

    public init(range: TimeSpan = .allTime, scope: AlertScopeFilter = .any, kind: SpikeKind? = nil,
                minSeverity: SpikeSeverity? = nil, limit: Int = 100) {
        self.range = range
        self.scope = scope
        self.kind = kind
        self.minSeverity = minSeverity
        self.limit = limit
    }
}

/// Spike alerts: what the alert monitor reads to judge buckets, and the alerts it raised.
public protocol AlertStore: Sendable {
    /// Stores an alert unless one with its id (scope, kind, bucket) exists; whether it was new,
    /// so a restarted monitor never publishes an alert twice.
    func insertAlert(_ alert: StoredAlert) throws(StoreError) -> Bool
    /// The stored alerts `filter` keeps, newest bucket first (ties by id).
    func alerts(_ filter: AlertFilter) throws(StoreError) -> [StoredAlert]
    /// The scopes to watch: every post (""), then every saved listening query, by id.
    func alertScopes() throws(StoreError) -> [String]
    /// The start of the newest minute holding any post, nil for an empty store.
    func newestMinute() throws(StoreError) -> Int64?
    /// The start of the oldest minute of `scope` holding a post, nil when it has none.
    func oldestMinute(scope: String) throws(StoreError) -> Int64?
    /// The minutes of `scope` in [from, to) holding posts, oldest first.
    func minuteCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [MinuteCount]
    /// Term counts of `scope` in [from, to), for spike explanations.
    func termCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [String: Int]
    /// Posts per author handle of `scope` in [from, to), for spike explanations.
    func authorCounts(scope: String, from: Int64, to: Int64) throws(StoreError) -> [String: Int]
}

extension SpikeKind {
    /// The number a store keeps for the kind (the same as the wire's `AlertKind`, so stored alerts
    /// read the same whichever wrote them).
    package var storedCode: Int16 {
        switch self {
        case .volume: 1
        case .negativeSentiment: 2
        case .anger: 3
        }
    }

    /// The kind stored as `code`, nil for a code no kind has.
    package init?(storedCode code: Int16) {
        guard let kind = Self.allCases.first(where: { $0.storedCode == code }) else { return nil }
        self = kind
    }
}

extension SpikeSeverity {
    /// The number a store keeps for the severity, increasing with it (the wire's `AlertSeverity`).
    package var storedCode: Int16 {
        switch self {
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }

    /// The severity stored as `code`, nil for a code no severity has.
    package init?(storedCode code: Int16) {
        guard let severity = Self.allCases.first(where: { $0.storedCode == code }) else { return nil }
        self = severity
    }
}
