import Foundation
import TextBytes

/// A failure to load a language's sentiment model from the module's resources.
public struct LanguageModelError: Error, CustomStringConvertible {
    /// The language code ("es") or "emoji".
    public let language: String
    /// What went wrong.
    public let reason: String

    public var description: String { "sentiment model '\(language)': \(reason)" }
}

/// A sentiment model for one language other than English, or for emoji and emoticons alone:
/// the VADER-style rules of ``SentimentAnalyzer`` (negation of the three preceding words,
/// boosters and dampeners, contrast, capitals, "!") over that language's third-party lexicon,
/// its hand-written core lexicon, which takes precedence, and its hand-written rule words
/// (`Languages/Lexicons/<code>.tsv`, `<code>-core.tsv` and `<code>-rules.tsv`, compiled into
/// the module's table image by ``SentimentTables/compile()`` and taken from it on first use), plus the emoticons and emoji, which mean
/// the same in every language (VADER's, and the Emoji Sentiment Ranking's, `emoji.tsv`).
///
/// Texts are prepared as the lexicon's keys are: lower-cased, without accents where the
/// lexicon has none (Spanish, Portuguese, French, Italian), elided articles split off ("j'adore" →
/// "j adore", French and Italian). See docs/SENTIMENT.md, "Other languages".
public struct LanguageSentimentModel: Sendable {
    /// The language's code ("es", "pt", "fr", "de", "it"), or "emoji" for the model of emoticons and
    /// emoji alone.
    public let language: String
    private let preparation: TextPreparationRule
    private let analyzer: SentimentAnalyzer

    /// How a language's texts and lexicon keys are spelled before lookup.
    private struct TextPreparationRule: Sendable {
        /// Accents removed ("fantástico" → "fantastico").
        var foldsAccents: Bool
        /// Apostrophes after elided words become spaces ("l'équipe" → "l équipe").
        var splitsElisions: Bool

