import Foundation

/// One row of a count series: a timestamp and the number of posts counted there.
public struct CountRow: Sendable, Equatable {
    /// The row's line in the file (the header is line 1).
    public var line: Int
    /// The row's time in Unix milliseconds.
    public var timestampMs: Int64
    /// Posts counted.
    public var value: Int
    /// Negative posts among them (0 when the file has no `negative` column).
    public var negative: Int

    /// Creates a row.
    public init(line: Int, timestampMs: Int64, value: Int, negative: Int = 0) {
        self.line = line
        self.timestampMs = timestampMs
        self.value = value
        self.negative = negative
    }
}

/// A count series as read from a CSV.
public struct CountSeries: Sendable, Equatable {
    /// The rows, in file order.
    public var rows: [CountRow]
    /// Whether the file has a `negative` column.
    public var hasNegativeColumn: Bool
}

/// Why a count series file was rejected, with the line (1 = the header) it was found on.
public struct CountSeriesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line the problem is on.
    public var line: Int
    /// What is wrong there.
    public var problem: String

    /// "line N: problem".
    public var description: String { "line \(line): \(problem)" }
}

/// Reads a count series CSV: a header naming the columns `timestamp` and `value` (any order,
/// other columns ignored) and optionally `negative`, then one row per time, in strictly increasing
/// time. Timestamps are RFC 3339 or `YYYY-MM-DD HH:MM:SS` (no zone = UTC); counts are whole
/// numbers ≥ 0, `negative` at most `value`. Every problem is an error naming its line: nothing is
/// skipped except blank lines. Lines end in LF or CRLF.
///
/// The file is read as UTF-8 bytes, field by field without a `String` per field (a year of
/// 5-minute buckets is 105,120 lines); only an error message builds strings.
public enum CountSeriesCSV {
    /// The series in `text`; no rows when the file has a header and nothing else.
    public static func read(_ text: String) throws(CountSeriesError) -> CountSeries {
        var text = text
        let result = text.withUTF8 { bytes -> Result<CountSeries, CountSeriesError> in
            do throws(CountSeriesError) { return .success(try read(utf8: bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The series in the UTF-8 bytes of a file.
    public static func read(utf8 bytes: UnsafeBufferPointer<UInt8>) throws(CountSeriesError) -> CountSeries {
        var lines = ByteLines(bytes: bytes)
        guard let headerLine = lines.next(), !isBlank(bytes, headerLine) else {
            throw CountSeriesError(line: 1, problem: "no header: expected a first line like timestamp,value")
        }
        var fields: [Range<Int>] = []
        split(bytes, headerLine, into: &fields)
        let header = fields.map { text(bytes, $0).lowercased() }
        guard let timestampColumn = header.firstIndex(of: "timestamp") else {
            throw CountSeriesError(line: 1, problem: "missing column \"timestamp\" (header: \(header.joined(separator: ",")))")
        }
        guard let valueColumn = header.firstIndex(of: "value") else {
            throw CountSeriesError(line: 1, problem: "missing column \"value\" (header: \(header.joined(separator: ",")))")
        }
        let negativeColumn = header.firstIndex(of: "negative")
        var rows: [CountRow] = []
        rows.reserveCapacity(bytes.count / 24)
        var number = 1
        while let line = lines.next() {
            number += 1
            if isBlank(bytes, line) { continue }
            split(bytes, line, into: &fields)
            guard fields.count == header.count else {
                throw CountSeriesError(line: number, problem: "\(fields.count) fields, the header has \(header.count)")
            }
            let timestampField = fields[timestampColumn]
            guard let time = Timestamp.iso8601Milliseconds(utf8: UnsafeBufferPointer(rebasing: bytes[timestampField])) else {
                throw CountSeriesError(line: number, problem: "cannot read timestamp \"\(text(bytes, timestampField))\": use RFC 3339 or YYYY-MM-DD HH:MM:SS (UTC)")
            }
            if let previous = rows.last, time <= previous.timestampMs {
                let relation = time == previous.timestampMs ? "duplicates" : "is earlier than"
                throw CountSeriesError(line: number, problem: "timestamp \(text(bytes, timestampField)) \(relation) line \(previous.line)'s: rows must be in increasing time")
            }
            let value = try count(bytes, fields[valueColumn], column: "value", line: number)
            let negative = try negativeColumn.map { column throws(CountSeriesError) in try count(bytes, fields[column], column: "negative", line: number) } ?? 0
            guard negative <= value else {
                throw CountSeriesError(line: number, problem: "negative = \(negative) exceeds value = \(value)")
            }
            rows.append(CountRow(line: number, timestampMs: time, value: value, negative: negative))
        }
        return CountSeries(rows: rows, hasNegativeColumn: negativeColumn != nil)
    }

    /// The lines of a buffer (split at LF), as byte ranges without the LF.
    private struct ByteLines {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var finished = false

        mutating func next() -> Range<Int>? {
            guard !finished else { return nil }
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            let line = start..<position
            if position == bytes.count { finished = true } else { position += 1 }
            return line
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        line.allSatisfy { isWhitespace(bytes[$0]) }
    }

    /// The line's comma-separated fields into `fields`: trimmed, surrounding quotes removed.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, into fields: inout [Range<Int>]) {
        fields.removeAll(keepingCapacity: true)
        var start = line.lowerBound
        for position in line where bytes[position] == UInt8(ascii: ",") {
            fields.append(trimmed(bytes, start..<position))
            start = position + 1
        }
        fields.append(trimmed(bytes, start..<line.upperBound))
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Range<Int> {
        var (lower, upper) = (field.lowerBound, field.upperBound)
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        if upper - lower >= 2, bytes[lower] == UInt8(ascii: "\""), bytes[upper - 1] == UInt8(ascii: "\"") {
            lower += 1
            upper -= 1
        }
        return lower..<upper
    }

    private static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[field]), as: UTF8.self)
    }

    /// A whole count ≥ 0: plain digits directly, other spellings ("12.0", "1e3") through `Double`.
    private static func count(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, column: String, line: Int) throws(CountSeriesError) -> Int {
        if !field.isEmpty, field.count <= 15, field.allSatisfy({ (0x30...0x39).contains(bytes[$0]) }) {
            return field.reduce(0) { $0 * 10 + Int(bytes[$1] - 0x30) }
        }
        let text = text(bytes, field)
        if let number = Double(text), number.isFinite, number >= 0, number == number.rounded(), number < 1e15 { return Int(number) }
        if let number = Double(text), number < 0 {
            throw CountSeriesError(line: line, problem: "negative count \(text) in column \"\(column)\"")
        }
        throw CountSeriesError(line: line, problem: "\(column) \"\(text)\" is not a whole count")
    }
}
