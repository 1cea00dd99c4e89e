import Foundation

/// Scores single posts: reach, engagement, influence, virality, care priority, spam risk and care intents.
///
/// Pure and stateless: the same input and weights always give the same scores, so any number
/// of `score` workers can run it in parallel. Formulas and reasons are in docs/SCORING.md.
public struct ScoringModel: Sendable {
    /// The tunables in use.
    public let weights: ScoringWeights
    /// The phrase lists used to detect care intents.
    public let lexicon: IntentLexicon
    /// Intent factors indexed like `CareIntent.allCases`, resolved once from `weights.intentWeights`.
    private let intentFactors: [Double]

    private static let millisecondsPerHour = 3_600_000.0

    /// Creates a model with `weights` (default: `ScoringWeights.default`) and `lexicon` (default: English).
    public init(weights: ScoringWeights = .default, lexicon: IntentLexicon = .english) {
        self.weights = weights
        self.lexicon = lexicon
        self.intentFactors = CareIntent.allCases.map { weights.intentWeights[$0.rawValue] ?? weights.noIntentFactor }
    }

    /// Scores one post.
    public func score(_ input: ScoringInput) -> PostScores {
        let signals = TextSignals(analyzing: input.text, lexicon: lexicon)
        let counts = Counts(input)
        let ageHours = Self.ageHours(input)
        let reach = reach(counts)
        let engagement = engagement(counts)
        let rateDenominator = counts.views > 0 ? counts.views : reach
        let spamRisk = spamRisk(input: input, counts: counts, signals: signals)
        return PostScores(
            reach: reach,
            engagement: engagement,
            engagementRate: rateDenominator > 0 ? engagement / rateDenominator : 0,
            influence: influence(input: input, counts: counts),
            virality: engagement / pow(ageHours + weights.viralityAgeOffsetHours, weights.viralityGravity),
            priority: priority(input: input, reach: reach, ageHours: ageHours, intents: signals.intents, spamRisk: spamRisk),
            spamRisk: spamRisk,
            intent: signals.intents.names
        )
    }

    // MARK: - Models

    /// Views when known, otherwise earned impressions; never less than the people who interacted.
    private func reach(_ counts: Counts) -> Double {
        let interacted = counts.likes + counts.replies + counts.reposts + counts.quotes
        if counts.views > 0 { return max(counts.views, interacted) }
        let ownImpressions = counts.followers * weights.followerImpressionRate
        let amplifiedImpressions = (counts.reposts + counts.quotes) * weights.reposterAudience * weights.followerImpressionRate
        return max(ownImpressions + amplifiedImpressions, interacted)
    }

    /// Weighted interactions.
    private func engagement(_ counts: Counts) -> Double {
        counts.likes * weights.likeWeight + counts.replies * weights.replyWeight
            + counts.reposts * weights.repostWeight + counts.quotes * weights.quoteWeight
    }

    /// Author influence 0–100 from log audience, verification and log follower/following ratio.
    private func influence(input: ScoringInput, counts: Counts) -> Double {
        let audience = Self.logScaled(counts.followers, saturation: weights.influenceAudienceSaturation)
        let ratio = Self.logScaled(counts.followers / max(counts.following, 1), saturation: weights.influenceRatioSaturation)
        var share = weights.influenceAudienceShare * audience + weights.influenceRatioShare * ratio
        if input.verified { share += weights.influenceVerifiedShare }
        if input.isBot { share *= weights.botInfluenceMultiplier }
        return 100 * Self.clampedUnit(share)
    }

    /// Care priority 1–100: negativity × reach × intent × urgency, lowered for reposts and spam.
    private func priority(input: ScoringInput, reach: Double, ageHours: Double, intents: CareIntentSet, spamRisk: Double) -> Int {
        let negativity = input.sentimentCompound.flatMap { $0.isFinite ? (1 - min(max($0, -1), 1)) / 2 : nil }
            ?? weights.unknownSentimentNegativity
        let reachFactor = weights.priorityReachFloor
            + (1 - weights.priorityReachFloor) * Self.logScaled(reach, saturation: weights.priorityReachSaturation)
        let freshness = pow(2, -ageHours / weights.urgencyHalfLifeHours)
        let urgentBoost = intents.contains(.urgent) ? weights.urgentIntentBoost : 0
        let urgency = min(1, weights.urgencyFloor + (1 - weights.urgencyFloor) * freshness + urgentBoost)
        let repostFactor = input.isRepost ? weights.repostPriorityMultiplier : 1
        let spamFactor = 1 - weights.spamPriorityPenalty * spamRisk
        let raw = negativity * reachFactor * intentFactor(intents) * urgency * repostFactor * spamFactor
        return 1 + Int((99 * Self.clampedUnit(raw)).rounded())
    }

