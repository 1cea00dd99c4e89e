import Testing
@testable import Sentiment

@Suite("Compiled sentiment tables")
struct SentimentTablesTests {
    /// sentiment-tables.bin must be what the TSV sources compile to: after editing a lexicon,
    /// rule file or the model's weights, run scripts/gen-tables.sh.
    @Test("the shipped tables are those of the TSV sources")
    func shippedTablesMatchSources() throws {
        let inSync = try SentimentTables.shipped() == SentimentTables.compile()
        #expect(inSync, "sentiment-tables.bin is stale: run scripts/gen-tables.sh")
    }

    @Test("the model's weights read from the tables are those of its TSV file")
    func modelWeights() throws {
        let parsed = try SentimentModel(parsing: SentimentResource.model.contents())
        let compiled = try SentimentModel(image: SentimentTables.image)
        #expect(compiled.weights == parsed.weights)
        #expect(compiled.emotionWeights == parsed.emotionWeights && parsed.emotionWeights != nil)
    }
}
