/// Result of `TextPreparation.prepare`.
struct PreparedText {
    /// Number of bytes written.
    var count = 0
    /// Number of "!" in the text.
    var exclamationMarks = 0
    /// Number of "?" in the text.
    var questionMarks = 0
}

/// First pass over the raw bytes: decodes HTML entities (`&amp;`, `&lt;`,
/// `&#39;`, `&#x1F600;` …), folds typographic quotes to ASCII and counts
/// exclamation and question marks. The output is never longer than the input.
enum TextPreparation {
    /// Longest entity considered, "&" and ";" included.
    private static let maximumEntityLength = 10

    static func prepare(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<UInt8>) -> PreparedText {
        var result = PreparedText()
        var position = 0
        let count = input.count
        while position < count {
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "!"):
                result.exclamationMarks += 1
            case UInt8(ascii: "?"):
                result.questionMarks += 1
            case UInt8(ascii: "&"):
                if let consumed = decodeEntity(input, position, output, &result.count) {
                    position += consumed
                    continue
                }
            case 0xE2 where position + 2 < count && input[position + 1] == 0x80:
                switch input[position + 2] {
                case 0x98, 0x99, 0xB2:
                    output[result.count] = UInt8(ascii: "'")
                    result.count += 1
                    position += 3
                    continue
                case 0x9C, 0x9D, 0xB3:
                    output[result.count] = UInt8(ascii: "\"")
                    result.count += 1
                    position += 3
                    continue
                default:
                    break
                }
            default:
                break
            }
            output[result.count] = byte
            result.count += 1
            position += 1
        }
        return result
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
