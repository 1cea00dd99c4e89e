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

    /// Phrase occurrences, measured as Lucene measures a sloppy phrase: word i of the phrase
    /// found at position q is shifted to q - i, where it would stand in an exact occurrence,
    /// and an occurrence is one distinct position per word with the shifted places at most
    /// `slop` apart. Words in order with k others inserted measure k; two words swapped
    /// measure 2, so `"new phone"~2` matches "phone new" (as in Lucene and Brandwatch), and
    /// slop 0 is the exact phrase. Every window [m, m + slop] of shifted places, m one of
    /// them, is checked by matching words to distinct positions, so a repeated word ("ha ha
    /// ha") needs as many occurrences.
    private static func phraseSpans(_ positions: [[Int]], slop: Int) -> [WordSpan] {
        var windowStarts: Set<Int> = []
        for (index, wordPositions) in positions.enumerated() {
            for position in wordPositions { windowStarts.insert(position - index) }
        }
        var spans: Set<WordSpan> = []
        windows: for start in windowStarts.sorted() {
            var candidates: [ArraySlice<Int>] = []
            for (index, wordPositions) in positions.enumerated() {
                let low = wordPositions.partitionPoint { $0 >= start + index }
                let high = wordPositions.partitionPoint { $0 > start + index + slop }
                if low == high { continue windows }
                candidates.append(wordPositions[low..<high])
            }
            if let chosen = distinctPositions(candidates), let first = chosen.min(), let last = chosen.max() {
                spans.insert(WordSpan(start: first, end: last))
            }
        }
        return spans.sorted()
    }

    /// One position for each word out of its `candidates`, no position taken twice, or nil
    /// when there is no such choice (Kuhn's augmenting paths: a word may take a position
    /// from an earlier word that can move to another of its candidates).
    private static func distinctPositions(_ candidates: [ArraySlice<Int>]) -> [Int]? {
        var wordAt: [Int: Int] = [:]
        func place(_ word: Int, _ tried: inout Set<Int>) -> Bool {
            for position in candidates[word] where tried.insert(position).inserted {
                if let holder = wordAt[position], !place(holder, &tried) { continue }
                wordAt[position] = word
                return true
            }
            return false
        }
        for word in candidates.indices {
            var tried: Set<Int> = []
            guard place(word, &tried) else { return nil }
        }
        return Array(wordAt.keys)
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
