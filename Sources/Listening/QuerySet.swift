/// Many listening queries matched together, at a cost that grows with the
/// size of a document and the number of queries that could match it, not
/// with the number of queries.
///
/// Each query is filed under its anchor keys (words, wildcard prefixes,
/// hashtags, domains…, at least one of which every matching document
/// carries). A document is tokenised once; its keys are looked up to find
/// candidate queries, and only those are evaluated, together with the few
/// queries that have no anchor.
public struct QuerySet: Sendable {
    private let ids: [String]
    private let roots: [QueryNode]
    private let index: [AnchorKey: [Int]]
    private let unindexed: [Int]

    /// Builds the index. Ids need not be unique; a shared id is reported once.
    public init(_ queries: [(id: String, query: ListeningQuery)]) {
        let sorted = queries.sorted { $0.id < $1.id }
        ids = sorted.map(\.id)
        roots = sorted.map(\.query.root)
        var index: [AnchorKey: [Int]] = [:]
        var unindexed: [Int] = []
        for (position, entry) in sorted.enumerated() {
            guard let anchors = entry.query.anchors else {
                unindexed.append(position)
                continue
            }
            for key in anchors {
                index[key, default: []].append(position)
            }
        }
        self.index = index
        self.unindexed = unindexed
    }

    /// Ids of the queries that match `document`, sorted, without repeats.
    public func matches(_ document: MatchableDocument) -> [String] {
        let prepared = PreparedDocument(document)
        var matched: [String] = []
        for candidate in candidates(for: prepared) where roots[candidate].matches(prepared) {
            if matched.last != ids[candidate] {
                matched.append(ids[candidate])
            }
        }
        return matched
    }

    /// Positions of the queries worth evaluating for `document`, ascending,
    /// without repeats: those sharing a key with it, plus the unindexed ones.
    func candidates(for document: PreparedDocument) -> [Int] {
        var candidates = unindexed
        for key in document.anchorKeys {
            if let positions = index[key] {
                candidates += positions
            }
        }
        candidates.sort()
        var unique: [Int] = []
        unique.reserveCapacity(candidates.count)
        for candidate in candidates where candidate != unique.last {
            unique.append(candidate)
        }
        return unique
    }

    /// How many queries the set holds.
    public var count: Int { ids.count }

    /// How many queries have no anchor and are evaluated for every document.
    public var unindexedCount: Int { unindexed.count }
}
