/// Keyword and phrase lists that map lowercased words of a post to `CareIntent`s.
///
/// Phrases are matched on whole words after the normalisation of `TextSignals`:
/// ASCII is lowercased and apostrophes (`'`, `’`) are dropped, so "Doesn’t work"
/// matches the phrase "doesnt work" (and "doesn't work" written in a lexicon).
/// Matching is by 64-bit word hashes, no regular expressions and no allocation per post.
public struct IntentLexicon: Sendable {
    /// A phrase of one to `maximumPhraseWords` words, stored as the hashes of the words before its last one.
    struct Phrase: Sendable {
        /// Hashes of the words before the last, oldest first.
        let leadingWords: [UInt64]
        /// The intent the phrase signals.
        let intent: CareIntent
    }

    /// The longest phrase, in words, that the matcher looks back for.
    public static let maximumPhraseWords = 4

    /// Phrases keyed by the hash of their last word.
    let phrasesByLastWord: [UInt64: [Phrase]]
    /// Hashes of words that make a post a question when they open it ("how", "why", …).
    let questionOpeners: Set<UInt64>

    /// Builds a lexicon from phrase lists and the words that open a question.
    ///
    /// Phrases longer than `maximumPhraseWords` words and phrases without any word are ignored.
    public init(phrases: [CareIntent: [String]], questionOpeners: [String]) {
        var table: [UInt64: [Phrase]] = [:]
        for (intent, list) in phrases {
            for phrase in list {
                let words = TextSignals.wordHashes(of: phrase)
                guard let last = words.last, words.count <= Self.maximumPhraseWords else { continue }
                table[last, default: []].append(Phrase(leadingWords: Array(words.dropLast()), intent: intent))
            }
        }
        self.phrasesByLastWord = table
        self.questionOpeners = Set(questionOpeners.compactMap { TextSignals.wordHashes(of: $0).first })
    }

    /// The built-in English care lexicon (see docs/SCORING.md for the reasoning behind each list).
    public static let english = IntentLexicon(phrases: englishPhrases, questionOpeners: englishQuestionOpeners)

    /// Words that make a post a question when they are its first word.
    static let englishQuestionOpeners: [String] = [
        "how", "why", "what", "when", "where", "who", "which", "can", "could", "does",
        "do", "did", "is", "are", "will", "would", "should", "anyone", "anybody",
    ]

    /// The built-in English phrase lists, one entry per intent.
    static let englishPhrases: [CareIntent: [String]] = [
        .question: [
            "how do i", "how can i", "how to", "can you help", "can someone", "can anyone",
            "anyone know", "does anyone", "any idea", "any ideas", "is there a way",
            "help me", "need help", "please help", "what should i do",
        ],
        .refund: [
            "refund", "refunds", "refunded", "refunding", "money back", "reimburse",
            "reimbursed", "reimbursement", "chargeback", "want my money",
        ],
        .broken: [
            "broken", "doesnt work", "does not work", "dont work", "not working", "isnt working",
            "stopped working", "wont work", "wont load", "not loading", "cant login", "cant log in",
            "cant sign in", "cannot login", "cannot log in", "crash", "crashes", "crashed",
            "crashing", "bug", "buggy", "glitch", "glitching", "defective", "faulty", "damaged",
            "fix this", "error message", "keeps freezing", "froze",
        ],
        .cancel: [
            "cancel", "cancels", "cancelled", "canceled", "cancelling", "canceling",
            "cancellation", "unsubscribe", "close my account", "delete my account",
            "switching to", "leaving for",
        ],
        .waiting: [
            "still waiting", "been waiting", "waiting for", "no response", "no reply",
            "no answer", "on hold", "still havent", "still no", "never arrived", "never received",
            "not received", "hasnt arrived", "havent received", "where is my", "wheres my",
            "days later", "weeks later", "ignored", "ignoring",
        ],
        .billing: [
            "charged twice", "double charged", "charged me twice", "billed twice", "overcharged",
            "unauthorized charge", "wrong charge", "extra charge", "hidden fee", "hidden fees",
            "charged me", "billing",
        ],
        .outage: [
            "outage", "is down", "down again", "service down", "site down", "app down",
            "no service", "no signal", "no internet", "offline",
        ],
        .complaint: [
            "worst", "terrible", "awful", "horrible", "unacceptable", "disappointed",
            "disappointing", "disgusted", "ridiculous", "useless", "pathetic", "scam",
            "never again", "fed up", "sick of", "rip off", "ripoff", "furious", "shameful",
        ],
        .urgent: [
            "urgent", "urgently", "asap", "immediately", "emergency", "right now", "right away",
        ],
    ]
}
