import Emotions
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

    /// The weights of the model with emotions: each rule feature 1, intercept -0.5, the probabilities
    /// 0.1 … 0.7 and their products with the normalised sum -1 … -7.
    private static let withEmotions = valid + EmotionWeights.names.enumerated().map { index, name in
        let weight = index < 6 ? 1 : index == 6 ? -0.5 : index < 14 ? Double(index - 6) / 10 : -Double(index - 13)
        return "\(EmotionWeights.prefix)\(name)\t\(weight)\n"
    }.joined()

    @Test("with emotions, the probabilities are weighed alone and times the normalised sum")
    func weighsEmotions() throws {
        let model = try SentimentModel(parsing: Self.withEmotions)
        #expect(try SentimentModel(parsing: Self.valid).emotionWeights == nil)
        var features = SentimentFeatures()
        features.normalizedSum = 0.5
        features.polarity = 1
        let emotions = EmotionScores(probabilities: [0.1, 0, 0, 0.8, 0.2, 0, 0, 0], labelBits: 0)
        // Rules 0.5 + 1, intercept -0.5, anger 0.1 x (0.1 - 1 x 0.5), joy 0.8 x (0.4 - 4 x 0.5), neutral 0.2 x (0.5 - 5 x 0.5).
        let rating = 1.5 - 0.5 + 0.1 * (0.1 - 0.5) + 0.8 * (0.4 - 2) + 0.2 * (0.5 - 2.5)
        let probabilities = SIMD8<Double>(emotions.probabilities)  // the Float probabilities as the model reads them
        let exact = 1.5 - 0.5 + probabilities[0] * (0.1 - 0.5) + probabilities[3] * (0.4 - 2) + probabilities[4] * (0.5 - 2.5)
        #expect(abs(exact - rating) < 1e-6)
        #expect(abs(model.compound(for: features, emotions: emotions) - exact / 4) < 1e-12)
        #expect(model.compound(for: features, emotions: nil) == model.compound(for: features))
        #expect(abs(model.compound(for: features) - (0.5 * 4 + 0.25) / 4) < 1e-12)
    }

    @Test("a model file with only some of the emotion weights is rejected")
    func rejectsPartialEmotionWeights() {
        let partial = Self.valid + "\(EmotionWeights.prefix)intercept\t1\n"
        #expect(throws: SentimentResourceError.self) { try SentimentModel(parsing: partial) }
        let duplicated = Self.withEmotions + "\(EmotionWeights.prefix)intercept\t1\n"
        #expect(throws: SentimentResourceError.self) { try SentimentModel(parsing: duplicated) }
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

    @Test("the shipped English model weighs the emotion model's verdict when it is given")
    func shippedModelWeighsEmotions() throws {
        let model = try SentimentModel(parsing: SentimentResource.model.contents())
        #expect(model.emotionWeights != nil)
        var differs = false
        for text in ["good", "not bad at all!!", "I hate Mondays 😡", "a table", "Is it going to be a free update?"] {
            let features = SentimentAnalyzer.shared.features(for: text)
            let emotions = EmotionClassifier.shared.scores(for: text)
            let scored = SentimentAnalyzer.shared.scores(for: text, emotions: emotions)
            #expect(scored.compound == model.compound(for: features, emotions: emotions), "\(text)")
            #expect(SentimentAnalyzer.shared.scores(for: text, emotions: nil) == SentimentAnalyzer.shared.scores(for: text))
            differs = differs || scored.compound != SentimentAnalyzer.shared.scores(for: text).compound
        }
        #expect(differs)
        // A text without tokens stays fully neutral, emotions or not.
        #expect(SentimentAnalyzer.shared.scores(for: "http://example.com", emotions: EmotionClassifier.shared.scores(for: "x"))
            == .empty)
        // The other languages' models have no emotion weights: their scores ignore emotions.
        #expect(SentimentModel.vaderCompound.emotionWeights == nil)
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
