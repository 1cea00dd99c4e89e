/// The language of a text, as decided by ``LanguageIdentifier``.
public struct LanguageGuess: Sendable, Equatable {
    /// The code "und": the language could not be determined (too short, no letters, ambiguous).
    public static let undeterminedCode = "und"

    /// ISO 639-1 code such as "en", or ``undeterminedCode``.
    public var code: String
    /// How sure the identifier is, from 0 (not at all) to 1.
    public var confidence: Double
    /// Where the answer came from.
    public var source: LanguageSource

    /// Creates a guess.
    public init(code: String, confidence: Double, source: LanguageSource = .text) {
        self.code = code
        self.confidence = confidence
        self.source = source
    }

    /// A guess of "und" with the given confidence.
    public static func undetermined(confidence: Double = 0) -> LanguageGuess {
        LanguageGuess(code: undeterminedCode, confidence: confidence)
    }

    /// Whether the language could not be determined.
    public var isUndetermined: Bool { code == Self.undeterminedCode }
}

/// Where the language of a ``LanguageGuess`` came from.
public enum LanguageSource: String, Sendable, Equatable {
    /// The text itself (also for "und").
    case text
    /// The source's language tag (X `lang`, Mastodon `language`, Bluesky `langs`, a CSV column).
    case hint
    /// The deployment's default language (`--default-language`), for text that would be "und".
    case prior
}

/// Why ``LanguageIdentifier`` decided what it decided, for callers that need more than the guess.
public struct LanguageIdentification: Sendable, Equatable {
    /// The final decision, after length checks and the hint.
    public var guess: LanguageGuess
    /// The statistical ranking before length checks and the hint, best first (at most 3 entries).
    /// Empty when the text has no letters; for single-language scripts it holds that language.
    public var candidates: LanguageCandidates
    /// The writing system that most letters belong to, or nil when the text has no letters.
    public var dominantScript: Script?
    /// Letters in the dominant script, after URLs, mentions, hashtags and cashtags were removed.
    /// A long Latin-script text is read only until its language is settled; then this counts
    /// the letters read (at least the minimum for the script).
    public var letterCount: Int
    /// Whether the source's hint decided the result (then `guess.source` is ``LanguageSource/hint``).
    public var usedHint: Bool

    /// Creates an identification.
    public init(guess: LanguageGuess, candidates: LanguageCandidates, dominantScript: Script?, letterCount: Int, usedHint: Bool) {
        self.guess = guess
        self.candidates = candidates
        self.dominantScript = dominantScript
        self.letterCount = letterCount
        self.usedHint = usedHint
    }
}

/// The best languages of an identification, best first: at most three, held inline, so that an
/// identification needs no memory of its own (nor the reference counting of it).
public struct LanguageCandidates: RandomAccessCollection, ExpressibleByArrayLiteral, Sendable, Equatable {
    /// The most candidates there can be.
    public static let capacity = 3

    /// The candidates in order; the places past `count` hold an undetermined guess.
    private var first = LanguageGuess.undetermined()
    private var second = LanguageGuess.undetermined()
    private var third = LanguageGuess.undetermined()
    /// How many candidates there are.
    public private(set) var count = 0

    /// No candidates.
    public init() {}

    /// The first ``capacity`` of `guesses` (all of them when there are fewer), in order.
    public init(_ guesses: some Sequence<LanguageGuess>) {
        for guess in guesses.prefix(Self.capacity) {
            append(guess)
        }
    }

    /// The listed guesses, in order; there can be at most ``capacity``.
    public init(arrayLiteral guesses: LanguageGuess...) {
        precondition(guesses.count <= Self.capacity, "at most \(Self.capacity) candidates")
        self.init(guesses)
    }

    /// Adds `guess` after the others; there must be fewer than ``capacity``.
    mutating func append(_ guess: LanguageGuess) {
        switch count {
        case 0: first = guess
        case 1: second = guess
        case 2: third = guess
        default: preconditionFailure("at most \(Self.capacity) candidates")
        }
        count += 1
    }

    /// The position of the best candidate (0).
    public var startIndex: Int { 0 }
    /// The position after the last candidate (`count`).
    public var endIndex: Int { count }

    /// The candidate at `position` (0 is the best).
    public subscript(position: Int) -> LanguageGuess {
        precondition(indices.contains(position), "candidate index out of range")
        switch position {
        case 0: return first
        case 1: return second
        default: return third
        }
    }
}
