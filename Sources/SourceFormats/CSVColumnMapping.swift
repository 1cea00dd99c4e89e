import Foundation
import EarshotWire

/// Which CSV column holds which post field, by header name (compared
/// case-insensitively). Fields left out are found by their common names.
public struct CSVColumnMapping: Sendable, Equatable {
    /// A post field a CSV column can fill.
    public enum Field: String, CaseIterable, Sendable {
        case id, text, author
        case authorID = "author_id"
        case createdAt = "created_at"
        case likes, shares, replies, followers, language, url, platform

        /// Header names that map to this field without a flag, normalised
        /// (lowercase letters and digits only: "Created At" → "createdat").
        var commonNames: [String] {
            switch self {
            case .id: return ["id", "postid", "tweetid", "statusid"]
            case .text: return ["text", "body", "content", "message", "fulltext", "tweet"]
            case .author: return ["author", "authorhandle", "user", "username", "handle", "screenname"]
            case .authorID: return ["authorid", "userid"]
            case .createdAt: return ["createdat", "date", "timestamp", "time", "datetime", "createdutc"]
            case .likes: return ["likes", "likecount", "favorites", "favourites"]
            case .shares: return ["shares", "retweets", "reposts", "retweetcount", "repostcount", "sharecount"]
            case .replies: return ["replies", "replycount", "comments", "numcomments"]
            case .followers: return ["followers", "followerscount"]
            case .language: return ["lang", "language"]
            case .url: return ["url", "link", "permalink"]
            case .platform: return ["platform", "network"]
            }
        }
    }

