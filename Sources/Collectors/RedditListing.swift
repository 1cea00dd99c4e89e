import EarshotWire
import Foundation
import SourceFormats

/// A submission or comment read from a Reddit listing: its fullname (`t3_…`, the cursor's
/// unit) and its post.
public struct RedditItem: Sendable {
    public var fullname: String
    public var post: Post

    public init(fullname: String, post: Post) {
        self.fullname = fullname
        self.post = post
    }
}

/// Reads Reddit API listings (`/r/NAME/new`, search) with the existing Reddit reader of
/// `SourceFormats` (the listing's `data` objects are the items Pushshift stores).
public struct RedditListing: Sendable {
    private var reader: SourceReader
    private var number = 0

    public init(sourceName: String) {
        reader = SourceReader(format: .reddit, sourceName: sourceName)
    }

    /// One page: its items (newest first, as Reddit lists them), the reasons of the rejected
    /// ones, and the `after` token of the next (older) page; nil when the page is not a listing.
    public mutating func read(page: Data) -> (items: [RedditItem], rejected: [String], after: String?)? {
        guard let listing = try? JSONSerialization.jsonObject(with: page) as? [String: Any],
              let data = listing["data"] as? [String: Any], let children = data["children"] as? [Any] else { return nil }
        var items: [RedditItem] = []
        var rejected: [String] = []
        for child in children {
            number += 1
            guard let object = (child as? [String: Any])?["data"] as? [String: Any] else {
                rejected.append("a listing child without data")
                continue
            }
            switch reader.read(object: object, number: number) {
            case .success(let posts):
                guard let post = posts.first else { rejected.append("an item holding no post"); continue }
                items.append(RedditItem(fullname: String(post.id.dropFirst("reddit:".count)), post: post))
            case .failure(let rejection):
                rejected.append(rejection.reason)
            }
        }
        return (items, rejected, data["after"] as? String)
    }
}

/// Reddit fullnames (`t3_1abc`): base-36 ids that grow with time, compared as numbers.
public enum RedditFullname {
    /// Whether `name` is newer than `other` (of the same kind prefix or not: the base-36 id decides).
    public static func isNewer(_ name: String, than other: String) -> Bool {
        let id = bareId(name), otherId = bareId(other)
        return id.count != otherId.count ? id.count > otherId.count : id > otherId
    }

    /// The newest of `names` and `current`.
    public static func newest(_ names: some Sequence<String>, current: String?) -> String? {
        names.reduce(current) { newest, name in newest.map { isNewer(name, than: $0) ? name : $0 } ?? name }
    }

    private static func bareId(_ name: String) -> String {
        (name.split(separator: "_", maxSplits: 1).last.map(String.init) ?? name).lowercased()
    }
}

/// Reddit's rate-limit headers (`X-Ratelimit-Remaining`, `X-Ratelimit-Reset`): how long to wait
/// before the next request so the window is not overrun.
public enum RedditRateLimit {
    /// Seconds to wait: none while requests remain, else until the window resets; nil
    /// headers (a server that sends none) wait nothing.
    public static func waitSeconds(remaining: String?, reset: String?) -> Double {
        guard let remaining = remaining.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }),
              let reset = reset.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }), reset >= 0 else { return 0 }
        return remaining < 1 ? reset : 0
    }
}

/// The pages of one poll: newest first, following `after` back until an item at or before the
/// cursor is seen, the listing ends, or ``maximumPages`` pages were read.
public struct RedditPoll: Sendable, Equatable {
    /// 100 items a page is Reddit's most; 10 pages is as deep as a listing goes (about 1,000).
    public static let pageSize = 100
    public static let maximumPages = 10
    /// The newest fullname acknowledged before this poll.
    public let cursor: String?
    /// The `after` token of the next page; nil for the first.
    public private(set) var after: String?
    public private(set) var pages = 0
    public private(set) var isFinished = false

    public init(cursor: String?) { self.cursor = cursor }

    /// The query items of the next page.
    public var query: [(String, String)] {
        [("limit", String(Self.pageSize)), ("raw_json", "1")] + (after.map { [("after", $0)] } ?? [])
    }

    /// The items of a page that are newer than the cursor, and moves on.
    public mutating func take(_ items: [RedditItem], after next: String?) -> [RedditItem] {
        pages += 1
        let fresh = items.filter { item in cursor.map { RedditFullname.isNewer(item.fullname, than: $0) } ?? true }
        // Without a cursor (the first poll) one page is enough: collection starts now.
        if cursor == nil || fresh.count < items.count || next == nil || pages >= Self.maximumPages { isFinished = true }
        after = next
        return fresh
    }
}
