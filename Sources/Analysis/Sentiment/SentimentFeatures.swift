/// What the rules found in one text, which the learned model
/// (`SentimentModel`) weighs into its compound score. All are 0 for a text
/// without sentiment tokens, so such a text stays neutral.
public struct SentimentFeatures: Sendable, Equatable {
    /// VADER's compound: the sum of the rule-adjusted valences with the punctuation emphasis,
    /// normalised as `sum / sqrt(sum² + 15)`.
    public var normalizedSum = 0.0
    /// That sum divided by the square root of the number of tokens other than boosters and
    /// negators (dense or diluted sentiment).
    public var sumPerRootToken = 0.0
    /// The sign of the sum: -1, 0 or 1.
    public var polarity = 0.0
    /// Punctuation emphasis ("!", "??") signed in the direction of the sum.
    public var emphasis = 0.0
    /// `normalizedSum` of a text with a link, else 0: links come with news and promotions,
    /// which people rate milder than the same words in a personal post.
    public var sumWithLink = 0.0
    /// `normalizedSum` of a text with a "?", else 0: questions are rated milder too.
    public var sumWithQuestion = 0.0

    /// Feature names in the order of `values`, as the model file and the fitting script name them.
    public static let names = [
        "normalized_sum", "sum_per_root_token", "polarity", "emphasis", "sum_with_link", "sum_with_question",
    ]

    /// Creates features with every value 0.
    public init() {}

    /// Creates features from values in the order of `names`.
    init(values: [Double]) {
        precondition(values.count == Self.names.count, "expected \(Self.names.count) feature values")
        normalizedSum = values[0]
        sumPerRootToken = values[1]
        polarity = values[2]
        emphasis = values[3]
        sumWithLink = values[4]
        sumWithQuestion = values[5]
    }

    /// The values in the order of `names`.
    public var values: [Double] { [normalizedSum, sumPerRootToken, polarity, emphasis, sumWithLink, sumWithQuestion] }

    /// Sum of the products of the features with `weights` given as features.
    func dot(_ weights: SentimentFeatures) -> Double {
        normalizedSum * weights.normalizedSum + sumPerRootToken * weights.sumPerRootToken
            + polarity * weights.polarity + emphasis * weights.emphasis + sumWithLink * weights.sumWithLink
            + sumWithQuestion * weights.sumWithQuestion
    }
}
