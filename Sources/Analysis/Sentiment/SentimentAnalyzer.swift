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

    private let table: LexiconTable

    /// Builds the lexicon tables (about 10 ms). Prefer `shared`.
    public init() {
        do {
            table = try LexiconBuilder.build()
        } catch {
            preconditionFailure("embedded sentiment lexicon is malformed: \(error)")
        }
    }

    /// Number of entries (words, emoticons, emoji, phrases) in the lexicon.
    public var lexiconCount: Int { table.count }

    /// Approximate memory held by the lexicon tables, in bytes.
    public var lexiconMemoryFootprint: Int { table.memoryFootprint }

    /// Sentiment of `text`.
    public func scores(for text: String) -> SentimentScores {
        var text = text
        return text.withUTF8 { scores(forUTF8: $0) }
    }

    /// Sentiment of UTF-8 encoded text (invalid sequences are tolerated).
    public func scores(forUTF8 bytes: UnsafeBufferPointer<UInt8>) -> SentimentScores {
        let count = bytes.count
        guard count > 0 else { return .empty }
        let normalizedCapacity = 2 * count + 16
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + normalizedCapacity) { bytesMemory in
            withUnsafeTemporaryAllocation(of: Token.self, capacity: count + 4) { tokenMemory in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: count + 4) { valenceMemory in
                    let prepared = bytesMemory.baseAddress!
                    let preparation = TextPreparation.prepare(bytes, into: prepared)
                    var scanner = TextScanner(
                        table: table, normalized: prepared + count, tokens: tokenMemory.baseAddress!)
                    scanner.scan(UnsafeBufferPointer(start: prepared, count: preparation.count))
                    return ValenceRules.score(
                        scanner.scannedTokens, valences: valenceMemory.baseAddress!,
                        capitalDifferential: scanner.hasCapitalDifferential,
                        exclamationMarks: preparation.exclamationMarks, questionMarks: preparation.questionMarks)
                }
            }
        }
    }
}
