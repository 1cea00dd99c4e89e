import Testing

@testable import Sentiment

@Suite("Learned model")
struct ModelTests {
    private static let links = "sum_with_link\t-1\nsum_with_question\t-2\n"
    private static let valid = "// comment\nnormalized_sum\t4\nsum_per_root_token\t0.5\npolarity\t0.25\nemphasis\t1\n" + links

    @Test("weights are parsed by feature name and weigh the features")
    func parsesWeights() throws {
        let model = try SentimentModel(parsing: Self.valid)
        var features = SentimentFeatures()
        #expect(model.compound(for: features) == 0)
        features.normalizedSum = 0.1
        features.sumPerRootToken = 0.4
        features.polarity = 1
        #expect(abs(model.compound(for: features) - (0.4 + 0.2 + 0.25) / 4) < 1e-12)
        features.sumWithLink = 0.1
        features.sumWithQuestion = 0.1
        #expect(abs(model.compound(for: features) - (0.4 + 0.2 + 0.25 - 0.1 - 0.2) / 4) < 1e-12)
        features.normalizedSum = 10
        #expect(model.compound(for: features) == 1)
        features.normalizedSum = -10
        features.polarity = -1
        #expect(model.compound(for: features) == -1)
    }

    @Test("malformed model files are rejected with the line", arguments: [
        "normalized_sum\t4\nsum_per_root_token\t0.5\npolarity\t0.25\n" + links,
        "// comment\nnormalized_sum\t4\nsum_per_root_token\t0.5\npolarity\t0.25\nemphasis\t1\n",
        valid + "emphasis\t2\n",
        valid + "caps\t1\n",
        "normalized_sum\tfour\nsum_per_root_token\t0.5\npolarity\t0.25\nemphasis\t1\n" + links,
        "normalized_sum\t4\t5\nsum_per_root_token\t0.5\npolarity\t0.25\nemphasis\t1\n" + links,
        "normalized_sum\tnan\nsum_per_root_token\t0.5\npolarity\t0.25\nemphasis\t1\n" + links,
    ])
    func rejectsMalformed(source: String) {
        #expect(throws: SentimentResourceError.self) { try SentimentModel(parsing: source) }
    }

    @Test("the shipped model and lexicons load, and the model is the analyser's last step")
    func shippedResources() throws {
        for resource in SentimentResource.allCases {
            #expect(try !resource.contents().isEmpty)
        }
        let model = try SentimentModel(parsing: SentimentResource.model.contents())
        for text in ["good", "not bad at all!!", "I hate Mondays 😡", "a table"] {
            let features = SentimentAnalyzer.shared.features(for: text)
            #expect(SentimentAnalyzer.shared.scores(for: text).compound == model.compound(for: features))
        }
        #expect(SentimentAnalyzer.shared.features(for: "a table") == SentimentFeatures())
    }

    @Test("links and questions are features of their own")
    func linkAndQuestionFeatures() {
        let plain = SentimentAnalyzer.shared.features(for: "great new phone")
        #expect(plain.sumWithLink == 0 && plain.sumWithQuestion == 0 && plain.normalizedSum > 0)
        let linked = SentimentAnalyzer.shared.features(for: "great new phone http://example.com/x")
        #expect(linked.sumWithLink == plain.normalizedSum && linked.sumWithQuestion == 0)
        let asked = SentimentAnalyzer.shared.features(for: "great new phone?")
        #expect(asked.sumWithQuestion == asked.normalizedSum && asked.sumWithLink == 0)
    }
}
