import Emotions

/// One unit of query text: a parenthesis, an operator or a complete term.
struct Lexeme: Sendable, Equatable {
    /// What the unit is.
    enum Kind: Sendable, Equatable {
        case openParenthesis
        case closeParenthesis
        case and
        case or
        case not
        /// `NEAR/n` or, when `ordered`, `ONEAR/n`.
        case proximity(distance: Int, ordered: Bool)
        /// A word, phrase, field or raw: value, already parsed.
        case term(QueryNode)
    }

    /// What the unit is.
    let kind: Kind
    /// 1-based character offset of its first character.
    let position: Int
}

/// Turns query text into lexemes, parsing each term (words, phrases, fields)
/// and enforcing the per-term limits on the way.
struct QueryLexer {
    private let characters: [Character]
    private let limits: QueryLimits
    private var index = 0
    private var termCount = 0
    private var wildcardCount = 0

    /// Prepares to read `text` under `limits`.
    init(_ text: String, limits: QueryLimits) {
        self.characters = Array(text)
        self.limits = limits
    }

    /// All lexemes of the text, or the first mistake found.
    mutating func lexemes() throws(QuerySyntaxError) -> [Lexeme] {
        if characters.count > limits.maxLength {
            throw QuerySyntaxError(
                position: limits.maxLength + 1,
                message: "query is longer than the limit of \(limits.maxLength) characters")
        }
        var result: [Lexeme] = []
        while let lexeme = try next() {
            result.append(lexeme)
        }
        return result
    }

    private mutating func next() throws(QuerySyntaxError) -> Lexeme? {
        while index < characters.count, characters[index].isWhitespace {
            index += 1
        }
        guard index < characters.count else { return nil }
        let position = index + 1
        switch characters[index] {
        case "(":
            index += 1
            return Lexeme(kind: .openParenthesis, position: position)
        case ")":
            index += 1
            return Lexeme(kind: .closeParenthesis, position: position)
        case "\"":
            let node = try phrase(try quoted(), position: position)
            return try term(node, at: position)
        default:
            return try bareChunk(at: position)
        }
    }

    // MARK: - Reading characters

    /// Reads a `"…"` string starting at the current index (which is a quote).
    private mutating func quoted() throws(QuerySyntaxError) -> String {
        let start = index
        index += 1
        guard let close = characters[index...].firstIndex(of: "\"") else {
            throw QuerySyntaxError(position: start + 1, message: "unclosed quote")
        }
        index = close + 1
        return String(characters[(start + 1)..<close])
    }

    /// Reads up to the next space, parenthesis or quote.
    private mutating func chunk() -> String {
        let start = index
        while index < characters.count, !isChunkEnd(characters[index]) {
            index += 1
        }
        return String(characters[start..<index])
    }

    private func isChunkEnd(_ character: Character) -> Bool {
        character.isWhitespace || character == "(" || character == ")" || character == "\""
    }

    /// Reads the `~n` after a phrase, if any.
    private mutating func slop() throws(QuerySyntaxError) -> Int {
        guard index < characters.count, characters[index] == "~" else { return 0 }
        let position = index + 1
        index += 1
        let digits = chunk()
        guard let slop = Self.count(digits) else {
            throw QuerySyntaxError(position: position, message: "phrase slop needs a number: \"new phone\"~5")
        }
        guard slop <= limits.maxPhraseSlop else {
            throw QuerySyntaxError(
                position: position, message: "phrase slop can be at most \(limits.maxPhraseSlop)")
        }
        return slop
    }

    /// A non-negative decimal number written with ASCII digits only.
    private static func count(_ digits: some StringProtocol) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    // MARK: - Classifying chunks

    private mutating func bareChunk(at position: Int) throws(QuerySyntaxError) -> Lexeme {
        let text = chunk()
        switch text {
        case "AND": return Lexeme(kind: .and, position: position)
        case "OR": return Lexeme(kind: .or, position: position)
        case "NOT": return Lexeme(kind: .not, position: position)
        default: break
        }
        for (keyword, ordered) in [("NEAR", false), ("ONEAR", true)]
        where text == keyword || text.hasPrefix(keyword + "/") {
            let distance = try proximityDistance(String(text.dropFirst(keyword.count)), keyword, position)
            return Lexeme(kind: .proximity(distance: distance, ordered: ordered), position: position)
        }
        if let colon = text.firstIndex(of: ":"), colon != text.startIndex,
            text[..<colon].allSatisfy({ $0.isASCII && $0.isLetter })
        {
            let name = String(text[..<colon])
            let value = String(text[text.index(after: colon)...])
            return try term(try field(name, value: value, position: position), at: position)
        }
        return try term(try markedTerm(text, position: position), at: position)
    }

    private func proximityDistance(
        _ suffix: String, _ keyword: String, _ position: Int
    ) throws(QuerySyntaxError) -> Int {
        guard suffix.first == "/", let distance = Self.count(suffix.dropFirst()) else {
            throw QuerySyntaxError(position: position, message: "\(keyword) needs a distance: \(keyword)/5")
        }
        guard (1...limits.maxNearDistance).contains(distance) else {
            throw QuerySyntaxError(
                position: position,
                message: "\(keyword) distance must be from 1 to \(limits.maxNearDistance)")
        }
        return distance
    }

