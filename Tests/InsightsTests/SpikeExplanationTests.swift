import Testing
@testable import Insights

@Suite struct SpikeExplanationTests {
    @Test func ranksByExcessOverTheBaselineRate() {
        let contributors = SpikeExplanation.topContributors(
            spike: ["outage": 120, "login": 40, "the": 200, "newword": 3, "gone": 0],
            baseline: ["outage": 20, "login": 100, "the": 2_000],
            baselineBuckets: 10
        )
        // outage: 120 − 2 = 118; the: 200 − 200 = 0 (dropped); login: 40 − 10 = 30; newword: 3 − 0.
        #expect(contributors.map(\.key) == ["outage", "login", "newword"])
        #expect(contributors[0].expected == 2)
        #expect(contributors[0].excess == 118)
        #expect(contributors[0].lift == 121.0 / 3.0)
        #expect(contributors[2].expected == 0)
    }

    @Test func breaksTiesByLiftThenKey() {
        let contributors = SpikeExplanation.topContributors(
            spike: ["b": 10, "a": 10, "c": 15], baseline: ["c": 50], baselineBuckets: 10
        )
        // c: excess 10, lift 16/6; a and b: excess 10, lift 11 — higher lift first, then by key.
        #expect(contributors.map(\.key) == ["a", "b", "c"])
    }

    @Test func explainsTermsAndAuthorsWithALimit() {
        let explanation = SpikeExplanation(
            spikeTerms: ["refund": 50, "app": 30, "crash": 25],
            baselineTerms: ["app": 300],
            spikeAuthors: ["@loud": 12, "@quiet": 1],
            baselineAuthors: ["@quiet": 5],
            baselineBuckets: 12,
            limit: 2
        )
        #expect(explanation.terms.map(\.key) == ["refund", "crash"])
        #expect(explanation.authors.map(\.key) == ["@loud", "@quiet"])
    }

    @Test func noBaselineMeansEverythingIsNew() {
        let contributors = SpikeExplanation.topContributors(spike: ["x": 4], baseline: ["x": 400], baselineBuckets: 0)
        #expect(contributors.first?.expected == 0)
        #expect(contributors.first?.excess == 4)
        #expect(SpikeExplanation.topContributors(spike: ["x": 4], baseline: [:], baselineBuckets: 1, limit: -3).isEmpty)
    }
}
