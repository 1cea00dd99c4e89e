import Emotions
import Entities
import LanguageID
import Sentiment

/// Everything the enrichment stage learns from one text.
public struct TextAnalysis: Sendable, Equatable {
    /// The identified language ("und" when undetermined).
    public var language: LanguageGuess
    /// VADER-style sentiment; nil means "sentiment unavailable" (no model for the text's
    /// language, and no emoji or emoticon that carries sentiment).
    public var sentiment: SentimentScores?
    /// Which model gave `sentiment`: a language code ("en", "es", "pt", "fr", "de"), or
    /// "emoji" when the text's language has no model and only its emoji and emoticons were
    /// scored; nil when there is no sentiment.
    public var sentimentModel: String?
    /// Hashtags, mentions, URLs, domains, cashtags and emoji.
    public var entities: ExtractedEntities
    /// The normalised text (HTML converted, character references decoded, NFC).
    public var text: String
    /// Anger, disgust, fear, joy, sadness, surprise or neutral; nil when the text is not English.
    public var emotions: EmotionScores?

    /// Creates an analysis; `sentimentModel` names the model that gave `sentiment`.
    public init(language: LanguageGuess, sentiment: SentimentScores?, entities: ExtractedEntities, text: String,
                sentimentModel: String? = nil, emotions: EmotionScores? = nil) {
        self.language = language
        self.sentiment = sentiment
        self.sentimentModel = sentiment == nil ? nil : sentimentModel
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

/// Normalises a text, identifies its language, extracts its entities and scores its sentiment
/// with the model of its language.
///
/// English goes to ``SentimentAnalyzer``; Spanish, Portuguese, French and German to their
/// ``LanguageSentimentModel``. A text that comes out "und" (too short or ambiguous) in Latin
/// script is scored in English when English is among the model's three best candidates
/// ("love it!!", "this is awful"), else in the first candidate language whose lexicon finds a
/// sentiment-bearing word or emoticon in it, else in English when its lexicon does ("ENJOY!!!").
/// Any other text is scored on its emoji and emoticons alone (model "emoji"), and gets nil
/// ("sentiment unavailable") when they carry no sentiment, rather than a made-up neutral score.
/// Emotions are given to the texts scored in English: the emotion model is trained on English
/// text only, and other languages get nil rather than an English guess. The English sentiment's
/// learned step weighs those emotions too (``SentimentAnalyzer/scores(for:emotions:)``).
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
        let model = Self.sentimentModel(for: identification, text: normalized)
        let emotions = model == Self.english ? emotionClassifier.scores(for: normalized) : nil
        let sentiment: (scores: SentimentScores?, model: String?) = model == Self.english
            ? (sentimentAnalyzer.scores(for: normalized, emotions: emotions), model)
            : Self.otherSentiment(of: normalized, model: model)
        return TextAnalysis(language: identification.guess, sentiment: sentiment.scores,
                            entities: EntityExtractor.extract(from: normalized), text: normalized,
                            sentimentModel: sentiment.model, emotions: emotions)
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
        var models: [String?] = []
        models.reserveCapacity(inputs.count)
        for index in inputs.indices {
            let identification = identifier.identifyDetailed(normalized[index], hint: inputs[index].languageHint)
            models.append(Self.sentimentModel(for: identification, text: normalized[index]))
            guesses.append(identification.guess)
        }
        let emotions = inputs.indices.map { models[$0] == Self.english ? emotionClassifier.scores(for: normalized[$0]) : nil }
        let englishSentiments = sentimentAnalyzer.scores(for: normalized, emotions: emotions) { models[$0] == Self.english }
        for index in inputs.indices {
                let sentiment: (scores: SentimentScores?, model: String?) = models[index] == Self.english
                ? (englishSentiments[index], models[index]) : Self.otherSentiment(of: normalized[index], model: models[index])
            body(index, TextAnalysis(
                language: guesses[index], sentiment: sentiment.scores,
                entities: EntityExtractor.extract(from: normalized[index]), text: normalized[index],
                sentimentModel: sentiment.model, emotions: emotions[index]))
        }
    }

