/// Bounds that keep every query cheap to match against every post.
///
/// They are checked when a query is parsed; a query over a limit is rejected
/// with a ``QuerySyntaxError`` that names the limit.
public struct QueryLimits: Sendable, Equatable {
    /// Longest query text, in characters.
    public var maxLength: Int
    /// Most search terms (words, phrases, fields, raw: values) in one query.
    public var maxTerms: Int
    /// Largest n in `NEAR/n` and `ONEAR/n`.
    public var maxNearDistance: Int
    /// Largest n in a phrase slop `"new phone"~n`.
    public var maxPhraseSlop: Int
    /// Most wildcard words (`run*`, `wom?n`) in one query; each one is
    /// compared with every distinct word of a post, so they are rationed.
    public var maxWildcards: Int
    /// Deepest nesting of parentheses.
    public var maxNesting: Int

    /// Creates limits; every value must be positive to be useful.
    public init(
        maxLength: Int = 4_096,
        maxTerms: Int = 250,
        maxNearDistance: Int = 30,
        maxPhraseSlop: Int = 30,
        maxWildcards: Int = 30,
        maxNesting: Int = 20
    ) {
        self.maxLength = maxLength
        self.maxTerms = maxTerms
        self.maxNearDistance = maxNearDistance
        self.maxPhraseSlop = maxPhraseSlop
        self.maxWildcards = maxWildcards
        self.maxNesting = maxNesting
    }

    /// The limits Earshot applies unless told otherwise.
    public static let `default` = QueryLimits()
}
