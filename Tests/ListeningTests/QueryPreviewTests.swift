import Testing
@testable import Listening

/// ``QueryPreview``: trying an unsaved query on posts read newest first, within bounds.
@Suite struct QueryPreviewTests {
    /// Posts 0…count-1, the even ones about shoes.
    static func posts(_ count: Int) -> [(id: Int, document: MatchableDocument)] {
        (0..<count).map { ($0, MatchableDocument(text: $0 % 2 == 0 ? "red shoes number \($0)" : "a hat number \($0)")) }
    }

    /// Reads `posts` in order until the preview refuses one; whether it refused.
    static func feed(_ preview: inout QueryPreview<Int>, _ posts: [(id: Int, document: MatchableDocument)], nowMs: (Int) -> Int64 = { _ in 0 }) -> Bool {
        for (index, post) in posts.enumerated() where !preview.read(post.id, as: post.document, nowMs: nowMs(index)) { return true }
        return false
    }

    @Test func keepsTheFirstMatchesAndCountsAllOfThem() throws {
        var preview = QueryPreview<Int>(query: try ListeningQuery.parse("shoes"), limits: try QueryPreviewLimits(matches: 3, scanned: 0), budgetEndMs: 1_000)
        let refused = Self.feed(&preview, Self.posts(20))
        #expect(!refused)
        #expect(preview.matches == [0, 2, 4])
        #expect(preview.matched == 10)
        #expect(preview.scanned == 20)
        #expect(preview.stop == nil)
    }

    @Test func stopsAtTheScannedLimitOnlyWhenMorePostsCome() throws {
        let query = try ListeningQuery.parse("shoes")
        var exact = QueryPreview<Int>(query: query, limits: try QueryPreviewLimits(matches: 0, scanned: 6), budgetEndMs: 1_000)
        #expect(!Self.feed(&exact, Self.posts(6)))
        #expect(exact.stop == nil, "six posts for a limit of six: every post was read")
        #expect(exact.remaining == 0)

        var over = QueryPreview<Int>(query: query, limits: try QueryPreviewLimits(matches: 0, scanned: 6), budgetEndMs: 1_000)
        #expect(Self.feed(&over, Self.posts(7)))
        #expect(over.stop == .scannedLimit)
        #expect(over.scanned == 6)
        #expect(over.matched == 3)
        #expect(over.remaining == 0)
    }

    @Test func stopsWhenTheTimeBudgetEnds() throws {
        var preview = QueryPreview<Int>(query: try ListeningQuery.parse("shoes OR hat"), limits: try QueryPreviewLimits(matches: 0, scanned: 0), budgetEndMs: 5)
        #expect(Self.feed(&preview, Self.posts(100), nowMs: { Int64($0) }))
        #expect(preview.stop == .timeBudget)
        #expect(preview.scanned == 5)
        #expect(preview.matched == 5)
        let readAfterStop = preview.read(99, as: MatchableDocument(text: "shoes"), nowMs: 0)
        #expect(!readAfterStop && preview.scanned == 5, "a stopped preview reads nothing more")
    }

    @Test func limitsDefaultAndRefuseOutOfRange() throws {
        let defaults = try QueryPreviewLimits(matches: 0, scanned: 0)
        #expect(defaults.matches == QueryPreviewLimits.defaultMatches)
        #expect(defaults.scanned == QueryPreviewLimits.defaultScanned)
        #expect(throws: QueryPreviewLimitError(field: "limit", value: 101, max: 100)) { try QueryPreviewLimits(matches: 101, scanned: 0) }
        #expect(throws: QueryPreviewLimitError(field: "max_scanned", value: -1, max: 50_000)) { try QueryPreviewLimits(matches: 1, scanned: -1) }
        #expect(QueryPreviewLimitError(field: "limit", value: 101, max: 100).description == "limit = 101 is out of range 1...100 (0 = default)")
    }
}
