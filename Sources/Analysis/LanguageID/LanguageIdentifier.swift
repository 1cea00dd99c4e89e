import Foundation

/// Identifies the language of short social-media texts.
///
/// First the writing system decides (Hangul is Korean, Kana is Japanese, Thai is Thai, ...);
/// scripts shared by several languages (Latin, Cyrillic, Arabic, Devanagari) go through a
/// character n-gram model trained from the langdetect profiles. URLs, mentions, hashtags,
/// cashtags, digits and emoji are ignored. Texts with too few letters, or whose best language
/// is not clearly ahead, give "und" unless a plausible hint from the source decides.
/// The tables are read once, at first use of an identifier, and shared by all; an identifier
/// is immutable.
public final class LanguageIdentifier: Sendable {
    /// The identifier with the standard tuning and no default language.
    public static let shared = LanguageIdentifier()

    /// A hint whose language the model rates at least this likely is taken ("not contradicted").
    public static let hintFloor = 0.02

    /// The parameters of the decision (``Tuning/standard`` unless evaluating others).
    public let tuning: Tuning
    /// The deployment's default language (`--default-language`), taken as the answer for text
    /// that would otherwise be "und" and is compatible with it (as a hint would be); nil for none.
    public let defaultLanguage: String?

    private let latin: NGramModel
    private let cyrillic: NGramModel
    private let arabic: NGramModel
    private let devanagari: NGramModel
    /// Frequent words of the Latin-script languages, in the Latin model's columns.
    private let latinWords: FrequentWords
    /// What each Latin column gets before any evidence (``Tuning/lessCommonLanguagePenalty``), in
    /// the model's steps: 0 for the less common languages, the penalty for the others.
    private let latinPrior: SIMD32<UInt32>

    /// An identifier with the given tuning and default language (a BCP 47 tag such as "en",
    /// normalised like a hint; nil, empty or "und" for none).
    public init(tuning: Tuning = .standard, defaultLanguage: String? = nil) {
        let tables = Tables.shared
        self.tuning = tuning
        self.defaultLanguage = Self.languageCode(fromHint: defaultLanguage)
        latin = tables.latin
        cyrillic = tables.cyrillic
        arabic = tables.arabic
        devanagari = tables.devanagari
        latinWords = tables.latinWords
        var prior = SIMD32<UInt32>.zero
        let steps = UInt32((tuning.lessCommonLanguagePenalty * NGramModel.weightsPerUnit).rounded())
        for (column, code) in tables.latin.languages.enumerated() where !Self.lessCommonOnSocialMedia.contains(code) {
            prior[column] = steps
        }
        latinPrior = prior
    }

    /// The tables every identifier shares, mapped once from the compiled tables.
    private final class Tables: Sendable {
        static let shared = Tables()
        let latin: NGramModel
        let cyrillic: NGramModel
        let arabic: NGramModel
        let devanagari: NGramModel
        let latinWords: FrequentWords
        init() {
            let image = LanguageProfileData.tables
            do {
                latin = try NGramModel(image: image, group: "latin")
                cyrillic = try NGramModel(image: image, group: "cyrillic")
                arabic = try NGramModel(image: image, group: "arabic")
                devanagari = try NGramModel(image: image, group: "devanagari")
                latinWords = try FrequentWords(image: image, name: "latin-words")
            } catch {
                // The tables ship with the module; a malformed one is a packaging defect.
                fatalError("\(error): regenerate it with scripts/gen-tables.sh")
            }
        }
    }

    /// The parameters of the short-text decision. ``standard`` was chosen as docs/LANGUAGE-ID.md
    /// describes; `earshot-eval-language --cross-validate` compares it with its neighbours.
    public struct Tuning: Sendable, Equatable, CustomStringConvertible {
        /// What a word of the text in a language's frequent-word list adds to that language's
        /// summed n-gram weights (a typical letter adds 3 to 15 to every language that uses it).
        public var wordEvidenceWeight: Float
        /// How much the Latin-script languages that are less common on social media
        /// (``LanguageIdentifier/lessCommonOnSocialMedia``) start behind the others: a base rate,
        /// which decides only between close scores, i.e. in very short texts.
        public var lessCommonLanguagePenalty: Float
        /// Below this confidence the statistical answer is reported as "und".
        public var minimumConfidence: Double
        /// Latin-script texts with fewer letters than this are "und" unless one of their words is
        /// in a frequent-word list (then 3 letters are enough: "lol", "oui", "ja").
        public var minimumLatinLetters: Int

        /// Creates a tuning.
        public init(wordEvidenceWeight: Float, lessCommonLanguagePenalty: Float, minimumConfidence: Double, minimumLatinLetters: Int) {
            self.wordEvidenceWeight = wordEvidenceWeight
            self.lessCommonLanguagePenalty = lessCommonLanguagePenalty
            self.minimumConfidence = minimumConfidence
            self.minimumLatinLetters = minimumLatinLetters
        }

