import EarshotWire
import Foundation

/// Turns input lines in any ``SourceFormat`` into posts, one line at a time,
/// so it can read a live stream. Every line yields its posts or one
/// ``SourceRejection`` naming the line; nothing is dropped silently. A line
/// holding several posts (an X response, a JSON array) is accepted or
/// rejected as a whole.
public struct SourceReader: Sendable {
    /// The format asked for (``SourceFormat/auto`` detects per line).
    public let format: SourceFormat
    private let csvMapping: CSVColumnMapping?
    private let sourceName: String?
    private var mode: Mode
    private var csvSplitter = CSVRecordSplitter()
    /// The CSV header's layout once read, or why the header was rejected.
    private var csvHeader: Result<CSVLayout, SourceRejection>?
    /// The JSON format recognised most recently (forced, or detected for a line even if the line was then rejected).
    private var lastJSONFormat: JSONFormat?

    /// What the reader has decided the input is.
    private enum Mode: Sendable {
        /// Auto-detection before the first non-blank line.
        case undecided
        /// JSON lines, of one format or (nil) detected per line.
        case json(JSONFormat?)
        /// CSV records after a header.
        case csv
    }

    /// A reader for `format`. `csvMapping` names CSV columns explicitly;
    /// `sourceName` becomes every post's `source` (default: the format's name).
    public init(format: SourceFormat, csvMapping: CSVColumnMapping? = nil, sourceName: String? = nil) {
        self.format = format
        self.csvMapping = csvMapping
        self.sourceName = sourceName
        switch format {
        case .auto: mode = .undecided
        case .csv: mode = .csv
        case .earshot, .x, .mastodon, .reddit, .bluesky: mode = .json(JSONFormat(rawValue: format.rawValue))
        }
    }

    /// The source the posts of this input get, to count its rejected lines
    /// against: the source name given, else the format's name; in
    /// ``SourceFormat/auto`` mode the format recognised most recently, nil
    /// before any line was recognised. (Earshot posts naming their own source keep it.)
    public var postSource: String? {
        if let sourceName { return sourceName }
        switch mode {
        case .undecided: return nil
        case .csv: return SourceFormat.csv.rawValue
        case .json(let format): return (format ?? lastJSONFormat)?.rawValue
        }
    }

