/// Which Mastodon timeline a source follows, and its streaming and REST addresses.
public enum MastodonTimeline: Sendable, Equatable, CustomStringConvertible {
    case federated
    case local
    case hashtag(String)
    case list(String)

    /// Reads `public`, `local`, `hashtag:TAG` or `list:ID`.
    public init?(_ text: String) {
        switch text {
        case "public": self = .federated
        case "local": self = .local
        default:
            if text.hasPrefix("hashtag:"), case let tag = String(text.dropFirst(8)).trimmingPrefix("#"), Self.isToken(String(tag)) {
                self = .hashtag(String(tag))
            } else if text.hasPrefix("list:"), case let id = String(text.dropFirst(5)), Self.isToken(id) {
                self = .list(id)
            } else {
                return nil
            }
        }
    }

    public var description: String {
        switch self {
        case .federated: "public"
        case .local: "local"
        case .hashtag(let tag): "hashtag:\(tag)"
        case .list(let id): "list:\(id)"
        }
    }

    /// The streaming path and query items (`/api/v1/streaming/…`).
    public var streaming: (path: String, query: [(String, String)]) {
        switch self {
        case .federated: ("/api/v1/streaming/public", [])
        case .local: ("/api/v1/streaming/public/local", [])
        case .hashtag(let tag): ("/api/v1/streaming/hashtag", [("tag", tag)])
        case .list(let id): ("/api/v1/streaming/list", [("list", id)])
        }
    }

    /// The REST timeline path and query items (`/api/v1/timelines/…`) for the gap fill.
    public var timeline: (path: String, query: [(String, String)]) {
        switch self {
        case .federated: ("/api/v1/timelines/public", [])
        case .local: ("/api/v1/timelines/public", [("local", "true")])
        case .hashtag(let tag): ("/api/v1/timelines/tag/\(tag)", [])
        case .list(let id): ("/api/v1/timelines/list/\(id)", [])
        }
    }

    /// Letters, digits and underscores: all a hashtag or list id is, and safe in a path.
    private static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 100 && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
    }
}

/// Mastodon status ids: decimal strings (snowflake-like) that grow with time, compared as numbers.
public enum MastodonStatusID {
    /// Whether `id` is newer than `other` (a shorter decimal is smaller; same length compares by text).
    public static func isNewer(_ id: String, than other: String) -> Bool {
        id.count != other.count ? id.count > other.count : id > other
    }

    /// The newest of `ids` and `current`.
    public static func newest(_ ids: some Sequence<String>, current: String?) -> String? {
        ids.reduce(current) { newest, id in newest.map { isNewer(id, than: $0) ? id : $0 } ?? id }
    }
}