    /// The strongest intent's factor plus a bonus per further intent, or `noIntentFactor`.
    private func intentFactor(_ intents: CareIntentSet) -> Double {
        var strongest = 0.0
        var found = 0
        for index in intentFactors.indices where intents.contains(position: index) {
            strongest = max(strongest, intentFactors[index])
            found += 1
        }
        guard found > 0 else { return weights.noIntentFactor }
        return min(1, strongest + weights.additionalIntentBonus * Double(found - 1))
    }

    /// Spam or bot risk 0–1: the noisy-OR of independent risk signals.
    private func spamRisk(input: ScoringInput, counts: Counts, signals: TextSignals) -> Double {
        let urls = max(input.urlCount, signals.urlCount)
        let hashtags = max(input.hashtagCount, signals.hashtagCount)
        let mentions = max(input.mentionCount, signals.mentionCount)
        var repetition = 0.0
        if signals.wordCount >= weights.repetitionMinimumWords {
            let excess = (signals.repeatedWordFraction - weights.repetitionThreshold) / max(1 - weights.repetitionThreshold, .ulpOfOne)
            repetition = Self.clampedUnit(excess) * weights.repetitionMaximumRisk
        }
        let isLinkOnly = urls > 0 && signals.wordCount <= weights.linkOnlyMaximumWords
        let isFollowFarm = counts.following >= weights.followFarmMinimumFollowing
            && counts.following >= weights.followFarmRatio * max(counts.followers, 1)
        var clean = 1.0
        func include(_ risk: Double) { clean *= 1 - Self.clampedUnit(risk) }
        include(input.isBot ? weights.botFlagRisk : 0)
        include(repetition)
        include(isLinkOnly ? weights.linkOnlyRisk : 0)
        include(Self.stuffingRisk(count: hashtags, free: weights.freeHashtags, perExtra: weights.riskPerExtraHashtag))
        include(Self.stuffingRisk(count: mentions, free: weights.freeMentions, perExtra: weights.riskPerExtraMention))
        include(isFollowFarm ? weights.followFarmRisk : 0)
        return 1 - clean
    }

    // MARK: - Helpers

    /// Non-negative counts of the input as `Double`, so arithmetic near `Int64.max` cannot overflow.
    private struct Counts {
        let followers, following, likes, reposts, replies, quotes, views: Double

        init(_ input: ScoringInput) {
            followers = Self.clean(input.followers)
            following = Self.clean(input.following)
            likes = Self.clean(input.likes)
            reposts = Self.clean(input.reposts)
            replies = Self.clean(input.replies)
            quotes = Self.clean(input.quotes)
            views = Self.clean(input.views)
        }

        private static func clean(_ value: Int64) -> Double { Double(max(0, value)) }
    }

    /// Age of the post in hours; 0 when a timestamp is unknown or the post claims to come from the future.
    static func ageHours(_ input: ScoringInput) -> Double {
        guard input.createdAtMillis > 0, input.nowMillis > input.createdAtMillis else { return 0 }
        return Double(input.nowMillis - input.createdAtMillis) / millisecondsPerHour
    }

    /// `log10(1 + value) / log10(1 + saturation)`, clamped to 0…1.
    private static func logScaled(_ value: Double, saturation: Double) -> Double {
        clampedUnit(log10(1 + max(0, value)) / log10(1 + saturation))
    }

    /// Risk of `count` items where `free` are normal and each extra adds `perExtra`.
    private static func stuffingRisk(count: Int, free: Int, perExtra: Double) -> Double {
        Double(max(0, count - free)) * perExtra
    }

    /// `value` clamped to 0…1, with NaN mapped to 0.
    private static func clampedUnit(_ value: Double) -> Double {
        value.isNaN ? 0 : min(max(value, 0), 1)
    }
}
