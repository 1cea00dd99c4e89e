@testable import Listening

/// Whether `query` matches a document whose text is `text`.
func matches(_ query: String, _ text: String) throws -> Bool {
    try ListeningQuery.parse(query).matches(MatchableDocument(text: text))
}

/// Whether `query` matches `document`.
func matches(_ query: String, _ document: MatchableDocument) throws -> Bool {
    try ListeningQuery.parse(query).matches(document)
}

/// The error `query` is rejected with, or `nil` if it parses.
func syntaxError(_ query: String, limits: QueryLimits = .default) -> QuerySyntaxError? {
    do {
        _ = try ListeningQuery.parse(query, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// A compact, fully parenthesised rendering of a parsed query, to check structure.
func structure(_ query: String) throws -> String {
    render(try ListeningQuery.parse(query).root)
}

private func render(_ node: QueryNode) -> String {
    switch node {
    case .all(let children): "(" + children.map(render).joined(separator: " AND ") + ")"
    case .any(let children): "(" + children.map(render).joined(separator: " OR ") + ")"
    case .not(let child): "NOT " + render(child)
    case .text(let expression): render(expression)
    case .field(let filter): "\(filter)"
    case .raw(let value): "raw:\(value)"
    }
}

private func render(_ expression: TextExpression) -> String {
    switch expression {
    case .word(let pattern): render(pattern)
    case .phrase(let patterns, let slop):
        "\"" + patterns.map(render).joined(separator: " ") + "\"" + (slop > 0 ? "~\(slop)" : "")
    case .near(let left, let right, let distance, let ordered):
        "(" + render(left) + (ordered ? " ONEAR/" : " NEAR/") + "\(distance) " + render(right) + ")"
    case .anyOf(let expressions): "(" + expressions.map(render).joined(separator: " OR ") + ")"
    }
}

private func render(_ pattern: WordPattern) -> String {
    switch pattern {
    case .exact(let word): word
    case .wildcard(let wildcard):
        wildcard.characters.map { $0.map(String.init) ?? "?" }.joined() + (wildcard.endsWithStar ? "*" : "")
    }
}

/// A small deterministic random generator (SplitMix64) for property tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
