/// A parsed, validated listening query, ready to match documents.
///
/// Parse once, match many times; see `docs/QUERY-LANGUAGE.md` for the language.
public struct ListeningQuery: Sendable {
    /// The query text as written.
    public let source: String
    /// The parsed query.
    let root: QueryNode
    /// Index keys of the query, or `nil` when it must be evaluated for every document.
    let anchors: [AnchorKey]?

    private init(source: String, root: QueryNode) {
        self.source = source
        self.root = root
        self.anchors = root.anchors
    }

    /// Parses `text`, or throws the first mistake with its 1-based position.
    public static func parse(
        _ text: String, limits: QueryLimits = .default
    ) throws(QuerySyntaxError) -> ListeningQuery {
        var lexer = QueryLexer(text, limits: limits)
        var parser = QueryParser(try lexer.lexemes(), limits: limits)
        return ListeningQuery(source: text, root: try parser.parse())
    }

    /// Whether `document` matches. To match many queries, use a ``QuerySet``,
    /// which tokenises the document once and skips queries that cannot match.
    public func matches(_ document: MatchableDocument) -> Bool {
        root.matches(PreparedDocument(document))
    }

    /// Whether a ``QuerySet`` can file this query under index keys; when
    /// `false` (e.g. `followers:>1000 verified:true`) it is evaluated for every document.
    public var isIndexed: Bool { anchors != nil }
}
