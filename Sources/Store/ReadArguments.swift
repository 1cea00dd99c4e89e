import Emotions
import EarshotWire

// The checks of read arguments every backend makes, with the messages clients see, and
// the page tokens they issue: one place, so that backends answer bad requests alike.

/// Checks of the numeric arguments of reads and claims; INVALID_ARGUMENT naming the field.
public enum ReadArguments {
    /// A `limit` of 1…1000.
    public static func checkLimit(_ limit: Int) throws(StoreError) {
        guard (1...1_000).contains(limit) else { throw .invalidArgument("limit must be between 1 and 1000, got \(limit)") }
    }

    /// A `page_size` of 1…500.
    public static func checkPageSize(_ pageSize: Int) throws(StoreError) {
        guard (1...500).contains(pageSize) else { throw .invalidArgument("page_size must be between 1 and 500, got \(pageSize)") }
    }

    /// A `min_priority` of 0…100.
    public static func checkMinPriority(_ minPriority: Int) throws(StoreError) {
        guard (0...100).contains(minPriority) else {
            throw .invalidArgument("min_priority must be between 0 and 100, got \(minPriority)")
        }
    }

    /// Listed share-of-voice queries: 1…100 distinct, non-empty ids.
    public static func checkVoiceQueries(_ queryIDs: [String]) throws(StoreError) {
        guard (1...100).contains(queryIDs.count) else { throw .invalidArgument("give 1 to 100 query_ids, got \(queryIDs.count)") }
        guard !queryIDs.contains(""), Set(queryIDs).count == queryIDs.count else {
            throw .invalidArgument("query_ids must be distinct, non-empty ids, got \(queryIDs)")
        }
    }

    /// The baseline of Trending: `windows` (1…168) windows of `range`'s length just before it,
    /// starting no earlier than 0.
    public static func trendBaseline(of range: TimeSpan, windows: Int) throws(StoreError) -> TimeSpan {
        guard (1...168).contains(windows) else {
            throw .invalidArgument("baseline_windows must be between 1 and 168, got \(windows)")
        }
        return TimeSpan(from: max(0, range.from - (range.to - range.from) * Int64(windows)), to: range.from)
    }

    /// A care claim: a non-empty post id and an agent of 1…200 bytes.
    public static func checkClaim(postID: String, agent: String) throws(StoreError) {
        guard !postID.isEmpty else { throw .invalidArgument("post_id is empty") }
        guard !agent.isEmpty, agent.utf8.count <= 200 else {
            throw .invalidArgument("agent must be 1 to 200 bytes, got \(agent.utf8.count)")
        }
    }
}

/// A ``PostFilter`` checked and normalized as the stores compare it (nil: any).
public struct NormalizedFilter: Sendable, Equatable {
    /// Lowercased.
    public var textContains: String?
    /// Lowercased, without "@".
    public var authorHandle: String?
    /// Lowercased.
    public var language: String?
    /// A known platform's name.
    public var platform: String?
    public var sentiment: SentimentLabel?
    /// A known emotion's name.
    public var emotion: String?
    /// The lowest priority kept, above 0.
    public var minPriority: Int?
    /// Lowercased, without "#".
    public var hashtag: String?

    /// `filter` normalized; INVALID_ARGUMENT for an unknown platform, sentiment or emotion.
    public init(_ filter: PostFilter) throws(StoreError) {
        func given(_ value: String) -> String? { value.isEmpty ? nil : value }
        textContains = given(filter.textContains.lowercased())
        authorHandle = given(String(filter.authorHandle.lowercased().trimmingPrefix("@")))
        language = given(filter.language.lowercased())
        if !filter.platform.isEmpty {
            guard let platform = Platform(name: filter.platform), platform != .unspecified else {
                throw .invalidArgument("unknown platform '\(filter.platform)'")
            }
            self.platform = platform.name
        }
        if !filter.sentimentLabel.isEmpty {
            guard let sentiment = SentimentLabel(rawValue: filter.sentimentLabel.lowercased()) else {
                throw .invalidArgument("sentiment_label must be positive, neutral, negative or unavailable, got '\(filter.sentimentLabel)'")
            }
            self.sentiment = sentiment
        }
        if !filter.emotion.isEmpty {
            guard let emotion = Emotion(name: filter.emotion.lowercased()) else {
                let names = Emotion.allCases.map(\.name).joined(separator: ", ")
                throw .invalidArgument("emotion must be one of \(names), got '\(filter.emotion)'")
            }
            self.emotion = emotion.name
        }
        minPriority = filter.minPriority > 0 ? filter.minPriority : nil
        hashtag = given(String(filter.hashtag.lowercased().trimmingPrefix("#")))
    }
}
