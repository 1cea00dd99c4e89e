/// Date parsing for source formats (and the CLI's time options), written out on UTF-8 bytes
/// because imports parse one date per line at tens of thousands of lines a second.
public enum Timestamp {
    /// Numbers at or above this are Unix milliseconds, below it Unix seconds
    /// (10^11 seconds is the year 5138; 10^11 milliseconds is March 1973).
    static let millisecondThreshold = 100_000_000_000.0

    /// Milliseconds since 1970 for an ISO-8601 date or date-time:
    /// `2024-05-01`, `2024-05-01T12:30`, `2024-05-01T12:30:05.123Z`,
    /// `2024-05-01 12:30:05+02:00`, `…-0500`, `2024-05-01T24:00:00Z` (the next midnight). No zone means UTC.
    public static func iso8601Milliseconds(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { iso8601Milliseconds(utf8: $0) }
    }

    /// ``iso8601Milliseconds(_:)`` on the UTF-8 bytes of the text, for readers that parse one
    /// date per line straight from a file's bytes.
    public static func iso8601Milliseconds(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var scanner = DigitScanner(bytes: bytes)
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
              let day = scanner.digits(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var secondsOfDay = 0, milliseconds = 0, offsetSeconds = 0
        if scanner.skip("T") || scanner.skip("t") || scanner.skip(" ") {
            guard let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2),
                  hour <= 24, minute < 60 else { return nil }
            var second = 0
            if scanner.skip(":") {
                guard let parsed = scanner.digits(2), parsed < 61 else { return nil }
                second = min(parsed, 59)
                if scanner.skip(".") || scanner.skip(",") {
                    guard let fraction = scanner.fractionMilliseconds() else { return nil }
                    milliseconds = fraction
                }
            }
            // 24:00 (the end of the day, as ISO 8601 allows) and nothing later.
            guard hour < 24 || (minute == 0 && second == 0 && milliseconds == 0) else { return nil }
            secondsOfDay = hour * 3600 + minute * 60 + second
            guard let offset = scanner.zoneOffsetSeconds() else { return nil }
            offsetSeconds = offset
        }
        guard scanner.atEnd else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + secondsOfDay - offsetSeconds
        return Int64(seconds) * 1000 + Int64(milliseconds)
    }

    /// Milliseconds since 1970 for a Unix time in seconds or milliseconds,
    /// written as an integer or decimal ("1700000000", "1700000000.25", "1700000000250").
    static func unixMilliseconds(_ text: String) -> Int64? {
        guard let value = Double(text) else { return nil }
        return unixMilliseconds(value)
    }

    /// Milliseconds since 1970 for a Unix time in seconds or milliseconds (see ``millisecondThreshold``).
    static func unixMilliseconds(_ value: Double) -> Int64? {
        guard value.isFinite, value > 0, value < 1.0e15 else { return nil }
        return Int64((value >= millisecondThreshold ? value : value * 1000).rounded())
    }

    /// `milliseconds` since 1970 as ISO-8601 in UTC with milliseconds ("2024-05-01T12:30:05.123Z"),
    /// which ``iso8601Milliseconds(_:)`` reads back to the same value.
    public static func iso8601String(milliseconds: Int64) -> String {
        var bytes: [UInt8] = []
        appendISO8601(milliseconds: milliseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTF-8 of ``iso8601String(milliseconds:)`` to `bytes` without making a String
    /// (the hot path of the gateway's JSON).
    public static func appendISO8601(milliseconds: Int64, to bytes: inout [UInt8]) {
        let (days, millisecondOfDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, millisecond) = millisecondOfDay < 0 ? (days - 1, millisecondOfDay + 86_400_000) : (days, millisecondOfDay)
        let (year, month, dayOfMonth) = civilFromDays(Int(day))
        /// `value` in decimal, zero-padded on the left to `width` digits.
        func append(_ value: Int, _ width: Int, then separator: Unicode.Scalar) {
            let digits = value < 0 ? Array(String(value).utf8) : []  // a year before 0 (its sign padded like a digit)
            var power = 1, count = 1
            if value >= 0 { while value / power >= 10 { power *= 10; count += 1 } }
            bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, width - (value < 0 ? digits.count : count))))
            if value < 0 {
                bytes += digits
            } else {
                while power > 0 {
                    bytes.append(UInt8(ascii: "0") + UInt8(value / power % 10))
                    power /= 10
                }
            }
            bytes.append(UInt8(ascii: separator))
        }
        let second = Int(millisecond / 1000)
        append(year, 4, then: "-")
        append(month, 2, then: "-")
        append(dayOfMonth, 2, then: "T")
        append(second / 3600, 2, then: ":")
        append(second / 60 % 60, 2, then: ":")
        append(second % 60, 2, then: ".")
        append(Int(millisecond % 1000), 3, then: "Z")
    }

    private static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (the inverse of ``daysFromCivil``).
    private static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Reads fixed-width digit groups and separators from UTF-8 bytes.
private struct DigitScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    var atEnd: Bool { position == bytes.count }

    /// Consumes `character` if it is next.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(character.value) else { return false }
        position += 1
        return true
    }

    /// Exactly `count` decimal digits as a number.
    mutating func digits(_ count: Int) -> Int? {
        guard position + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<(position + count)] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += count
        return value
    }

    /// One or more fraction digits, as milliseconds (extra precision is cut off).
    mutating func fractionMilliseconds() -> Int? {
        var value = 0, count = 0
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) {
            if count < 3 { value = value * 10 + Int(bytes[position] - 0x30) }
            count += 1
            position += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<max(count, 3) { value *= 10 }
        return value
    }

    /// `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (UTC), as seconds east of UTC.
    mutating func zoneOffsetSeconds() -> Int? {
        if atEnd || skip("Z") || skip("z") { return 0 }
        let sign: Int
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = digits(2), hours < 24 else { return nil }
        var minutes = 0
        if !atEnd {
            _ = skip(":")
            guard let parsed = digits(2), parsed < 60 else { return nil }
            minutes = parsed
        }
        return sign * (hours * 3600 + minutes * 60)
    }
}
