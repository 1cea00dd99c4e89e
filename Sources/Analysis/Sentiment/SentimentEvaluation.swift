import Emotions
import Foundation

/// One human-rated text of an evaluation corpus.
public struct SentimentCorpusItem: Sendable, Equatable {
    /// Identifier from the corpus file.
    public var id: String
    /// Mean human rating, -4 (most negative) … +4 (most positive).
    public var mean: Double
    /// The rated text.
    public var text: String

    /// Creates an item.
    public init(id: String, mean: Double, text: String) {
        self.id = id
        self.mean = mean
        self.text = text
    }
}

/// Failure to read an evaluation corpus.
public enum SentimentCorpusError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// A line is not `id<TAB>mean<TAB>text`.
    case malformedLine(path: String, line: Int, text: String)

    /// Human-readable description with the path and line.
    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read sentiment corpus \(path): \(reason)"
        case let .malformedLine(path, line, text): "\(path):\(line): expected id<TAB>mean<TAB>text, got '\(text)'"
        }
    }
}

/// Accuracy of an analyser on one corpus.
public struct SentimentAccuracy: Sendable, Equatable {
    /// Number of texts.
    public var count: Int
    /// Pearson correlation of the compound score with the human mean.
    public var pearson: Double
    /// Support-weighted F1 over negative / neutral / positive.
    public var weightedF1: Double
}

/// Corpus loading and the accuracy metrics used to compare with VADER
/// (the same definitions as scripts/bench/vader_bench.py).
public enum SentimentEvaluation {
    /// Gold labels: a mean rating within ±0.2 (inclusive) is neutral.
    public static let goldNeutralBand = 0.2

    /// Reads a corpus of `id<TAB>mean<TAB>text` lines (LF or CRLF).
    public static func loadCorpus(at path: String) throws(SentimentCorpusError) -> [SentimentCorpusItem] {
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        var items: [SentimentCorpusItem] = []
        let lines = contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, line) in lines.enumerated() where !line.isEmpty {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let mean = Double(fields[1]) else {
                throw .malformedLine(path: path, line: offset + 1, text: String(line))
            }
            items.append(SentimentCorpusItem(id: String(fields[0]), mean: mean, text: String(fields[2])))
        }
        return items
    }

    /// The gold label of a mean human rating.
    public static func goldLabel(mean: Double) -> SentimentLabel {
        mean > goldNeutralBand ? .positive : mean < -goldNeutralBand ? .negative : .neutral
    }

    /// Scores every item with `analyzer` and measures the agreement; `withEmotions` gives the
    /// analyser the emotion model's verdict on each text, as `earshot analyze` does for English.
    public static func evaluate(
        _ analyzer: SentimentAnalyzer, on corpus: [SentimentCorpusItem], withEmotions: Bool = false
    ) -> SentimentAccuracy {
        let compounds = corpus.map { item in
            analyzer.scores(for: item.text, emotions: withEmotions ? EmotionClassifier.shared.scores(for: item.text) : nil)
                .compound
        }
        return SentimentAccuracy(
            count: corpus.count,
            pearson: pearson(corpus.map(\.mean), compounds),
            weightedF1: weightedF1(
                gold: corpus.map { goldLabel(mean: $0.mean) }, predicted: compounds.map(SentimentLabel.init(compound:))))
    }

    /// Pearson correlation of two equally long series (0 when either is constant).
    public static func pearson(_ xs: [Double], _ ys: [Double]) -> Double {
        precondition(xs.count == ys.count, "pearson needs equally long series, got \(xs.count) and \(ys.count)")
        guard !xs.isEmpty else { return 0 }
        let meanX = xs.reduce(0, +) / Double(xs.count)
        let meanY = ys.reduce(0, +) / Double(ys.count)
        var covariance = 0.0
        var varianceX = 0.0
        var varianceY = 0.0
        for (x, y) in zip(xs, ys) {
            covariance += (x - meanX) * (y - meanY)
            varianceX += (x - meanX) * (x - meanX)
            varianceY += (y - meanY) * (y - meanY)
        }
        guard varianceX > 0, varianceY > 0 else { return 0 }
        return covariance / (varianceX * varianceY).squareRoot()
    }

    /// F1 of each label weighted by its gold support.
    public static func weightedF1(gold: [SentimentLabel], predicted: [SentimentLabel]) -> Double {
        precondition(gold.count == predicted.count, "weightedF1 needs equally long label lists")
        guard !gold.isEmpty else { return 0 }
        var total = 0.0
        for label in SentimentLabel.allCases {
            var truePositives = 0.0
            var predictedCount = 0.0
            var support = 0.0
            for (expected, actual) in zip(gold, predicted) {
                if expected == label { support += 1 }
                if actual == label { predictedCount += 1 }
                if expected == label && actual == label { truePositives += 1 }
            }
            guard truePositives > 0 else { continue }
            let precision = truePositives / predictedCount
            let recall = truePositives / support
            total += 2 * precision * recall / (precision + recall) * support
        }
        return total / Double(gold.count)
    }
}
