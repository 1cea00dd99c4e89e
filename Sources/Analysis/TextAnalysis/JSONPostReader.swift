/// Why an input line could not be read as an Earshot post.
public enum PostLineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The line is empty or only white space.
    case empty
    /// The bytes are not UTF-8.
    case invalidUTF8
    /// The JSON is malformed at `offset` (a UTF-8 byte offset in the line).
    case invalidJSON(offset: Int, reason: String)
    /// The line is valid JSON but not an object.
    case notAnObject
    /// The object has no string "text" field.
    case missingText

    /// A message for the "error" field of the output line.
    public var description: String {
        switch self {
        case .empty: "empty line"
        case .invalidUTF8: "invalid UTF-8"
        case .invalidJSON(let offset, let reason): "invalid JSON at byte \(offset): \(reason)"
        case .notAnObject: "JSON value is not an object"
        case .missingText: "no string \"text\" field"
        }
    }
}

/// The fields of an Earshot post JSON object that `earshot analyze --jsonl` uses. Keys are
/// accepted in Earshot's lowerCamelCase and in snake_case.
public struct PostFields: Sendable, Equatable {
    /// The "text" field.
    public var text: String?
    /// The "lang" field, or else "languageHint" / "language_hint".
    public var languageHint: String?
    /// The "textIsHtml" / "text_is_html" field (Mastodon `content`); false when absent.
    public var isHTML = false
    /// The "id" field as raw JSON (a string with its quotes, or a number), copied to the output.
    public var rawID: String?

    /// Creates fields; everything defaults to absent.
    public init(text: String? = nil, languageHint: String? = nil, isHTML: Bool = false, rawID: String? = nil) {
        self.text = text
        self.languageHint = languageHint
        self.isHTML = isHTML
        self.rawID = rawID
    }

    /// Reads the top-level fields of one JSON object, skipping every other field and nested value.
    public static func parse(_ line: String) throws(PostLineError) -> PostFields {
        try parse(bytes: Array(line.utf8))
    }

    /// The same for a line given as UTF-8 bytes, which must be valid UTF-8 (JSON text is).
    public static func parse(bytes: some Collection<UInt8>) throws(PostLineError) -> PostFields {
        guard String(validating: bytes, as: UTF8.self) != nil else { throw .invalidUTF8 }
        var reader = JSONPostReader(bytes: Array(bytes))
        return try reader.readPost()
    }
}

/// A minimal JSON scanner over UTF-8 bytes: enough to read the top-level strings of an object
/// and skip anything else, validating as it goes.
private struct JSONPostReader {
    let bytes: [UInt8]
    var position = 0
    private static let maximumDepth = 64

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func readPost() throws(PostLineError) -> PostFields {
        skipWhitespace()
        guard position < bytes.count else { throw .empty }
        guard bytes[position] == UInt8(ascii: "{") else {
            try skipValue(depth: 0)
            throw .notAnObject
        }
        position += 1
        var fields = PostFields()
        var languageHint: String?
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            position += 1
        } else {
            while true {
                skipWhitespace()
                let key = try readString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                let valueStart = position
                switch key {
                case "text":
                    fields.text = try readOptionalString()
                case "lang":
                    fields.languageHint = try readOptionalString()
                case "languageHint", "language_hint":
                    languageHint = try readOptionalString()
                case "textIsHtml", "text_is_html":
                    fields.isHTML = peek() == UInt8(ascii: "t")
                    try skipValue(depth: 1)
                case "id":
                    try skipValue(depth: 1)
                    fields.rawID = String(decoding: bytes[valueStart..<position], as: UTF8.self)
                default:
                    try skipValue(depth: 1)
                }
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"))
                break
            }
        }
        skipWhitespace()
        guard position == bytes.count else { throw .invalidJSON(offset: position, reason: "unexpected data after the object") }
        if fields.languageHint == nil { fields.languageHint = languageHint }
        return fields
    }

    /// A string value, or nil (skipping the value) when it is not a string.
    private mutating func readOptionalString() throws(PostLineError) -> String? {
        if peek() == UInt8(ascii: "\"") { return try readString() }
        try skipValue(depth: 1)
        return nil
    }

    private func peek() -> UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private mutating func expect(_ byte: UInt8) throws(PostLineError) {
        guard peek() == byte else {
            throw .invalidJSON(offset: position, reason: "expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            position += 1
        }
    }

    private mutating func skipValue(depth: Int) throws(PostLineError) {
        guard depth < Self.maximumDepth else { throw .invalidJSON(offset: position, reason: "nested too deeply") }
        guard let byte = peek() else { throw .invalidJSON(offset: position, reason: "expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try readString()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipContainer(closing: byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"), depth: depth)
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            while let next = peek(), "+-.eE0123456789".utf8.contains(next) { position += 1 }
            guard Double(String(decoding: bytes[start..<position], as: UTF8.self)) != nil else {
                throw .invalidJSON(offset: start, reason: "invalid number")
            }
        default:
            throw .invalidJSON(offset: position, reason: "unexpected character")
        }
    }

    private mutating func skipContainer(closing: UInt8, depth: Int) throws(PostLineError) {
        let isObject = closing == UInt8(ascii: "}")
        position += 1
        skipWhitespace()
        if peek() == closing { position += 1; return }
        while true {
            skipWhitespace()
            if isObject {
                _ = try readString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            try expect(closing)
            return
        }
    }

    private mutating func expectWord(_ word: String) throws(PostLineError) {
        for expected in word.utf8 {
            guard peek() == expected else { throw .invalidJSON(offset: position, reason: "invalid literal") }
            position += 1
        }
    }

    /// Reads a string at `position` (which must be a quote), decoding escapes.
    private mutating func readString() throws(PostLineError) -> String {
        try expect(UInt8(ascii: "\""))
        var decoded: [UInt8] = []
        var clean = position
        while true {
            guard let byte = peek() else { throw .invalidJSON(offset: position, reason: "unterminated string") }
            if byte == UInt8(ascii: "\"") {
                decoded.append(contentsOf: bytes[clean..<position])
                position += 1
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte < 0x20 { throw .invalidJSON(offset: position, reason: "control character in string") }
            guard byte == UInt8(ascii: "\\") else { position += 1; continue }
            decoded.append(contentsOf: bytes[clean..<position])
            position += 1
            try appendEscape(to: &decoded)
            clean = position
        }
    }

    private mutating func appendEscape(to decoded: inout [UInt8]) throws(PostLineError) {
        guard let byte = peek() else { throw .invalidJSON(offset: position, reason: "unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(byte)
        case UInt8(ascii: "n"): decoded.append(0x0A)
        case UInt8(ascii: "r"): decoded.append(0x0D)
        case UInt8(ascii: "t"): decoded.append(0x09)
        case UInt8(ascii: "b"): decoded.append(0x08)
        case UInt8(ascii: "f"): decoded.append(0x0C)
        case UInt8(ascii: "u"):
            var value = try readHex4()
            if (0xD800...0xDBFF).contains(value), peek() == UInt8(ascii: "\\"),
               position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") {
                position += 2
                let low = try readHex4()
                value = (0xDC00...0xDFFF).contains(low) ? 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
            }
            decoded.append(contentsOf: String(Character(Unicode.Scalar(value) ?? "\u{FFFD}")).utf8)
        default:
            throw .invalidJSON(offset: position - 1, reason: "invalid escape")
        }
    }

    private mutating func readHex4() throws(PostLineError) -> UInt32 {
        guard position + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16) else {
            throw .invalidJSON(offset: position, reason: "invalid \\u escape")
        }
        position += 4
        return value
    }
}
