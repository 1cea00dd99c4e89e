import Testing
@testable import Insights

@Suite struct TrendScorerTests {
    let scorer = TrendScorer()

    @Test func smoothedLiftSurfacesNewTopicsButNotNoise() {
        let ranking = scorer.rank(
            current: ["#launch": 40, "#weekend": 100, "#typo": 2, "#steady": 30],
            baseline: ["#weekend": 2_000, "#steady": 600],
            baselineWindows: 24
        )
        let launch = ranking.byLift.first
        #expect(launch?.key == "#launch")
        #expect(launch?.isNew == true)
        #expect(launch?.lift == 45.0 / 5.0)
        // #typo is new but below minimumCount; #steady runs at its own baseline rate (lift < 1.5).
        #expect(!ranking.byLift.contains { $0.key == "#typo" || $0.key == "#steady" })
        #expect(ranking.byVolume.map(\.key) == ["#weekend", "#launch", "#steady", "#typo"])
    }

    @Test func establishedItemGrowingFromItsOwnBaseline() throws {
        let ranking = scorer.rank(current: ["battery": 300], baseline: ["battery": 2_400], baselineWindows: 24)
        let item = try #require(ranking.byLift.first)
        #expect(item.baselineCount == 100)
        #expect(abs(item.lift - 305.0 / 105.0) < 1e-12)
    }

    @Test func rollingWindowsSplitCurrentFromBaseline() {
        let buckets: [[String: Int]] = [["a": 1, "b": 10], ["a": 1, "b": 10], ["a": 1, "b": 10], ["a": 20, "b": 10]]
        let ranking = scorer.rank(buckets: buckets, currentBuckets: 1)
        #expect(ranking.byLift.map(\.key) == ["a"])
        #expect(ranking.byLift.first?.baselineCount == 1)
        #expect(ranking.byVolume.map(\.key) == ["a", "b"])
    }

    @Test func limitAndEmptyInputs() {
        var config = TrendScorerConfig.default
        config.limit = 1
        let ranking = TrendScorer(config: config).rank(current: ["a": 9, "b": 8, "c": 0], baseline: [:], baselineWindows: .nan)
        #expect(ranking.byVolume.map(\.key) == ["a"])
        #expect(ranking.byLift.map(\.key) == ["a"])
        let empty = scorer.rank(buckets: [], currentBuckets: 3)
        #expect(empty.byVolume.isEmpty && empty.byLift.isEmpty)
    }

    @Test func configValidation() throws {
        try TrendScorerConfig.default.validate()
        var config = TrendScorerConfig.default
        config.smoothing = 0
        #expect(throws: InsightsConfigError.outOfRange(field: "smoothing", value: 0, allowed: "0.001...1000000.0")) {
            try config.validate()
        }
    }
}
