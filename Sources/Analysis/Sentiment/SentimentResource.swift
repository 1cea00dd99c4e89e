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

    /// Non-empty lines of `source` with their 1-based numbers.
    static func lines(of source: String) -> [(Int, String)] {
        source.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { !$0.element.isEmpty }
            .map { ($0.offset + 1, String($0.element)) }
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
