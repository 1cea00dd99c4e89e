/// What a non-ASCII scalar is to the scanner.
enum ScalarClass {
    /// Variation selectors, joiners, skin-tone modifiers: skipped.
    case ignorable
    /// General punctuation (dashes, ellipsis, quotes) with the boundary it marks.
    case punctuation(TokenFlags)
    /// Emoji and pictographs: a token of its own.
    case symbol
    /// Anything else (accented and non-Latin letters): part of a word.
    case letter
}

/// Byte and scalar classification for the scanner (ASCII rules, UTF-8 aware).
enum ByteClass {
    /// Bits of `table`, one byte per possible byte value, for the hot loops.
    static let spaceBit: UInt8 = 1 << 0
    static let letterBit: UInt8 = 1 << 1
    static let digitBit: UInt8 = 1 << 2
    static let upperBit: UInt8 = 1 << 3
    static let emoticonBit: UInt8 = 1 << 4
    /// Any byte but an ASCII letter, digit or space (punctuation, controls, non-ASCII).
    static let nonWordBit: UInt8 = 1 << 5
    /// "!" and "?", which `TextPreparation.survey` counts, and the bytes `TextPreparation.decode`
    /// may rewrite: "&" and 0xE2 (the lead byte of typographic quotes).
    static let markBit: UInt8 = 1 << 6
    static let alphanumericBits: UInt8 = letterBit | digitBit

    /// A 256-entry table of the bits above, for `SentimentLexicon` to own.
    static func makeTable() -> UnsafeMutablePointer<UInt8> {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for value in 0..<256 {
            let byte = UInt8(value)
            var bits: UInt8 = 0
            if isSpace(byte) { bits |= spaceBit }
            if isLetter(byte) { bits |= letterBit }
            if byte >= 0x30 && byte <= 0x39 { bits |= digitBit }
            if isUpper(byte) { bits |= upperBit }
            if isEmoticonByte(byte) { bits |= emoticonBit }
            if !isSpace(byte) && !isAlphanumeric(byte) { bits |= nonWordBit }
            if byte == UInt8(ascii: "!") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "&") || byte == 0xE2 {
                bits |= markBit
            }
            table[value] = bits
        }
        return table
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    @inline(__always) static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    @inline(__always) static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }

    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { isLower(byte | 0x20) }

    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= 0x30 && byte <= 0x39)
    }

    /// Printable ASCII that is neither a letter, a digit nor a space.
    @inline(__always) static func isPunctuation(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && !isAlphanumeric(byte)
    }

    @inline(__always) static func lowercased(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }

    /// ASCII punctuation found in emoticons but not in ordinary words and
    /// their trailing punctuation (everything except `' - . , ! ? ;`).
    @inline(__always) static func isEmoticonByte(_ byte: UInt8) -> Bool {
        isPunctuation(byte) && byte != UInt8(ascii: "'") && byte != UInt8(ascii: "-") && !isTrailingPunctuation(byte)
    }

    /// Punctuation that may trail an emoticon chunk (":)!!").
    @inline(__always) static func isTrailingPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "!"), UInt8(ascii: "?"), UInt8(ascii: ";"): true
        default: false
        }
    }

    /// The boundary an ASCII punctuation byte marks after the previous token.
    @inline(__always) static func boundaryFlags(_ byte: UInt8) -> TokenFlags {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "?"): [.clauseEnd, .sentenceEnd]
        case UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "("), UInt8(ascii: ")"),
            UInt8(ascii: "["), UInt8(ascii: "]"):
            [.clauseEnd]
        default: []
        }
    }

    /// Length of the UTF-8 sequence starting with `lead` (1 for stray continuation bytes).
    @inline(__always) static func scalarLength(_ lead: UInt8) -> Int {
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    /// Decodes the scalar in `text[start..<end]` and classifies it.
    static func classifyScalar(_ text: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> ScalarClass {
        let length = end - start
        guard length >= 2 else { return .ignorable }
        var value = UInt32(text[start]) & (0xFF >> (length + 1))
        for position in (start + 1)..<end {
            value = value << 6 | (UInt32(text[position]) & 0x3F)
        }
        switch value {
        case 0xFE00...0xFE0F, 0x200B...0x200D, 0x20E3, 0x1F3FB...0x1F3FF, 0xE0020...0xE007F:
            return .ignorable
        case 0x2013, 0x2014, 0x2015, 0x2026:
            return .punctuation(.clauseEnd)
        case 0x00A0...0x00BF, 0x2000...0x206F, 0x3000...0x303F:
            return value == 0x00A9 || value == 0x00AE || value == 0x203C || value == 0x2049 || value == 0x3030
                || value == 0x303D ? .symbol : .punctuation([])
        case 0x2100...0x2BFF, 0x1F000...0x1FAFF, 0x3297, 0x3299:
            return .symbol
        default:
            return .letter
        }
    }
}
