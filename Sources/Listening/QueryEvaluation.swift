import Emotions

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
        case .emotion(let emotion): document.emotions.contains(emotion.name)
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
        case .phrase: !spans(in: document).isEmpty
        case .near(let left, let right, let distance, let ordered):
            Self.nearPairExists(left.spans(in: document), { right.spans(in: document) }, distance, ordered)
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
                let next = later.partitionPoint { $0 > end }
                guard next < later.count else { return spans }
                end = later[next]
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
        visitNearPairs(left, right, distance, ordered) { span in
            result.insert(span)
            return true
        }
        return result.sorted()
    }

    /// Whether ``nearSpans(_:_:distance:ordered:)`` would find any pair, stopping at the first.
    /// `right` is only computed when `left` is not empty.
    private static func nearPairExists(
        _ left: [WordSpan], _ right: () -> [WordSpan], _ distance: Int, _ ordered: Bool
    ) -> Bool {
        guard !left.isEmpty else { return false }
        var found = false
        visitNearPairs(left, right(), distance, ordered) { _ in
            found = true
            return false
        }
        return found
    }

    /// Calls `visit` with the combined span of each near pair until it returns
    /// `false`. Both inputs are sorted by start; binary search finds each left
    /// span's partners, so long posts with many occurrences stay cheap.
    private static func visitNearPairs(
        _ left: [WordSpan], _ right: [WordSpan], _ distance: Int, _ ordered: Bool,
        _ visit: (WordSpan) -> Bool
    ) {
        guard !left.isEmpty, !right.isEmpty else { return }
        let rightByEnd = ordered ? [] : right.sorted { $0.end < $1.end }
        for first in left {
            var after = right.partitionPoint { $0.start > first.end }
            while after < right.count, right[after].start - first.end <= distance {
                if !visit(WordSpan(start: first.start, end: right[after].end)) { return }
                after += 1
            }
            var before = rightByEnd.partitionPoint { $0.end >= first.start - distance }
            while before < rightByEnd.count, rightByEnd[before].end < first.start {
                if !visit(WordSpan(start: rightByEnd[before].start, end: first.end)) { return }
                before += 1
            }
        }
    }
}

extension Array {
    /// The index of the first element for which `isPast` holds, in an array
    /// where it holds for a suffix only (binary search); `count` if none.
    func partitionPoint(_ isPast: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isPast(self[middle]) {
                high = middle
            } else {
                low = middle + 1
            }
        }
        return low
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
