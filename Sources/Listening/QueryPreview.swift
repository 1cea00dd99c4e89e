/// How much work trying an unsaved query may do (`Listening/TestQuery`): how many matches are
/// kept and how many posts are read at most.
public struct QueryPreviewLimits: Sendable, Equatable {
    /// Matches kept when the request asks for 0.
    public static let defaultMatches = 20
    /// Most matches a request may ask for.
    public static let maxMatches = 100
    /// Posts read when the request asks for 0.
    public static let defaultScanned = 10_000
    /// Most posts a request may ask to read.
    public static let maxScanned = 50_000

    /// Matches kept (the newest ones).
    public let matches: Int
    /// Posts read at most.
    public let scanned: Int

    /// The limits a request asks for, 0 meaning the default; an error naming the field for a
    /// value out of range.
    public init(matches: Int, scanned: Int) throws(QueryPreviewLimitError) {
        self.matches = try Self.checked(matches, field: "limit", default: Self.defaultMatches, max: Self.maxMatches)
        self.scanned = try Self.checked(scanned, field: "max_scanned", default: Self.defaultScanned, max: Self.maxScanned)
    }

    private static func checked(_ value: Int, field: String, default defaultValue: Int, max: Int) throws(QueryPreviewLimitError) -> Int {
        if value == 0 { return defaultValue }
        guard (1...max).contains(value) else { throw QueryPreviewLimitError(field: field, value: value, max: max) }
        return value
    }
}

/// A limit of a query preview out of range: `limit = 500 is out of range 1...100 (0 = default)`.
public struct QueryPreviewLimitError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let value: Int
    public let max: Int

    public var description: String { "\(field) = \(value) is out of range 1...\(max) (0 = default)" }
}

/// Trying an unsaved query on posts read newest first, within bounds: it keeps the first
/// ``QueryPreviewLimits/matches`` matches (the newest), counts every match among the posts read,
/// and stops reading once ``QueryPreviewLimits/scanned`` posts were read or the time budget ends.
/// Pure: the caller reads the posts and passes the clock.
public struct QueryPreview<Item> {
    /// Why reading stopped, if it did.
    public enum Stop: Sendable, Equatable {
        /// ``QueryPreviewLimits/scanned`` posts were read.
        case scannedLimit
        /// The time budget ended.
        case timeBudget
    }

    public let query: ListeningQuery
    public let limits: QueryPreviewLimits
    /// The end of the time budget, on the caller's clock (milliseconds).
    public let budgetEndMs: Int64
    /// The newest matches, newest first, at most ``QueryPreviewLimits/matches``.
    public private(set) var matches: [Item] = []
    /// Matches among the posts read.
    public private(set) var matched = 0
    /// Posts read.
    public private(set) var scanned = 0
    /// Why reading stopped; nil while more posts may be read.
    public private(set) var stop: Stop?

    /// A preview of `query` with `limits`, reading until `budgetEndMs`.
    public init(query: ListeningQuery, limits: QueryPreviewLimits, budgetEndMs: Int64) {
        self.query = query
        self.limits = limits
        self.budgetEndMs = budgetEndMs
    }

    /// Posts the preview may still read (0 once it stopped). A caller that offers one post more
    /// than this learns whether the posts ran out before the limit (the preview is then complete).
    public var remaining: Int { stop == nil ? limits.scanned - scanned : 0 }

    /// Reads `item` (the next older post; `document` is what the query sees of it) at `nowMs`.
    /// Returns false, without reading it, once the preview has stopped: the post is one over the
    /// scanned limit, or `nowMs` is past the budget. A preview whose caller ran out of posts
    /// without a refusal has read them all.
    @discardableResult
    public mutating func read(_ item: Item, as document: MatchableDocument, nowMs: Int64) -> Bool {
        if stop == nil && scanned >= limits.scanned { stop = .scannedLimit }
        if stop == nil && nowMs >= budgetEndMs { stop = .timeBudget }
        guard stop == nil else { return false }
        scanned += 1
        if query.matches(document) {
            matched += 1
            if matches.count < limits.matches { matches.append(item) }
        }
        return true
    }
}

extension QueryPreview: Sendable where Item: Sendable {}