        /// The tuning of ``LanguageIdentifier/shared``.
        public static let standard = Tuning(wordEvidenceWeight: 14, lessCommonLanguagePenalty: 8, minimumConfidence: 0.2, minimumLatinLetters: 6)

        /// "w=… p=… c=… l=…".
        public var description: String {
            "w=\(wordEvidenceWeight) p=\(lessCommonLanguagePenalty) c=\(minimumConfidence) l=\(minimumLatinLetters)"
        }
    }

    /// Latin-script languages of the model that are less common on social media than the
    /// required ones (docs/LANGUAGE-ID.md): they need a little more evidence in very short texts.
    public static let lessCommonOnSocialMedia: Set<String> = ["af", "ca", "cs", "cy", "da", "et", "fi", "hr", "hu", "lt",
                                                              "lv", "no", "ro", "sk", "sl", "so", "sq", "sw", "tl", "vi"]

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
        let hintCode = Self.languageCode(fromHint: hint)
        return LetterBuffer.withBuffer(of: text) { identify(&$0, hintCode: hintCode) }
    }

    /// Scalars the buffer reads at a time when the text is read only as far as needed: about
    /// where the Latin model usually settles an English sentence.
    private static let scalarsPerRead = 48

    private func identify(_ buffer: inout LetterBuffer, hintCode: String?) -> LanguageIdentification {
        let script: Script?
        let share: Double
        if buffer.hasOnlyLatinLetters {
            // The dominant script is Latin once a letter is read (with all of the letters), and
            // the text is long enough once the minimum is read; the n-gram model then reads on
            // as far as it needs.
            repeat {
                buffer.fill(toAtLeast: buffer.scalars.count + Self.scalarsPerRead)
            } while !buffer.isComplete && buffer.letters(in: .latin) < Script.latin.minimumLetters
            script = buffer.letters(in: .latin) > 0 ? .latin : nil
            share = 1
        } else {
            buffer.fillAll()
            script = buffer.dominantScript
            share = script.map { buffer.share(of: $0) } ?? 0
        }
        guard let script else {
            return LanguageIdentification(guess: .undetermined(), candidates: LanguageCandidates(), dominantScript: nil, letterCount: 0, usedHint: false)
        }
        // The confidences live in scratch memory for the call: one per language of a model at most.
        // The identification leaves the closure through a variable, which it always sets: a
        // result of the closure would be wrapped and copied a few times.
        var identification: LanguageIdentification?
        withUnsafeTemporaryAllocation(of: Double.self, capacity: NGramModel.maximumLanguages) { scratch in
            var ranking = rank(&buffer, script: script, into: scratch)
            ranking.scale(by: share)
            let letterCount = script == .han ? buffer.letters(in: .han) + buffer.letters(in: .kana) : buffer.letters(in: script)
            let minimumLetters = script != .latin ? script.minimumLetters
                : ranking.listedWords > 0 ? Self.minimumLettersWithListedWord : tuning.minimumLatinLetters
            let tooShort = script == .han
                ? letterCount < Script.han.minimumLetters && buffer.letters(in: .kana) < Script.kana.minimumLetters
                : letterCount < minimumLetters
            var guess = LanguageGuess.undetermined()
            let candidates = ranking.topThree()
            if !tooShort, let best = candidates.first, best.confidence >= tuning.minimumConfidence {
                guess = best
            }
            var usedHint = false
            if let hintCode, hintCode == guess.code {
                guess.source = .hint  // the source's language, which the text confirms
            } else if let hintCode,
               isPlausible(hint: hintCode, script: script, ranking: ranking, undetermined: guess.isUndetermined) {
                guess = LanguageGuess(code: hintCode, confidence: max(ranking.confidence(of: hintCode), 0.5), source: .hint)
                usedHint = true
            } else if let defaultLanguage, guess.isUndetermined,
                      isPlausible(hint: defaultLanguage, script: script, ranking: ranking, undetermined: true) {
                guess = LanguageGuess(code: defaultLanguage, confidence: max(ranking.confidence(of: defaultLanguage), 0.5), source: .prior)
            }
            identification = LanguageIdentification(guess: guess, candidates: candidates, dominantScript: script,
                                                    letterCount: letterCount, usedHint: usedHint)
        }
        return identification!
    }

    /// The primary language subtag of a BCP 47 hint, lower-cased, with legacy codes mapped
    /// ("iw" → "he", "in" → "id", "nb"/"nn" → "no"); nil for nil, empty or "und".
    public static func languageCode(fromHint hint: String?) -> String? {
        guard let hint else { return nil }
        let bytes = hint.utf8
        if bytes.count == 2, bytes.allSatisfy({ (0x61...0x7A).contains($0) }), hint != "iw", hint != "in", hint != "nb", hint != "nn" {
            return hint
        }
        let primary = hint.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        switch primary {
        case "", LanguageGuess.undeterminedCode: return nil
        case "iw": return "he"
        case "in": return "id"
        case "nb", "nn": return "no"
        default: return primary
        }
    }

    /// The statistical ranking for the dominant script, its confidences written to `scratch`.
    private func rank(_ buffer: inout LetterBuffer, script: Script, into scratch: UnsafeMutableBufferPointer<Double>) -> Ranking {
        if let language = script.singleLanguage {
            return Ranking(languages: [language], confidences: [1], into: scratch)
        }
        if script == .han {
            return Self.rankChineseCharacters(han: buffer.letters(in: .han), kana: buffer.letters(in: .kana), into: scratch)
        }
        if script == .latin {
            return Self.rank(latin, &buffer, words: latinWords, wordSteps: UInt32((tuning.wordEvidenceWeight * NGramModel.weightsPerUnit).rounded()),
                             prior: latinPrior, into: scratch)
        }
        return Self.rank(model(for: script), &buffer, words: nil, wordSteps: 0, prior: .zero, into: scratch)
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
    private static func rankChineseCharacters(han: Int, kana: Int, into scratch: UnsafeMutableBufferPointer<Double>) -> Ranking {
        let kanaShare = Double(kana) / Double(max(han + kana, 1))
        let japanese = kana == 0 ? 0.05 : min(0.99, 0.5 + kanaShare * 10)
        return Ranking(languages: ["ja", "zh"], confidences: [japanese, 1 - japanese], into: scratch)
    }

    /// Scale from summed log-likelihoods to the log-odds used for confidence. Overlapping 1-, 2-
    /// and 3-grams are far from independent, so the plain naive Bayes posterior (scale 1) would
    /// be certain after a few letters; this value was chosen on the evaluation sentences and
    /// short texts so that confidence 0.5 separates usable from unusable answers.
    static let evidenceScale = 0.25

    /// Latin-script texts with a word from a frequent-word list need only this many letters
    /// ("lol", "oui", "ja klar").
    static let minimumLettersWithListedWord = 3

    /// Scores the scalars read so far and reads on until the model is decided or the text ends.
    /// When it is not decided (short texts), each word of the text in a language's list of
    /// frequent `words` adds `wordSteps` to it, and `prior` (steps per column) is added.
    /// The confidences are written to `scratch`.
    private static func rank(_ model: NGramModel, _ buffer: inout LetterBuffer, words: FrequentWords?, wordSteps: UInt32,
                             prior: SIMD32<UInt32>, into scratch: UnsafeMutableBufferPointer<Double>) -> Ranking {
        var scorer = NGramModel.Scorer(model)
        var scored = 0
        while true {
            let scalars = buffer.scalars
            scorer.add(UnsafeBufferPointer(rebasing: scalars[scored...]))
            scored = scalars.count
            if scorer.isDecided || buffer.isComplete { break }
            buffer.fill(toAtLeast: scored + scalarsPerRead)
        }
        var scores = scorer.scores
        var listedWords = 0
        if let words, !scorer.isDecided, scores.grams > 0 {
            // Languages whose grams are all unknown to the text (total 0) stay at 0.
            let counts = words.counts(in: buffer.scalars)
            listedWords = counts.listed
            let known = SIMD32<UInt32>.zero.replacing(with: 1, where: scores.totals .> 0)
            scores = NGramScores(totals: scores.totals &+ counts.perLanguage &* wordSteps &+ prior &* known,
                                 languageCount: scores.languageCount, grams: scores.grams)
        }
        guard scores.grams > 0 else { return Ranking(languages: [], confidences: [], into: scratch) }
        let top = scores.topTotal
        let count = scores.languageCount
        // The totals are read from memory: indexing a vector lane by lane spills it each time.
        let odds = UnsafeMutableBufferPointer(rebasing: scratch[..<count])
        var total = 0.0
        withUnsafeBytes(of: scores.totals) { totals in
            oddsBehindLeader.withUnsafeBufferPointer { oddsBehind in
                let last = UInt32(oddsBehind.count - 1)
                for column in 0..<count {
                    // The leader's total is the largest, so no subtraction wraps.
                    let behind = top &- totals.load(fromByteOffset: column &* MemoryLayout<UInt32>.stride, as: UInt32.self)
                    odds[column] = oddsBehind[Int(min(behind, last))]
                    total += odds[column]
                }
            }
        }
        var ranking = Ranking(languages: model.languages, odds: odds, total: total)
        ranking.listedWords = listedWords
        return ranking
    }

    /// The odds of a language against the leader when its summed weights are `index` steps
    /// (1/``NGramModel/weightsPerUnit``) behind: e^(-index / weightsPerUnit × evidenceScale),
    /// down to e^-20, below which a language cannot matter: the last entry, 0, stands for
    /// everything further behind. A table, since scores are whole steps.
    private static let oddsBehindLeader: [Double] = {
        let steps = Int((20 / evidenceScale * Double(NGramModel.weightsPerUnit)).rounded(.down))
        return (0...steps).map { exp(-Double($0) / Double(NGramModel.weightsPerUnit) * evidenceScale) } + [0]
    }()

    /// A hint is plausible when its language is written in the dominant script and the model does
    /// not clearly rule it out: for n-gram scripts it must keep at least ``hintFloor``;
    /// languages the identifier has no model for only when the model is not all but sure of another.
    private func isPlausible(hint: String, script: Script, ranking: Ranking, undetermined: Bool) -> Bool {
        switch script {
        case .han:
            return (hint == "ja" || hint == "zh") && ranking.confidence(of: hint) >= Self.hintFloor
        case .latin, .cyrillic, .arabic, .devanagari:
            guard model(for: script).languages.contains(hint) else {
                // The model cannot judge such a language: the hint wins unless the model is all but
                // sure (within ``hintFloor``) of one of its own.
                let uncertain = undetermined || ranking.topThree().first.map { $0.confidence < 1 - Self.hintFloor } ?? true
                return uncertain && script == .latin && Self.latinHintsWithoutProfile.contains(hint)
            }
            return undetermined || ranking.confidence(of: hint) >= Self.hintFloor
        default:
            return script.singleLanguage == hint
        }
    }

    /// Common Latin-script languages without a profile; a hint naming one may settle uncertain Latin text.
    private static let latinHintsWithoutProfile: Set<String> = ["gl", "eu", "eo", "ms", "is", "ga", "lb", "mt", "oc", "br", "fy", "gd", "la"]
}

