import TextBytes

/// Compiles the analyser's lookup tables from the VADER lexicons and Earshot's
/// social-media additions (the module's `SentimentResource` files), and those of the
/// other languages' models, into a table image (``SentimentTables/compile()``).
enum LexiconBuilder {
    /// Largest absolute valence an emoji can get from its description words.
    private static let maximumEmojiValence: Float = 4

    /// Reads and parses the English lexicon resources and writes the analyser's tables as the model `en`.
    static func writeEnglish(to writer: inout TableImageWriter) throws(SentimentResourceError) {
        var words = [[UInt8]: WordEntry](minimumCapacity: 65_536)
        try addVaderLexicon(SentimentResource.vaderLexicon.contents(), to: &words)
        let commonWords = try addSocialLexicon(SentimentResource.socialLexicon.contents(), to: &words)
        try addEmoji(SentimentResource.vaderEmoji.contents(), to: &words)
        let derived = derivedForms(of: words)
        words.merge(derived) { existing, _ in existing }
        writeTables(of: words, derived: derived, commonWords: commonWords, model: "en", to: &writer)
    }

    /// Writes the tables of another language's model: its `word<TAB>valence` lexicon, its files of
    /// directives (the format of `social_lexicon.tsv`; `(name, contents)` pairs applied in
    /// order, so a later file's entries take precedence), and `symbols` (the emoticons and
    /// emoji, which mean the same in every language). No English derivations are added, and
    /// negators carry no valence of their own (the translated lexicons rate "não" -1.2: it
    /// would count once as a negative word and again as a negator).
    /// The lexicon's keys are spelled as the model's texts once prepared (the generator wrote
    /// them so); `foldKey` spells the keys of the hand-written rules so (for example without
    /// accents).
    static func write(
        language: String, lexicon: String, rules: [(name: String, contents: String)], symbols: [[UInt8]: WordEntry],
        foldKey: (String) -> String, to writer: inout TableImageWriter
    ) throws(SentimentResourceError) {
        var words = symbols
        try addVaderLexicon(lexicon, to: &words, resource: "Lexicons/\(language).tsv")
        var commonWords: Set<[UInt8]> = []
        for file in rules {
            commonWords.formUnion(
                try addSocialLexicon(foldedKeys(of: file.contents, foldKey), to: &words, resource: "Lexicons/\(file.name)"))
        }
        for (key, entry) in words where entry.roles.contains(.negator) { words[key]?.valence = 0 }
        writeTables(of: words, derived: [:], commonWords: commonWords, model: language, to: &writer)
    }

