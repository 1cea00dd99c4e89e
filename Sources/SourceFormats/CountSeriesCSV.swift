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
/// skipped except blank lines.
public enum CountSeriesCSV {
    /// The series in `text`; no rows when the file has a header and nothing else.
    public static func read(_ text: String) throws(CountSeriesError) -> CountSeries {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        guard let headerLine = lines.next(), !headerLine.allSatisfy(\.isWhitespace) else {
            throw CountSeriesError(line: 1, problem: "no header: expected a first line like timestamp,value")
        }
        let header = fields(headerLine).map { $0.lowercased() }
        guard let timestampColumn = header.firstIndex(of: "timestamp") else {
            throw CountSeriesError(line: 1, problem: "missing column \"timestamp\" (header: \(header.joined(separator: ",")))")
        }
        guard let valueColumn = header.firstIndex(of: "value") else {
            throw CountSeriesError(line: 1, problem: "missing column \"value\" (header: \(header.joined(separator: ",")))")
        }
        let negativeColumn = header.firstIndex(of: "negative")
        var rows: [CountRow] = []
        var number = 1
        while let line = lines.next() {
            number += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let row = fields(line)
            guard row.count == header.count else {
                throw CountSeriesError(line: number, problem: "\(row.count) fields, the header has \(header.count)")
            }
            guard let time = Timestamp.iso8601Milliseconds(row[timestampColumn]) else {
                throw CountSeriesError(line: number, problem: "cannot read timestamp \"\(row[timestampColumn])\": use RFC 3339 or YYYY-MM-DD HH:MM:SS (UTC)")
            }
            if let previous = rows.last, time <= previous.timestampMs {
                let relation = time == previous.timestampMs ? "duplicates" : "is earlier than"
                throw CountSeriesError(line: number, problem: "timestamp \(row[timestampColumn]) \(relation) line \(previous.line)'s: rows must be in increasing time")
            }
            let value = try count(row[valueColumn], column: "value", line: number)
            let negative = try negativeColumn.map { column throws(CountSeriesError) in try count(row[column], column: "negative", line: number) } ?? 0
            guard negative <= value else {
                throw CountSeriesError(line: number, problem: "negative = \(negative) exceeds value = \(value)")
            }
            rows.append(CountRow(line: number, timestampMs: time, value: value, negative: negative))
        }
        return CountSeries(rows: rows, hasNegativeColumn: negativeColumn != nil)
    }

    /// The line's comma-separated fields, trimmed, surrounding quotes removed.
    private static func fields(_ line: Substring) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map { field in
            var text = field
            while let first = text.first, first.isWhitespace { text = text.dropFirst() }
            while let last = text.last, last.isWhitespace { text = text.dropLast() }
            if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = text.dropFirst().dropLast() }
            return String(text)
        }
    }

    private static func count(_ text: String, column: String, line: Int) throws(CountSeriesError) -> Int {
        if let whole = Int(text), whole >= 0 { return whole }
        if let number = Double(text), number.isFinite, number >= 0, number == number.rounded(), number < 1e15 { return Int(number) }
        if let number = Double(text), number < 0 {
            throw CountSeriesError(line: line, problem: "negative count \(text) in column \"\(column)\"")
        }
        throw CountSeriesError(line: line, problem: "\(column) \"\(text)\" is not a whole count")
    }
}
