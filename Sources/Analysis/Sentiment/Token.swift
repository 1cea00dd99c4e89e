/// Surface facts about one token, collected while scanning.
struct TokenFlags: OptionSet, Sendable {
    let rawValue: UInt8

    /// Written in capitals (at least two letters, all upper case).
    static let allCaps = TokenFlags(rawValue: 1 << 0)
    /// Had a letter repeated three times or more ("goooood").
    static let elongated = TokenFlags(rawValue: 1 << 1)
    /// Clause punctuation (`,` `;` `:` `.` `!` `?` dashes, brackets) follows the token.
    static let clauseEnd = TokenFlags(rawValue: 1 << 2)
    /// Sentence punctuation (`.` `!` `?`) follows the token.
    static let sentenceEnd = TokenFlags(rawValue: 1 << 3)
    /// Part of a phrase whose meaning was moved to the phrase's last token.
    static let absorbed = TokenFlags(rawValue: 1 << 4)
}

/// One word, emoticon or emoji of the analysed text.
struct Token {
    /// Offset of the normalised (lower-cased, de-elongated) token in the scratch buffer.
    var start: Int32
    /// End offset (exclusive) in the scratch buffer; a single space follows.
    var end: Int32
    /// What the lexicon knows about the token (or the phrase it ends).
    var entry: WordEntry
    /// Surface facts.
    var flags: TokenFlags
}