        /// `text` in lower case, without accents when `foldsAccents`, elisions split when
        /// `splitsElisions`. One pass over the scalars with precomputed tables (no Foundation
        /// call per text); a text of lower-case ASCII without apostrophes is returned as is.
        func prepare(_ text: String) -> String {
            let utf8 = text.utf8
            if !utf8.contains(where: { $0 >= 0x80 || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x27 }) { return text }
            let table = foldsAccents ? LetterFolding.foldedLowercase : LetterFolding.lowercase
            var prepared = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar.value {
                case 0x41...0x5A: prepared.append(Unicode.Scalar(scalar.value | 0x20)!)
                case 0x27 where splitsElisions, 0x2019 where splitsElisions: prepared.append(" ")
                case 0x300...0x36F where foldsAccents: continue  // combining accents
                case LetterFolding.range:
                    prepared.append(contentsOf: table[Int(scalar.value - LetterFolding.range.lowerBound)].unicodeScalars)
                default: prepared.append(scalar)
                }
            }
            return String(prepared)
        }
    }

    /// Lower-case and accent-free spellings of the Latin letters beyond ASCII (U+00C0 to
    /// U+024F, and U+1E00 to U+1EFF would be Vietnamese: not needed by the models), computed
    /// once with Foundation.
    private enum LetterFolding {
        static let range: ClosedRange<UInt32> = 0xC0...0x24F
        static let lowercase: [String] = range.map { String(Unicode.Scalar($0)!).lowercased() }
        static let foldedLowercase: [String] = lowercase.map { $0.folding(options: .diacriticInsensitive, locale: nil) }
    }

    /// Codes of the languages with a model (besides English, which ``SentimentAnalyzer`` scores).
    public static let languages = ["es", "pt", "fr", "de", "it"]

    private static let preparations: [String: TextPreparationRule] = [
        "es": TextPreparationRule(foldsAccents: true, splitsElisions: false),
        "pt": TextPreparationRule(foldsAccents: true, splitsElisions: false),
        "fr": TextPreparationRule(foldsAccents: true, splitsElisions: true),
        // German keeps its umlauts: "schön" folded would be "schon" (already).
        "de": TextPreparationRule(foldsAccents: false, splitsElisions: false),
        "it": TextPreparationRule(foldsAccents: true, splitsElisions: true),
    ]

    /// The model of `language` (an ISO 639-1 code), or nil when it has none. Each model is
    /// loaded once, on first use.
    public static func model(for language: String) -> LanguageSentimentModel? {
        switch language {
        case "es": spanish
        case "pt": portuguese
        case "fr": french
        case "de": german
        case "it": italian
        default: nil
        }
    }

    private static let spanish = load("es")
    private static let portuguese = load("pt")
    private static let french = load("fr")
    private static let german = load("de")
    private static let italian = load("it")

    /// The model of emoticons and emoji alone, for texts in a language without a model.
    public static let emoji = LanguageSentimentModel(
        language: "emoji", preparation: TextPreparationRule(foldsAccents: false, splitsElisions: false))

    /// The model of `language` from the compiled tables.
    private static func load(_ language: String) -> LanguageSentimentModel {
        // `preparations` has every language of `model(for:)`.
        LanguageSentimentModel(language: language, preparation: preparations[language]!)
    }

    /// The model of `language`, its lexicon taken from the compiled tables. They ship with the
    /// module; a malformed one is a packaging defect.
    private init(language: String, preparation: TextPreparationRule) {
        do {
            let lexicon = try SentimentLexicon(image: SentimentTables.image, model: language)
            self.init(language: language, preparation: preparation, analyzer: SentimentAnalyzer(lexicon: lexicon))
        } catch {
            preconditionFailure("\(error): regenerate the tables with scripts/gen-tables.sh")
        }
    }

    private init(language: String, preparation: TextPreparationRule, analyzer: SentimentAnalyzer) {
        (self.language, self.preparation, self.analyzer) = (language, preparation, analyzer)
    }

    /// Reads every language's lexicon and rules, and the emoticons and emoji, from the module's
    /// resources and writes their tables (models "es", "pt", "fr", "de", "it" and "emoji").
    static func writeModels(to writer: inout TableImageWriter) throws {
        // The emoticons and emoji every model knows: VADER's, and the Emoji Sentiment Ranking's
        // (`Lexicons/emoji.tsv`), and Earshot's additions (`Lexicons/emoji-core.tsv`).
        let symbols = try LexiconBuilder.symbolEntries(
            ranking: resource("emoji.tsv", language: "emoji"), additions: resource("emoji-core.tsv", language: "emoji"))
        for language in languages {
            // `preparations` has every language of `languages`.
            let preparation = preparations[language]!
            let lexicon = try resource("\(language).tsv", language: language)
            let rules = try ["\(language)-rules.tsv", "\(language)-core.tsv"].map { name in
                (name: name, contents: try resource(name, language: language))
            }
            try LexiconBuilder.write(
                language: language, lexicon: lexicon, rules: rules, symbols: symbols, foldKey: preparation.prepare, to: &writer)
        }
        try LexiconBuilder.write(language: "emoji", lexicon: "", rules: [], symbols: symbols, foldKey: { $0 }, to: &writer)
    }

    private static func resource(_ name: String, language: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Lexicons") else {
            throw LanguageModelError(language: language, reason: "resource Lexicons/\(name) is missing")
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw LanguageModelError(language: language, reason: "cannot read \(url.path): \(error)")
        }
    }

    /// Sentiment of `text` (prepared as the model's lexicon is).
    public func scores(for text: String) -> SentimentScores {
        analyzer.scores(for: preparation.prepare(text))
    }

    /// Whether the model's lexicon finds a sentiment-bearing word, emoticon or emoji in `text`
    /// (``SentimentAnalyzer/findsSentiment(in:)``).
    public func findsSentiment(in text: String) -> Bool {
        analyzer.findsSentiment(in: preparation.prepare(text))
    }
}
