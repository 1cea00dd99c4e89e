import Emotions
import TextBytes

/// Rule-based sentiment analyser for English social-media text.
///
/// Implements the mechanisms of VADER (Hutto & Gilbert 2014) over its MIT
/// licensed lexicon: valence lexicon, boosters and dampeners, negation of the
/// three preceding words, contrastive "but", emphasis by capitals and by
/// "!"/"?", emoticons, emoji and idioms. On top of it, for social text:
/// elongated words ("soooo goooood"), hashtag splitting (#NotHappy,
/// #epicfail), negated emoji, slang and misspellings, HTML entities, and
/// URLs and @mentions ignored; negation and boosters stop at clause
/// punctuation and "but" acts within its sentence.
///
/// Works directly on UTF-8 bytes in scratch memory (on the stack for a text
/// scored alone when small, one heap buffer for a batch) and precomputed
/// open-addressing tables; every method is thread-safe.
/// See docs/SENTIMENT.md.
public final class SentimentAnalyzer: Sendable {
    /// The process-wide analyser; its tables are built on first use.
    public static let shared = SentimentAnalyzer()

    private let lexicon: SentimentLexicon
    private let model: SentimentModel

    /// Maps the module's compiled tables (``SentimentTables``) and uses the English lexicon and
    /// model in them. Prefer `shared`.
    public init() {
        do {
            lexicon = try SentimentLexicon(image: SentimentTables.image, model: "en")
            model = try SentimentModel(image: SentimentTables.image)
        } catch {
            fatalError("the Sentiment module's compiled tables are malformed: \(error): regenerate them with scripts/gen-tables.sh")
        }
    }

    /// An analyser applying the same rules over another lexicon (another language's model).
    init(lexicon: SentimentLexicon) {
        self.lexicon = lexicon
        model = .vaderCompound
    }

    /// Number of entries (words, emoticons, emoji, phrases) in the lexicon.
    public var lexiconCount: Int { lexicon.count }

    /// Approximate memory held by the lexicon tables, in bytes.
    public var lexiconMemoryFootprint: Int { lexicon.memoryFootprint }

    /// Sentiment of `text` by the rules and the six-feature model.
    public func scores(for text: String) -> SentimentScores {
        scores(for: text, emotions: nil)
    }

    /// Sentiment of `text` whose `emotions` the emotion model gave (``EmotionClassifier``, on the
    /// same text): the learned step weighs their probabilities beside the rule features when
    /// the model has weights for them (the English one does); with nil, as `scores(for:)`.
    public func scores(for text: String, emotions: EmotionScores?) -> SentimentScores {
        withUTF8Bytes(of: text) { scores(forUTF8: $0, emotions: emotions) }
    }

