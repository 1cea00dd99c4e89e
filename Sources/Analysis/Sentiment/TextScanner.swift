import TextBytes

/// Splits UTF-8 text into lexicon-resolved tokens; only hashtag segmentation
/// allocates.
/// The caller keeps the `SentimentLexicon` alive while scanning.
///
/// Works on caller-provided scratch memory: `normalized` receives every
/// token's normalised bytes followed by one space, so that consecutive tokens
/// form contiguous phrases ("kind of") that can be looked up directly;
/// `tokens` receives the token records. Both must hold at least
/// `2 * text.count + 16` bytes and `text.count + 4` tokens. (At most
/// `2 * text.count` bytes are written before the end of a key, so every key
/// can be read eight bytes at a time.)
///
/// Handles whitespace-separated chunks like VADER, then within a chunk:
/// URLs and @mentions are dropped, emoticons are looked up whole, words are
/// split from surrounding punctuation (which marks clause ends), emoji become
/// tokens of their own, hashtags are split on camel case or segmented into
/// known words, elongated words are reduced ("soooo" → "so"), possessive
/// "'s" is dropped and slang resolves through the lexicon.
struct TextScanner {
    /// Longest hashtag body that is segmented into words.
    private static let maximumSegmentedHashtag = 40
    /// Longest word considered during hashtag segmentation.
    private static let maximumSegmentWord = 20

    /// Not retained, to keep the scanner small and free of reference
    /// counting; the caller keeps the lexicon alive while scanning.
    private unowned(unsafe) let lexicon: SentimentLexicon
    /// `ByteClass` bits of every byte value (owned by the lexicon).
    private let classes: UnsafePointer<UInt8>
    private let normalized: UnsafeMutablePointer<UInt8>
    private let tokens: UnsafeMutablePointer<Token>
    private(set) var normalizedCount = 0
    private(set) var tokenCount = 0
    private var capsTokens = 0
    private var letterTokens = 0

    init(lexicon: SentimentLexicon, normalized: UnsafeMutablePointer<UInt8>, tokens: UnsafeMutablePointer<Token>) {
        self.lexicon = lexicon
        self.classes = lexicon.byteClasses
        self.normalized = normalized
        self.tokens = tokens
    }

    /// True when some, but not all, words are written in capitals: only then
    /// do capitals signal emphasis.
    var hasCapitalDifferential: Bool { capsTokens > 0 && capsTokens < letterTokens }

    /// The scanned tokens.
    var scannedTokens: UnsafeMutableBufferPointer<Token> {
        UnsafeMutableBufferPointer(start: tokens, count: tokenCount)
    }

    /// "!" in the text scanned (counted only by a scan that stops at undecoded text).
    private(set) var exclamationMarks = 0
    /// "?" in the text scanned (counted only by a scan that stops at undecoded text).
    private(set) var questionMarks = 0
    /// URLs dropped from the text scanned.
    private(set) var links = 0

