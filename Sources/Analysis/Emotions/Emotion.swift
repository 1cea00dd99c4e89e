/// Ekman's six basic emotions plus neutral, the labels of the emotion model, in the model's
/// column order.
public enum Emotion: Int, CaseIterable, Sendable, Hashable, Comparable {
    case anger, disgust, fear, joy, neutral, sadness, surprise

    /// The label's name as written in JSON, the store and the query language ("anger").
    public var name: String { staticName.description }

    /// ``name`` as a static string, for writers that take keys as literals.
    public var staticName: StaticString {
        switch self {
        case .anger: "anger"
        case .disgust: "disgust"
        case .fear: "fear"
        case .joy: "joy"
        case .neutral: "neutral"
        case .sadness: "sadness"
        case .surprise: "surprise"
        }
    }

    /// The emotion named `name` (lower case, as ``name`` writes it), or nil.
    public init?(name: String) {
        guard let emotion = Emotion.allCases.first(where: { $0.name == name }) else { return nil }
        self = emotion
    }

    public static func < (lhs: Emotion, rhs: Emotion) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The emotion model's verdict on one text: a probability per label and the labels at or above
/// their thresholds (``Emotion/neutral`` alone when none is).
///
/// Held without heap storage (a vector and a bit set), so classifying a text allocates nothing.
public struct EmotionScores: Sendable, Equatable {
    /// Probabilities in ``Emotion`` order (lane 7 unused, zero).
    public let probabilities: SIMD8<Float>
    /// Bit `emotion.rawValue` is set for each label given.
    public let labelBits: UInt8

    /// Creates scores from probabilities and the set of labels given.
    public init(probabilities: SIMD8<Float>, labelBits: UInt8) {
        self.probabilities = probabilities
        self.labelBits = labelBits
    }

    /// The probability of `emotion`, in 0...1.
    public func probability(of emotion: Emotion) -> Float { probabilities[emotion.rawValue] }

    /// Whether `emotion` is among the labels given.
    public func contains(_ emotion: Emotion) -> Bool { labelBits & (1 << UInt8(emotion.rawValue)) != 0 }

    /// The labels given, in ``Emotion`` order; `[.neutral]` when no emotion reached its threshold.
    public var labels: [Emotion] { Emotion.allCases.filter(contains) }
}
