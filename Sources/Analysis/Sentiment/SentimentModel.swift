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

    /// Parses `feature<TAB>weight` lines (lines starting with `//` and blank lines are ignored);
    /// every feature of `SentimentFeatures.names` must have exactly one weight.
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
            guard SentimentFeatures.names.contains(name) else { throw failure("unknown feature \(name)") }
            guard weightsByName.updateValue(weight, forKey: name) == nil else { throw failure("duplicate feature \(name)") }
        }
        let missing = SentimentFeatures.names.filter { weightsByName[$0] == nil }
        guard missing.isEmpty else {
            throw .malformedLine(
                resource: SentimentResource.model.fileName, line: 0, text: "",
                reason: "no weight for \(missing.joined(separator: ", "))")
        }
        weights = SentimentFeatures(values: SentimentFeatures.names.map { weightsByName[$0]! })
    }

    /// The section of the table image holding the weights, in the order of `SentimentFeatures.names`.
    static let sectionName = "en.model"

    /// The weights stored in `image`.
    init(image: TableImage) throws(TableImageError) {
        let values = try image.elements(Self.sectionName, as: Double.self)
        guard values.count == SentimentFeatures.names.count else {
            throw .malformed(origin: image.origin, reason: "\(Self.sectionName) holds \(values.count) weights")
        }
        weights = SentimentFeatures(values: Array(values))
    }

    /// Writes the weights to the section ``sectionName``.
    func write(to writer: inout TableImageWriter) {
        writer.add(Self.sectionName, elements: weights.values)
    }

    /// VADER's own compound score (the normalised sum), with no learned weighting: for the
    /// other languages' models, whose lexicons and rules were tuned on it.
    static let vaderCompound = SentimentModel(weights: SentimentFeatures(values: [ratingScale, 0, 0, 0, 0, 0]))

    private init(weights: SentimentFeatures) {
        self.weights = weights
    }

    /// The compound score of a text with `features`.
    @inline(__always)
    func compound(for features: SentimentFeatures) -> Double {
        max(-1, min(1, features.dot(weights) / Self.ratingScale))
    }
}