    /// Scans `text` and resolves multi-word phrases. With `stoppingAtUndecoded`, the scan also
    /// counts "!" and "?", and stops, returning false, at the first byte that
    /// `TextPreparation.decode` may rewrite ("&", or the lead byte of a typographic quote): the
    /// caller then decodes the text and scans it again. Otherwise `text` must be decoded already
    /// (and the scan returns true).
    @discardableResult
    mutating func scan(_ text: UnsafeBufferPointer<UInt8>, stoppingAtUndecoded: Bool) -> Bool {
        var position = 0
        let count = text.count
        while position < count {
            if has(text[position], ByteClass.spaceBit) {
                position += 1
                continue
            }
            // One pass finds the chunk's end and byte classes and normalises
            // it as a word, which it usually is, into the uncommitted end of
            // the normalised buffer (committed tokens take at most two bytes
            // per byte scanned, so the chunk fits; `scanChunk` overwrites it
            // when the chunk is not a plain word).
            var end = position
            var seen: UInt8 = 0
            var firstNonWord = count
            var word = WordShape(normalized + normalizedCount)
            while end < count {
                // Lower-case ASCII letters, most of a chunk, eight at a time.
                if end + 8 <= count {
                    let eight = ByteWord.load(text.baseAddress! + end)
                    let letters = ByteWord.leadingLowercaseLetters(eight)
                    if letters > 0 {
                        word.appendLowercase(eight, count: letters)
                        seen |= ByteClass.letterBit
                        end += letters
                        if letters == 8 { continue }
                    }
                }
                guard end < count else { break }
                let byte = text[end]
                let bits = classes[Int(byte)]
                if bits & ByteClass.spaceBit != 0 { break }
                if bits & ByteClass.markBit != 0 && stoppingAtUndecoded {
                    switch byte {
                    case UInt8(ascii: "!"): exclamationMarks += 1
                    case UInt8(ascii: "?"): questionMarks += 1
                    default: return false
                    }
                }
                if bits & ByteClass.nonWordBit != 0 && firstNonWord == count { firstNonWord = end }
                seen |= bits
                word.append(byte, bits)
                end += 1
            }
            if seen & ByteClass.nonWordBit == 0 {
                // Only ASCII letters and digits: one word, as `scanChunk` would find.
                emitWord(word)
            } else if seen & ByteClass.emoticonBit == 0, firstNonWord > position,
                endsInTrailingPunctuation(text, from: firstNonWord, to: end), !isURL(text, position, end)
            {
                // A word and sentence punctuation ("great!", "fine,"): what `scanChunk` would find,
                // without reading the word again.
                word.truncate(to: firstNonWord - position)
                emitWord(word)
                scanPunctuation(text, firstNonWord, end)
            } else {
                scanChunk(text, position, end, mayBeEmoticon: seen & ByteClass.emoticonBit != 0)
            }
            position = end
        }
        resolvePhrases()
        return true
    }

    /// Whether `text[start..<end]` is all `.` `,` `!` `?` `;`.
    private func endsInTrailingPunctuation(_ text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        for position in start..<end where !ByteClass.isTrailingPunctuation(text[position]) { return false }
        return true
    }

    /// The entry of a single token normalised into the scratch buffer, which can be read eight
    /// bytes past any key in it.
    @inline(__always)
    private func entry(for key: UnsafeBufferPointer<UInt8>) -> WordEntry? {
        entry(fingerprint: LexiconTable.fingerprint(paddedKey: key), length: key.count)
    }

    /// The entry of a single token: frequent words first, then the sources' words, then derived forms.
    @inline(__always)
    private func entry(fingerprint: UInt64, length: Int) -> WordEntry? {
        lexicon.frequentWords.lookup(fingerprint: fingerprint, length: length)
            ?? lexicon.coreWords.lookup(fingerprint: fingerprint, length: length)
            ?? lexicon.derivedWords.lookup(fingerprint: fingerprint, length: length)
    }

    /// Whether `byte` has any of the `ByteClass` bits in `mask`.
    @inline(__always)
    private func has(_ byte: UInt8, _ mask: UInt8) -> Bool { classes[Int(byte)] & mask != 0 }

    // MARK: - Chunks

    /// One whitespace-separated chunk; `mayBeEmoticon` tells whether it has
    /// a symbol that can only come from an emoticon.
    private mutating func scanChunk(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, mayBeEmoticon: Bool) {
        if isURL(text, start, end) {
            links += 1
            return
        }
        if isMention(text, start, end) { return }
        if mayBeEmoticon && scanEmoticonChunk(text, start, end) { return }
        var position = start
        while position < end {
            let byte = text[position]
            if byte == UInt8(ascii: "#") && startsWord(text, position + 1, end) {
                let wordEnd = endOfWord(text, position + 1, end)
                emitHashtag(text, position + 1, wordEnd)
                position = wordEnd
            } else if byte >= 0x80 {
                let length = ByteClass.scalarLength(byte)
                let scalarEnd = min(position + length, end)
                switch ByteClass.classifyScalar(text, position, scalarEnd) {
                case .ignorable:
                    position = scalarEnd
                case .punctuation(let flags):
                    markLastToken(flags)
                    position = scalarEnd
                case .symbol:
                    emitSymbol(text, position, scalarEnd)
                    position = scalarEnd
                case .letter:
                    let wordEnd = endOfWord(text, position, end)
                    emitWord(text, position, wordEnd)
                    position = wordEnd
                }
            } else if has(byte, ByteClass.alphanumericBits) {
                let wordEnd = endOfWord(text, position, end)
                emitWord(text, position, wordEnd)
                position = wordEnd
            } else {
                var runEnd = position + 1
                while runEnd < end && text[runEnd] < 0x80 && ByteClass.isPunctuation(text[runEnd]) { runEnd += 1 }
                scanPunctuation(text, position, runEnd)
                position = runEnd
            }
        }
    }