    private static let english = "en"

    /// The sentiment of a text that is not scored in English: by its language's model, or else
    /// by its emoji and emoticons when they carry sentiment.
    private static func otherSentiment(of text: String, model: String?) -> (scores: SentimentScores?, model: String?) {
        if let model, let languageModel = LanguageSentimentModel.model(for: model) {
            return (languageModel.scores(for: text), model)
        }
        let symbols = LanguageSentimentModel.emoji.scores(for: text)
        guard symbols.positive + symbols.negative > 0 else { return (nil, nil) }
        return (symbols, LanguageSentimentModel.emoji.language)
    }

    /// The language whose model scores the sentiment of `text` (normalised, as identified).
    ///
    /// - English text: English.
    /// - Text identified in another language: that language's ``LanguageSentimentModel``, or nil
    ///   when it has none (emoji and emoticons alone are then scored). But when the language
    ///   came from the text alone (not a hint, nor the default language) and its own lexicon
    ///   finds no sentiment-bearing word, the first other candidate with at least
    ///   ``candidateFallbackConfidence`` whose lexicon (English or a language model's) finds one
    ///   scores it: "Fantastic!" (it 0.35, en a candidate) was neutral in Italian, and "No me
    ///   gusta nada" (pt 0.90, es a candidate) neutral in Portuguese.
    /// - Undetermined Latin-script text: English when it is among the three best candidates;
    ///   else the first candidate with a model whose lexicon finds a sentiment-bearing word or
    ///   emoticon in the text; else English when its lexicon does ("ENJOY!!!", whose candidates
    ///   are es, nl and sv); else the first candidate with a model (the text is then neutral).
    ///   Other undetermined text: nil.
    ///
    /// Only undetermined texts and texts with a plausible second language are looked up in more
    /// than one lexicon.
    public static func sentimentModel(for identification: LanguageIdentification, text: String) -> String? {
        let code = identification.guess.code
        if code == english { return english }
        guard identification.dominantScript == .latin else {
            return LanguageSentimentModel.model(for: code)?.language
        }
        if !identification.guess.isUndetermined {
            let own = LanguageSentimentModel.model(for: code)?.language
            let others = identification.candidates.lazy.filter { $0.code != code && $0.confidence >= candidateFallbackConfidence }
            guard identification.guess.source == .text, !others.isEmpty,
                  !(own.map { lexicon(of: $0, findsSentimentIn: text) } ?? false) else {
                return own
            }
            return others.first { lexicon(of: $0.code, findsSentimentIn: text) }?.code ?? own
        }
        if identification.candidates.contains(where: { $0.code == english }) { return english }
        let withModels = identification.candidates.lazy.map(\.code).filter { LanguageSentimentModel.languages.contains($0) }
        if let language = withModels.first(where: { lexicon(of: $0, findsSentimentIn: text) }) { return language }
        return lexicon(of: english, findsSentimentIn: text) ? english : withModels.first
    }

    /// Whether the lexicon of `language` (English, or a language with a
    /// ``LanguageSentimentModel``) finds a sentiment-bearing word, emoticon or emoji in `text`;
    /// false for a language without a model.
    private static func lexicon(of language: String, findsSentimentIn text: String) -> Bool {
        language == english ? SentimentAnalyzer.shared.findsSentiment(in: text)
            : LanguageSentimentModel.model(for: language)?.findsSentiment(in: text) ?? false
    }

    /// The confidence from which another candidate language scores a text identified from its
    /// letters whose own language's lexicon finds no sentiment. Chosen among 0.02, 0.05, 0.1,
    /// 0.2 and 0.3 on the development tweets and the development posts of the other languages
    /// (0.02 to 0.1 gave the same figures; the most cautious of them); a confidently identified
    /// post puts the other candidates near 0.
    public static let candidateFallbackConfidence = 0.1
}
