import Foundation
import Testing

@testable import Sentiment

@Suite("Evaluation metrics")
struct EvaluationTests {
    @Test("Pearson correlation")
    func pearson() {
        #expect(abs(SentimentEvaluation.pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12)
        #expect(abs(SentimentEvaluation.pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-12)
        #expect(SentimentEvaluation.pearson([1, 1, 1], [1, 2, 3]) == 0)
    }

    @Test("weighted F1 weighs each label's F1 by its support")
    func weightedF1() {
        let gold: [SentimentLabel] = [.positive, .positive, .negative, .neutral]
        let predicted: [SentimentLabel] = [.positive, .negative, .negative, .neutral]
        // positive: P=1, R=0.5, F1=2/3 (support 2); negative: P=0.5, R=1, F1=2/3 (1); neutral: 1 (1).
        let expected = (2.0 / 3 * 2 + 2.0 / 3 + 1) / 4
        #expect(abs(SentimentEvaluation.weightedF1(gold: gold, predicted: predicted) - expected) < 1e-12)
        #expect(SentimentEvaluation.weightedF1(gold: gold, predicted: gold) == 1)
    }

    @Test("gold labels use the inclusive ±0.2 neutral band")
    func goldLabels() {
        #expect(SentimentEvaluation.goldLabel(mean: 0.2) == .neutral)
        #expect(SentimentEvaluation.goldLabel(mean: 0.21) == .positive)
        #expect(SentimentEvaluation.goldLabel(mean: -0.2) == .neutral)
        #expect(SentimentEvaluation.goldLabel(mean: -0.25) == .negative)
    }

    @Test("corpus files parse with CRLF and report errors with context")
    func corpusLoading() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentiment-tests-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.txt")
        try Data("1_1\t-0.9\tbad\tstuff\r\n1_2\t2.5\tgreat\r\n".utf8).write(to: good)
        let items = try SentimentEvaluation.loadCorpus(at: good.path)
        #expect(items == [
            SentimentCorpusItem(id: "1_1", mean: -0.9, text: "bad\tstuff"),
            SentimentCorpusItem(id: "1_2", mean: 2.5, text: "great"),
        ])
        let bad = directory.appendingPathComponent("bad.txt")
        try Data("1\t0.5\tfine\r\n2\tnot-a-number\ttext\r\n".utf8).write(to: bad)
        #expect(throws: SentimentCorpusError.malformedLine(path: bad.path, line: 2, text: "2\tnot-a-number\ttext")) {
            try SentimentEvaluation.loadCorpus(at: bad.path)
        }
        let missing = directory.appendingPathComponent("missing.txt").path
        #expect {
            try SentimentEvaluation.loadCorpus(at: missing)
        } throws: { error in
            guard case .unreadable(let path, _) = error as? SentimentCorpusError else { return false }
            return path == missing
        }
    }
}
