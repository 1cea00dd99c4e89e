/// A key under which a query is filed in a ``QuerySet``'s index. A document
/// produces keys for its words and attributes; a query is a candidate for a
/// document only when they share a key.
enum AnchorKey: Sendable, Hashable {
    case word(String)
    /// The first three characters of a word, for `run*` and `dep?t`.
    case prefix(String)
    case hashtag(String)
    case mention(String)
    case cashtag(String)
    case authorHandle(String)
    case authorId(String)
    /// A host or one of its parent domains.
    case domain(String)
    case language(String)
    case platform(String)
    case source(String)

    /// The number of leading characters a `prefix` key holds.
    static let prefixLength = 3

    /// A guess of how many documents carry the key, relative to a rare word:
    /// used to pick the most selective conjunct of an AND.
    var estimatedFrequency: Int {
        switch self {
        case .word(let word): word.count < 4 ? 4 : 1
        case .prefix: 8
        case .hashtag, .mention, .cashtag, .authorHandle, .authorId: 1
        case .domain(let domain): domain.contains(".") ? 2 : 50
        case .language, .platform, .source: 100
        }
    }
}

extension PreparedDocument {
    /// Every key the document carries.
    var anchorKeys: [AnchorKey] {
        var keys: [AnchorKey] = []
        keys.reserveCapacity(positions.count * 2 + 16)
        for word in positions.keys {
            keys.append(.word(word))
            if word.count >= AnchorKey.prefixLength {
                keys.append(.prefix(String(word.prefix(AnchorKey.prefixLength))))
            }
        }
        keys += hashtags.map(AnchorKey.hashtag)
        keys += mentions.map(AnchorKey.mention)
        keys += cashtags.map(AnchorKey.cashtag)
        keys.append(.authorHandle(authorHandle))
        keys.append(.authorId(authorId))
        keys += hosts.flatMap(EntityNormalization.hostAndParents).map(AnchorKey.domain)
        keys += EntityNormalization.languageAndBase(language).map(AnchorKey.language)
        keys.append(.platform(platform))
        keys.append(.source(source))
        return keys
    }
}

extension QueryNode {
    /// Keys such that every document matching the node carries at least one
    /// of them, or `nil` when no such set is known (NOT, `followers:`,
    /// `verified:`, `url:`, short wildcards, punctuation-only `raw:`).
    ///
    /// AND needs one conjunct's keys (the cheapest is chosen), OR needs the
    /// keys of every alternative, NEAR and phrases need one part's keys.
    var anchors: [AnchorKey]? {
        switch self {
        case .all(let children): Self.cheapest(children.map(\.anchors))
        case .any(let children): Self.union(children.map(\.anchors))
        case .not: nil
        case .text(let expression): expression.anchors
        case .field(let filter): filter.anchors
        case .raw(let value):
            // A raw match is bounded like a word, so its longest word is in the text.
            WordTokenizer.words(in: value).max { $0.count < $1.count }.map { [.word($0)] }
        }
    }

    /// The option with the lowest estimated document frequency.
    static func cheapest(_ options: [[AnchorKey]?]) -> [AnchorKey]? {
        options.compactMap { $0 }.min { cost($0) < cost($1) }
    }

    /// All keys of all options, or `nil` when any option has none.
    static func union(_ options: [[AnchorKey]?]) -> [AnchorKey]? {
        var keys: [AnchorKey] = []
        for option in options {
            guard let option else { return nil }
            keys += option
        }
        return Array(Set(keys))
    }

    private static func cost(_ keys: [AnchorKey]) -> Int {
        keys.reduce(0) { $0 + $1.estimatedFrequency }
    }
}

extension TextExpression {
    /// See ``QueryNode/anchors``.
    var anchors: [AnchorKey]? {
        switch self {
        case .word(let pattern): pattern.anchor.map { [$0] }
        case .phrase(let patterns, _): QueryNode.cheapest(patterns.map { $0.anchor.map { [$0] } })
        case .near(let left, let right, _, _): QueryNode.cheapest([left.anchors, right.anchors])
        case .anyOf(let expressions): QueryNode.union(expressions.map(\.anchors))
        }
    }
}

extension WordPattern {
    /// The word itself, or a wildcard's first three literal characters.
    var anchor: AnchorKey? {
        switch self {
        case .exact(let word):
            return .word(word)
        case .wildcard(let pattern):
            let prefix = pattern.literalPrefix
            guard prefix.count >= AnchorKey.prefixLength else { return nil }
            return .prefix(String(prefix.prefix(AnchorKey.prefixLength)))
        }
    }
}

extension FieldFilter {
    /// See ``QueryNode/anchors``.
    var anchors: [AnchorKey]? {
        switch self {
        case .hashtag(let tag): [.hashtag(tag)]
        case .mention(let handle): [.mention(handle)]
        case .cashtag(let ticker): [.cashtag(ticker)]
        case .author(let handle, let id): id.isEmpty ? [.authorHandle(handle)] : [.authorHandle(handle), .authorId(id)]
        case .site(let domain): [.domain(domain)]
        case .language(let code): [.language(code)]
        case .platform(let name): [.platform(name)]
        case .source(let name): [.source(name)]
        case .url, .followers, .verified, .emotion: nil
        }
    }
}
