import Testing
@testable import Insights

@Suite struct NetSentimentTests {
    @Test func netIsPositivePercentMinusNegativePercent() {
        let sentiment = NetSentiment(positive: 50, neutral: 30, negative: 20)
        #expect(sentiment.total == 100)
        #expect(sentiment.positiveShare == 0.5)
        #expect(sentiment.neutralShare == 0.3)
        #expect(sentiment.negativeShare == 0.2)
        #expect(abs(sentiment.value - 30) < 1e-9)
    }

    @Test func extremesAndEmpty() {
        #expect(NetSentiment(positive: 7).value == 100)
        #expect(NetSentiment(negative: 3).value == -100)
        #expect(NetSentiment(neutral: 9).value == 0)
        #expect(NetSentiment().value == 0)
        #expect(NetSentiment(positive: -5, negative: -2).total == 0)
    }

    @Test func classifiesCompoundsWithTheVaderThreshold() {
        let sentiment = NetSentiment(compounds: [0.05, 0.8, 0.049, -0.049, -0.05, -1, .nan])
        #expect(sentiment == NetSentiment(positive: 2, neutral: 3, negative: 2))
        #expect(SentimentClass(compound: 0.3, threshold: 0.5) == .neutral)
    }

    @Test func breakdownsAdd() {
        let sum = NetSentiment(positive: 1, neutral: 2, negative: 3) + NetSentiment(positive: 4, neutral: 5, negative: 6)
        #expect(sum == NetSentiment(positive: 5, neutral: 7, negative: 9))
    }
}

@Suite struct ShareOfVoiceTests {
    @Test func sharesByMentionsAndByReach() {
        let entries = ShareOfVoice.compute([
            VoiceTotals(query: "acme", mentions: 60, reach: 1_000),
            VoiceTotals(query: "globex", mentions: 30, reach: 3_000),
            VoiceTotals(query: "initech", mentions: 10, reach: 0),
        ])
        #expect(entries.map(\.query) == ["acme", "globex", "initech"])
        #expect(entries.map(\.mentionShare) == [0.6, 0.3, 0.1])
        #expect(entries.map(\.reachShare) == [0.25, 0.75, 0])
    }

    @Test func emptyAndGarbageInputs() {
        #expect(ShareOfVoice.compute([]).isEmpty)
        let entries = ShareOfVoice.compute([
            VoiceTotals(query: "a", mentions: 0, reach: 0),
            VoiceTotals(query: "b", mentions: -4, reach: .infinity),
            VoiceTotals(query: "c", mentions: 5, reach: -3),
        ])
        #expect(entries.map(\.mentionShare) == [0, 0, 1])
        #expect(entries.map(\.reachShare) == [0, 0, 0])
        #expect(entries[1].mentions == 0)
    }
}
