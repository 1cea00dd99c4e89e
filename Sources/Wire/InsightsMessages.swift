// Swift forms of the messages in proto/earshot/v1/insights.proto (field
// meanings are documented there), and the names of the Insights methods.

/// Method names of `service Insights` ("earshot.v1.Insights/<Method>").
public enum InsightsMethod {
    public static let shareOfVoice = "earshot.v1.Insights/ShareOfVoice"
    public static let trending = "earshot.v1.Insights/Trending"
    public static let topAuthors = "earshot.v1.Insights/TopAuthors"
    public static let careQueue = "earshot.v1.Insights/CareQueue"
    public static let markHandled = "earshot.v1.Insights/MarkHandled"
    public static let alerts = "earshot.v1.Insights/Alerts"
}

/// Each query's share of its group's mentions and reach.
public struct ShareOfVoiceRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ShareOfVoiceRequest"
    public var range = TimeRange()
    public var group = ""
    public var queryIds: [String] = []
    public init() {}
}

/// One query's share of voice.
public struct VoiceShare: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.VoiceShare"
    public var queryId = ""
    public var mentions: Int64 = 0
    public var mentionShare = 0.0
    public var reach = 0.0
    public var reachShare = 0.0
    public init() {}
}

public struct ShareOfVoiceResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ShareOfVoiceResponse"
    public var shares: [VoiceShare] = []
    public var totalMentions: Int64 = 0
    public var totalReach = 0.0
    public init() {}
}

/// What `Trending` ranks (proto `TrendKind`; unspecified = hashtags).
public enum TrendKind: Int32, ProtoEnum {
    case unspecified = 0, hashtag = 1, term = 2, domain = 3, mention = 4
}

public struct TrendingRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TrendingRequest"
    public var range = TimeRange()
    public var queryId = ""
    public var group = ""
    public var kind = TrendKind.unspecified
    public var limit: Int32 = 0
    public var baselineWindows: Int32 = 0
    public init() {}
}

/// One ranked item of `Trending`.
public struct TrendingItem: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TrendingItem"
    public var key = ""
    public var count: Int64 = 0
    public var baselineCount = 0.0
    public var lift = 0.0
    public var isNew = false
    public init() {}
}

public struct TrendingResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TrendingResponse"
    public var byVolume: [TrendingItem] = []
    public var byLift: [TrendingItem] = []
    public var window = TimeRange()
    public var baseline = TimeRange()
    public init() {}
}

/// How `TopAuthors` ranks (proto `AuthorOrder`; unspecified = reach).
public enum AuthorOrder: Int32, ProtoEnum {
    case unspecified = 0, reach = 1, engagement = 2, posts = 3
}

public struct TopAuthorsRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TopAuthorsRequest"
    public var range = TimeRange()
    public var queryId = ""
    public var group = ""
    public var orderBy = AuthorOrder.unspecified
    public var limit: Int32 = 0
    public init() {}
}

/// An author's totals over a range.
public struct AuthorStats: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.AuthorStats"
    public var authorId = ""
    public var handle = ""
    public var posts: Int64 = 0
    public var reach = 0.0
    public var engagement = 0.0
    public init() {}
}

public struct TopAuthorsResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.TopAuthorsResponse"
    public var authors: [AuthorStats] = []
    public init() {}
}

public struct CareQueueRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.CareQueueRequest"
    public var range = TimeRange()
    public var queryId = ""
    public var group = ""
    public var minPriority: Int32 = 0
    public var pageSize: Int32 = 0
    public var pageToken = ""
    public init() {}
}

public struct CareQueueResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.CareQueueResponse"
    public var posts: [PostView] = []
    public var nextPageToken = ""
    public init() {}
}

public struct MarkHandledRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.MarkHandledRequest"
    public var postId = ""
    public var agent = ""
    public init() {}
    public init(postId: String, agent: String) { self.postId = postId; self.agent = agent }
}

public struct MarkHandledResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.MarkHandledResponse"
    public var claimed = false
    public var handledBy = ""
    public var handledAtMs: Int64 = 0
    public init() {}
}

/// What an alert is about (proto `AlertKind`; unspecified = any, in requests).
public enum AlertKind: Int32, ProtoEnum {
    case unspecified = 0, volume = 1, negativeSentiment = 2

    /// The name used in alert topics and the CLI: "volume" or "negative".
    public var topicName: String {
        switch self {
        case .unspecified: return "any"
        case .volume: return "volume"
        case .negativeSentiment: return "negative"
        }
    }
}

/// How far a spike stands out (proto `AlertSeverity`; unspecified = any, in requests).
public enum AlertSeverity: Int32, ProtoEnum {
    case unspecified = 0, low = 1, medium = 2, high = 3, critical = 4

    /// Lowercase name ("low" … "critical"; "any" for unspecified).
    public var name: String {
        switch self {
        case .unspecified: return "any"
        case .low: return "low"
        case .medium: return "medium"
        case .high: return "high"
        case .critical: return "critical"
        }
    }
}

/// A term or author that grew in a spike bucket.
public struct AlertContributor: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.AlertContributor"
    public var key = ""
    public var observed: Int64 = 0
    public var expected = 0.0
    public init() {}
    public init(key: String, observed: Int64, expected: Double) {
        self.key = key
        self.observed = observed
        self.expected = expected
    }
}

/// A spike alert, as stored, listed and published.
public struct Alert: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.Alert"
    public var id = ""
    public var queryId = ""
    public var kind = AlertKind.unspecified
    public var severity = AlertSeverity.unspecified
    public var bucketStartMs: Int64 = 0
    public var bucketEndMs: Int64 = 0
    public var observed = 0.0
    public var baselineMean = 0.0
    public var baselineStdDev = 0.0
    public var zScore = 0.0
    public var posts: Int64 = 0
    public var negative: Int64 = 0
    public var dominantSentiment = ""
    public var terms: [AlertContributor] = []
    public var authors: [AlertContributor] = []
    public var detectedAtMs: Int64 = 0
    public init() {}

    /// The PUB topic of this alert: "alert.<query_id or *>.<volume|negative>".
    public var topic: String { "alert.\(queryId.isEmpty ? "*" : queryId).\(kind.topicName)" }
}

public struct AlertsRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.AlertsRequest"
    public var range = TimeRange()
    public var queryId = ""
    public var kind = AlertKind.unspecified
    public var minSeverity = AlertSeverity.unspecified
    public var limit: Int32 = 0
    public init() {}
}

public struct AlertsResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.AlertsResponse"
    public var alerts: [Alert] = []
    public init() {}
}
