import Foundation

/// Identifies the language of short social-media texts.
///
/// First the writing system decides (Hangul is Korean, Kana is Japanese, Thai is Thai, ...);
/// scripts shared by several languages (Latin, Cyrillic, Arabic, Devanagari) go through a
/// character n-gram model trained from the langdetect profiles. URLs, mentions, hashtags,
/// cashtags, digits and emoji are ignored. Texts with too few letters, or whose best language
/// is not clearly ahead, give "und" unless a plausible hint from the source decides.
/// The tables are parsed once, at first use of ``shared``; the identifier is immutable.
public final class LanguageIdentifier: Sendable {
    /// The identifier with the embedded profiles.
    public static let shared = LanguageIdentifier()

    /// Below this confidence the statistical answer is reported as "und".
    public static let minimumConfidence = 0.5
    /// A hint whose language the model rates at least this likely is taken ("not contradicted").
    public static let hintFloor = 0.02

    private let latin: NGramModel
    private let cyrillic: NGramModel
    private let arabic: NGramModel
    private let devanagari: NGramModel

    private init() {
        latin = NGramModel(source: LanguageProfileData.latinSource)
        cyrillic = NGramModel(source: LanguageProfileData.cyrillicSource)
        arabic = NGramModel(source: LanguageProfileData.arabicSource)
        devanagari = NGramModel(source: LanguageProfileData.devanagariSource)
    }

    /// Every language code the identifier can return besides "und".
    public var supportedLanguages: Set<String> {
        let singles = Script.allCases.compactMap(\.singleLanguage)
        return Set(latin.languages + cyrillic.languages + arabic.languages + devanagari.languages + singles + ["ja", "zh"])
    }

    /// The language of `text`; `hint` is the language the source claims (BCP 47 such as "en-GB"
    /// or nil) and wins when it fits the script and the model does not clearly contradict it.
    public func identify(_ text: String, hint: String?) -> LanguageGuess {
        identifyDetailed(text, hint: hint).guess
    }

    /// Like ``identify(_:hint:)`` but also returns the ranking and the reasons.
    public func identifyDetailed(_ text: String, hint: String?) -> LanguageIdentification {
        let buffer = LetterBuffer(text)
        let hintCode = Self.languageCode(fromHint: hint)
        guard let script = buffer.dominantScript else {
            return LanguageIdentification(guess: .undetermined(), candidates: [], dominantScript: nil, letterCount: 0, usedHint: false)
        }
        let scripts: [Script] = script == .han ? [.han, .kana] : [script]
        let letterCount = buffer.letters(in: scripts)
        let share = buffer.share(of: scripts)
        let ranking = rank(buffer, script: script).map { LanguageGuess(code: $0.code, confidence: $0.confidence * share) }
        let tooShort = script == .han
            ? letterCount < Script.han.minimumLetters && buffer.letters(in: [.kana]) < Script.kana.minimumLetters
            : letterCount < script.minimumLetters
        var guess = LanguageGuess.undetermined()
        if !tooShort, let best = ranking.first, best.confidence >= Self.minimumConfidence {
            guess = best
        }
        var usedHint = false
        if let hintCode, hintCode != guess.code,
           isPlausible(hint: hintCode, script: script, ranking: ranking, undetermined: guess.isUndetermined) {
            let modelConfidence = ranking.first { $0.code == hintCode }?.confidence ?? 0
            guess = LanguageGuess(code: hintCode, confidence: max(modelConfidence, 0.5))
            usedHint = true
        }
        return LanguageIdentification(guess: guess, candidates: Array(ranking.prefix(3)), dominantScript: script,
                                      letterCount: letterCount, usedHint: usedHint)
    }

    /// The primary language subtag of a BCP 47 hint, lower-cased, with legacy codes mapped
    /// ("iw" → "he", "in" → "id", "nb"/"nn" → "no"); nil for nil, empty or "und".
    public static func languageCode(fromHint hint: String?) -> String? {
        guard let hint else { return nil }
        let primary = hint.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        switch primary {
        case "", LanguageGuess.undeterminedCode: return nil
        case "iw": return "he"
        case "in": return "id"
        case "nb", "nn": return "no"
        default: return primary
        }
    }

    /// The statistical ranking for the dominant script, best first, every language of the model.
    private func rank(_ buffer: LetterBuffer, script: Script) -> [LanguageGuess] {
        if let language = script.singleLanguage {
            return [LanguageGuess(code: language, confidence: 1)]
        }
        if script == .han {
            return Self.rankChineseCharacters(han: buffer.letters(in: [.han]), kana: buffer.letters(in: [.kana]))
        }
        return Self.rank(model(for: script), buffer)
    }

    /// The n-gram model of a script shared by several languages.
    private func model(for script: Script) -> NGramModel {
        switch script {
        case .cyrillic: cyrillic
        case .arabic: arabic
        case .devanagari: devanagari
        default: latin
        }
    }

    /// Kana mark Japanese: a text with Kana for at least 1 in 20 of its CJK characters is Japanese,
    /// one with none is Chinese; a few stray Kana leave it open.
    private static func rankChineseCharacters(han: Int, kana: Int) -> [LanguageGuess] {
        let kanaShare = Double(kana) / Double(max(han + kana, 1))
        let japanese = kana == 0 ? 0.05 : min(0.99, 0.5 + kanaShare * 10)
        let guesses = [LanguageGuess(code: "ja", confidence: japanese), LanguageGuess(code: "zh", confidence: 1 - japanese)]
        return guesses.sorted { $0.confidence > $1.confidence }
    }

    /// Scale from summed log-likelihoods to the log-odds used for confidence. Overlapping 1-, 2-
    /// and 3-grams are far from independent, so the plain naive Bayes posterior (scale 1) would
    /// be certain after a few letters; this value was chosen on the evaluation sentences and
    /// short texts so that confidence 0.5 separates usable from unusable answers.
    static let evidenceScale = 0.25

    private static func rank(_ model: NGramModel, _ buffer: LetterBuffer) -> [LanguageGuess] {
        let (scores, grams) = model.scores(buffer.scalars)
        guard grams > 0, let top = scores.max() else { return [] }
        let odds = scores.map { exp(($0 - top) * evidenceScale) }
        let total = odds.reduce(0, +)
        return zip(model.languages, odds)
            .map { LanguageGuess(code: $0.0, confidence: $0.1 / total) }
            .sorted { $0.confidence > $1.confidence }
    }

    /// A hint is plausible when its language is written in the dominant script and the model does
    /// not clearly rule it out: for n-gram scripts it must keep at least ``hintFloor``;
    /// languages the identifier has no model for are only taken when the text is undetermined.
    private func isPlausible(hint: String, script: Script, ranking: [LanguageGuess], undetermined: Bool) -> Bool {
        switch script {
        case .han:
            return (hint == "ja" || hint == "zh") && (ranking.first { $0.code == hint }?.confidence ?? 0) >= Self.hintFloor
        case .latin, .cyrillic, .arabic, .devanagari:
            guard model(for: script).languages.contains(hint) else {
                return undetermined && script == .latin && Self.latinHintsWithoutProfile.contains(hint)
            }
            return undetermined || (ranking.first { $0.code == hint }?.confidence ?? 0) >= Self.hintFloor
        default:
            return script.singleLanguage == hint
        }
    }

    /// Common Latin-script languages without a profile; a hint naming one may settle undetermined Latin text.
    private static let latinHintsWithoutProfile: Set<String> = ["gl", "eu", "eo", "ms", "is", "ga", "lb", "mt", "oc", "br", "fy", "gd", "la"]
}
