/// Helpers for trying a query on sample posts (`earshot queries test`).
public enum QueryTester {
    /// Indices (0-based, ascending) of the documents that `query` matches.
    public static func matchingIndices(
        of query: ListeningQuery, in documents: some Sequence<MatchableDocument>
    ) -> [Int] {
        documents.enumerated().compactMap { query.matches($0.element) ? $0.offset : nil }
    }

    /// Parses `text` and reports either the error (as a marketer-friendly
    /// line with a caret under the position) or `nil` when the query is valid.
    public static func diagnose(_ text: String, limits: QueryLimits = .default) -> String? {
        do {
            _ = try ListeningQuery.parse(text, limits: limits)
            return nil
        } catch {
            let caret = String(repeating: " ", count: max(0, error.position - 1)) + "^"
            return "\(text)\n\(caret)\n\(error.description)"
        }
    }
}
