import EarshotWire
import Foundation
import SourceFormats

/// A Mastodon status read from the stream or a REST page: its id on the server followed
/// (the cursor's unit) and its post.
public struct MastodonStatus: Sendable {
    public var id: String
    public var post: Post
}

/// What one streaming event or page element was.
public enum MastodonRecord: Sendable {
    case status(MastodonStatus)
    /// An event that carries no new status (`delete`, `status.update`, notifications).
    case ignored
    /// A record that is not a status, with the reason.
    case rejected(String)
}

/// Reads Mastodon streaming events and REST timeline pages into statuses, with the existing
/// Mastodon reader of `SourceFormats`, numbering records so rejections can be told apart.
public struct MastodonRecords: Sendable {
    private var reader: SourceReader
    private var number = 0

    /// A reader whose posts get `sourceName` as their source.
    public init(sourceName: String) {
        reader = SourceReader(format: .mastodon, sourceName: sourceName)
    }

    /// The status an `update` event carries; other events are ignored.
    public mutating func read(_ event: ServerSentEvent) -> MastodonRecord {
        guard event.name == "update" else { return .ignored }
        guard let object = try? JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any] else {
            return .rejected("an update event whose data is not a JSON object")
        }
        return read(object)
    }

    /// The statuses of a REST timeline page (a JSON array of statuses); nil when the page is
    /// not a JSON array at all.
    public mutating func read(page: Data) -> [MastodonRecord]? {
        guard let array = try? JSONSerialization.jsonObject(with: page) as? [Any] else { return nil }
        return array.map { element in
            guard let object = element as? [String: Any] else { return .rejected("a timeline element that is not a JSON object") }
            return read(object)
        }
    }

    private mutating func read(_ object: [String: Any]) -> MastodonRecord {
        number += 1
        guard let id = object["id"] as? String, !id.isEmpty, id.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return .rejected("a status without a decimal id")
        }
        switch reader.read(object: object, number: number) {
        case .success(let posts):
            guard let post = posts.first else { return .rejected("status \(id) holds no post") }
            return .status(MastodonStatus(id: id, post: post))
        case .failure(let rejection):
            return .rejected(rejection.reason)
        }
    }
}

/// The REST gap fill after a reconnect: pages of statuses newer than the cursor, oldest page
/// first (`min_id` paging), until a page comes back short.
public struct MastodonGapFill: Sendable, Equatable {
    /// Statuses per page (Mastodon's most for timelines).
    public static let pageSize = 40
    /// The id the next page starts after; nil when there is nothing to fill (no cursor yet).
    public private(set) var minimumId: String?
    /// Whether the gap is filled.
    public private(set) var isFinished: Bool

    public init(cursor: String?) {
        minimumId = cursor
        isFinished = cursor == nil
    }

    /// The query items of the next page.
    public var query: [(String, String)] {
        [("min_id", minimumId ?? ""), ("limit", String(Self.pageSize))]
    }

    /// Moves past a page that held statuses with `ids` (of `count` elements in all, rejected ones included).
    public mutating func advance(pastIds ids: [String], elementCount: Int) {
        minimumId = MastodonStatusID.newest(ids, current: minimumId)
        if elementCount < Self.pageSize || ids.isEmpty { isFinished = true }
    }
}