    /// The emoticons and emoji of the English lexicon (its entries that are neither words,
    /// made of letters, digits, apostrophes and hyphens only, nor phrases), with the valences
    /// of `ranking` (`emoji<TAB>valence` lines, the Emoji Sentiment Ranking) taking precedence:
    /// measured on posts in many languages, they beat VADER's reading of an emoji's English
    /// name ("fire" makes 🔥 negative). `additions` (`emoji<TAB>valence` lines, Earshot's own
    /// `emoji-core.tsv`: emoji newer than the ranking or missing from it) take precedence over both.
    static func symbolEntries(ranking: String, additions: String) throws(SentimentResourceError) -> [[UInt8]: WordEntry] {
        var words = [[UInt8]: WordEntry](minimumCapacity: 8_192)
        try addVaderLexicon(SentimentResource.vaderLexicon.contents(), to: &words)
        try addEmoji(SentimentResource.vaderEmoji.contents(), to: &words)
        var symbols = words.filter { key, entry in
            entry.valence != 0 && !key.contains(0x20) && key.contains { byte in
                !ByteClass.isAlphanumeric(byte) && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "-")
            }
        }
        try addVaderLexicon(ranking, to: &symbols, resource: "Lexicons/emoji.tsv")
        try addVaderLexicon(additions, to: &symbols, resource: "Lexicons/emoji-core.tsv")
        return symbols
    }

    /// `source` with the first tab-separated field of each line passed through `foldKey` and
    /// its words separated by single spaces; lines whose key folds to nothing or to more than
    /// a table key holds are left out.
    private static func foldedKeys(of source: String, _ foldKey: (String) -> String) -> String {
        source.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            guard !line.hasPrefix("//"), let tab = line.firstIndex(of: "\t") else { return String(line) }
            let key = foldKey(String(line[..<tab])).split(whereSeparator: \.isWhitespace).joined(separator: " ")
            guard !key.isEmpty, key.utf8.count <= LexiconTable.maximumKeyLength else { return nil }
            return key + line[tab...]
        }.joined(separator: "\n")
    }

    /// Sorts `words` into the analyser's tables and writes them as `model`'s; `derived` are the
    /// derived forms among them.
    private static func writeTables(
        of allWords: [[UInt8]: WordEntry], derived: [[UInt8]: WordEntry], commonWords: Set<[UInt8]>, model: String,
        to writer: inout TableImageWriter
    ) {
        var words = allWords
        markPhrasesAndSegmentableWords(in: &words)
        let ruleRoles = WordRoles.segmentable.union([.phraseStart, .phraseSecond]).symmetricDifference(
            WordRoles(rawValue: .max))
        var core: [([UInt8], WordEntry)] = []
        var derivedWords: [([UInt8], WordEntry)] = []
        var frequent: [([UInt8], WordEntry)] = []
        var phrases: [([UInt8], WordEntry)] = []
        for (key, entry) in words {
            if key.contains(0x20) {
                phrases.append((key, entry))
                continue
            }
            if derived[key] != nil {
                derivedWords.append((key, entry))
            } else {
                core.append((key, entry))
            }
            if commonWords.contains(key) || !entry.roles.isDisjoint(with: ruleRoles) || entry.boost != 0 {
                frequent.append((key, entry))
            }
        }
        SentimentLexicon.write(
            model: model, frequentWords: frequent, coreWords: core, derivedWords: derivedWords, phrases: phrases, to: &writer)
    }

    /// `token<TAB>mean` lines; the last of duplicate tokens wins, as in VADER.
    static func addVaderLexicon(
        _ source: String, to words: inout [[UInt8]: WordEntry], resource: String = SentimentResource.vaderLexicon.fileName
    ) throws(SentimentResourceError) {
        // A lexicon repeats a few hundred values: each is parsed once.
        var valences: [Substring: Float] = [:]
        func valence(_ text: Substring) -> Float? {
            if let known = valences[text] { return known }
            valences[text] = Float(text)
            return valences[text]
        }
        for (number, line) in SentimentResource.lines(of: source) {
            guard let (token, mean) = SentimentResource.fieldPair(of: line), let valence = valence(mean) else {
                throw .malformedLine(resource: resource, line: number, text: String(line), reason: "expected token<TAB>mean")
            }
            words[lowercasedBytes(token), default: .unknown].valence = valence
        }
    }

    /// Applies the directives described at the top of `social_lexicon.tsv`; returns
    /// the plain common words (`word` directive).
    static func addSocialLexicon(
        _ source: String, to words: inout [[UInt8]: WordEntry], resource: String = SentimentResource.socialLexicon.fileName
    ) throws(SentimentResourceError) -> Set<[UInt8]> {
        var commonWords: Set<[UInt8]> = []
        for (number, line) in SentimentResource.lines(of: source) where !line.hasPrefix("//") {
            func failure(_ reason: String) -> SentimentResourceError {
                .malformedLine(resource: resource, line: number, text: String(line), reason: reason)
            }
            guard let (token, directiveField) = SentimentResource.fieldPair(of: line) else { throw failure("expected token<TAB>directive") }
            let key = lowercasedBytes(token)
            let directive = directiveField.split(separator: " ")
            var entry = words[key, default: .unknown]
            switch (directive.first, directive.count) {
            case ("negate", 1):
                entry.roles.insert(.negator)
            case ("word", 1):
                entry.roles.insert(.segmentable)
                commonWords.insert(key)
            case ("boost", 2), ("postboost", 2):
                guard let amount = Float(directive[1]) else { throw failure("boost needs a number") }
                entry.boost = amount
                if directive[0] == "postboost" { entry.roles.insert(.postBooster) }
            case ("role", 2):
                guard let role = namedRoles[String(directive[1])] else { throw failure("unknown role") }
                entry.roles.insert(role)
            case ("=", 2):
                guard let canonical = words[lowercasedBytes(directive[1])] else { throw failure("unknown canonical word") }
                entry = canonical
            case (let number?, 1):
                guard let valence = Float(number) else { throw failure("unknown directive") }
                entry.valence = valence
            default:
                throw failure("unknown directive")
            }
            words[key] = entry
        }
        return commonWords
    }

    /// `emoji<TAB>description` lines: a single-scalar emoji not already known
    /// gets the summed valence of its description words (clamped to ±4).
    static func addEmoji(_ source: String, to words: inout [[UInt8]: WordEntry]) throws(SentimentResourceError) {
        for (number, line) in SentimentResource.lines(of: source) {
            guard let (emoji, description) = SentimentResource.fieldPair(of: line) else {
                throw .malformedLine(
                    resource: SentimentResource.vaderEmoji.fileName, line: number, text: String(line),
                    reason: "expected emoji<TAB>description")
            }
            let scalars = emoji.unicodeScalars.filter { $0.value != 0xFE0F }
            guard scalars.count == 1 else { continue }
            let key = Array(String(String.UnicodeScalarView(scalars)).utf8)
            guard words[key] == nil else { continue }
            let valence = description.split(separator: " ").reduce(Float(0)) { sum, word in
                sum + (words[lowercasedBytes(word)]?.valence ?? 0)
            }
            if valence != 0 {
                words[key] = WordEntry(valence: max(-maximumEmojiValence, min(maximumEmojiValence, valence)))
            }
        }
    }

    /// Regular derivations of sentiment words that `words` lacks: the "-ly"
    /// adverb, "-s", "-ed" and "-ing" forms with the same valence, and "un-" /
    /// "-less" forms with the negated valence ("unfunny", "charmless"). None
    /// is a key of `words`; when two words derive the same form, the
    /// alphabetically first wins.
    static func derivedForms(of words: [[UInt8]: WordEntry]) -> [[UInt8]: WordEntry] {
        var derived: [[UInt8]: WordEntry] = [:]
        let bases = words.filter { key, entry in
            entry.valence != 0 && entry.boost == 0 && entry.roles.isEmpty && key.count >= 3
                && key.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }
        }
        // Forms are built as bytes (the bases are lower-case ASCII), each looked up as it is.
        func bytes(_ text: StaticString) -> [UInt8] { Array(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)) }
        for (key, entry) in bases.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let negated = entry.valence * Float(ValenceRules.negationFactor)
            let endsInE = key.last == UInt8(ascii: "e")
            let forms: [([UInt8], Float)] = [
                (Array(adverb(of: String(decoding: key, as: UTF8.self)).utf8), entry.valence),
                (bytes("un") + key, negated),
                (key + bytes("less"), negated),
                (key + bytes("s"), entry.valence),
                (key + bytes(endsInE ? "d" : "ed"), entry.valence),
                ((endsInE ? Array(key.dropLast()) : key) + bytes("ing"), entry.valence),
            ]
            for (form, valence) in forms where words[form] == nil && derived[form] == nil {
                derived[form] = WordEntry(valence: valence)
            }
        }
        return derived
    }

    /// The "-ly" adverb of an adjective: poor → poorly, horrible → horribly,
    /// happy → happily, tragic → tragically, full → fully.
    static func adverb(of adjective: String) -> String {
        if adjective.hasSuffix("le") { return adjective.dropLast() + "y" }
        if adjective.hasSuffix("y") { return adjective.dropLast() + "ily" }
        if adjective.hasSuffix("ic") { return adjective + "ally" }
        if adjective.hasSuffix("ll") { return adjective + "y" }
        return adjective + "ly"
    }

    /// Flags the first and second words of every phrase, and every purely
    /// alphabetic key (hashtag segmentation vocabulary).
    static func markPhrasesAndSegmentableWords(in words: inout [[UInt8]: WordEntry]) {
        for key in Array(words.keys) {
            if let space = key.firstIndex(of: 0x20) {
                let rest = key[(space + 1)...]
                let second = rest.firstIndex(of: 0x20).map { rest[..<$0] } ?? rest
                words[Array(key[..<space]), default: .unknown].roles.insert(.phraseStart)
                words[Array(second), default: .unknown].roles.insert(.phraseSecond)
            } else if key.count >= 2 && key.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) {
                words[key]!.roles.insert(.segmentable)
            }
        }
    }

    private static let namedRoles: [String: WordRoles] = [
        "contrast": .contrast, "no": .noDeterminer, "least": .least, "leastguard": .leastGuard,
        "never": .never, "intensifier": .intensifyingDeterminer, "without": .without, "doubt": .doubt,
        "like": .like, "likesubject": .likeSubject, "excess": .excess,
    ]

    /// UTF-8 bytes of `text` with ASCII letters lowercased.
    private static func lowercasedBytes(_ text: Substring) -> [UInt8] {
        text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }
}
