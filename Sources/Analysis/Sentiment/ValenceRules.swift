import Emotions

/// The VADER heuristics, applied to scanned tokens.
///
/// Constants are the empirically derived values published with VADER
/// (Hutto & Gilbert 2014) unless noted.
enum ValenceRules {
    /// Increment of a booster word ("very good").
    static let boosterIncrement = 0.293
    /// Increment of a word in capitals when others are not ("GOOD").
    static let capitalsIncrement = 0.733
    /// Factor applied by a negation ("not good").
    static let negationFactor = -0.74
    /// Factor for "never so/this …" (intensifies instead of negating).
    static let neverSoFactor = 1.25
    /// Weight of sentiment before / after a contrastive "but" in the same sentence.
    static let beforeContrastWeight = 0.5
    static let afterContrastWeight = 1.5
    /// Emphasis of each "!" (at most `maximumExclamations` counted).
    static let exclamationIncrement = 0.292
    static let maximumExclamations = 4
    /// Emphasis of each "?" when there are two or three; capped beyond.
    static let questionIncrement = 0.18
    static let maximumQuestionEmphasis = 0.96
    /// Normalisation constant: compound = sum / sqrt(sum² + alpha).
    static let normalizationAlpha = 15.0
    /// Valence of "too" before a word without valence ("too long"); Earshot's value.
    static let excessValence = -1.0
    /// How many preceding tokens a negator or booster reaches.
    static let window = 3

    /// Scores scanned tokens: the features the rules find and the scores `model` makes of them
    /// (with the text's `emotions` when given). `valences` must hold `tokens.count` values.
    static func score(
        _ tokens: UnsafeMutableBufferPointer<Token>, valences: UnsafeMutablePointer<Double>,
        capitalDifferential: Bool, exclamationMarks: Int, questionMarks: Int, hasLink: Bool, model: SentimentModel,
        emotions: EmotionScores?
    ) -> (scores: SentimentScores, features: SentimentFeatures) {
        guard !tokens.isEmpty else { return (.empty, SentimentFeatures()) }
        // Valences are tallied as they are computed; only a text with a
        // contrastive "but" reweighs them and tallies again.
        var tally = ValenceTally()
        var roles: WordRoles = []
        // Tokens that carry meaning of their own: boosters and negators only modify them.
        var contentCount = 0
        for index in tokens.indices {
            let valence = valence(of: index, in: tokens, capitalDifferential: capitalDifferential)
            valences[index] = valence
            tally.add(valence)
            contentCount += tokens[index].entry.boost == 0 && !tokens[index].entry.roles.contains(.negator) ? 1 : 0
            roles.formUnion(tokens[index].entry.roles)
        }
        if roles.contains(.contrast) {
            weighContrasts(tokens, valences)
            tally = ValenceTally()
            for index in tokens.indices { tally.add(valences[index]) }
        }
        return combine(
            tally, contentCount: max(contentCount, 1), exclamationMarks: exclamationMarks, questionMarks: questionMarks,
            hasLink: hasLink, model: model, emotions: emotions)
    }

    /// Valence of one token after caps, elongation, boosters, negation,
    /// "least" and post-positioned boosters.
    @inline(__always)
    private static func valence(
        of index: Int, in tokens: UnsafeMutableBufferPointer<Token>, capitalDifferential: Bool
    ) -> Double {
        let token = tokens[index]
        let entry = token.entry
        if entry.roles.contains(.excess) {
            return excessValence(at: index, in: tokens)
        }
        guard entry.valence != 0, entry.boost == 0, !token.flags.contains(.absorbed) else { return 0 }
        if entry.roles.contains(.noDeterminer) && index + 1 < tokens.count
            && tokens[index + 1].entry.valence != 0 && !token.flags.contains(.clauseEnd)
        {
            return 0
        }
        if entry.roles.contains(.like) && !(index > 0 && tokens[index - 1].entry.roles.contains(.likeSubject)) {
            return 0
        }
        var valence = Double(entry.valence)
        if capitalDifferential && token.flags.contains(.allCaps) {
            valence += valence > 0 ? capitalsIncrement : -capitalsIncrement
        }
        if token.flags.contains(.elongated) {
            valence += valence > 0 ? boosterIncrement : -boosterIncrement
        }
        valence = applyPrecedingModifiers(to: valence, at: index, in: tokens, capitalDifferential: capitalDifferential)
        if index + 1 < tokens.count && !token.flags.contains(.clauseEnd) {
            let next = tokens[index + 1].entry
            if next.roles.contains(.postBooster) {
                valence += valence > 0 ? Double(next.boost) : -Double(next.boost)
            }
        }
        return valence
    }

    /// Boosters, dampeners and negators among the `window` preceding tokens
    /// of the same clause, with boosters fading with distance; then "least".
    private static func applyPrecedingModifiers(
        to initial: Double, at index: Int, in tokens: UnsafeMutableBufferPointer<Token>, capitalDifferential: Bool
    ) -> Double {
        var valence = initial
        var distance = 1
        while distance <= window && index - distance >= 0 {
            let previous = tokens[index - distance]
            if previous.flags.contains(.clauseEnd) { break }
            let entry = previous.entry
            if entry.boost != 0 && !entry.roles.contains(.postBooster) {
                var increment = Double(entry.boost) * (distance == 1 ? 1 : distance == 2 ? 0.95 : 0.9)
                if capitalDifferential && previous.flags.contains(.allCaps) { increment += capitalsIncrement }
                valence += valence > 0 ? increment : -increment
            } else if entry.roles.contains(.negator) {
                if entry.roles.contains(.never) && hasIntensifier(in: tokens, after: index - distance, before: index) {
                    valence *= neverSoFactor
                } else if !(entry.roles.contains(.without) && distance > 1
                    && tokens[index - distance + 1].entry.roles.contains(.doubt))
                {
                    valence *= negationFactor
                }
            }
            distance += 1
        }
        if index >= 1 && tokens[index - 1].entry.roles.contains(.least)
            && !tokens[index - 1].flags.contains(.clauseEnd)
            && !(index >= 2 && tokens[index - 2].entry.roles.contains(.leastGuard))
        {
            valence *= negationFactor
        }
        return valence
    }