    /// A bare chunk that is not an operator or a `name:` field: `#tag`,
    /// `@handle`, `$TICKER` or a word.
    private func markedTerm(_ text: String, position: Int) throws(QuerySyntaxError) -> QueryNode {
        let rest = String(text.dropFirst())
        switch text.first {
        case "#" where !rest.isEmpty:
            let rule = "hashtag: use letters, digits and _"
            return .field(.hashtag(try entityName(text, \.hashtags, rule, position: position)))
        case "@" where !rest.isEmpty:
            let rule = "mention: use letters, digits, _, ., - and @"
            return .field(.mention(try entityName(text, \.mentions, rule, position: position)))
        case "$" where rest.first?.isLetter == true:
            let rule = "cashtag: use letters, digits, _ and ."
            return .field(.cashtag(try entityName(text, \.cashtags, rule, position: position)))
        case "-" where !rest.isEmpty:
            throw QuerySyntaxError(
                position: position, message: "use NOT to exclude: NOT \(rest) rather than \(text)")
        default:
            return try word(text, position: position)
        }
    }

    /// The name of a `#tag`, `@handle` or `$TICKER` term, which must read the
    /// same as it would in a post's text (so `#acme*` or `#acme,` is refused).
    private func entityName(
        _ text: String, _ names: KeyPath<TextEntities, Set<String>>, _ rule: String, position: Int
    ) throws(QuerySyntaxError) -> String {
        let name = WordTokenizer.lowercased(String(text.dropFirst()))
        guard TextEntities(text)[keyPath: names] == [name] else {
            throw QuerySyntaxError(position: position, message: "\"\(text)\" is not a valid \(rule)")
        }
        return name
    }

    // MARK: - Terms

    /// Counts a term against the limits and wraps it as a lexeme.
    private mutating func term(_ node: QueryNode, at position: Int) throws(QuerySyntaxError) -> Lexeme {
        termCount += 1
        if termCount > limits.maxTerms {
            throw QuerySyntaxError(
                position: position, message: "too many terms: a query can have at most \(limits.maxTerms)")
        }
        if case .text(let expression) = node {
            wildcardCount += expression.wildcardCount
            if wildcardCount > limits.maxWildcards {
                throw QuerySyntaxError(
                    position: position,
                    message: "too many wildcards: a query can have at most \(limits.maxWildcards)")
            }
        }
        return Lexeme(kind: .term(node), position: position)
    }

    /// A bare word; punctuation inside it (`e-mail`, `acme's`) makes it a phrase.
    private func word(_ text: String, position: Int) throws(QuerySyntaxError) -> QueryNode {
        let patterns = try wordPatterns(text, position: position)
        return .text(patterns.count == 1 ? .word(patterns[0]) : .phrase(patterns, slop: 0))
    }

    /// The contents of a `"…"` phrase, followed by an optional `~slop`.
    private mutating func phrase(_ content: String, position: Int) throws(QuerySyntaxError) -> QueryNode {
        let slop = try slop()
        var patterns: [WordPattern] = []
        var offset = 1
        for piece in content.split(omittingEmptySubsequences: false, whereSeparator: \.isWhitespace) {
            if !piece.isEmpty {
                patterns += try wordPatterns(String(piece), position: position + offset)
            }
            offset += piece.count + 1
        }
        guard !patterns.isEmpty else {
            throw QuerySyntaxError(position: position, message: "empty phrase: put words between the quotes")
        }
        return .text(patterns.count == 1 ? .word(patterns[0]) : .phrase(patterns, slop: slop))
    }

    /// The word patterns of one space-free piece of query text.
    private func wordPatterns(_ text: String, position: Int) throws(QuerySyntaxError) -> [WordPattern] {
        if text.contains("*") || text.contains("?") {
            return [.wildcard(try wildcard(text, position: position))]
        }
        let words = WordTokenizer.words(in: text)
        guard !words.isEmpty else {
            throw QuerySyntaxError(position: position, message: "\"\(text)\" has no letters or digits to search for")
        }
        return words.map(WordPattern.exact)
    }

    /// `run*`, `wom?n`, `colo?r*`.
    private func wildcard(_ text: String, position: Int) throws(QuerySyntaxError) -> WildcardPattern {
        let original = Array(text)
        if let star = original.firstIndex(of: "*"), star != original.count - 1 {
            throw QuerySyntaxError(position: position + star, message: "* can only end a word: run*")
        }
        let endsWithStar = original.last == "*"
        let body = WordTokenizer.lowercased(String(endsWithStar ? original.dropLast() : original[...]))
        let characters: [Character?] = body.map { $0 == "?" ? nil : $0 }
        guard characters.allSatisfy({ $0?.unicodeScalars.allSatisfy(WordTokenizer.isWordScalar) ?? true }) else {
            throw QuerySyntaxError(
                position: position, message: "wildcards work on single words without punctuation: \"\(text)\"")
        }
        let pattern = WildcardPattern(characters: characters, endsWithStar: endsWithStar)
        if endsWithStar, pattern.literalPrefix.count < AnchorKey.prefixLength {
            throw QuerySyntaxError(
                position: position + original.count - 1,
                message: "wildcard needs at least \(AnchorKey.prefixLength) letters before *")
        }
        if characters.compactMap({ $0 }).count < 2 {
            throw QuerySyntaxError(
                position: position, message: "? needs at least 2 letters in the same word: wom?n")
        }
        return pattern
    }

