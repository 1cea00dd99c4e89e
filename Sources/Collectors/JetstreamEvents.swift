import EarshotWire
import Foundation
import SourceFormats

/// What one Bluesky Jetstream message was.
public enum JetstreamRecord: Sendable {
    /// A new post (`commit` of `app.bsky.feed.post` with operation `create`) at `timeUs`.
    case post(Post, timeUs: Int64)
    /// An event that carries no new post (a delete, an update, an identity or account event, a
    /// post left out by the keyword filter): only its time moves the cursor.
    case passed(timeUs: Int64)
    /// A message that is not a Jetstream event, with the reason.
    case rejected(String)

    /// The event's `time_us` (Jetstream's cursor unit), nil for a rejected message.
    public var timeUs: Int64? {
        switch self {
        case .post(_, let timeUs), .passed(let timeUs): timeUs
        case .rejected: nil
        }
    }
}

/// Reads Bluesky Jetstream events (JSON text messages, `wantedCollections=app.bsky.feed.post`):
/// `{"did":…,"time_us":…,"kind":"commit","commit":{"operation":"create","collection":
/// "app.bsky.feed.post","rkey":…,"record":{…}}}`. A created post becomes the post view the
/// Bluesky reader of `SourceFormats` reads (uri `at://DID/app.bsky.feed.post/RKEY`, the record,
/// the author's did), so facets, replies, quotes and `langs` are read as for imported posts.
public struct JetstreamEvents: Sendable {
    private var reader: SourceReader
    private var number = 0
    /// Lower-cased keywords; empty keeps every post.
    private let keywords: [String]

    /// A reader whose posts get `sourceName` as their source, keeping only posts whose text
    /// contains one of `keywords` (case-insensitively) when any are given.
    public init(sourceName: String, keywords: [String] = []) {
        reader = SourceReader(format: .bluesky, sourceName: sourceName)
        self.keywords = keywords.map { $0.lowercased() }.filter { !$0.isEmpty }
    }

    /// The record one text message holds.
    public mutating func read(message bytes: [UInt8]) -> JetstreamRecord {
        number += 1
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            return .rejected("a message that is not a JSON object")
        }
        guard let timeUs = Self.integer(object["time_us"]), timeUs > 0 else { return .rejected("an event without a positive time_us") }
        guard let did = object["did"] as? String, did.hasPrefix("did:") else { return .rejected("event \(timeUs) without a did") }
        guard let kind = object["kind"] as? String else { return .rejected("event \(timeUs) without a kind") }
        guard kind == "commit" else { return .passed(timeUs: timeUs) }
        guard let commit = object["commit"] as? [String: Any], let operation = commit["operation"] as? String,
              let collection = commit["collection"] as? String else {
            return .rejected("commit event \(timeUs) without commit.operation and commit.collection")
        }
        guard operation == "create", collection == "app.bsky.feed.post" else { return .passed(timeUs: timeUs) }
        guard let rkey = commit["rkey"] as? String, !rkey.isEmpty, !rkey.contains("/") else { return .rejected("post event \(timeUs) without an rkey") }
        guard let record = commit["record"] as? [String: Any] else { return .rejected("post event \(timeUs) without a record") }
        if !keywords.isEmpty {
            let text = (record["text"] as? String)?.lowercased() ?? ""
            guard keywords.contains(where: text.contains) else { return .passed(timeUs: timeUs) }
        }
        let view: [String: Any] = ["uri": "at://\(did)/app.bsky.feed.post/\(rkey)", "record": record, "author": ["did": did]]
        switch reader.read(object: view, number: number) {
        case .success(let posts):
            guard let post = posts.first else { return .rejected("post event \(timeUs) holds no post") }
            return .post(post, timeUs: timeUs)
        case .failure(let rejection):
            return .rejected(rejection.reason)
        }
    }

    /// An integer JSON number (JSONSerialization gives NSNumber or a Swift integer).
    private static func integer(_ value: Any?) -> Int64? {
        switch value {
        case let number as Int: Int64(number)
        case let number as Int64: number
        case let number as NSNumber where Double(number.int64Value) == number.doubleValue: number.int64Value
        default: nil
        }
    }
}

/// Where a Jetstream source resumes: Jetstream replays from a `time_us` cursor. The saved
/// cursor is the newest event whose posts ingest acknowledged; a reconnection asks from
/// ``rewindMicroseconds`` before it, since cursors are times and events of the same moment may
/// arrive in another order (the overlap is harmless: ingest deduplicates by post id).
public enum JetstreamCursor {
    /// How far before the saved cursor a reconnection asks to replay from (5 s).
    public static let rewindMicroseconds: Int64 = 5_000_000

    /// The query items of the subscription: posts only, from `position` (a saved `time_us`) less
    /// the rewind; none for a first start (collection starts now).
    public static func query(position: String?) -> [(String, String)] {
        var items = [("wantedCollections", "app.bsky.feed.post")]
        if let position, let timeUs = Int64(position), timeUs > 0 {
            items.append(("cursor", String(max(1, timeUs - rewindMicroseconds))))
        }
        return items
    }
}