    /// The posts in one line (numbered from 1). A CSV header, a blank line or
    /// a line that a CSV record continues past yields no posts.
    public mutating func read(line: String, lineNumber: Int) -> Result<[Post], SourceRejection> {
        switch mode {
        case .undecided:
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return .success([]) }
            if !trimmed.hasPrefix("{"), !trimmed.hasPrefix("["), let layout = Self.csvHeader(line, mapping: csvMapping) {
                mode = .csv
                csvSplitter.delimiter = layout.delimiter
                csvHeader = .success(layout.layout)
                return .success([])
            }
            mode = .json(nil)
            return readJSON(line, lineNumber: lineNumber, format: nil)
        case .json(let format):
            return readJSON(line, lineNumber: lineNumber, format: format)
        case .csv:
            if !csvSplitter.hasOpenRecord {
                if line.allSatisfy(\.isWhitespace) { return .success([]) }
                if csvHeader == nil { csvSplitter.delimiter = Self.likelyDelimiter(line) }
            }
            let record: CSVRecordSplitter.Record
            do {
                guard let complete = try csvSplitter.feed(line, lineNumber: lineNumber) else { return .success([]) }
                record = complete
            } catch {
                return .failure(error)
            }
            return readCSV(record)
        }
    }

    /// Tells the reader that line `lineNumber` could not be read at all (too long to hold). A
    /// CSV record that line would have continued is rejected, not completed with a piece
    /// missing; its rejection is returned.
    public mutating func skip(lineNumber: Int) -> SourceRejection? {
        csvSplitter.abandonOpenRecord(because: "continues over line \(lineNumber), which could not be read")
    }

    /// The rejection for input that ends inside a quoted CSV field, if it does.
    /// Call once after the last line.
    public mutating func finish() -> SourceRejection? {
        csvSplitter.finish()
    }

    /// Posts and rejections of a whole text, split into lines at `\n` or `\r\n`.
    public static func read(text: String, format: SourceFormat, csvMapping: CSVColumnMapping? = nil,
                            sourceName: String? = nil) -> (posts: [Post], rejections: [SourceRejection]) {
        var reader = SourceReader(format: format, csvMapping: csvMapping, sourceName: sourceName)
        var posts: [Post] = []
        var rejections: [SourceRejection] = []
        // "\r\n" is one Character, so it is a separator of its own.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, line) in lines.enumerated() {
            switch reader.read(line: String(line), lineNumber: index + 1) {
            case .success(let found): posts += found
            case .failure(let rejection): rejections.append(rejection)
            }
        }
        if let rejection = reader.finish() { rejections.append(rejection) }
        return (posts, rejections)
    }

    // MARK: CSV

    private mutating func readCSV(_ record: CSVRecordSplitter.Record) -> Result<[Post], SourceRejection> {
        switch csvHeader {
        case nil:
            do {
                csvHeader = .success(try CSVLayout(header: record.fields, mapping: csvMapping))
                return .success([])
            } catch {
                let rejection = SourceRejection(line: record.line, reason: error.reason)
                csvHeader = .failure(rejection)
                return .failure(rejection)
            }
        case .failure(let headerRejection):
            return .failure(SourceRejection(line: record.line, reason: "no usable CSV header (see line \(headerRejection.line))"))
        case .success(let layout):
            return finished(Result { () throws(RecordProblem) in [try layout.post(from: record.fields)] }, line: record.line, formatName: "csv")
        }
    }

    /// The delimiter and layout, if `line` is a one-line CSV header with text and created_at columns.
    private static func csvHeader(_ line: String, mapping: CSVColumnMapping?) -> (delimiter: UInt8, layout: CSVLayout)? {
        var splitter = CSVRecordSplitter()
        splitter.delimiter = likelyDelimiter(line)
        guard let record = try? splitter.feed(line, lineNumber: 1), record.fields.count > 1,
              let layout = try? CSVLayout(header: record.fields, mapping: mapping) else { return nil }
        return (splitter.delimiter, layout)
    }

    /// Comma, semicolon or tab, whichever the header line has most of.
    private static func likelyDelimiter(_ header: String) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        let counts = candidates.map { candidate in header.utf8.reduce(0) { $0 + ($1 == candidate ? 1 : 0) } }
        return counts.max().flatMap { best in best == 0 ? nil : candidates[counts.firstIndex(of: best)!] } ?? candidates[0]
    }

    // MARK: JSON

    private mutating func readJSON(_ line: String, lineNumber: Int, format: JSONFormat?) -> Result<[Post], SourceRejection> {
        if line.allSatisfy(\.isWhitespace) { return .success([]) }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(line.utf8))
        } catch {
            return .failure(SourceRejection(line: lineNumber, reason: "not JSON: \(Self.jsonSyntaxMessage(error))"))
        }
        var posts: [Post] = []
        do throws(RecordProblem) {
            if let object = parsed as? [String: Any] {
                posts = try self.posts(in: object, format: format)
            } else if let array = parsed as? [Any] {
                for (index, element) in array.enumerated() {
                    guard let object = element as? [String: Any] else { throw RecordProblem("element \(index) of the JSON array is not an object") }
                    do {
                        posts += try self.posts(in: object, format: format)
                    } catch {
                        throw RecordProblem("element \(index): \(error.reason)")
                    }
                }
            } else {
                throw RecordProblem("a JSON line must hold an object or an array of objects")
            }
        } catch {
            return .failure(SourceRejection(line: lineNumber, reason: error.reason))
        }
        // Posts come only from recognised objects, and the last one's format names them.
        return finished(.success(posts), line: lineNumber, formatName: lastJSONFormat?.rawValue ?? "")
    }

    /// The posts of one JSON object already parsed (a record of a live source's page or event),
    /// `number` naming it in a rejection as a line number does.
    public mutating func read(object: [String: Any], number: Int) -> Result<[Post], SourceRejection> {
        let format: JSONFormat?
        if case .json(let forced) = mode { format = forced } else { format = nil }
        do throws(RecordProblem) {
            let posts = try posts(in: object, format: format)
            return finished(.success(posts), line: number, formatName: lastJSONFormat?.rawValue ?? "")
        } catch {
            return .failure(SourceRejection(line: number, reason: error.reason))
        }
    }

    /// The posts in one JSON object, in `format` or the one its keys show (remembered as the last format).
    private mutating func posts(in fields: [String: Any], format: JSONFormat?) throws(RecordProblem) -> [Post] {
        guard let format = format ?? JSONFormat.detect(fields) else {
            let keys = fields.keys.sorted()
            let shown = keys.prefix(8).joined(separator: ", ") + (keys.count > 8 ? ", …" : "")
            throw RecordProblem("not a known post format (keys: \(shown)); name the format to force one")
        }
        lastJSONFormat = format
        return try format.posts(in: fields)
    }

    /// "invalid value around column 9" from Foundation's "Invalid value around character 8."
    private static func jsonSyntaxMessage(_ error: any Error) -> String {
        var detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "syntax error"
        if detail.hasSuffix(".") { detail.removeLast() }
        if let range = detail.range(of: " around character "), let offset = Int(detail[range.upperBound...]) {
            detail = detail[..<range.lowerBound] + " around column \(offset + 1)"
        }
        return detail.prefix(1).lowercased() + detail.dropFirst()
    }

    // MARK: Common

    /// Stamps the source on each post and rejects the line if any post is not acceptable.
    private func finished(_ result: Result<[Post], RecordProblem>, line: Int, formatName: String) -> Result<[Post], SourceRejection> {
        switch result {
        case .failure(let problem):
            return .failure(SourceRejection(line: line, reason: problem.reason))
        case .success(var posts):
            for index in posts.indices {
                if let sourceName {
                    posts[index].source = sourceName
                } else if posts[index].source.isEmpty {
                    posts[index].source = formatName
                }
                if let problem = posts[index].validationProblem {
                    return .failure(SourceRejection(line: line, reason: problem))
                }
            }
            return .success(posts)
        }
    }
}
