import Foundation

/// Where a source resumes: saved only after ingest acknowledged every post up to it, so a
/// restart never skips a post (it may fetch some again, which ingest counts as duplicates).
public struct SourceCursor: Codable, Sendable, Equatable {
    /// The endpoint the cursor belongs to; a cursor of another endpoint (the configuration
    /// changed) is not used.
    public var endpoint: String
    /// The newest acknowledged position: a Mastodon status id, a Reddit fullname, a Jetstream `time_us`.
    public var position: String?
    /// The feed's `ETag` of the last acknowledged poll.
    public var entityTag: String?
    /// The feed's `Last-Modified` of the last acknowledged poll.
    public var lastModified: String?
    /// When ingest acknowledged it (Unix ms).
    public var acknowledgedAtMs: Int64

    public init(endpoint: String, position: String? = nil, entityTag: String? = nil, lastModified: String? = nil, acknowledgedAtMs: Int64 = 0) {
        self.endpoint = endpoint
        self.position = position
        self.entityTag = entityTag
        self.lastModified = lastModified
        self.acknowledgedAtMs = acknowledgedAtMs
    }

    /// The file's bytes.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// The cursor in a file's bytes, nil when they are not one (a damaged file: start afresh)
    /// or it belongs to another endpoint.
    public static func decoded(_ data: Data, endpoint: String) -> SourceCursor? {
        guard let cursor = try? JSONDecoder().decode(SourceCursor.self, from: data), cursor.endpoint == endpoint else { return nil }
        return cursor
    }

    /// The name of a source's cursor file in the state folder.
    public static func fileName(source: String) -> String { "\(source).cursor.json" }
}

extension SourceEndpoint {
    /// What identifies the endpoint in its cursor file (no credentials in it).
    public var cursorKey: String {
        switch self {
        case .mastodon(let instance, let timeline): "mastodon \(instance.absoluteString) \(timeline)"
        case .feed(let url, _): "rss \(url.absoluteString)"
        case .x(_, let apiURL, _): "x \(apiURL.absoluteString)"
        case .bluesky(let endpoint, _): "bluesky \(endpoint.absoluteString)"
        case .reddit(let settings): "reddit \(settings.apiURL.absoluteString)\(settings.listing.path) \(settings.query ?? "")"
        }
    }
}
