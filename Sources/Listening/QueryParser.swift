/// Builds a ``QueryNode`` from lexemes by recursive descent.
///
/// Precedence, tightest first: `NEAR/n` and `ONEAR/n`, then `NOT`, then AND
/// (explicit or a space), then `OR`.
struct QueryParser {
    private let lexemes: [Lexeme]
    private let limits: QueryLimits
    private var index = 0

    /// Prepares to parse `lexemes` under `limits`.
    init(_ lexemes: [Lexeme], limits: QueryLimits) {
        self.lexemes = lexemes
        self.limits = limits
    }

    /// The whole query, or the first mistake found.
    mutating func parse() throws(QuerySyntaxError) -> QueryNode {
        guard !lexemes.isEmpty else {
            throw QuerySyntaxError(position: 1, message: "empty query")
        }
        let root = try orExpression(depth: 0)
        if let extra = peek {
            // Only an unmatched ")" stops an OR expression early.
            throw QuerySyntaxError(position: extra.position, message: "unbalanced parenthesis")
        }
        guard root.requiresSomethingPositive else {
            let firstNot = lexemes.first { $0.kind == .not }
            throw QuerySyntaxError(
                position: firstNot?.position ?? 1,
                message: "a query cannot be only NOT terms; add what to look for: acme NOT job")
        }
        return root
    }

    private var peek: Lexeme? { index < lexemes.count ? lexemes[index] : nil }

    /// Whether the next lexeme can begin an operand (a term, `(` or `NOT`).
    private var operandFollows: Bool {
        switch peek?.kind {
        case .term, .openParenthesis, .not: true
        default: false
        }
    }

    private mutating func orExpression(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        var alternatives = [try andExpression(depth: depth)]
        while let lexeme = peek, lexeme.kind == .or {
            index += 1
            try requireOperand(after: lexeme, "OR needs something on both sides")
            alternatives.append(try andExpression(depth: depth))
        }
        return alternatives.count == 1 ? alternatives[0] : .any(alternatives.flatMap(\.alternatives))
    }

    private mutating func andExpression(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        var conjuncts = [try notExpression(depth: depth)]
        while let lexeme = peek {
            if lexeme.kind == .and {
                index += 1
                try requireOperand(after: lexeme, "AND needs something on both sides")
            } else if !operandFollows {
                break
            }
            conjuncts.append(try notExpression(depth: depth))
        }
        return conjuncts.count == 1 ? conjuncts[0] : .all(conjuncts.flatMap(\.conjuncts))
    }

    private mutating func notExpression(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        guard let lexeme = peek, lexeme.kind == .not else {
            return try proximityExpression(depth: depth)
        }
        index += 1
        try requireOperand(after: lexeme, "NOT needs something to exclude")
        return .not(try notExpression(depth: depth))
    }

    private mutating func proximityExpression(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        let leftPosition = peek?.position ?? 1
        var left = try primary(depth: depth)
        while let lexeme = peek, case .proximity(let distance, let ordered) = lexeme.kind {
            index += 1
            let name = ordered ? "ONEAR/\(distance)" : "NEAR/\(distance)"
            guard operandFollows, peek?.kind != .not else {
                throw QuerySyntaxError(position: lexeme.position, message: "\(name) needs a word or phrase on both sides")
            }
            let rightPosition = peek?.position ?? lexeme.position
            let right = try primary(depth: depth)
            let leftText = try Self.textExpression(left, operator: name, position: leftPosition)
            let rightText = try Self.textExpression(right, operator: name, position: rightPosition)
            left = .text(.near(leftText, rightText, distance: distance, ordered: ordered))
        }
        return left
    }

    private mutating func primary(depth: Int) throws(QuerySyntaxError) -> QueryNode {
        guard let lexeme = peek else {
            throw QuerySyntaxError(position: lexemes.last.map { $0.position } ?? 1, message: "query ends too early")
        }
        index += 1
        switch lexeme.kind {
        case .term(let node):
            return node
        case .openParenthesis:
            guard depth < limits.maxNesting else {
                throw QuerySyntaxError(
                    position: lexeme.position,
                    message: "parentheses nested too deep: at most \(limits.maxNesting) levels")
            }
            switch peek?.kind {
            case nil: throw QuerySyntaxError(position: lexeme.position, message: "unbalanced parenthesis")
            case .closeParenthesis?: throw QuerySyntaxError(position: lexeme.position, message: "empty parentheses")
            default: break
            }
            let inner = try orExpression(depth: depth + 1)
            guard peek?.kind == .closeParenthesis else {
                throw QuerySyntaxError(position: lexeme.position, message: "unbalanced parenthesis")
            }
            index += 1
            return inner
        case .closeParenthesis:
            throw QuerySyntaxError(position: lexeme.position, message: "unbalanced parenthesis")
        case .and:
            throw QuerySyntaxError(position: lexeme.position, message: "AND needs something on both sides")
        case .or:
            throw QuerySyntaxError(position: lexeme.position, message: "OR needs something on both sides")
        case .not:
            throw QuerySyntaxError(position: lexeme.position, message: "NOT needs something to exclude")
        case .proximity(let distance, let ordered):
            let name = ordered ? "ONEAR/\(distance)" : "NEAR/\(distance)"
            throw QuerySyntaxError(position: lexeme.position, message: "\(name) needs a word or phrase on both sides")
        }
    }

    private func requireOperand(after lexeme: Lexeme, _ message: String) throws(QuerySyntaxError) {
        guard operandFollows else {
            throw QuerySyntaxError(position: lexeme.position, message: message)
        }
    }

    /// The operand of NEAR/ONEAR as a text expression: a word, a phrase, a
    /// NEAR, or an OR group of those.
    private static func textExpression(
        _ node: QueryNode, operator name: String, position: Int
    ) throws(QuerySyntaxError) -> TextExpression {
        switch node {
        case .text(let expression):
            return expression
        case .any(let alternatives):
            var expressions: [TextExpression] = []
            for alternative in alternatives {
                expressions.append(try textExpression(alternative, operator: name, position: position))
            }
            return .anyOf(expressions)
        default:
            throw QuerySyntaxError(
                position: position,
                message: "\(name) can only join words, phrases, or groups of them joined by OR")
        }
    }
}

extension QueryNode {
    /// The children of an OR, or the node itself, for flattening `a OR (b OR c)`.
    var alternatives: [QueryNode] {
        if case .any(let children) = self { return children }
        return [self]
    }

    /// The children of an AND, or the node itself, for flattening.
    var conjuncts: [QueryNode] {
        if case .all(let children) = self { return children }
        return [self]
    }

    /// Whether a matching post must contain something the query looks for,
    /// rather than merely lack something: `NOT job` and `acme OR NOT job` do not.
    var requiresSomethingPositive: Bool {
        switch self {
        case .all(let children): children.contains(where: \.requiresSomethingPositive)
        case .any(let children): children.allSatisfy(\.requiresSomethingPositive)
        case .not: false
        case .text, .field, .raw: true
        }
    }
}
