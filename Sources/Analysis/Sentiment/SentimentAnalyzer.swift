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
/// Works directly on UTF-8 bytes with scratch memory on the stack and a
/// precomputed open-addressing table; `scores(for:)` is thread-safe.
/// See docs/SENTIMENT.md.
public final class SentimentAnalyzer: Sendable {
    /// The process-wide analyser; its tables are built on first use.
    public static let shared = SentimentAnalyzer()

    private let lexicon: SentimentLexicon

    /// Builds the lexicon tables (about 0.15 s in release builds). Prefer `shared`.
    public init() {
        do {
            lexicon = try LexiconBuilder.build()
        } catch {
            preconditionFailure("embedded sentiment lexicon is malformed: \(error)")
        }
    }

    /// Number of entries (words, emoticons, emoji, phrases) in the lexicon.
    public var lexiconCount: Int { lexicon.count }

    /// Approximate memory held by the lexicon tables, in bytes.
    public var lexiconMemoryFootprint: Int { lexicon.memoryFootprint }

    /// Sentiment of `text`.
    public func scores(for text: String) -> SentimentScores {
        var text = text
        return text.withUTF8 { scores(forUTF8: $0) }
    }

    /// Sentiment of UTF-8 encoded text (invalid sequences are tolerated).
    ///
    /// Uses scratch memory of roughly 40 bytes per input byte for the call
    /// (on the stack when small), so it suits posts and paragraphs; split
    /// book-length input into sentences or paragraphs first.
    public func scores(forUTF8 bytes: UnsafeBufferPointer<UInt8>) -> SentimentScores {
        let count = bytes.count
        guard count > 0 else { return .empty }
        let survey = TextPreparation.survey(bytes)
        // One scratch allocation, so one stack-safety check instead of three:
        // the valences, the tokens, then the decoded text (`count` bytes)
        // followed by the normalised tokens (`2 * count + 16` bytes).
        let tokenCapacity = count + 4
        let tokensOffset = tokenCapacity * MemoryLayout<Double>.stride
        let bytesOffset = tokensOffset + tokenCapacity * MemoryLayout<Token>.stride
        let bytesCapacity = count + 2 * count + 16
        return withUnsafeTemporaryAllocation(
            byteCount: bytesOffset + bytesCapacity,
            alignment: max(MemoryLayout<Double>.alignment, MemoryLayout<Token>.alignment)
        ) { memory in
            let base = memory.baseAddress!
            let valences = base.bindMemory(to: Double.self, capacity: tokenCapacity)
            let tokens = (base + tokensOffset).bindMemory(to: Token.self, capacity: tokenCapacity)
            let decoded = (base + bytesOffset).bindMemory(to: UInt8.self, capacity: bytesCapacity)
            let text =
                survey.needsDecoding
                ? UnsafeBufferPointer(start: decoded, count: TextPreparation.decode(bytes, into: decoded))
                : bytes
            var scanner = TextScanner(lexicon: lexicon, normalized: decoded + count, tokens: tokens)
            scanner.scan(text)
            return ValenceRules.score(
                scanner.scannedTokens, valences: valences, capitalDifferential: scanner.hasCapitalDifferential,
                exclamationMarks: survey.exclamationMarks, questionMarks: survey.questionMarks)
        }
    }
}
