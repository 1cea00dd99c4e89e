/// Writes one compact JSON object by hand (no JSONSerialization) at the end of a UTF-8 byte
/// buffer: keys in call order, strings escaped per RFC 8259, numbers rounded to 4 decimals.
struct JSONLineWriter {
    private var output: [UInt8] = []
    private var needsComma = false

    /// Starts an object at the end of `buffer`. The writer holds the buffer (which is empty
    /// meanwhile, so appends never copy it) until ``finish(into:)`` hands it back.
    init(appendingTo buffer: inout [UInt8]) {
        swap(&output, &buffer)
        output.append(UInt8(ascii: "{"))
    }

    /// Closes the object and hands the buffer back to `buffer`.
    mutating func finish(into buffer: inout [UInt8]) {
        output.append(UInt8(ascii: "}"))
        swap(&output, &buffer)
    }

    mutating func add(_ key: StaticString, string value: String) {
        addKey(key)
        appendQuoted(value)
    }

    mutating func add(_ key: StaticString, number value: Double) {
        addKey(key)
        appendNumber(value)
    }

    /// Starts a nested object under `key`; close it with ``endObject()``.
    mutating func beginObject(_ key: StaticString) {
        addKey(key)
        output.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        output.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Adds a raw JSON value that is already valid (a nested object, `null`, or a number as written).
    mutating func add(_ key: StaticString, raw value: String) {
        addKey(key)
        output.append(contentsOf: value.utf8)
    }

    mutating func add(_ key: StaticString, strings values: [String]) {
        addKey(key)
        output.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendQuoted(value)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// Keys are plain ASCII literals chosen by this module, so they need no escaping.
    private mutating func addKey(_ key: StaticString) {
        if needsComma { output.append(UInt8(ascii: ",")) }
        needsComma = true
        output.append(UInt8(ascii: "\""))
        output.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        output.append(UInt8(ascii: "\""))
        output.append(UInt8(ascii: ":"))
    }

    /// Appends `value` rounded to 4 decimals, without trailing zeros but with at least one
    /// decimal ("0.6369", "0.5", "1.0", "-0.25"); non-finite values become `null`.
    private mutating func appendNumber(_ value: Double) {
        let scaled = (value * 10_000).rounded()
        guard scaled.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        guard abs(scaled) < 1e15 else {
            output.append(contentsOf: String(scaled / 10_000).utf8)
            return
        }
        if scaled < 0 { output.append(UInt8(ascii: "-")) }
        let magnitude = Int(abs(scaled))
        appendDigits(magnitude / 10_000, minimumCount: 1)
        output.append(UInt8(ascii: "."))
        var decimals = magnitude % 10_000
        var count = 4
        while count > 1 && decimals % 10 == 0 {
            decimals /= 10
            count -= 1
        }
        appendDigits(decimals, minimumCount: count)
    }

    /// Appends the decimal digits of `value` (non-negative), left-padded with zeros to `minimumCount`.
    private mutating func appendDigits(_ value: Int, minimumCount: Int) {
        var digitCount = 1
        var power = 10
        while power <= value {
            power *= 10
            digitCount += 1
        }
        let count = max(digitCount, minimumCount)
        output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var rest = value
        var position = output.count - 1
        while rest > 0 {
            output[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            position -= 1
        }
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped,
    /// everything else copied as UTF-8.
    private mutating func appendQuoted(_ value: String) {
        output.append(UInt8(ascii: "\""))
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output.append(contentsOf: value.utf8)
            output.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
            case 0x0A: output.append(contentsOf: #"\n"#.utf8)
            case 0x0D: output.append(contentsOf: #"\r"#.utf8)
            case 0x09: output.append(contentsOf: #"\t"#.utf8)
            case 0x08: output.append(contentsOf: #"\b"#.utf8)
            case 0x0C: output.append(contentsOf: #"\f"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: #"\u00"#.utf8)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0xF)])
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
