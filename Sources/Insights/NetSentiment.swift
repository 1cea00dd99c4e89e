/// The sentiment class of one post.
public enum SentimentClass: String, Sendable, Codable, CaseIterable {
    /// Compound score at or above the positive threshold.
    case positive
    /// Compound score strictly between the thresholds.
    case neutral
    /// Compound score at or below the negative threshold.
    case negative

    /// The conventional VADER threshold: |compound| < 0.05 is neutral.
    public static let defaultThreshold = 0.05

    /// Classifies a compound score in -1…1; a NaN score is neutral.
    public init(compound: Double, threshold: Double = SentimentClass.defaultThreshold) {
        if compound >= threshold {
            self = .positive
        } else if compound <= -threshold {
            self = .negative
        } else {
            self = .neutral
        }
    }
}

/// Counts of positive, neutral and negative posts, and the net sentiment they give.
///
/// Net sentiment = %positive − %negative, in percentage points from -100 (all negative)
/// to +100 (all positive); neutral posts count in the total and so pull it towards 0.
public struct NetSentiment: Sendable, Codable, Equatable {
    /// Positive posts.
    public var positive: Int
    /// Neutral posts.
    public var neutral: Int
    /// Negative posts.
    public var negative: Int

    /// Creates a breakdown from counts; negative counts are treated as 0.
    public init(positive: Int = 0, neutral: Int = 0, negative: Int = 0) {
        self.positive = max(0, positive)
        self.neutral = max(0, neutral)
        self.negative = max(0, negative)
    }

    /// Counts the classes of `compounds` (scores in -1…1).
    public init(compounds: some Sequence<Double>, threshold: Double = SentimentClass.defaultThreshold) {
        self.init()
        for compound in compounds { add(SentimentClass(compound: compound, threshold: threshold)) }
    }

    /// Counts one more post of `sentiment`.
    public mutating func add(_ sentiment: SentimentClass) {
        switch sentiment {
        case .positive: positive += 1
        case .neutral: neutral += 1
        case .negative: negative += 1
        }
    }

    /// All posts counted.
    public var total: Int { positive + neutral + negative }

    /// Fraction of positive posts, 0…1 (0 when nothing is counted).
    public var positiveShare: Double { share(of: positive) }
    /// Fraction of neutral posts, 0…1 (0 when nothing is counted).
    public var neutralShare: Double { share(of: neutral) }
    /// Fraction of negative posts, 0…1 (0 when nothing is counted).
    public var negativeShare: Double { share(of: negative) }

    /// %positive − %negative, in percentage points -100…100 (0 when nothing is counted).
    public var value: Double { 100 * (positiveShare - negativeShare) }

    /// The breakdown of two disjoint sets of posts together.
    public static func + (lhs: NetSentiment, rhs: NetSentiment) -> NetSentiment {
        NetSentiment(positive: lhs.positive + rhs.positive, neutral: lhs.neutral + rhs.neutral, negative: lhs.negative + rhs.negative)
    }

    private func share(of count: Int) -> Double {
        total == 0 ? 0 : Double(count) / Double(total)
    }
}
