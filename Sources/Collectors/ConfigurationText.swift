import Foundation

/// A value in a collector configuration file.
public enum ConfigurationValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case strings([String])
}

/// One `key = value` line, with its line number for error messages.
public struct ConfigurationEntry: Sendable, Equatable {
    public var key: String
    public var value: ConfigurationValue
    public var line: Int
}

/// A configuration file that cannot be read, naming the line and what is wrong.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The line (from 1), 0 when the problem is not on one line.
    public var line: Int
    public var message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "line \(line): \(message)" : message }
}

/// The subset of TOML that `sources.toml` uses: comments, top-level `key = value` lines and
/// `[[source]]` tables, whose values are basic ("…", with \\ \" \n \t \uXXXX escapes) or literal
/// ('…') strings, integers, booleans and one-line arrays of strings. Anything else is an error
/// naming its line, never silently ignored.
public struct ConfigurationText: Sendable, Equatable {
    /// The keys before the first table.
    public var topLevel: [ConfigurationEntry] = []
    /// Each `[[source]]` table's keys, with the table header's line.
    public var sources: [(line: Int, entries: [ConfigurationEntry])] = []

    public static func == (lhs: ConfigurationText, rhs: ConfigurationText) -> Bool {
        lhs.topLevel == rhs.topLevel && lhs.sources.elementsEqual(rhs.sources) { $0.line == $1.line && $0.entries == $1.entries }
    }

    /// `text` as a basic string of this syntax (quoted, with escapes).
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += String(format: "\\u%04X", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    public init(parsing text: String) throws(ConfigurationError) {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var scanner = LineScanner(Substring(rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine), line: lineNumber)
            scanner.skipSpaces()
            if scanner.atEndOrComment { continue }
            if scanner.peek == "[" {
                let header = scanner.rest.trimmingCharacters(in: [" ", "\t"])
                guard header == "[[source]]" || header.hasPrefix("[[source]]") && LineScanner(header.dropFirst(10), line: lineNumber).isBlankOrComment else {
                    throw ConfigurationError(line: lineNumber, "only [[source]] tables are known, not \(header)")
                }
                sources.append((lineNumber, []))
                continue
            }
            let entry = try scanner.entry()
            var entries = sources.last?.entries ?? topLevel
            if entries.contains(where: { $0.key == entry.key }) {
                throw ConfigurationError(line: lineNumber, "\(entry.key) is set twice")
            }
            entries.append(entry)
            if sources.isEmpty { topLevel = entries } else { sources[sources.count - 1].entries = entries }
        }
    }
}

/// Reads one line of the configuration.
private struct LineScanner {
    private var text: Substring
    private let line: Int

    init(_ text: Substring, line: Int) {
        self.text = text
        self.line = line
    }

    var peek: Character? { text.first }
    var rest: String { String(text) }
    var atEndOrComment: Bool { text.isEmpty || text.first == "#" }
    var isBlankOrComment: Bool {
        var copy = self
        copy.skipSpaces()
        return copy.atEndOrComment
    }

    mutating func skipSpaces() {
        text = text.drop { $0 == " " || $0 == "\t" }
    }

    mutating func entry() throws(ConfigurationError) -> ConfigurationEntry {
        let key = text.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        guard !key.isEmpty else { throw ConfigurationError(line: line, "expected key = value, found \(rest)") }
        text = text.dropFirst(key.count)
        skipSpaces()
        guard text.first == "=" else { throw ConfigurationError(line: line, "expected = after \(key)") }
        text = text.dropFirst()
        skipSpaces()
        let value = try self.value(key: String(key))
        skipSpaces()
        guard atEndOrComment else { throw ConfigurationError(line: line, "unexpected \(rest) after the value of \(key)") }
        return ConfigurationEntry(key: String(key), value: value, line: line)
    }

    private mutating func value(key: String) throws(ConfigurationError) -> ConfigurationValue {
        switch text.first {
        case "\"", "'": return .string(try string(key: key))
        case "[":
            text = text.dropFirst()
            var items: [String] = []
            while true {
                skipSpaces()
                if text.first == "]" { text = text.dropFirst(); return .strings(items) }
                items.append(try string(key: key))
                skipSpaces()
                if text.first == "," { text = text.dropFirst(); continue }
                guard text.first == "]" else { throw ConfigurationError(line: line, "\(key): an array must list strings separated by commas and end with ] on the same line") }
            }
        default:
            let word = text.prefix { !$0.isWhitespace && $0 != "#" }
            text = text.dropFirst(word.count)
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            if let number = Int(word.replacingOccurrences(of: "_", with: "")) { return .integer(number) }
            throw ConfigurationError(line: line, "\(key): \(word.isEmpty ? "no value" : "'\(word)'") is not a string, integer, boolean or array of strings")
        }
    }

    private mutating func string(key: String) throws(ConfigurationError) -> String {
        guard let quote = text.first, quote == "\"" || quote == "'" else {
            throw ConfigurationError(line: line, "\(key): expected a quoted string")
        }
        text = text.dropFirst()
        var result = ""
        while let character = text.first {
            text = text.dropFirst()
            if character == quote { return result }
            guard quote == "\"", character == "\\" else { result.append(character); continue }
            guard let escaped = text.first else { break }
            text = text.dropFirst()
            switch escaped {
            case "\\": result.append("\\")
            case "\"": result.append("\"")
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "u":
                let digits = text.prefix(4)
                guard digits.count == 4, let code = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(code) else {
                    throw ConfigurationError(line: line, "\(key): \\u must be followed by four hex digits of a character")
                }
                text = text.dropFirst(4)
                result.unicodeScalars.append(scalar)
            default: throw ConfigurationError(line: line, "\(key): unknown escape \\\(escaped)")
            }
        }
        throw ConfigurationError(line: line, "\(key): the string is not closed on its line")
    }
}