    private func isURL(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start > 4 else { return false }
        switch (text[start] | 0x20, text[start + 1] | 0x20) {
        case (UInt8(ascii: "h"), UInt8(ascii: "t")):
            return hasPrefix(text, start, end, "http://") || hasPrefix(text, start, end, "https://")
        case (UInt8(ascii: "w"), UInt8(ascii: "w")):
            return hasPrefix(text, start, end, "www.")
        default:
            return false
        }
    }

    private func isMention(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        text[start] == UInt8(ascii: "@") && startsWord(text, start + 1, end)
    }

    /// Whether a word (letter, digit or non-ASCII letter) starts at `position`.
    private func startsWord(_ text: UnsafeBufferPointer<UInt8>, _ position: Int, _ end: Int) -> Bool {
        guard position < end else { return false }
        let byte = text[position]
        if byte < 0x80 { return has(byte, ByteClass.alphanumericBits) }
        guard case .letter = ByteClass.classifyScalar(text, position, min(position + ByteClass.scalarLength(byte), end))
        else { return false }
        return true
    }

    /// Case-insensitive ASCII prefix test.
    private func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ prefix: StaticString) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard end - start >= length else { return false }
        let bytes = prefix.utf8Start
        for offset in 0..<length where ByteClass.lowercased(text[start + offset]) != bytes[offset] {
            return false
        }
        return true
    }

    /// Emits the chunk as one emoticon token (":D", "<3", ":-)!!") when it
    /// contains symbols and is a lexicon entry once trailing sentence
    /// punctuation is removed.
    private mutating func scanEmoticonChunk(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var coreEnd = end
        while coreEnd > start + 1 && ByteClass.isTrailingPunctuation(text[coreEnd - 1]) { coreEnd -= 1 }
        var hasSymbol = false
        for position in start..<coreEnd {
            let byte = text[position]
            if byte >= 0x80 { return false }
            if !ByteClass.isAlphanumeric(byte) && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "-") {
                hasSymbol = true
            }
        }
        guard hasSymbol, let entry = lookupLowercased(text, start, coreEnd), entry.valence != 0 else { return false }
        appendToken(length: coreEnd - start, entry: entry, flags: [])
        if coreEnd < end { scanPunctuation(text, coreEnd, end) }
        return true
    }

    /// Writes `text[start..<end]` lower-cased at the end of the normalised
    /// buffer (without committing it) and looks it up.
    private func lookupLowercased(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> WordEntry? {
        let destination = normalized + normalizedCount
        for offset in 0..<(end - start) {
            destination[offset] = ByteClass.lowercased(text[start + offset])
        }
        return entry(for: UnsafeBufferPointer(start: destination, count: end - start))
    }

    /// A run of ASCII punctuation inside a chunk: an emoticon ("great:)") or
    /// clause and sentence boundaries.
    private mutating func scanPunctuation(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        if end - start >= 2, let entry = lookupLowercased(text, start, end), entry.valence != 0 {
            appendToken(length: end - start, entry: entry, flags: [])
            return
        }
        var flags: TokenFlags = []
        for position in start..<end {
            flags.formUnion(ByteClass.boundaryFlags(text[position]))
            if text[position] == UInt8(ascii: "-") && position + 1 < end && text[position + 1] == UInt8(ascii: "-") {
                flags.insert(.clauseEnd)
            }
        }
        markLastToken(flags)
    }

    private func markLastToken(_ flags: TokenFlags) {
        guard tokenCount > 0, !flags.isEmpty else { return }
        tokens[tokenCount - 1].flags.formUnion(flags)
    }

    /// End of the word starting at `start`: letters, digits, non-ASCII
    /// letters, and apostrophes or hyphens followed by a letter or digit.
    private func endOfWord(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var position = start
        while position < end {
            let byte = text[position]
            if has(byte, ByteClass.alphanumericBits) {
                position += 1
            } else if byte >= 0x80 {
                let scalarEnd = min(position + ByteClass.scalarLength(byte), end)
                guard case .letter = ByteClass.classifyScalar(text, position, scalarEnd) else { break }
                position = scalarEnd
            } else if (byte == UInt8(ascii: "'") || byte == UInt8(ascii: "-")) && position + 1 < end
                && has(text[position + 1], ByteClass.alphanumericBits) && position > start
            {
                position += 1
            } else {
                break
            }
        }
        return max(position, start + 1)
    }

    // MARK: - Words

    /// Normalises and resolves one word and appends it.
    private mutating func emitWord(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        var word = WordShape(normalized + normalizedCount)
        for position in start..<end {
            let byte = text[position]
            word.append(byte, classes[Int(byte)])
        }
        emitWord(word)
    }

    /// Resolves a word normalised at the end of the normalised buffer and appends it.
    private mutating func emitWord(_ word: WordShape) {
        var flags: TokenFlags = word.elongated ? [.elongated] : []
        if word.letters > 0 {
            letterTokens += 1
            if word.letters >= 2 && word.uppers == word.letters {
                capsTokens += 1
                flags.insert(.allCaps)
            }
        }
        var length = word.length
        let entry = resolve(word.bytes, &length, elongated: word.elongated)
        appendToken(length: length, entry: entry, flags: flags)
    }

    /// Looks the normalised word up, trying its de-elongated forms, without a
    /// possessive "'s", and treating any "…n't" form as a negator. May shorten
    /// `length` to the form that matched.
    ///
    /// `mutating` only so that the call passes the scanner by reference: as
    /// a non-mutating method it received a copy of the scanner, written to
    /// the stack for every word.
    private mutating func resolve(_ word: UnsafeMutablePointer<UInt8>, _ length: inout Int, elongated: Bool) -> WordEntry {
        if let entry = entry(for: UnsafeBufferPointer(start: word, count: length)) { return entry }
        if elongated {
            let original = length
            for maximumRun in [2, 1] {
                length = collapseRuns(word, original, maximumRun: maximumRun)
                if let entry = entry(for: UnsafeBufferPointer(start: word, count: length)) { return entry }
                restoreRuns(word, original)
            }
            length = collapseRuns(word, original, maximumRun: 2)
        }
        if length > 2 && word[length - 2] == UInt8(ascii: "'") && word[length - 1] == UInt8(ascii: "s"),
            let entry = entry(for: UnsafeBufferPointer(start: word, count: length - 2))
        {
            length -= 2
            return entry
        }
        if length >= 3 && word[length - 3] == UInt8(ascii: "n") && word[length - 2] == UInt8(ascii: "'")
            && word[length - 1] == UInt8(ascii: "t")
        {
            return WordEntry(roles: .negator)
        }
        return repeatedSyllableEntry(word, length) ?? .unknown
    }

    /// Laughter and other repeated two-letter syllables ("hahahahaha",
    /// "lololol", "xoxoxoxo") resolve through their longest known prefix of
    /// six to three letters ("hahaha", "lol", "xoxo").
    private func repeatedSyllableEntry(_ word: UnsafeMutablePointer<UInt8>, _ length: Int) -> WordEntry? {
        guard length >= 5 else { return nil }
        for offset in 2..<length where word[offset] != word[offset - 2] || !has(word[offset], ByteClass.letterBit) {
            return nil
        }
        for prefix in stride(from: min(6, length - 1), through: 3, by: -1) {
            if let entry = entry(for: UnsafeBufferPointer(start: word, count: prefix)) { return entry }
        }
        return nil
    }

    // MARK: - Hashtags

    /// "#NotHappy" → "not happy"; "#epicfail" → "epic fail" when every piece
    /// is a known word; otherwise the hashtag body as one word.
    private mutating func emitHashtag(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        var pieceStart = start
        var isCamelCase = false
        for position in (start + 1)..<end {
            if ByteClass.isLower(text[position - 1]) && ByteClass.isUpper(text[position]) {
                emitHashtagPiece(text, pieceStart, position)
                pieceStart = position
                isCamelCase = true
            }
        }
        if isCamelCase {
            emitHashtagPiece(text, pieceStart, end)
        } else if lookupLowercased(text, start, end) == nil, segment(text, start, end) {
            return
        } else {
            emitWord(text, start, end)
        }
    }

    /// A camel-case piece of a hashtag; capitals here are not emphasis.
    private mutating func emitHashtagPiece(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        let capsBefore = capsTokens
        emitWord(text, start, end)
        if capsTokens > capsBefore {
            capsTokens = capsBefore
            tokens[tokenCount - 1].flags.remove(.allCaps)
        }
    }

    /// Splits a lower-case letters-only hashtag body into the fewest known
    /// words and emits them; returns false (emitting nothing) when no full
    /// segmentation exists.
    private mutating func segment(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        guard length >= 4, length <= TextScanner.maximumSegmentedHashtag else { return false }
        for position in start..<end where !ByteClass.isLetter(text[position]) { return false }
        let scratch = normalized + normalizedCount
        for offset in 0..<length { scratch[offset] = ByteClass.lowercased(text[start + offset]) }
        let splits = withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (length + 1)) { memory -> [Int]? in
            let pieces = memory.baseAddress!
            let previous = pieces + (length + 1)
            pieces[0] = 0
            for prefix in 1...length {
                pieces[prefix] = Int.max
                for cut in max(0, prefix - TextScanner.maximumSegmentWord)..<prefix where pieces[cut] != Int.max {
                    guard pieces[cut] + 1 < pieces[prefix],
                        let entry = entry(for: UnsafeBufferPointer(start: scratch + cut, count: prefix - cut)),
                        entry.roles.contains(.segmentable)
                    else { continue }
                    pieces[prefix] = pieces[cut] + 1
                    previous[prefix] = cut
                }
            }
            guard pieces[length] != Int.max, pieces[length] > 1 else { return nil }
            var cuts: [Int] = []
            var position = length
            while position > 0 {
                cuts.append(position)
                position = previous[position]
            }
            return cuts.reversed()
        }
        guard let splits else { return false }
        var pieceStart = start
        for cut in splits {
            emitWord(text, pieceStart, start + cut)
            pieceStart = start + cut
        }
        return true
    }

    // MARK: - Emoji

    private mutating func emitSymbol(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        let key = UnsafeBufferPointer(rebasing: text[start..<end])
        guard let entry = entry(fingerprint: LexiconTable.fingerprint(key), length: key.count) else { return }
        let destination = normalized + normalizedCount
        for offset in 0..<(end - start) { destination[offset] = text[start + offset] }
        appendToken(length: end - start, entry: entry, flags: [])
    }

    // MARK: - Tokens and phrases

    /// Commits the `length` bytes already written at the end of the
    /// normalised buffer as a token, followed by a space.
    private mutating func appendToken(length: Int, entry: WordEntry, flags: TokenFlags) {
        tokens[tokenCount] = Token(
            start: Int32(normalizedCount), end: Int32(normalizedCount + length), entry: entry, flags: flags)
        tokenCount += 1
        normalizedCount += length
        normalized[normalizedCount] = 0x20
        normalizedCount += 1
    }

    /// Replaces three- and two-word phrases by their entry on the last word
    /// and marks the other words absorbed; phrases do not span clauses.
    private mutating func resolvePhrases() {
        var index = 0
        while index + 1 < tokenCount {
            defer { index += 1 }
            guard tokens[index].entry.roles.contains(.phraseStart), !tokens[index].flags.contains(.clauseEnd),
                tokens[index + 1].entry.roles.contains(.phraseSecond)
            else { continue }
            if index + 2 < tokenCount && !tokens[index + 1].flags.contains(.clauseEnd),
                let entry = phraseEntry(from: index, to: index + 2)
            {
                absorbPhrase(from: index, to: index + 2, entry)
                index += 2
            } else if let entry = phraseEntry(from: index, to: index + 1) {
                absorbPhrase(from: index, to: index + 1, entry)
                index += 1
            }
        }
    }

    /// The phrase entry for tokens `first...last`, which are contiguous in
    /// the normalised buffer.
    private func phraseEntry(from first: Int, to last: Int) -> WordEntry? {
        let start = Int(tokens[first].start)
        let key = UnsafeBufferPointer(start: normalized + start, count: Int(tokens[last].end) - start)
        return lexicon.phrases.lookup(fingerprint: LexiconTable.fingerprint(paddedKey: key), length: key.count)
    }

    private func absorbPhrase(from first: Int, to last: Int, _ entry: WordEntry) {
        for absorbed in first..<last {
            tokens[absorbed].entry = .unknown
            tokens[absorbed].flags.insert(.absorbed)
        }
        tokens[last].entry = entry
    }
}

