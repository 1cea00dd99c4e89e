/// The language of a text, as decided by ``LanguageIdentifier``.
public struct LanguageGuess: Sendable, Equatable {
    /// The code "und": the language could not be determined (too short, no letters, ambiguous).
    public static let undeterminedCode = "und"

    /// ISO 639-1 code such as "en", or ``undeterminedCode``.
    public var code: String
    /// How sure the identifier is, from 0 (not at all) to 1.
    public var confidence: Double

    /// Creates a guess.
    public init(code: String, confidence: Double) {
        self.code = code
        self.confidence = confidence
    }

    /// A guess of "und" with the given confidence.
    public static func undetermined(confidence: Double = 0) -> LanguageGuess {
        LanguageGuess(code: undeterminedCode, confidence: confidence)
    }

    /// Whether the language could not be determined.
    public var isUndetermined: Bool { code == Self.undeterminedCode }
}

/// Why ``LanguageIdentifier`` decided what it decided, for callers that need more than the guess.
public struct LanguageIdentification: Sendable, Equatable {
    /// The final decision, after length checks and the hint.
    public var guess: LanguageGuess
    /// The statistical ranking before length checks and the hint, best first (at most 3 entries).
    /// Empty when the text has no letters; for single-language scripts it holds that language.
    public var candidates: [LanguageGuess]
    /// The writing system that most letters belong to, or nil when the text has no letters.
    public var dominantScript: Script?
    /// Letters in the dominant script, after URLs, mentions, hashtags and cashtags were removed.
    /// A long Latin-script text is read only until its language is settled; then this counts
    /// the letters read (at least the minimum for the script).
    public var letterCount: Int
    /// Whether the source's hint decided the result.
    public var usedHint: Bool

    /// Creates an identification.
    public init(guess: LanguageGuess, candidates: [LanguageGuess], dominantScript: Script?, letterCount: Int, usedHint: Bool) {
        self.guess = guess
        self.candidates = candidates
        self.dominantScript = dominantScript
        self.letterCount = letterCount
        self.usedHint = usedHint
    }
}
