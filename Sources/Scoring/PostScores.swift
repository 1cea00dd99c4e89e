/// The scores of one post, as produced by `ScoringModel.score(_:)`.
public struct PostScores: Sendable, Equatable {
    /// Estimated people reached: views when known, otherwise earned impressions (see docs/SCORING.md).
    public var reach: Double
    /// Weighted interactions (likes, replies, reposts, quotes).
    public var engagement: Double
    /// `engagement` divided by views when known, otherwise by `reach`; 0 when both are 0.
    public var engagementRate: Double
    /// Author influence, 0–100.
    public var influence: Double
    /// Engagement per hour of age with a gravity decay; higher means spreading faster now.
    public var virality: Double
    /// Care priority, 1–100: work the care queue from the highest.
    public var priority: Int
    /// Spam or bot risk, 0–1.
    public var spamRisk: Double
    /// Detected care intents, raw values of `CareIntent` in declaration order.
    public var intent: [String]

    /// Creates scores from their parts.
    public init(
        reach: Double, engagement: Double, engagementRate: Double, influence: Double,
        virality: Double, priority: Int, spamRisk: Double, intent: [String]
    ) {
        self.reach = reach
        self.engagement = engagement
        self.engagementRate = engagementRate
        self.influence = influence
        self.virality = virality
        self.priority = priority
        self.spamRisk = spamRisk
        self.intent = intent
    }
}