    /// "too" before a word of its clause that has no valence ("too long") is
    /// negative; elsewhere ("me too", "too good") it is neutral.
    private static func excessValence(at index: Int, in tokens: UnsafeMutableBufferPointer<Token>) -> Double {
        guard index + 1 < tokens.count, !tokens[index].flags.contains(.clauseEnd),
            tokens[index + 1].entry.valence == 0, tokens[index + 1].entry.boost == 0
        else { return 0 }
        return excessValence
    }

    /// Whether a "so"/"this" lies strictly between two token positions ("never been this good").
    private static func hasIntensifier(in tokens: UnsafeMutableBufferPointer<Token>, after start: Int, before end: Int) -> Bool {
        ((start + 1)..<end).contains { tokens[$0].entry.roles.contains(.intensifyingDeterminer) }
    }

    /// Within each sentence containing "but", halves what precedes the first
    /// "but" and weighs what follows it by 1.5. A sentence-initial "But"
    /// contrasts with the previous sentence.
    private static func weighContrasts(_ tokens: UnsafeMutableBufferPointer<Token>, _ valences: UnsafeMutablePointer<Double>) {
        var previousSentenceStart = 0
        var sentenceStart = 0
        var contrast: Int? = nil
        for index in tokens.indices {
            if contrast == nil && tokens[index].entry.roles.contains(.contrast) { contrast = index }
            guard tokens[index].flags.contains(.sentenceEnd) || index == tokens.count - 1 else { continue }
            if let contrast {
                let before = contrast == sentenceStart ? previousSentenceStart : sentenceStart
                for position in before..<contrast { valences[position] *= beforeContrastWeight }
                for position in (contrast + 1)..<(index + 1) { valences[position] *= afterContrastWeight }
            }
            previousSentenceStart = sentenceStart
            sentenceStart = index + 1
            contrast = nil
        }
    }

    /// Adds punctuation emphasis to the tallied valences, derives the features
    /// and `model`'s compound from them (and from `emotions`, when given), and splits the
    /// intensity into positive, neutral and negative shares.
    private static func combine(
        _ tally: ValenceTally, contentCount: Int, exclamationMarks: Int, questionMarks: Int, hasLink: Bool,
        model: SentimentModel, emotions: EmotionScores?
    ) -> (scores: SentimentScores, features: SentimentFeatures) {
        var sum = tally.sum
        var positiveSum = tally.positiveSum
        var negativeSum = tally.negativeSum
        let neutralCount = tally.neutralCount
        let emphasis = punctuationEmphasis(exclamationMarks: exclamationMarks, questionMarks: questionMarks)
        if sum > 0 {
            sum += emphasis
        } else if sum < 0 {
            sum -= emphasis
        }
        var features = SentimentFeatures()
        features.normalizedSum = max(-1, min(1, sum / (sum * sum + normalizationAlpha).squareRoot()))
        features.sumPerRootToken = sum / Double(contentCount).squareRoot()
        features.polarity = sum > 0 ? 1 : sum < 0 ? -1 : 0
        features.emphasis = features.polarity * emphasis
        features.sumWithLink = hasLink ? features.normalizedSum : 0
        features.sumWithQuestion = questionMarks > 0 ? features.normalizedSum : 0
        if positiveSum > -negativeSum {
            positiveSum += emphasis
        } else if positiveSum < -negativeSum {
            negativeSum -= emphasis
        }
        let total = positiveSum - negativeSum + neutralCount
        guard total > 0 else { return (.empty, features) }
        let scores = SentimentScores(
            compound: model.compound(for: features, emotions: emotions), positive: positiveSum / total, neutral: neutralCount / total,
            negative: -negativeSum / total)
        return (scores, features)
    }

    private static func punctuationEmphasis(exclamationMarks: Int, questionMarks: Int) -> Double {
        let exclamation = Double(min(exclamationMarks, maximumExclamations)) * exclamationIncrement
        let question: Double
        switch questionMarks {
        case 0, 1: question = 0
        case 2, 3: question = Double(questionMarks) * questionIncrement
        default: question = maximumQuestionEmphasis
        }
        return exclamation + question
    }
}

/// Running sums of token valences, in token order.
private struct ValenceTally {
    var sum = 0.0
    /// Sum of `valence + 1` over positive valences.
    var positiveSum = 0.0
    /// Sum of `valence - 1` over negative valences.
    var negativeSum = 0.0
    /// Number of tokens without valence.
    var neutralCount = 0.0

    /// Adds one valence without branches (most are 0, the rest of either
    /// sign, which a branch predicts poorly); adding 0 leaves a sum unchanged.
    @inline(__always)
    mutating func add(_ valence: Double) {
        sum += valence
        positiveSum += valence > 0 ? valence + 1 : 0
        negativeSum += valence < 0 ? valence - 1 : 0
        neutralCount += valence == 0 ? 1 : 0
    }
}
