import Emotions
import TextBytes

/// The learned last step of the analyser: a linear model without intercept
/// that predicts the mean human rating (-4 … 4) of a text from its
/// `SentimentFeatures`; the compound score is that rating divided by 4,
/// clamped to -1 … 1. Its weights are fitted offline on the development tweets
/// by scripts/eval-sentiment.sh --fit into the `sentiment_model.tsv` resource
/// (see docs/SENTIMENT.md), and compiled with the lexicons into the section
/// ``sectionName`` of the table image.
struct SentimentModel: Sendable {
    /// The rating scale of the fitted target: ratings run from -scale to +scale.
    static let ratingScale = 4.0

    /// One weight per feature, held as features so that scoring is a plain dot product.
    let weights: SentimentFeatures
    /// The model that also weighs the emotion model's probabilities, used when a text's
    /// emotions are given; nil for a model without one (the other languages').
    let emotionWeights: EmotionWeights?

    /// Parses `feature<TAB>weight` lines (lines starting with `//` and blank lines are ignored);
    /// every feature of `SentimentFeatures.names` must have exactly one weight, and the names of
    /// ``EmotionWeights/names`` (prefixed ``EmotionWeights/prefix``) all one or none.
    init(parsing source: String) throws(SentimentResourceError) {
        var weightsByName: [String: Double] = [:]
        for (number, line) in SentimentResource.lines(of: source) where !line.hasPrefix("//") {
            func failure(_ reason: String) -> SentimentResourceError {
                .malformedLine(resource: SentimentResource.model.fileName, line: number, text: String(line), reason: reason)
            }
            guard let (feature, value) = SentimentResource.fieldPair(of: line), let weight = Double(value), weight.isFinite else {
                throw failure("expected feature<TAB>weight")
            }
            let name = String(feature)
            guard SentimentFeatures.names.contains(name) || EmotionWeights.prefixedNames.contains(name) else {
                throw failure("unknown feature \(name)")
            }
            guard weightsByName.updateValue(weight, forKey: name) == nil else { throw failure("duplicate feature \(name)") }
        }
        let missing = SentimentFeatures.names.filter { weightsByName[$0] == nil }
        guard missing.isEmpty else {
            throw .malformedLine(
                resource: SentimentResource.model.fileName, line: 0, text: "",
                reason: "no weight for \(missing.joined(separator: ", "))")
        }
        weights = SentimentFeatures(values: SentimentFeatures.names.map { weightsByName[$0]! })
        let emotionValues = EmotionWeights.prefixedNames.compactMap { weightsByName[$0] }
        guard emotionValues.isEmpty || emotionValues.count == EmotionWeights.names.count else {
            let missing = EmotionWeights.prefixedNames.filter { weightsByName[$0] == nil }
            throw .malformedLine(
                resource: SentimentResource.model.fileName, line: 0, text: "",
                reason: "no weight for \(missing.joined(separator: ", "))")
        }
        emotionWeights = emotionValues.isEmpty ? nil : EmotionWeights(values: emotionValues)
    }

    /// The section of the table image holding the weights, in the order of `SentimentFeatures.names`,
    /// then those of ``EmotionWeights/names`` if the model has them.
    static let sectionName = "en.model"

    /// The weights stored in `image`.
    init(image: TableImage) throws(TableImageError) {
        let values = Array(try image.elements(Self.sectionName, as: Double.self))
        let count = SentimentFeatures.names.count
        guard values.count == count || values.count == count + EmotionWeights.names.count else {
            throw .malformed(origin: image.origin, reason: "\(Self.sectionName) holds \(values.count) weights")
        }
        weights = SentimentFeatures(values: Array(values[..<count]))
        emotionWeights = values.count == count ? nil : EmotionWeights(values: Array(values[count...]))
    }

    /// Writes the weights to the section ``sectionName``.
    func write(to writer: inout TableImageWriter) {
        writer.add(Self.sectionName, elements: weights.values + (emotionWeights?.values ?? []))
    }

    /// VADER's own compound score (the normalised sum), with no learned weighting: for the
    /// other languages' models, whose lexicons and rules were tuned on it.
    static let vaderCompound = SentimentModel(weights: SentimentFeatures(values: [ratingScale, 0, 0, 0, 0, 0]))

    private init(weights: SentimentFeatures) {
        self.weights = weights
        emotionWeights = nil
    }

    /// The compound score of a text with `features`, and with `emotions` (the emotion model's
    /// verdict on the same text) when given and the model weighs them.
    @inline(__always)
    func compound(for features: SentimentFeatures, emotions: EmotionScores? = nil) -> Double {
        let rating = if let emotions, let emotionWeights {
            emotionWeights.rating(for: features, emotions: emotions)
        } else {
            features.dot(weights)
        }
        return max(-1, min(1, rating / Self.ratingScale))
    }
}

/// The learned step that weighs the emotion model's probabilities (Sources/Analysis/Emotions,
/// computed for every English text) beside the rule features: the predicted rating is the rule
/// features' dot product with their own weights, plus an intercept, plus each probability times
/// its weight and times its weight for the normalised sum times the probability. Fitted by
/// scripts/sentiment/emotion_features.py fit (design `+p+1+p*sum`; docs/SENTIMENT.md).
struct EmotionWeights: Sendable, Equatable {
    /// The weights of the rule features.
    var features: SentimentFeatures
    var intercept: Double
    /// A weight per probability, in ``Emotion`` order (lane 7 zero).
    var probabilities: SIMD8<Double>
    /// A weight per probability times the normalised sum, in ``Emotion`` order (lane 7 zero).
    var probabilitiesTimesSum: SIMD8<Double>

    /// What the model file puts before each name of ``names``.
    static let prefix = "with_emotions."

    /// The weights' names in the order of ``values``, as the fitting script writes them.
    static let names = SentimentFeatures.names + ["intercept"]
        + Emotion.allCases.map { "emotion_\($0.name)" } + Emotion.allCases.map { "emotion_\($0.name)_x_sum" }

    /// ``names`` with ``prefix``.
    static let prefixedNames = names.map { prefix + $0 }

    /// Weights from values in the order of ``names``.
    init(values: [Double]) {
        precondition(values.count == Self.names.count, "expected \(Self.names.count) weights")
        let featureCount = SentimentFeatures.names.count
        let emotionCount = Emotion.allCases.count
        features = SentimentFeatures(values: Array(values[..<featureCount]))
        intercept = values[featureCount]
        probabilities = SIMD8()
        probabilitiesTimesSum = SIMD8()
        for lane in 0..<emotionCount {
            probabilities[lane] = values[featureCount + 1 + lane]
            probabilitiesTimesSum[lane] = values[featureCount + 1 + emotionCount + lane]
        }
    }

    /// The values in the order of ``names``.
    var values: [Double] {
        let lanes = 0..<Emotion.allCases.count
        return features.values + [intercept] + lanes.map { probabilities[$0] } + lanes.map { probabilitiesTimesSum[$0] }
    }

    /// The predicted mean rating (-4 … 4) of a text with `features` and `emotions`.
    @inline(__always)
    func rating(for features: SentimentFeatures, emotions: EmotionScores) -> Double {
        let probability = SIMD8<Double>(emotions.probabilities)
        let perProbability = probabilities + probabilitiesTimesSum * features.normalizedSum
        return features.dot(self.features) + intercept + (perProbability * probability).sum()
    }
}
