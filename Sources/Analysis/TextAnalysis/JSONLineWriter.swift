/// Writes one compact JSON object by hand (no JSONSerialization): keys in call order, strings
/// escaped per RFC 8259, numbers rounded to 4 decimals.
struct JSONLineWriter {
    private(set) var output = "{"
    private var needsComma = false

    /// Finishes the object and returns it.
    mutating func finish() -> String {
        output += "}"
        return output
    }

    mutating func add(_ key: String, string value: String) {
        addKey(key)
        Self.appendQuoted(value, to: &output)
    }

    mutating func add(_ key: String, number value: Double) {
        addKey(key)
        output += Self.format(value)
    }

    /// Adds a raw JSON value that is already valid (a nested object, `null`, or a number as written).
    mutating func add(_ key: String, raw value: String) {
        addKey(key)
        output += value
    }

    mutating func add(_ key: String, strings values: [String]) {
        addKey(key)
        output += "["
        for (index, value) in values.enumerated() {
            if index > 0 { output += "," }
            Self.appendQuoted(value, to: &output)
        }
        output += "]"
    }

    private mutating func addKey(_ key: String) {
        if needsComma { output += "," }
        needsComma = true
        Self.appendQuoted(key, to: &output)
        output += ":"
    }

    /// `value` rounded to 4 decimals; non-finite values become `null`.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let rounded = (value * 10_000).rounded() / 10_000
        return rounded == 0 ? "0.0" : String(rounded)
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped,
    /// everything else copied as UTF-8.
    static func appendQuoted(_ value: String, to output: inout String) {
        output += "\""
        var clean = value.utf8.startIndex
        let utf8 = value.utf8
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            output += String(Substring(utf8[clean..<index]))
            output += escape(byte)
            clean = utf8.index(after: index)
        }
        output += String(Substring(utf8[clean...]))
        output += "\""
    }

    private static func escape(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "\\"): return "\\\\"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x08: return "\\b"
        case 0x0C: return "\\f"
        default:
            let hex = String(byte, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
    }
}
