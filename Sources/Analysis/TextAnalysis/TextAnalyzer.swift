import Entities
import LanguageID
import Sentiment

/// Everything the enrichment stage learns from one text.
public struct TextAnalysis: Sendable, Equatable {
    /// The identified language ("und" when undetermined).
    public var language: LanguageGuess
    /// VADER-style sentiment; nil means "sentiment unavailable" (the text is not English).
    public var sentiment: SentimentScores?
    /// Hashtags, mentions, URLs, domains, cashtags and emoji.
    public var entities: ExtractedEntities
    /// The normalised text (HTML converted, character references decoded, NFC).
    public var text: String

    /// Creates an analysis.
    public init(language: LanguageGuess, sentiment: SentimentScores?, entities: ExtractedEntities, text: String) {
        self.language = language
        self.sentiment = sentiment
        self.entities = entities
        self.text = text
    }
}

/// Normalises a text, identifies its language, extracts its entities and, for English, scores
/// its sentiment.
///
/// Sentiment runs when the language is "en", and also when it is "und" (too short or
/// ambiguous) but the text is in Latin script and English is among the model's three best
/// candidates ("love it!!", "this is awful"): the lexicon is English, and many short posts are.
/// Every other language gets nil ("sentiment unavailable") rather than a made-up neutral score.
public struct TextAnalyzer: Sendable {
    private let identifier: LanguageIdentifier
    private let sentimentAnalyzer: SentimentAnalyzer

    /// An analyzer using the shared language identifier and sentiment analyzer.
    public init() {
        identifier = .shared
        sentimentAnalyzer = .shared
    }

    /// Analyses `text`; `languageHint` is the source's language tag (BCP 47) if any, and
    /// `isHTML` says the text is an HTML fragment such as a Mastodon `content`.
    public func analyze(_ text: String, languageHint: String? = nil, isHTML: Bool = false) -> TextAnalysis {
        let normalized = TextNormalizer.plainText(text, isHTML: isHTML)
        let identification = identifier.identifyDetailed(normalized, hint: languageHint)
        let sentiment = Self.sentimentApplies(to: identification) ? sentimentAnalyzer.scores(for: normalized) : nil
        return TextAnalysis(language: identification.guess, sentiment: sentiment,
                            entities: EntityExtractor.extract(from: normalized), text: normalized)
    }

    /// English, or undetermined Latin-script text with English among the three best candidates.
    public static func sentimentApplies(to identification: LanguageIdentification) -> Bool {
        if identification.guess.code == "en" { return true }
        guard identification.guess.isUndetermined, identification.dominantScript == .latin else { return false }
        return identification.candidates.contains { $0.code == "en" }
    }
}
