import Foundation

/// A data file of the Sentiment module, shipped as a SwiftPM resource
/// (`Earshot_Sentiment.resources` next to the executable) and read once per process.
enum SentimentResource: String, CaseIterable {
    /// VADER word and emoticon valences, `token<TAB>mean` (scripts/gen-lexicon.py).
    case vaderLexicon = "vader_lexicon"
    /// VADER emoji descriptions, `emoji<TAB>description` (scripts/gen-lexicon.py).
    case vaderEmoji = "vader_emoji"
    /// Earshot's social-media additions, `token<TAB>directive` (hand-written; format in the file).
    case socialLexicon = "social_lexicon"
    /// Weights of `SentimentModel`, `feature<TAB>weight` (scripts/eval-sentiment.sh --fit).
    case model = "sentiment_model"

    /// The file's name in the resource bundle.
    var fileName: String { rawValue + ".tsv" }

    /// The whole file as text.
    func contents() throws(SentimentResourceError) -> String {
        guard let url = Bundle.module.url(forResource: rawValue, withExtension: "tsv") else {
            throw .missing(resource: fileName, bundle: Bundle.module.bundlePath)
        }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadable(resource: url.path, reason: error.localizedDescription)
        }
    }

    /// Non-empty lines of `source` with their 1-based numbers. Lines and fields are found on
    /// the UTF-8 bytes, without copying them: walking the Characters of a lexicon of 85,000
    /// lines cost most of a process's start. (A line feed or tab always ends a Character, so
    /// the lines and fields are the same.)
    static func lines(of source: String) -> [(Int, Substring)] {
        var lines: [(Int, Substring)] = []
        for (offset, line) in source.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            lines.append((offset + 1, Substring(line)))
        }
        return lines
    }

    /// The two tab-separated fields of `line`, or nil when it has not exactly two.
    static func fieldPair(of line: Substring) -> (Substring, Substring)? {
        let bytes = line.utf8
        guard let tab = bytes.firstIndex(of: 0x09) else { return nil }
        let second = bytes[bytes.index(after: tab)...]
        guard !second.contains(0x09) else { return nil }
        return (Substring(bytes[..<tab]), Substring(second))
    }
}

/// A data file of the Sentiment module that is missing, unreadable or malformed.
enum SentimentResourceError: Error, Equatable, CustomStringConvertible {
    /// The resource is not in the module's bundle.
    case missing(resource: String, bundle: String)
    /// The resource exists but could not be read as UTF-8.
    case unreadable(resource: String, reason: String)
    /// A line does not have the resource's format (line 0: the file as a whole).
    case malformedLine(resource: String, line: Int, text: String, reason: String)

    var description: String {
        switch self {
        case let .missing(resource, bundle): "sentiment resource \(resource) not found in \(bundle)"
        case let .unreadable(resource, reason): "cannot read sentiment resource \(resource): \(reason)"
        case let .malformedLine(resource, line, text, reason): "\(resource):\(line) '\(text)': \(reason)"
        }
    }
}
