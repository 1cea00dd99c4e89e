/// A stretch of word positions, inclusive at both ends.
struct WordSpan: Sendable, Hashable, Comparable {
    let start: Int
    let end: Int

    static func < (lhs: WordSpan, rhs: WordSpan) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }
}

extension QueryNode {
    /// Whether the prepared document satisfies this query node.
    func matches(_ document: PreparedDocument) -> Bool {
        switch self {
        case .all(let children): children.allSatisfy { $0.matches(document) }
        case .any(let children): children.contains { $0.matches(document) }
        case .not(let child): !child.matches(document)
        case .text(let expression): expression.occurs(in: document)
        case .field(let filter): filter.matches(document)
        case .raw(let value): document.containsRaw(value)
        }
    }
}

extension FieldFilter {
    /// Whether the document's attribute passes the filter.
    func matches(_ document: PreparedDocument) -> Bool {
        switch self {
        case .hashtag(let tag): document.hashtags.contains(tag)
        case .mention(let handle): document.mentions.contains(handle)
        case .cashtag(let ticker): document.cashtags.contains(ticker)
        case .author(let handle, let id): document.authorHandle == handle || (!id.isEmpty && document.authorId == id)
        case .site(let domain): document.hosts.contains { $0 == domain || $0.hasSuffix("." + domain) }
        case .url(let part): document.urls.contains { $0.contains(part) }
        case .language(let code): EntityNormalization.languageAndBase(document.language).contains(code)
        case .platform(let name): document.platform == name
        case .source(let name): document.source == name
        case .followers(let comparison, let bound): comparison.holds(document.followers, bound)
        case .verified(let expected): document.verified == expected
        }
    }
}

extension TextExpression {
    /// Whether the expression occurs anywhere in the document's words.
    func occurs(in document: PreparedDocument) -> Bool {
        switch self {
        case .word(.exact(let word)): document.positions[word] != nil
        case .word(.wildcard(let pattern)): document.positions.keys.contains(where: pattern.matches)
        case .anyOf(let expressions): expressions.contains { $0.occurs(in: document) }
        case .phrase, .near: !spans(in: document).isEmpty
        }
    }

    /// Every stretch of words where the expression occurs, sorted.
    func spans(in document: PreparedDocument) -> [WordSpan] {
        switch self {
        case .word(let pattern):
            return pattern.positions(in: document).map { WordSpan(start: $0, end: $0) }
        case .phrase(let patterns, let slop):
            var positions: [[Int]] = []
            for pattern in patterns {
                let wordPositions = pattern.positions(in: document)
                if wordPositions.isEmpty { return [] }
                positions.append(wordPositions)
            }
            return Self.phraseSpans(positions, slop: slop)
        case .near(let left, let right, let distance, let ordered):
            let leftSpans = left.spans(in: document)
            if leftSpans.isEmpty { return [] }
            return Self.nearSpans(leftSpans, right.spans(in: document), distance: distance, ordered: ordered)
        case .anyOf(let expressions):
            return Set(expressions.flatMap { $0.spans(in: document) }).sorted()
        }
    }

    /// Phrase occurrences: for each position of the first word, the earliest
    /// following positions of the next words in order (which gives the
    /// shortest stretch from that start), kept when the words inserted
    /// between them number at most `slop`.
    private static func phraseSpans(_ positions: [[Int]], slop: Int) -> [WordSpan] {
        guard let firstPositions = positions.first else { return [] }
        var spans: [WordSpan] = []
        for start in firstPositions {
            var end = start
            for later in positions.dropFirst() {
                guard let next = later.first(where: { $0 > end }) else { return spans }
                end = next
            }
            if end - start - (positions.count - 1) <= slop {
                spans.append(WordSpan(start: start, end: end))
            }
        }
        return spans
    }

    /// Pairs of non-overlapping spans whose gap (start of the later minus end
    /// of the earlier) is at most `distance`; adjacent words are at distance 1.
    /// `ordered` (ONEAR) requires the left operand first.
    private static func nearSpans(
        _ left: [WordSpan], _ right: [WordSpan], distance: Int, ordered: Bool
    ) -> [WordSpan] {
        var result: Set<WordSpan> = []
        for first in left {
            for second in right {
                if first.end < second.start, second.start - first.end <= distance {
                    result.insert(WordSpan(start: first.start, end: second.end))
                } else if !ordered, second.end < first.start, first.start - second.end <= distance {
                    result.insert(WordSpan(start: second.start, end: first.end))
                }
            }
        }
        return result.sorted()
    }
}

extension WordPattern {
    /// Ascending positions of the words that fit the pattern.
    func positions(in document: PreparedDocument) -> [Int] {
        switch self {
        case .exact(let word):
            return document.positions[word] ?? []
        case .wildcard(let pattern):
            var positions: [Int] = []
            for (word, wordPositions) in document.positions where pattern.matches(word) {
                positions += wordPositions
            }
            return positions.sorted()
        }
    }
}
