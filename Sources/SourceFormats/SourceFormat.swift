import EarshotWire

/// The input formats ``SourceReader`` understands.
public enum SourceFormat: String, CaseIterable, Sendable {
    /// Detect the format of every JSON line by its keys; a first line that is
    /// not JSON but a CSV header with a text column switches the whole input to CSV.
    case auto
    /// Earshot's own JSON form of `earshot.v1.Post`, one per line.
    case earshot
    /// X (Twitter) API v2 post objects and `{"data": …, "includes": …}` responses.
    case x
    /// Mastodon `Status` entities (or an array of them, as the timeline API returns).
    case mastodon
    /// Reddit comments and submissions as in Pushshift NDJSON dumps.
    case reddit
    /// Bluesky `app.bsky.feed.defs#postView` objects and feed or search responses.
    case bluesky
    /// Comma-, semicolon- or tab-separated values with a header line (RFC 4180 quoting).
    case csv
}

/// Why one input line (or CSV record) produced no posts.
public struct SourceRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line number; for a CSV record spanning lines, the line it starts on.
    public var line: Int
    /// What is wrong, in words a person understands ("X post 12 without created_at").
    public var reason: String

    /// A rejection of `line` because of `reason`.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// "line 12: X post 12 without created_at".
    public var description: String { "line \(line): \(reason)" }
}

/// A problem found while turning one parsed record into posts; the reader adds the line number.
struct RecordProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension Reference {
    /// A reference of `kind` to the post with Earshot id `postId`.
    init(_ kind: Kind, _ postId: String) {
        self.init()
        self.kind = kind
        self.postId = postId
    }
}
