// Hand-written additions to the message types that scripts/gen-proto.sh
// generates from proto/ into Generated/WireMessages.swift: convenience
// initialisers and names used by the CLI, the store and alert topics.

extension Platform {
    /// Lowercase name used in the CLI, JSON and the store ("x", "mastodon", …).
    public var name: String {
        switch self {
        case .unspecified: return "unspecified"
        case .x: return "x"
        case .mastodon: return "mastodon"
        case .reddit: return "reddit"
        case .bluesky: return "bluesky"
        case .other: return "other"
        case .web: return "web"
        }
    }

    /// The platform with this ``name``, if any.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = match
    }
}

extension PipelineBatch {
    /// A batch of these posts.
    public init(posts: [PipelinePost]) { self.posts = posts }
}

extension AckBatch {
    /// An acknowledgement of these delivery tags.
    public init(deliverySeqs: [UInt64]) { self.deliverySeqs = deliverySeqs }
}

extension PublishBatchRequest {
    /// A request to publish these posts.
    public init(posts: [Post]) { self.posts = posts }
}

extension TimeRange {
    /// The range [fromMs, toMs); 0 leaves an end open.
    public init(fromMs: Int64, toMs: Int64) { self.fromMs = fromMs; self.toMs = toMs }
}

extension Granularity {
    /// Bucket width in milliseconds.
    public var milliseconds: Int64 {
        switch self {
        case .minute: return 60_000
        case .unspecified, .hour: return 3_600_000
        case .day: return 86_400_000
        }
    }
}

extension LabeledCount {
    /// A count with its label.
    public init(label: String, count: Int64) { self.label = label; self.count = count }
}

extension MarkHandledRequest {
    /// A claim of `postId` by `agent`.
    public init(postId: String, agent: String) { self.postId = postId; self.agent = agent }
}

extension AlertKind {
    /// The name used in alert topics and the CLI: "volume", "negative" or "anger".
    public var topicName: String {
        switch self {
        case .unspecified: return "any"
        case .volume: return "volume"
        case .negativeSentiment: return "negative"
        case .anger: return "anger"
        }
    }
}

extension AlertSeverity {
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

extension AlertContributor {
    /// A contributor seen `observed` times against `expected`.
    public init(key: String, observed: Int64, expected: Double) {
        self.key = key
        self.observed = observed
        self.expected = expected
    }
}

extension Alert {
    /// The PUB topic of this alert: "alert.<query_id or *>.<volume|negative>".
    public var topic: String { "alert.\(queryId.isEmpty ? "*" : queryId).\(kind.topicName)" }
}