/// A word being lower-cased into the normalised buffer byte by byte, with
/// what the scanner needs to know about its letters.
private struct WordShape {
    /// Start of the lower-cased word.
    let bytes: UnsafeMutablePointer<UInt8>
    private(set) var length = 0
    private(set) var letters = 0
    private(set) var uppers = 0
    /// Had a letter three times in a row ("goood").
    private(set) var elongated = false
    /// Length of the current run of one repeated letter.
    private var run = 1

    init(_ bytes: UnsafeMutablePointer<UInt8>) { self.bytes = bytes }

    /// Lower-cases and appends `byte`, whose `ByteClass` bits are `bits`.
    @inline(__always)
    mutating func append(_ byte: UInt8, _ bits: UInt8) {
        let isLetter = bits & ByteClass.letterBit != 0
        if isLetter {
            letters &+= 1
            if bits & ByteClass.upperBit != 0 { uppers &+= 1 }
        }
        let lower = bits & ByteClass.upperBit != 0 ? byte | 0x20 : byte
        if isLetter && length > 0 && lower == bytes[length &- 1] {
            run &+= 1
            if run == 3 { elongated = true }
        } else {
            run = 1
        }
        bytes[length] = lower
        length &+= 1
    }

    /// Appends the first `count` (1...8) bytes of `eight`, all lower-case ASCII letters, as `append`
    /// would one by one. The eight bytes are stored, so the buffer needs eight bytes of room.
    @inline(__always)
    mutating func appendLowercase(_ eight: UInt64, count: Int) {
        let previous = length > 0 ? UInt64(bytes[length &- 1]) : 0
        UnsafeMutableRawPointer(bytes + length).storeBytes(of: eight, as: UInt64.self)
        // The high bit of byte i is set when letter i equals the byte before it.
        let equal = ByteWord.zeroBytes(eight ^ (eight &<< 8 | previous))
        let counted = count == 8 ? ByteWord.highBits : ByteWord.highBits & ((1 &<< (8 &* UInt64(count))) &- 1)
        let repeats = equal & counted
        // A third letter in a row: two repeats in a row, or a repeat continuing a run of two.
        if repeats & (repeats &<< 8) != 0 || (run >= 2 && repeats & 0x80 != 0) { elongated = true }
        let breaks = ~repeats & counted
        run = breaks == 0 ? run &+ count : count &- (63 &- breaks.leadingZeroBitCount) / 8
        letters &+= count
        length &+= count
    }

    /// Drops everything after the first `newLength` bytes (which hold all the letters).
    mutating func truncate(to newLength: Int) {
        length = newLength
    }
}

/// Collapses runs of a repeated letter longer than `maximumRun` in place,
/// keeping a copy of the original after the collapsed form so that
/// `restoreRuns` can undo it; returns the new length.
private func collapseRuns(_ word: UnsafeMutablePointer<UInt8>, _ length: Int, maximumRun: Int) -> Int {
    let backup = word + length + 1
    for offset in 0..<length { backup[offset] = word[offset] }
    var written = 0
    var run = 0
    for offset in 0..<length {
        let byte = backup[offset]
        run = offset > 0 && byte == backup[offset - 1] && ByteClass.isLetter(byte) ? run + 1 : 1
        if run <= maximumRun {
            word[written] = byte
            written += 1
        }
    }
    return written
}

/// Undoes `collapseRuns`.
private func restoreRuns(_ word: UnsafeMutablePointer<UInt8>, _ length: Int) {
    let backup = word + length + 1
    for offset in 0..<length { word[offset] = backup[offset] }
}