    /// A `field=Column` assignment that cannot be used.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The assignment as given.
        public var assignment: String
        /// What is wrong with it.
        public var problem: String
        /// `CSV column mapping "words=Body": unknown field "words"; fields are …`.
        public var description: String { "CSV column mapping \"\(assignment)\": \(problem)" }
    }

    /// The header name of the column for each mapped field.
    public var columns: [Field: String]

    /// A mapping of the given fields to column names.
    public init(_ columns: [Field: String] = [:]) {
        self.columns = columns
    }

    /// A mapping from `field=Column` assignments, as a repeatable command-line flag gives them
    /// (`["text=Tweet Body", "created_at=Posted"]`).
    public init(parsing assignments: [String]) throws(ParseError) {
        var columns: [Field: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw ParseError(assignment: assignment, problem: "expected FIELD=COLUMN")
            }
            let name = assignment[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let column = assignment[assignment.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let field = Field(rawValue: name) else {
                throw ParseError(assignment: assignment, problem: "unknown field \"\(name)\"; fields are \(Field.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !column.isEmpty else { throw ParseError(assignment: assignment, problem: "the column name is empty") }
            columns[field] = column
        }
        self.columns = columns
    }
}

/// Where each field is in the rows of one CSV file, resolved from its header.
struct CSVLayout: Sendable {
    let columnCount: Int
    private let positions: [CSVColumnMapping.Field: Int]

    /// Resolves `header` using `mapping` first, then the common names; text and created_at are required.
    init(header: [String], mapping: CSVColumnMapping?) throws(RecordProblem) {
        let normalised = header.map(Self.normalise)
        var positions: [CSVColumnMapping.Field: Int] = [:]
        for field in CSVColumnMapping.Field.allCases {
            if let column = mapping?.columns[field] {
                guard let position = normalised.firstIndex(of: Self.normalise(column)) else {
                    throw RecordProblem("CSV header has no column \"\(column)\" (mapped to \(field.rawValue)); its columns are \(header.joined(separator: ", "))")
                }
                positions[field] = position
            } else if let position = field.commonNames.lazy.compactMap(normalised.firstIndex(of:)).first {
                positions[field] = position
            }
        }
        for required in [CSVColumnMapping.Field.text, .createdAt] where positions[required] == nil {
            throw RecordProblem("CSV header has no \(required.rawValue) column (looked for \(required.commonNames.joined(separator: ", ")); map one explicitly); its columns are \(header.joined(separator: ", "))")
        }
        columnCount = header.count
        self.positions = positions
    }

    /// The post in one data row.
    func post(from row: [String]) throws(RecordProblem) -> Post {
        guard row.count == columnCount else {
            throw RecordProblem("CSV row has \(row.count) fields but the header has \(columnCount)")
        }
        var post = Post()
        post.text = value(.text, row)
        guard !post.text.isEmpty else { throw RecordProblem("CSV row with empty text") }
        let created = value(.createdAt, row)
        guard !created.isEmpty else { throw RecordProblem("CSV row without created_at") }
        guard let createdAtMs = Timestamp.iso8601Milliseconds(created) ?? Timestamp.unixMilliseconds(created) else {
            throw RecordProblem("CSV created_at \"\(created)\" is not an ISO-8601 date or Unix seconds or milliseconds")
        }
        post.createdAtMs = createdAtMs
        let platformName = value(.platform, row).lowercased()
        post.platform = Self.platformAliases[platformName] ?? Platform(name: platformName) ?? .other
        let handle = value(.author, row)
        post.author.handle = handle.hasPrefix("@") ? String(handle.dropFirst()) : handle
        let authorID = value(.authorID, row)
        post.author.id = authorID.isEmpty ? post.author.handle : authorID
        post.author.followers = try count(.followers, row)
        post.engagement.likes = try count(.likes, row)
        post.engagement.reposts = try count(.shares, row)
        post.engagement.replies = try count(.replies, row)
        post.languageHint = value(.language, row)
        post.url = value(.url, row)
        let nativeId = value(.id, row)
        if nativeId.isEmpty {
            post.id = "csv:" + Self.contentHash(post.author.handle, created, post.text)
        } else if post.platform == .other || post.platform == .unspecified {
            // Posts of other sources keep an id that already names its source ("rss:…", as
            // Earshot exports them); bare ids get "csv:".
            post.id = Self.hasSourcePrefix(nativeId) ? nativeId : "csv:\(nativeId)"
        } else {
            // Kept as is when already Earshot's: "<platform>:…", or "csv:<hash>" given to a row
            // without an id (an export of such a post imports back as the same post).
            let isEarshotID = nativeId.hasPrefix(post.platform.name + ":") || nativeId.hasPrefix("csv:")
            post.id = isEarshotID ? nativeId : "\(post.platform.name):\(nativeId)"
        }
        return post
    }

    /// Whether `id` starts with a source name and a colon ("rss:123", "csv:9f…"): lower-case
    /// letters, digits or dashes, beginning with a letter.
    private static func hasSourcePrefix(_ id: String) -> Bool {
        guard let colon = id.firstIndex(of: ":"), colon != id.startIndex, id.index(after: colon) != id.endIndex else { return false }
        let prefix = id[..<colon]
        return prefix.first!.isLowercase && prefix.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Platform names CSV exports use besides Earshot's own.
    private static let platformAliases: [String: Platform] = ["twitter": .x, "bsky": .bluesky]

    private func value(_ field: CSVColumnMapping.Field, _ row: [String]) -> String {
        positions[field].map { row[$0].trimmingCharacters(in: .whitespaces) } ?? ""
    }

    /// A whole number, allowing thousands separators ("1,234"); empty is 0.
    private func count(_ field: CSVColumnMapping.Field, _ row: [String]) throws(RecordProblem) -> Int64 {
        let text = value(field, row).filter { $0 != "," && $0 != "_" && $0 != " " }
        if text.isEmpty { return 0 }
        if let whole = Int64(text) { return whole }
        if let number = Double(text), number.rounded() == number, abs(number) < 9.0e18 { return Int64(number) }
        throw RecordProblem("CSV \(field.rawValue) \"\(value(field, row))\" is not a whole number")
    }

    private static func normalise(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
    }

    /// A stable id for rows without one (FNV-1a over author, time and text),
    /// so importing the same file twice finds the duplicates.
    private static func contentHash(_ parts: String...) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