/// Confidences of a model's languages, in the model's order, held in scratch memory of the
/// caller (so that ranking a text allocates nothing but its candidates).
///
/// A language's confidence is its odds over the sum of all odds (1 for confidences given
/// outright), divided out only for the languages asked about. An n-gram model's odds of two
/// languages are equal or at least 1 % apart (``LanguageIdentifier/oddsBehindLeader``), so the
/// odds order the languages exactly as the confidences do.
private struct Ranking {
    let languages: [String]
    private let odds: UnsafeMutableBufferPointer<Double>
    private var total: Double
    /// Words of the text found in the model's frequent-word lists (0 when they were not looked up).
    var listedWords = 0

    /// A ranking whose odds, one per language, are already in `odds`, over the sum `total`.
    init(languages: [String], odds: UnsafeMutableBufferPointer<Double>, total: Double) {
        self.languages = languages
        self.odds = odds
        self.total = total
    }

    /// A ranking with the given confidences, copied to the start of `scratch`.
    init(languages: [String], confidences: [Double], into scratch: UnsafeMutableBufferPointer<Double>) {
        let stored = UnsafeMutableBufferPointer(rebasing: scratch[..<confidences.count])
        _ = stored.initialize(from: confidences)
        self.init(languages: languages, odds: stored, total: 1)
    }