    /// Sentiment of each of `texts` for which `isScored` (given the text's index) is true, nil for
    /// the others: the scores `scores(for:emotions:)` gives one at a time (with `emotions[index]`,
    /// or none when `emotions` is empty), with one scratch allocation for the whole batch instead
    /// of one per text.
    public func scores(
        for texts: [String], emotions: [EmotionScores?] = [], where isScored: (Int) -> Bool
    ) -> [SentimentScores?] {
        precondition(emotions.isEmpty || emotions.count == texts.count, "one emotion verdict per text, or none")
        // Asked once per text: the scratch is sized for the texts scored, whatever the closure does.
        let scored = texts.indices.map(isScored)
        let longest = texts.indices.reduce(0) { scored[$1] ? max($0, texts[$1].utf8.count) : $0 }
        let layout = ScratchLayout(textBytes: longest)
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: layout.byteCount, alignment: ScratchLayout.alignment)
        defer { scratch.deallocate() }
        return texts.indices.map { index in
            guard scored[index] else { return nil }
            let textEmotions = emotions.isEmpty ? nil : emotions[index]
            return withUTF8Bytes(of: texts[index]) { analyse($0, scratch: scratch, emotions: textEmotions).scores }
        }
    }

    /// What the rules found in `text`: the features the learned model weighs
    /// (for the fitting script, scripts/eval-sentiment.sh).
    public func features(for text: String) -> SentimentFeatures {
        withUTF8Bytes(of: text) { bytes in
            withUnsafeTemporaryAllocation(
                byteCount: ScratchLayout(textBytes: bytes.count).byteCount, alignment: ScratchLayout.alignment
            ) { analyse(bytes, scratch: $0.baseAddress!, emotions: nil).features }
        }
    }

    /// Whether the lexicon finds a sentiment-bearing word, emoticon or emoji in `text` (whose
    /// valences do not cancel out): the rules' sum is not 0. The learned step may still give a
    /// text without one a small score; this asks about the text's words only.
    public func findsSentiment(in text: String) -> Bool {
        features(for: text).polarity != 0
    }

    /// Sentiment of UTF-8 encoded text (invalid sequences are tolerated).
    ///
    /// Uses scratch memory of roughly 40 bytes per input byte for the call
    /// (on the stack when small), so it suits posts and paragraphs; split
    /// book-length input into sentences or paragraphs first.
    public func scores(forUTF8 bytes: UnsafeBufferPointer<UInt8>) -> SentimentScores {
        scores(forUTF8: bytes, emotions: nil)
    }

    /// Sentiment of UTF-8 encoded text with its `emotions` (see `scores(for:emotions:)`).
    public func scores(forUTF8 bytes: UnsafeBufferPointer<UInt8>, emotions: EmotionScores?) -> SentimentScores {
        withUnsafeTemporaryAllocation(
            byteCount: ScratchLayout(textBytes: bytes.count).byteCount, alignment: ScratchLayout.alignment
        ) { analyse(bytes, scratch: $0.baseAddress!, emotions: emotions).scores }
    }

    /// Scans and scores `bytes` (with its `emotions`, if given) in `scratch`, which holds at least
    /// `ScratchLayout(textBytes: bytes.count).byteCount` bytes.
    private func analyse(
        _ bytes: UnsafeBufferPointer<UInt8>, scratch: UnsafeMutableRawPointer, emotions: EmotionScores?
    ) -> (scores: SentimentScores, features: SentimentFeatures) {
        let count = bytes.count
        guard count > 0 else { return (.empty, SentimentFeatures()) }
        let layout = ScratchLayout(textBytes: count)
        let valences = scratch.bindMemory(to: Double.self, capacity: layout.tokenCapacity)
        let tokens = (scratch + layout.tokensOffset).bindMemory(to: Token.self, capacity: layout.tokenCapacity)
        let decoded = (scratch + layout.bytesOffset).bindMemory(to: UInt8.self, capacity: layout.bytesCapacity)
        // Most texts need no decoding: one scan counts their marks too. The others are surveyed
        // (their marks counted as written), decoded and scanned again.
        var scanner = TextScanner(lexicon: lexicon, normalized: decoded + count, tokens: tokens)
        var marks = (exclamation: 0, question: 0)
        if scanner.scan(bytes, stoppingAtUndecoded: true) {
            marks = (scanner.exclamationMarks, scanner.questionMarks)
        } else {
            let survey = TextPreparation.survey(bytes)
            marks = (survey.exclamationMarks, survey.questionMarks)
            let text = UnsafeBufferPointer(start: decoded, count: TextPreparation.decode(bytes, into: decoded))
            scanner = TextScanner(lexicon: lexicon, normalized: decoded + count, tokens: tokens)
            scanner.scan(text, stoppingAtUndecoded: false)
        }
        return ValenceRules.score(
            scanner.scannedTokens, valences: valences, capitalDifferential: scanner.hasCapitalDifferential,
            exclamationMarks: marks.exclamation, questionMarks: marks.question, hasLink: scanner.links > 0, model: model,
            emotions: emotions)
    }
}

/// Where one text's scratch memory puts what: the valences, the tokens, then
/// the decoded text (`count` bytes) followed by the normalised tokens
/// (`2 * count + 16` bytes, as `TextScanner` needs).
private struct ScratchLayout {
    static let alignment = max(MemoryLayout<Double>.alignment, MemoryLayout<Token>.alignment)
    let tokenCapacity: Int
    let tokensOffset: Int
    let bytesOffset: Int
    let bytesCapacity: Int

    init(textBytes count: Int) {
        tokenCapacity = count + 4
        tokensOffset = tokenCapacity * MemoryLayout<Double>.stride
        bytesOffset = tokensOffset + tokenCapacity * MemoryLayout<Token>.stride
        bytesCapacity = count + 2 * count + 16
    }

    /// Bytes of scratch memory in all.
    var byteCount: Int { bytesOffset + bytesCapacity }
}
