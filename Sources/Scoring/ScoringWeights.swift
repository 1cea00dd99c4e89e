/// Every tunable of `ScoringModel`, with documented defaults (reasons in docs/SCORING.md).
///
/// Encode `ScoringWeights.default` to JSON to get a complete template for a config file;
/// call `validate()` after decoding one.
public struct ScoringWeights: Sendable, Codable, Equatable {
    // MARK: Reach

    /// Fraction of an account's followers who see an average post (organic impression rate). Default 0.1.
    public var followerImpressionRate: Double = 0.1
    /// Assumed follower count of an average reposter or quoter, used when views are unknown. Default 300.
    public var reposterAudience: Double = 300

    // MARK: Engagement

    /// Weight of one like. Default 1.
    public var likeWeight: Double = 1
    /// Weight of one reply (a reply costs the author more effort than a like). Default 2.
    public var replyWeight: Double = 2
    /// Weight of one repost (it amplifies the post to a new audience). Default 2.
    public var repostWeight: Double = 2
    /// Weight of one quote (amplification plus effort). Default 3.
    public var quoteWeight: Double = 3

    // MARK: Influence

    /// Follower count that scores the full audience part of influence (log scale). Default 100,000,000.
    public var influenceAudienceSaturation: Double = 100_000_000
    /// Share of influence given by the log-scaled audience. Default 0.7.
    public var influenceAudienceShare: Double = 0.7
    /// Share of influence given by verification. Default 0.1.
    public var influenceVerifiedShare: Double = 0.1
    /// Share of influence given by the log-scaled follower/following ratio. Default 0.2.
    public var influenceRatioShare: Double = 0.2
    /// Follower/following ratio that scores the full ratio part (log scale). Default 1000.
    public var influenceRatioSaturation: Double = 1000
    /// Multiplier applied to the influence of accounts flagged as bots. Default 0.5.
    public var botInfluenceMultiplier: Double = 0.5

    // MARK: Virality

    /// Hours added to a post's age before the decay, so brand-new posts do not divide by ~0. Default 2.
    public var viralityAgeOffsetHours: Double = 2
    /// Exponent of the age decay (Hacker-News-style gravity). Default 1.5.
    public var viralityGravity: Double = 1.5

    // MARK: Care priority

    /// Reach that scores the full reach factor of priority (log scale). Default 1,000,000.
    public var priorityReachSaturation: Double = 1_000_000
    /// Reach factor of a post that reaches nobody, so small accounts still get answered. Default 0.3.
    public var priorityReachFloor: Double = 0.3
    /// Negativity assumed when sentiment is unavailable (0.5 = neutral). Default 0.5.
    public var unknownSentimentNegativity: Double = 0.5
    /// Intent factor of a post without any care intent. Default 0.25.
    public var noIntentFactor: Double = 0.25
    /// Intent factor per `CareIntent` raw value; missing intents weigh `noIntentFactor`.
    public var intentWeights: [String: Double] = [
        CareIntent.question.rawValue: 0.6, CareIntent.refund.rawValue: 1.0,
        CareIntent.broken.rawValue: 0.9, CareIntent.cancel.rawValue: 1.0,
        CareIntent.waiting.rawValue: 0.8, CareIntent.billing.rawValue: 1.0,
        CareIntent.outage.rawValue: 0.9, CareIntent.complaint.rawValue: 0.7,
        CareIntent.urgent.rawValue: 0.7,
    ]
    /// Added to the intent factor for each intent beyond the strongest (capped at 1). Default 0.1.
    public var additionalIntentBonus: Double = 0.1
    /// Age at which the freshness part of urgency has halved, in hours. Default 6.
    public var urgencyHalfLifeHours: Double = 6
    /// Urgency of a very old post (freshness only lifts urgency above this). Default 0.5.
    public var urgencyFloor: Double = 0.5
    /// Urgency added when the `urgent` intent is present (capped at 1). Default 0.3.
    public var urgentIntentBoost: Double = 0.3
    /// Priority multiplier for plain reposts (the complaint belongs to someone else). Default 0.3.
    public var repostPriorityMultiplier: Double = 0.3
    /// How strongly spam risk lowers priority: multiplier is `1 - penalty × spamRisk`. Default 0.8.
    public var spamPriorityPenalty: Double = 0.8

    // MARK: Spam risk

