/// Three-way polarity of a text, derived from its compound score.
public enum SentimentLabel: String, Sendable, CaseIterable {
    /// Compound score at or below `-SentimentScores.neutralBand`.
    case negative
    /// Compound score strictly inside `(-neutralBand, +neutralBand)`.
    case neutral
    /// Compound score at or above `SentimentScores.neutralBand`.
    case positive

    /// The label of a compound score with VADER's usual thresholds:
    /// `>= 0.05` positive, `<= -0.05` negative, neutral in between.
    public init(compound: Double) {
        if compound >= SentimentScores.neutralBand {
            self = .positive
        } else if compound <= -SentimentScores.neutralBand {
            self = .negative
        } else {
            self = .neutral
        }
    }
}

/// Sentiment of one text.
///
/// `compound` is the normalised sum of the rule-adjusted valences, in
/// `-1...1`. `positive`, `neutral` and `negative` are the shares of the text's
/// tokens carrying each polarity (weighted by intensity as in VADER) and sum
/// to 1 (up to rounding); a text without any word or emoticon is fully neutral.
public struct SentimentScores: Sendable, Equatable {
    /// Half-width of the neutral band of `compound` used for `label` (0.05,
    /// VADER's published threshold).
    public static let neutralBand = 0.05

    /// Normalised overall valence in `-1...1`.
    public var compound: Double
    /// Share of positive intensity, `0...1`.
    public var positive: Double
    /// Share of neutral tokens, `0...1`.
    public var neutral: Double
    /// Share of negative intensity, `0...1`.
    public var negative: Double
    /// Polarity derived from `compound` with `neutralBand`.
    public var label: SentimentLabel

    /// Creates scores; `label` is derived from `compound`.
    public init(compound: Double, positive: Double, neutral: Double, negative: Double) {
        self.compound = compound
        self.positive = positive
        self.neutral = neutral
        self.negative = negative
        self.label = SentimentLabel(compound: compound)
    }

    /// Scores of a text with no sentiment-bearing content.
    public static let empty = SentimentScores(compound: 0, positive: 0, neutral: 1, negative: 0)
}
