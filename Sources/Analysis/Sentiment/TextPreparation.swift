/// Punctuation counts of a raw text.
struct TextSurvey {
    /// Number of "!" in the text.
    var exclamationMarks = 0
    /// Number of "?" in the text.
    var questionMarks = 0
}

/// For texts with HTML entities (`&amp;`, `&lt;`, `&#39;`, `&#x1F600;` …) or
/// typographic quotes: `survey` counts the exclamation and question marks as
/// written, then `decode` rewrites the text (the output is never longer than
/// the input). Other texts are counted by the scan itself (`TextScanner`).
enum TextPreparation {
    /// Longest entity considered, "&" and ";" included.
    private static let maximumEntityLength = 10

    /// Counts "!" and "?".
    static func survey(_ input: UnsafeBufferPointer<UInt8>) -> TextSurvey {
        var survey = TextSurvey()
        for byte in input {
            switch byte {
            case UInt8(ascii: "!"): survey.exclamationMarks += 1
            case UInt8(ascii: "?"): survey.questionMarks += 1
            default: break
            }
        }
        return survey
    }

    /// Copies `input` to `output`, decoding HTML entities and folding
    /// typographic quotes to ASCII; returns the number of bytes written.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> Int {
        var written = 0
        var position = 0
        let count = input.count
        while position < count {
            let byte = input[position]
            if byte == UInt8(ascii: "&"), let consumed = decodeEntity(input, position, output, &written) {
                position += consumed
                continue
            }
            if byte == 0xE2 && position + 2 < count && input[position + 1] == 0x80,
                let folded = foldedQuote(input[position + 2])
            {
                output[written] = folded
                written += 1
                position += 3
                continue
            }
            output[written] = byte
            written += 1
            position += 1
        }
        return written
    }

    /// ASCII replacement of the typographic quote U+2018…U+201D or prime
    /// U+2032/U+2033 whose last UTF-8 byte is `last`.
    private static func foldedQuote(_ last: UInt8) -> UInt8? {
        switch last {
        case 0x98, 0x99, 0xB2: UInt8(ascii: "'")
        case 0x9C, 0x9D, 0xB3: UInt8(ascii: "\"")
        default: nil
        }
    }

    /// Decodes the entity starting at `input[start]` ("&") into
    /// `output[written...]`, advancing `written`; returns the number of input bytes consumed, or nil
    /// when there is no known entity there.
    private static func decodeEntity(
        _ input: UnsafeBufferPointer<UInt8>, _ start: Int, _ output: UnsafeMutablePointer<UInt8>, _ written: inout Int
    ) -> Int? {
        var end = start + 1
        while end < input.count && end - start < maximumEntityLength && input[end] != UInt8(ascii: ";")
            && !ByteClass.isSpace(input[end])
        {
            end += 1
        }
        guard end < input.count, input[end] == UInt8(ascii: ";"), end > start + 1 else { return nil }
        let name = UnsafeBufferPointer(rebasing: input[(start + 1)..<end])
        let scalar: UInt32
        if name[0] == UInt8(ascii: "#") {
            guard let value = numericEntityValue(UnsafeBufferPointer(rebasing: name[1...])) else { return nil }
            scalar = value
        } else if let value = namedEntityValue(name) {
            scalar = value
        } else {
            return nil
        }
        guard let decoded = Unicode.Scalar(scalar) else { return nil }
        for byte in UTF8.encode(decoded)! {
            output[written] = byte
            written += 1
        }
        return end - start + 1
    }

    private static func numericEntityValue(_ digits: UnsafeBufferPointer<UInt8>) -> UInt32? {
        guard !digits.isEmpty else { return nil }
        let isHex = digits[0] | 0x20 == UInt8(ascii: "x")
        var value: UInt32 = 0
        for byte in digits.dropFirst(isHex ? 1 : 0) {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where isHex: digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F") where isHex: digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value * (isHex ? 16 : 10) + digit
            if value > 0x10FFFF { return nil }
        }
        return value
    }

    private static func namedEntityValue(_ name: UnsafeBufferPointer<UInt8>) -> UInt32? {
        switch String(decoding: name, as: UTF8.self) {
        case "amp": 0x26
        case "lt": 0x3C
        case "gt": 0x3E
        case "quot": 0x22
        case "apos": 0x27
        case "nbsp": 0x20
        case "hellip": 0x2026
        case "mdash": 0x2014
        case "ndash": 0x2013
        case "rsquo", "lsquo": 0x27
        case "ldquo", "rdquo": 0x22
        default: nil
        }
    }
}