    /// Risk given by the source's bot flag. Default 0.9.
    public var botFlagRisk: Double = 0.9
    /// Posts with fewer words are not judged for repetition. Default 6.
    public var repetitionMinimumWords: Int = 6
    /// Fraction of repeated words that normal prose reaches; risk grows above it. Default 0.4.
    public var repetitionThreshold: Double = 0.4
    /// Risk when every word after the first repeats. Default 0.8.
    public var repetitionMaximumRisk: Double = 0.8
    /// A post with a URL and at most this many words counts as link-only. Default 3.
    public var linkOnlyMaximumWords: Int = 3
    /// Risk of a link-only post. Default 0.5.
    public var linkOnlyRisk: Double = 0.5
    /// Hashtags allowed before stuffing risk starts. Default 3.
    public var freeHashtags: Int = 3
    /// Risk per hashtag beyond `freeHashtags`. Default 0.15.
    public var riskPerExtraHashtag: Double = 0.15
    /// Mentions allowed before stuffing risk starts. Default 4.
    public var freeMentions: Int = 4
    /// Risk per mention beyond `freeMentions`. Default 0.15.
    public var riskPerExtraMention: Double = 0.15
    /// Following/followers ratio from which an account looks like a follow farm. Default 20.
    public var followFarmRatio: Double = 20
    /// Minimum `following` before the follow-farm signal applies. Default 1000.
    public var followFarmMinimumFollowing: Double = 1000
    /// Risk of a follow-farm account. Default 0.3.
    public var followFarmRisk: Double = 0.3

    /// The documented defaults.
    public static let `default` = ScoringWeights()

    /// Creates the default weights; change fields afterwards to tune.
    public init() {}

    /// Weights whose value must lie in 0…1 (fractions, shares, risks).
    private static let unitIntervalFields: Set<String> = [
        "followerImpressionRate", "influenceAudienceShare", "influenceVerifiedShare",
        "influenceRatioShare", "botInfluenceMultiplier", "priorityReachFloor",
        "unknownSentimentNegativity", "noIntentFactor", "additionalIntentBonus", "urgencyFloor",
        "urgentIntentBoost", "repostPriorityMultiplier", "spamPriorityPenalty", "botFlagRisk",
        "repetitionThreshold", "repetitionMaximumRisk", "linkOnlyRisk", "riskPerExtraHashtag",
        "riskPerExtraMention", "followFarmRisk",
    ]

    /// Weights that divide or scale a logarithm and so must be strictly positive.
    private static let positiveFields: Set<String> = [
        "influenceAudienceSaturation", "influenceRatioSaturation", "priorityReachSaturation",
        "urgencyHalfLifeHours", "viralityAgeOffsetHours",
    ]

    /// Checks that every weight is finite and non-negative, that fractions lie in 0…1 and that
    /// saturation points and the urgency half-life are positive.
    public func validate() throws(ScoringWeightsError) {
        for child in Mirror(reflecting: self).children {
            guard let field = child.label else { continue }
            switch child.value {
            case let value as Double: try Self.check(field: field, value: value)
            case let value as Int: try Self.check(field: field, value: Double(value))
            case let table as [String: Double]:
                for (intent, value) in table {
                    guard CareIntent(rawValue: intent) != nil else { throw .unknownIntent(intent) }
                    try Self.check(field: "\(field).\(intent)", value: value, upperBound: 1)
                }
            default: continue
            }
        }
    }

    private static func check(field: String, value: Double, upperBound: Double? = nil) throws(ScoringWeightsError) {
        let limit = upperBound ?? (unitIntervalFields.contains(field) ? 1 : .infinity)
        let isPositive = !positiveFields.contains(field) || value > 0
        guard value.isFinite, value >= 0, value <= limit, isPositive else {
            throw .outOfRange(field: field, value: value, allowed: isPositive ? "0...\(limit)" : "> 0")
        }
    }
}

/// Why a `ScoringWeights` value was rejected by `validate()`.
public enum ScoringWeightsError: Error, Equatable, CustomStringConvertible {
    /// A weight lies outside its allowed range.
    case outOfRange(field: String, value: Double, allowed: String)
    /// `intentWeights` names an intent that `CareIntent` does not know.
    case unknownIntent(String)

    /// A human-readable explanation that names the field and value.
    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let allowed):
            return "scoring weight \(field) = \(value) is outside \(allowed)"
        case .unknownIntent(let name):
            return "scoring weight intentWeights names unknown intent \"\(name)\""
        }
    }
}
