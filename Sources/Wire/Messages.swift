// Swift forms of the messages in proto/earshot/v1/. Each is a plain struct
// named after its proto message (`protoName`); the property names are the
// proto field names in lowerCamelCase, which is all ProtoCodec needs.
// Field meanings are documented in the .proto files.

/// The social network a post comes from (proto `Platform`).
public enum Platform: Int32, ProtoEnum {
    case unspecified = 0, x = 1, mastodon = 2, reddit = 3, bluesky = 4, other = 5

    /// Lowercase name used in the CLI, JSON and the store ("x", "mastodon", …).
    public var name: String {
        switch self {
        case .unspecified: return "unspecified"
        case .x: return "x"
        case .mastodon: return "mastodon"
        case .reddit: return "reddit"
        case .bluesky: return "bluesky"
        case .other: return "other"
        }
    }

    /// The platform with this ``name``, if any.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = match
    }
}

/// Who wrote a post.
public struct Author: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Author"
    public var id = ""
    public var handle = ""
    public var displayName = ""
    public var followers: Int64 = 0
    public var following: Int64 = 0
    public var verified = false
    public var bot = false
    public init() {}
}

/// Public interaction counts of a post.
public struct Engagement: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Engagement"
    public var likes: Int64 = 0
    public var reposts: Int64 = 0
    public var replies: Int64 = 0
    public var quotes: Int64 = 0
    public var views: Int64 = 0
    public init() {}
}

/// How a post relates to another post.
public struct Reference: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Reference"
    /// proto `Reference.Kind`.
    public enum Kind: Int32, ProtoEnum {
        case unspecified = 0, replyTo = 1, quoteOf = 2, repostOf = 3
    }
    public var kind = Kind.unspecified
    public var postId = ""
    public init() {}
}

/// A social post as a source gives it to us.
public struct Post: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Post"
    public var id = ""
    public var platform = Platform.unspecified
    public var source = ""
    public var author = Author()
    public var text = ""
    public var textIsHtml = false
    public var createdAtMs: Int64 = 0
    public var url = ""
    public var languageHint = ""
    public var engagement = Engagement()
    public var references: [Reference] = []
    public init() {}
}

/// Sentiment of a post's text (proto `Sentiment`).
public struct PostSentiment: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Sentiment"
    public var available = false
    public var compound = 0.0
    public var positive = 0.0
    public var neutral = 0.0
    public var negative = 0.0
    public var label = ""
    public init() {}
}

/// Entities found in a post's text (proto `Entities`).
public struct PostEntities: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Entities"
    public var hashtags: [String] = []
    public var mentions: [String] = []
    public var urls: [String] = []
    public var domains: [String] = []
    public var cashtags: [String] = []
    public var emoji: [String] = []
    public init() {}
}

/// What the enrich stage adds.
public struct Enrichment: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Enrichment"
    public var language = ""
    public var languageConfidence = 0.0
    public var sentiment = PostSentiment()
    public var entities = PostEntities()
    public var matchedQueryIds: [String] = []
    public init() {}
}

/// What the score stage adds.
public struct Scores: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Scores"
    public var reach = 0.0
    public var engagement = 0.0
    public var engagementRate = 0.0
    public var influence = 0.0
    public var virality = 0.0
    public var priority: Int32 = 0
    public var spamRisk = 0.0
    public var intents: [String] = []
    public init() {}
}

/// One post on its way through the pipeline.
public struct PipelinePost: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.PipelinePost"
    public var deliverySeq: UInt64 = 0
    public var post = Post()
    public var enrichment = Enrichment()
    public var scores = Scores()
    public var ingestedAtMs: Int64 = 0
    public var deliveryAttempt: UInt32 = 0
    public init() {}
}

/// The unit that travels on the pipeline sockets.
public struct PipelineBatch: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.PipelineBatch"
    public var posts: [PipelinePost] = []
    public init() {}
    public init(posts: [PipelinePost]) { self.posts = posts }
}

/// Query → ingest: these delivery tags are stored for good.
public struct AckBatch: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.AckBatch"
    public var deliverySeqs: [UInt64] = []
    public init() {}
    public init(deliverySeqs: [UInt64]) { self.deliverySeqs = deliverySeqs }
}

// MARK: - RPC envelope and common services

/// A request in the RPC envelope.
public struct RpcRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.RpcRequest"
    public var method = ""
    public var requestId = ""
    public var deadlineUnixMs: Int64 = 0
    public var metadata: [String: String] = [:]
    public var payload: [UInt8] = []
    public init() {}
}

/// A response in the RPC envelope.
public struct RpcResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.RpcResponse"
    public var requestId = ""
    public var statusCode: Int32 = 0
    public var statusMessage = ""
    public var payload: [UInt8] = []
    public init() {}
}

public struct HealthCheckRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.HealthCheckRequest"
    public var service = ""
    public init() {}
}

