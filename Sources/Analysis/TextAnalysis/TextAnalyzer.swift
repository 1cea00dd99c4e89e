import Emotions
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
    /// Anger, disgust, fear, joy, sadness, surprise or neutral; nil when the text is not English.
    public var emotions: EmotionScores?

    /// Creates an analysis.
    public init(language: LanguageGuess, sentiment: SentimentScores?, entities: ExtractedEntities, text: String,
                emotions: EmotionScores? = nil) {
        self.language = language
        self.sentiment = sentiment
        self.entities = entities
        self.text = text
        self.emotions = emotions
    }
}

/// A text to analyse and what its source says about it.
public struct TextInput: Sendable, Equatable {
    /// The text as the source gave it.
    public var text: String
    /// The source's language tag (BCP 47), if any.
    public var languageHint: String?
    /// Whether the text is an HTML fragment, such as a Mastodon `content`.
    public var isHTML: Bool

    /// Creates an input.
    public init(_ text: String, languageHint: String? = nil, isHTML: Bool = false) {
        self.text = text
        self.languageHint = languageHint
        self.isHTML = isHTML
    }
}

/// Normalises a text, identifies its language, extracts its entities and, for English, scores
/// its sentiment and emotions.
///
/// Sentiment runs when the language is "en", and also when it is "und" (too short or
/// ambiguous) but the text is in Latin script and English is among the model's three best
/// candidates ("love it!!", "this is awful"): the lexicon is English, and many short posts are.
/// Every other language gets nil ("sentiment unavailable") rather than a made-up neutral score.
/// Emotions follow the same rule: the model is trained on English text only.
public struct TextAnalyzer: Sendable {
    private let identifier: LanguageIdentifier
    private let sentimentAnalyzer: SentimentAnalyzer
    private let emotionClassifier: EmotionClassifier

    /// An analyzer using the shared language identifier, sentiment analyzer and emotion
    /// classifier; with a `defaultLanguage` (`--default-language`), text that would be "und"
    /// and fits it takes it.
    public init(defaultLanguage: String? = nil) {
        identifier = LanguageIdentifier.languageCode(fromHint: defaultLanguage) == nil ? .shared : LanguageIdentifier(defaultLanguage: defaultLanguage)
        sentimentAnalyzer = .shared
        emotionClassifier = .shared
    }

    /// Analyses `text`; `languageHint` is the source's language tag (BCP 47) if any, and
    /// `isHTML` says the text is an HTML fragment such as a Mastodon `content`.
    public func analyze(_ text: String, languageHint: String? = nil, isHTML: Bool = false) -> TextAnalysis {
        let normalized = TextNormalizer.plainText(text, isHTML: isHTML)
        let identification = identifier.identifyDetailed(normalized, hint: languageHint)
        let isEnglish = Self.sentimentApplies(to: identification)
        let sentiment = isEnglish ? sentimentAnalyzer.scores(for: normalized) : nil
        return TextAnalysis(language: identification.guess, sentiment: sentiment,
                            entities: EntityExtractor.extract(from: normalized), text: normalized,
                            emotions: isEnglish ? emotionClassifier.scores(for: normalized) : nil)
    }

    /// Analyses several texts step by step: all are normalised, then all identified, then the
    /// English ones scored, then all searched for entities. The rows each step touches (of the
    /// n-gram tables and of the lexicon) then stay in the core's cache across the batch
    /// instead of evicting each other for every text, which makes a text cheaper in batches of
    /// a few dozen (docs/LANGUAGE-ID.md, "Speed"). The results are those of one at a time.
    public func analyze(_ inputs: [TextInput]) -> [TextAnalysis] {
        var analyses: [TextAnalysis] = []
        analyses.reserveCapacity(inputs.count)
        analyze(inputs) { analyses.append($1) }
        return analyses
    }

    /// Analyses several texts as ``analyze(_:)-([TextInput])`` does and hands each analysis to
    /// `body` with the index of its input, in input order, instead of collecting them: a caller
    /// that reads each one once (such as `earshot analyze`, writing it out) saves building and
    /// freeing the array.
    public func analyze(_ inputs: [TextInput], each body: (Int, TextAnalysis) -> Void) {
        // Steps by index: elements are read in place, not copied into zipped tuples. Only what
        // later steps need of an identification is kept, so no array of them is built.
        let normalized = inputs.map { TextNormalizer.plainText($0.text, isHTML: $0.isHTML) }
        var guesses: [LanguageGuess] = []
        guesses.reserveCapacity(inputs.count)
        var hasSentiment: [Bool] = []
        hasSentiment.reserveCapacity(inputs.count)
        for index in inputs.indices {
            let identification = identifier.identifyDetailed(normalized[index], hint: inputs[index].languageHint)
            hasSentiment.append(Self.sentimentApplies(to: identification))
            guesses.append(identification.guess)
        }
        let sentiments = sentimentAnalyzer.scores(for: normalized) { hasSentiment[$0] }
        for index in inputs.indices {
            body(index, TextAnalysis(
                language: guesses[index], sentiment: sentiments[index],
                entities: EntityExtractor.extract(from: normalized[index]), text: normalized[index],
                emotions: hasSentiment[index] ? emotionClassifier.scores(for: normalized[index]) : nil))
        }
    }

    /// English, or undetermined Latin-script text with English among the three best candidates.
    public static func sentimentApplies(to identification: LanguageIdentification) -> Bool {
        if identification.guess.code == "en" { return true }
        guard identification.guess.isUndetermined, identification.dominantScript == .latin else { return false }
        return identification.candidates.contains { $0.code == "en" }
    }
}
