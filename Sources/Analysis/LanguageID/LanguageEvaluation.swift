/// Labelled texts and the accuracy of the identifier on them, shared by the regression tests
/// (Tests/LanguageIDTests) and `earshot-eval-language` (scripts/eval-language.sh), so that both
/// count the same way. The sets themselves are files under data/ (docs/LANGUAGE-ID.md).
public enum LanguageEvaluation {
    /// A text and the language it is written in.
    public struct Sample: Sendable, Equatable {
        /// ISO 639-1 code.
        public var code: String
        /// The text.
        public var text: String

        /// Creates a sample.
        public init(code: String, text: String) {
            self.code = code
            self.text = text
        }
    }

    /// The samples of a "code<TAB>text" file: blank lines and lines starting with "#" are
    /// skipped; a line without a tab is an error naming its number.
    public static func samples(fromTSV contents: String) throws(LabelledSetError) -> [Sample] {
        var samples: [Sample] = []
        for (offset, line) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { throw LabelledSetError(line: offset + 1, reason: "expected code<TAB>text") }
            samples.append(Sample(code: String(parts[0]), text: String(parts[1])))
        }
        return samples
    }

    /// Correct answers per language, with the wrong answers given.
    public struct Score: Sendable {
        /// Samples per language.
        public private(set) var total: [String: Int] = [:]
        /// Correctly identified samples per language.
        public private(set) var correct: [String: Int] = [:]
        /// The samples answered wrongly, with the answer.
        public private(set) var misses: [(sample: Sample, answer: String)] = []

        /// All samples.
        public var count: Int { total.values.reduce(0, +) }
        /// All correctly identified samples.
        public var correctCount: Int { correct.values.reduce(0, +) }
        /// Share of samples identified correctly (0 for no samples).
        public var accuracy: Double { count == 0 ? 0 : Double(correctCount) / Double(count) }

        /// Share of the samples of `code` identified correctly.
        public func accuracy(of code: String) -> Double {
            Double(correct[code, default: 0]) / Double(max(total[code, default: 0], 1))
        }

        mutating func record(_ sample: Sample, answer: String) {
            total[sample.code, default: 0] += 1
            if answer == sample.code {
                correct[sample.code, default: 0] += 1
            } else {
                misses.append((sample, answer))
            }
        }
    }

    /// How `identify` answers the samples (top-1; "und" counts as wrong).
    public static func score(_ samples: [Sample], identify: (String) -> String) -> Score {
        var score = Score()
        for sample in samples {
            score.record(sample, answer: identify(sample.text))
        }
        return score
    }
}

/// A labelled set file that cannot be read, with the line at fault.
public struct LabelledSetError: Error, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// What is wrong with it.
    public var reason: String

    /// "line N: reason".
    public var description: String { "line \(line): \(reason)" }
}