public struct HealthCheckResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.HealthCheckResponse"
    /// proto `HealthCheckResponse.ServingStatus`.
    public enum ServingStatus: Int32, ProtoEnum {
        case unknown = 0, serving = 1, notServing = 2, serviceUnknown = 3
    }
    public var status = ServingStatus.unknown
    public var serviceName = ""
    public var instance = ""
    public init() {}
}

public struct StatsRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.StatsRequest"
    public init() {}
}

public struct Metric: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Metric"
    public var name = ""
    public var value = 0.0
    public var help = ""
    public init() {}
}

public struct StatsResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.StatsResponse"
    public var serviceName = ""
    public var instance = ""
    public var uptimeMs: Int64 = 0
    public var metrics: [Metric] = []
    public init() {}
}

// MARK: - Ingest

public struct PublishRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.PublishRequest"
    public var post = Post()
    public init() {}
}

public struct PublishResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.PublishResponse"
    public var duplicate = false
    public init() {}
}

public struct PublishBatchRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.PublishBatchRequest"
    public var posts: [Post] = []
    public init() {}
    public init(posts: [Post]) { self.posts = posts }
}

public struct PublishBatchResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.PublishBatchResponse"
    public var accepted: Int32 = 0
    public var duplicates: Int32 = 0
    public init() {}
}

// MARK: - Query

/// Half-open interval [fromMs, toMs) of created_at; 0 = open end.
public struct TimeRange: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TimeRange"
    public var fromMs: Int64 = 0
    public var toMs: Int64 = 0
    public init() {}
    public init(fromMs: Int64, toMs: Int64) { self.fromMs = fromMs; self.toMs = toMs }
}

/// Bucket width of a time series (proto `Granularity`; unspecified = hour).
public enum Granularity: Int32, ProtoEnum {
    case unspecified = 0, minute = 1, hour = 2, day = 3

    /// Bucket width in milliseconds.
    public var milliseconds: Int64 {
        switch self {
        case .minute: return 60_000
        case .unspecified, .hour: return 3_600_000
        case .day: return 86_400_000
        }
    }
}

public struct LabeledCount: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.LabeledCount"
    public var label = ""
    public var count: Int64 = 0
    public init() {}
    public init(label: String, count: Int64) { self.label = label; self.count = count }
}

public struct OverviewRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.OverviewRequest"
    public var range = TimeRange()
    public var queryId = ""
    public var group = ""
    public init() {}
}

public struct OverviewResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.OverviewResponse"
    public var posts: Int64 = 0
    public var uniqueAuthors: Int64 = 0
    public var reach = 0.0
    public var engagement = 0.0
    public var positive: Int64 = 0
    public var neutral: Int64 = 0
    public var negative: Int64 = 0
    public var sentimentUnavailable: Int64 = 0
    public var netSentiment = 0.0
    public var languages: [LabeledCount] = []
    public var platforms: [LabeledCount] = []
    public var uniqueAuthorsEstimated = false
    public init() {}
}

public struct TimeSeriesRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TimeSeriesRequest"
    public var range = TimeRange()
    public var granularity = Granularity.unspecified
    public var queryId = ""
    public var group = ""
    public init() {}
}

public struct TimeBucket: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TimeBucket"
    public var startMs: Int64 = 0
    public var posts: Int64 = 0
    public var reach = 0.0
    public var engagement = 0.0
    public var positive: Int64 = 0
    public var neutral: Int64 = 0
    public var negative: Int64 = 0
    public var sentimentUnavailable: Int64 = 0
    public var netSentiment = 0.0
    public init() {}
}

public struct TimeSeriesResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TimeSeriesResponse"
    public var buckets: [TimeBucket] = []
    public init() {}
}

public struct TopHashtagsRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TopHashtagsRequest"
    public var range = TimeRange()
    public var limit: Int32 = 0
    public var queryId = ""
    public var group = ""
    public init() {}
}

public struct TopHashtagsResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TopHashtagsResponse"
    public var hashtags: [LabeledCount] = []
    public init() {}
}

public struct SearchPostsRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.SearchPostsRequest"
    public var range = TimeRange()
    public var textContains = ""
    public var hashtag = ""
    public var authorHandle = ""
    public var language = ""
    public var platform = Platform.unspecified
    public var sentimentLabel = ""
    public var minPriority: Int32 = 0
    public var pageSize: Int32 = 0
    public var pageToken = ""
    public var queryId = ""
    public var group = ""
    public init() {}
}

/// A stored post with everything the pipeline learnt about it.
public struct PostView: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.PostView"
    public var post = Post()
    public var enrichment = Enrichment()
    public var scores = Scores()
    public init() {}
}

public struct SearchPostsResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.SearchPostsResponse"
    public var posts: [PostView] = []
    public var nextPageToken = ""
    public init() {}
}