    /// Multiplies every confidence by `factor`, in place: the odds become the confidences so
    /// multiplied, over a total of 1.
    mutating func scale(by factor: Double) {
        if factor != 1 {
            for index in odds.indices { odds[index] = odds[index] / total * factor }
            total = 1
        }
    }

    /// The three most likely languages (fewer if the model has fewer), best first.
    func topThree() -> LanguageCandidates {
        var top: ((index: Int, odds: Double), (index: Int, odds: Double), (index: Int, odds: Double))
        top = ((-1, -1), (-1, -1), (-1, -1))
        // Most languages are not among the three: they are ruled out by one comparison.
        for (index, odds) in odds.enumerated() where odds > top.2.odds {
            let entry = (index: index, odds: odds)
            if odds > top.0.odds {
                top = (entry, top.0, top.1)
            } else if odds > top.1.odds {
                top = (top.0, entry, top.1)
            } else {
                top.2 = entry
            }
        }
        func guess(_ entry: (index: Int, odds: Double)) -> LanguageGuess {
            LanguageGuess(code: languages[entry.index], confidence: entry.odds / total)
        }
        var candidates = LanguageCandidates()
        if top.0.index >= 0 { candidates.append(guess(top.0)) }
        if top.1.index >= 0 { candidates.append(guess(top.1)) }
        if top.2.index >= 0 { candidates.append(guess(top.2)) }
        return candidates
    }

    /// The confidence of `code`, 0 when the model does not know the language.
    func confidence(of code: String) -> Double {
        languages.firstIndex(of: code).map { odds[$0] / total } ?? 0
    }
}
