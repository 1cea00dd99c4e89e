import TextBytes

/// Writes one compact JSON object by hand (no JSONSerialization) at the end of a UTF-8 byte
/// buffer: keys in call order, strings escaped per RFC 8259, numbers rounded to 4 decimals.
///
/// The object is built in scratch memory sized up front (so each byte is a plain store, not an
/// array append with its uniqueness and capacity checks) and then copied to the buffer at once.
struct JSONLineWriter {
    private let scratch: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var count = 0
    private var needsComma = false

    /// Bytes of everything but the strings: keys, punctuation, numbers and short literals.
    private static let fixedBytes = 768
    /// The most one UTF-8 byte of a string can take once escaped ("\u001f").
    private static let escapedBytesPerByte = 6
    /// Quotes and comma around each string.
    private static let bytesAroundString = 3

    /// Writes the object that `body` builds at the end of `output`. The strings `body` adds
    /// (values, array elements and raw values; not keys) must total at most `stringBytes` UTF-8
    /// bytes in at most `stringCount` strings, which bounds the scratch memory (on the stack for
    /// a usual line).
    ///
    /// `content` is handed to `body` rather than captured by it, so a large value (an analysis
    /// with its strings and lists) is lent, not copied with a reference-count round trip per field.
    static func append<Content>(_ content: Content, to output: inout [UInt8], stringBytes: Int, stringCount: Int,
                                _ body: (inout JSONLineWriter, Content) -> Void) {
        let capacity = fixedBytes + stringBytes * escapedBytesPerByte + stringCount * bytesAroundString
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { scratch in
            var writer = JSONLineWriter(scratch: scratch.baseAddress!, capacity: capacity)
            writer.byte(UInt8(ascii: "{"))
            body(&writer, content)
            writer.byte(UInt8(ascii: "}"))
            output.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress, count: writer.count))
        }
    }

    private init(scratch: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.scratch = scratch
        self.capacity = capacity
    }

    /// Adds the member `key` with the string `value`, escaped.
    mutating func add(_ key: StaticString, string value: String) {
        addKey(key)
        appendQuoted(value)
    }

    /// Adds a raw JSON value that is already valid (a nested object, `null`, or a number as written).
    mutating func add(_ key: StaticString, raw value: String) {
        addKey(key)
        withUTF8Bytes(of: value) { bytes($0) }
    }

    /// Continues the JSON written so far with `text` as it is (such as `],"scores":{"anger":`),
    /// for members whose keys and punctuation are known in advance; the caller keeps the JSON
    /// valid. Bytes written this way count towards the fixed part of the scratch buffer.
    mutating func append(raw text: StaticString) {
        literal(text)
    }

    /// Continues the JSON written so far with `value` rounded to 4 decimals, without trailing
    /// zeros but with at least one ("0.6369", "0.5", "1.0"); `null` when not finite.
    mutating func append(number value: Double) {
        appendNumber(value)
    }

    /// Continues the JSON written so far with `value` as ``add(_:string:)`` writes it. Its bytes
    /// count towards the `stringBytes` of ``append(_:to:stringBytes:stringCount:_:)``.
    mutating func append(string value: String) {
        appendQuoted(value)
    }

    /// Continues the JSON written so far with `text` as it is: prepared bytes, such as keys
    /// built once, which count towards the fixed part of the scratch buffer.
    mutating func append(raw text: UnsafeBufferPointer<UInt8>) {
        bytes(text)
    }

    /// Continues the JSON written so far with `text` between quotes, unescaped: for plain ASCII
    /// literals chosen by the caller, such as enum names.
    mutating func append(quoted text: StaticString) {
        byte(UInt8(ascii: "\""))
        literal(text)
        byte(UInt8(ascii: "\""))
    }

    /// Adds the member `key` with the array of strings `values`, escaped.
    mutating func add(_ key: StaticString, strings values: [String]) {
        addKey(key)
        byte(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            appendQuoted(value)
        }
        byte(UInt8(ascii: "]"))
    }

    @inline(__always)
    private mutating func byte(_ value: UInt8) {
        precondition(count < capacity, "JSONLineWriter: more string bytes than append(to:stringBytes:stringCount:_:) was told")
        scratch[count] = value
        count &+= 1
    }

    /// Copies `values`. Runs of up to 32 bytes (keys, literals, language codes, labels: most of
    /// a line) are copied as two overlapping loads and stores of 16, 8 or 4 bytes, without a loop
    /// or a call to memmove.
    @inline(__always)
    private mutating func bytes(_ values: UnsafeBufferPointer<UInt8>) {
        let length = values.count
        precondition(count + length <= capacity, "JSONLineWriter: more string bytes than append(to:stringBytes:stringCount:_:) was told")
        guard let start = values.baseAddress, length > 0 else { return }
        let source = UnsafeRawPointer(start)
        let target = UnsafeMutableRawPointer(scratch + count)
        /// The first and the last `Chunk` of the run (overlapping when shorter than two).
        @inline(__always) func copyEnds<Chunk: BitwiseCopyable>(_: Chunk.Type) {
            let size = MemoryLayout<Chunk>.size
            let (first, last) = (source.loadUnaligned(as: Chunk.self), source.loadUnaligned(fromByteOffset: length &- size, as: Chunk.self))
            target.storeBytes(of: first, as: Chunk.self)
            target.storeBytes(of: last, toByteOffset: length &- size, as: Chunk.self)
        }
        if length >= 16 {
            if length <= 32 { copyEnds(SIMD16<UInt8>.self) } else { target.copyMemory(from: source, byteCount: length) }
        } else if length >= 8 {
            copyEnds(UInt64.self)
        } else if length >= 4 {
            copyEnds(UInt32.self)
        } else {
            for offset in 0..<length { scratch[count &+ offset] = start[offset] }
        }
        count &+= length
    }

    /// Keys are plain ASCII literals chosen by this module, so they need no escaping.
    private mutating func addKey(_ key: StaticString) {
        precondition(count + key.utf8CodeUnitCount + 4 <= capacity, "JSONLineWriter: key past the scratch buffer")
        if needsComma {
            scratch[count] = UInt8(ascii: ",")
            count &+= 1
        }
        needsComma = true
        scratch[count] = UInt8(ascii: "\"")
        count &+= 1
        literal(key)
        scratch[count] = UInt8(ascii: "\"")
        scratch[count &+ 1] = UInt8(ascii: ":")
        count &+= 2
    }

    /// Appends `value` rounded to 4 decimals, without trailing zeros but with at least one
    /// decimal ("0.6369", "0.5", "1.0", "-0.25"); non-finite values become `null`.
    private mutating func appendNumber(_ value: Double) {
        let scaled = value * 10_000
        guard scaled.isFinite else { return literal("null") }
        guard abs(scaled) < 1e15 else {
            return withUTF8Bytes(of: String(scaled.rounded() / 10_000)) { bytes($0) }
        }
        // Rounded half away from zero, as `rounded()` does, without its library call: below
        // 2^52 the fraction left by truncation is exact.
        var magnitude = Int(abs(scaled))
        if abs(scaled) - Double(magnitude) >= 0.5 { magnitude += 1 }
        if scaled < 0 && magnitude != 0 { byte(UInt8(ascii: "-")) }
        let decimals = Self.decimalTexts[magnitude % 10_000]
        precondition(count + 16 <= capacity, "JSONLineWriter: number wider than the scratch buffer left")
        if magnitude < 100_000 {
            // Scores and confidences: one digit, then the decimals, stored at once.
            let digit = UInt64(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude / 10_000))
            UnsafeMutableRawPointer(scratch + count).storeBytes(of: digit | (decimals & Self.decimalTextBytes) << 8, as: UInt64.self)
            count &+= 1 &+ Int(truncatingIfNeeded: decimals >> 56)
        } else {
            appendDigits(magnitude / 10_000, minimumCount: 1)
            UnsafeMutableRawPointer(scratch + count).storeBytes(of: decimals & Self.decimalTextBytes, as: UInt64.self)
            count &+= Int(truncatingIfNeeded: decimals >> 56)
        }
    }

    /// The bytes of a ``decimalTexts`` entry that hold its text.
    private static let decimalTextBytes: UInt64 = (1 << 56) - 1

    /// For each of 0...9999, "." and the four decimal digits without trailing zeros, keeping at
    /// least one (".5", ".0", ".6369"), first byte lowest, with the text's length in the top
    /// byte: looked up rather than worked out for each number of a line (80 KB, built once and
    /// kept for the process; a pointer, so that a lookup touches no reference count).
    /// Written only while it is built, so shared freely (`nonisolated(unsafe)`).
    nonisolated(unsafe) private static let decimalTexts: UnsafePointer<UInt64> = {
        let texts = UnsafeMutablePointer<UInt64>.allocate(capacity: 10_000)
        for decimals in 0..<10_000 {
            let value = UInt64(decimals)
            let (thousands, hundreds, tens, units) = (value / 1000, value / 100 % 10, value / 10 % 10, value % 10)
            let kept: UInt64 = units != 0 ? 4 : tens != 0 ? 3 : hundreds != 0 ? 2 : 1
            let digits = thousands << 8 | hundreds << 16 | tens << 24 | units << 32
            let text = (UInt64(UInt8(ascii: ".")) | digits | 0x30_3030_3000) & ((1 << (8 * (kept + 1))) - 1)
            (texts + decimals).initialize(to: text | (kept + 1) << 56)
        }
        return UnsafePointer(texts)
    }()

    /// Appends the decimal digits of `value` (non-negative), left-padded with zeros to `minimumCount`.
    private mutating func appendDigits(_ value: Int, minimumCount: Int) {
        var digitCount = 1
        var power = 10
        while power <= value {
            power *= 10
            digitCount += 1
        }
        let width = max(digitCount, minimumCount)
        precondition(count + width <= capacity, "JSONLineWriter: number wider than the scratch buffer left")
        var rest = value
        for position in stride(from: count + width - 1, through: count, by: -1) {
            scratch[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        count += width
    }

    @inline(__always)
    private mutating func literal(_ text: StaticString) {
        bytes(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `value` as a JSON string: quotes, backslashes and control characters escaped,
    /// everything else copied as UTF-8.
    private mutating func appendQuoted(_ value: String) {
        byte(UInt8(ascii: "\""))
        withUTF8Bytes(of: value) { appendEscaped($0) }
        byte(UInt8(ascii: "\""))
    }

    /// Appends the UTF-8 `units` of a string's contents, escaped for JSON.
    private mutating func appendEscaped(_ units: UnsafeBufferPointer<UInt8>) {
        for unit in units {
            switch unit {
            case UInt8(ascii: "\""): literal(#"\""#)
            case UInt8(ascii: "\\"): literal(#"\\"#)
            case 0x0A: literal(#"\n"#)
            case 0x0D: literal(#"\r"#)
            case 0x09: literal(#"\t"#)
            case 0x08: literal(#"\b"#)
            case 0x0C: literal(#"\f"#)
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                literal(#"\u00"#)
                byte(hex.utf8Start[Int(unit >> 4)])
                byte(hex.utf8Start[Int(unit & 0xF)])
            default:
                byte(unit)
            }
        }
    }
}