    // MARK: - Fields

    private static let fieldNames: Set<String> = [
        "raw", "author", "site", "domain", "url", "lang", "platform", "source", "followers", "verified", "emotion",
    ]

    /// `name:value`, where the value may also be a quoted string right after the colon.
    private mutating func field(
        _ name: String, value: String, position: Int
    ) throws(QuerySyntaxError) -> QueryNode {
        let field = name.lowercased()
        guard Self.fieldNames.contains(field) else {
            throw QuerySyntaxError(position: position, message: "unknown field \"\(name):\"")
        }
        var value = value
        if value.isEmpty, index < characters.count, characters[index] == "\"" {
            value = try quoted()
        }
        guard !value.isEmpty else {
            throw QuerySyntaxError(position: position, message: "\"\(name):\" needs a value right after the colon")
        }
        switch field {
        case "raw": return .raw(value)
        case "author":
            let handle = value.first == "@" ? String(value.dropFirst()) : value
            return .field(.author(handle: WordTokenizer.lowercased(handle), id: handle))
        case "site", "domain":
            let host = EntityNormalization.host(value)
            guard !host.isEmpty else {
                throw QuerySyntaxError(position: position, message: "\(name): needs a domain: \(name):bbc.co.uk")
            }
            return .field(.site(host))
        case "url": return .field(.url(WordTokenizer.lowercased(value)))
        case "lang": return .field(.language(EntityNormalization.language(value)))
        case "platform": return .field(.platform(try platform(value, position: position + name.count + 1)))
        case "source": return .field(.source(WordTokenizer.lowercased(value)))
        case "followers": return .field(try followers(value, position: position))
        case "emotion":
            guard let emotion = Emotion(name: WordTokenizer.lowercased(value)) else {
                let names = Emotion.allCases.map(\.name).joined(separator: ", ")
                throw QuerySyntaxError(position: position, message: "emotion: needs one of \(names): emotion:anger")
            }
            return .field(.emotion(emotion))
        default: return .field(try verified(value, position: position))
        }
    }

    /// `>1000`, `>=10k`, `<2m`, `=0`.
    private func followers(_ value: String, position: Int) throws(QuerySyntaxError) -> FieldFilter {
        let invalid = QuerySyntaxError(
            position: position, message: "followers: needs a comparison and a number: followers:>1000")
        guard let comparison = Comparison.allCases.first(where: { value.hasPrefix($0.rawValue) }) else {
            throw invalid
        }
        var digits = Substring(value.dropFirst(comparison.rawValue.count))
        var multiplier: Int64 = 1
        switch digits.last {
        case "k", "K": multiplier = 1_000
        case "m", "M": multiplier = 1_000_000
        default: break
        }
        if multiplier > 1 { digits = digits.dropLast() }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits) else { throw invalid }
        let (bound, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw invalid }
        return .followers(comparison, bound)
    }

    /// The platforms posts can have, by the names documents carry.
    private static let platformNames = ["x", "mastodon", "reddit", "bluesky", "other", "web"]

    /// Other names for platforms, the same that CSV imports accept (`CSVLayout.platformAliases`
    /// in SourceFormats, which Listening cannot import: neither module depends on the other).
    private static let platformAliases = ["twitter": "x", "bsky": "bluesky"]

    /// A known platform name or alias (case-insensitive), as the name documents carry; `position` is the value's.
    private func platform(_ value: String, position: Int) throws(QuerySyntaxError) -> String {
        let name = WordTokenizer.lowercased(value)
        if let platform = Self.platformAliases[name] { return platform }
        guard Self.platformNames.contains(name) else {
            throw QuerySyntaxError(
                position: position,
                message: "unknown platform \"\(value)\"; platforms are \(Self.platformNames.joined(separator: ", "))")
        }
        return name
    }

    private func verified(_ value: String, position: Int) throws(QuerySyntaxError) -> FieldFilter {
        switch value.lowercased() {
        case "true": return .verified(true)
        case "false": return .verified(false)
        default: throw QuerySyntaxError(position: position, message: "verified: must be true or false")
        }
    }
}

extension TextExpression {
    /// How many wildcard words the expression holds.
    var wildcardCount: Int {
        switch self {
        case .word(let pattern): pattern.isWildcard ? 1 : 0
        case .phrase(let patterns, _): patterns.filter(\.isWildcard).count
        case .near(let left, let right, _, _): left.wildcardCount + right.wildcardCount
        case .anyOf(let expressions): expressions.reduce(0) { $0 + $1.wildcardCount }
        }
    }
}

extension WordPattern {
    /// Whether the word has `*` or `?`.
    var isWildcard: Bool {
        if case .wildcard = self { return true }
        return false
    }
}
