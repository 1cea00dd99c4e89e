/// Splits delimiter-separated text into records by RFC 4180: fields may be
/// quoted, `""` inside quotes is one quote, and a quoted field may hold the
/// delimiter and line breaks, so one record can span several input lines.
struct CSVRecordSplitter: Sendable {
    /// Records longer than this are rejected (almost always an unclosed quote).
    static let maxRecordBytes = 1 << 20

    /// A complete record and the line it started on.
    struct Record {
        var fields: [String]
        var line: Int
    }

    var delimiter: UInt8 = UInt8(ascii: ",")
    private var fields: [String] = []
    private var field: [UInt8] = []
    private var recordBytes = 0
    private var startLine = 0
    /// Inside a quoted field that continues on the next line.
    private var inQuotes = false

    /// Whether a record is waiting for more lines (a quoted field is open).
    var hasOpenRecord: Bool { inQuotes }

    /// Feeds one line (without its line break). Returns the record when the
    /// line completes one, nil when a quoted field continues on the next line.
    mutating func feed(_ line: String, lineNumber: Int) throws(SourceRejection) -> Record? {
        if inQuotes {
            field.append(UInt8(ascii: "\n"))
        } else {
            startLine = lineNumber
        }
        recordBytes += line.utf8.count + 1
        guard recordBytes <= Self.maxRecordBytes else {
            let start = startLine
            reset()
            throw SourceRejection(line: start, reason: "CSV record is longer than \(Self.maxRecordBytes) bytes (is a quote left open?)")
        }
        var quoteJustClosed = false
        for (offset, byte) in line.utf8.enumerated() {
            if inQuotes {
                if byte == UInt8(ascii: "\"") { inQuotes = false; quoteJustClosed = true } else { field.append(byte) }
                continue
            }
            switch byte {
            case delimiter:
                endField()
                quoteJustClosed = false
            case UInt8(ascii: "\"") where quoteJustClosed:
                // `""` inside a quoted field: one literal quote, still quoted.
                field.append(byte)
                inQuotes = true
                quoteJustClosed = false
            case UInt8(ascii: "\"") where field.isEmpty:
                inQuotes = true
            default:
                guard !quoteJustClosed else {
                    let start = startLine
                    reset()
                    throw SourceRejection(line: start, reason: "CSV line \(lineNumber) has text after a closing quote at column \(offset + 1)")
                }
                field.append(byte)
            }
        }
        guard !inQuotes else { return nil }
        endField()
        defer { reset() }
        return Record(fields: fields, line: startLine)
    }

    /// The rejection for a record still open at the end of the input, if any.
    mutating func finish() -> SourceRejection? {
        abandonOpenRecord(because: "has a quote that is never closed")
    }

    /// Drops a record still open in a quoted field, if any, and returns its rejection: "CSV
    /// record starting on this line <reason>".
    mutating func abandonOpenRecord(because reason: String) -> SourceRejection? {
        guard inQuotes else { return nil }
        let start = startLine
        reset()
        return SourceRejection(line: start, reason: "CSV record starting on this line \(reason)")
    }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func reset() {
        fields.removeAll(keepingCapacity: true)
        field.removeAll(keepingCapacity: true)
        recordBytes = 0
        inQuotes = false
    }
}
