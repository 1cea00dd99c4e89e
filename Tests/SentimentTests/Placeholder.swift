import Testing
@testable import Sentiment
@Test func placeholder() { #expect(SentimentAnalyzer.shared.lexiconCount > 0) }
