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
    /// the contiguous UTF-8 bytes, without copying them: walking the Characters of a lexicon
    /// of 85,000 lines cost most of a process's start. (A line feed or tab always ends a
    /// Character, so the lines and fields are the same.)
    static func lines(of source: String) -> [(Int, Substring)] {
        var text = source
        text.makeContiguousUTF8()
        let utf8 = text.utf8
        var lines: [(Int, Substring)] = []
        _ = utf8.withContiguousStorageIfAvailable { bytes in
            var (start, number) = (0, 0)
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                number += 1
                if end > start {
                    lines.append((number, text[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]))
                }
                start = end + 1
            }
        }
        return lines
    }

    /// The two tab-separated fields of `line`, or nil when it has not exactly two.
    static func fieldPair(of line: Substring) -> (Substring, Substring)? {
        let utf8 = line.utf8
        /// The offset of the first tab and whether another one follows.
        func tabs(in bytes: UnsafeBufferPointer<UInt8>) -> (first: Int, another: Bool)? {
            bytes.firstIndex(of: 0x09).map { ($0, bytes[($0 + 1)...].contains(0x09)) }
        }
        let found = utf8.withContiguousStorageIfAvailable(tabs) ?? Array(utf8).withUnsafeBufferPointer(tabs)
        guard let (tab, another) = found, !another else { return nil }
        let index = utf8.index(utf8.startIndex, offsetBy: tab)
        return (line[..<index], line[utf8.index(after: index)...])
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
