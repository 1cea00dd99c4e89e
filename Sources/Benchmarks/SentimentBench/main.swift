// earshot-bench-sentiment: accuracy and single-thread speed of the Sentiment
// analyser on human-rated corpora. Used by scripts/bench-sentiment.sh.
//
// Usage: earshot-bench-sentiment [--repeat N] [--min-seconds S] CORPUS_FILE...
// Times at least N passes over each corpus on one thread, and keeps going
// until S seconds were spent on that corpus; reports the fastest pass
// (robust against other processes sharing the machine). Prints "memory lexicon_bytes=… rss_delta_bytes=…", then for every corpus
// "ours <name> texts=… r=… f1=… texts_per_s=…" (same format as
// scripts/bench/vader_bench.py), then "whole <name> texts=… texts_per_s=…": the
// per-line work of `earshot analyze` (normalisation, language identification,
// entities, sentiment and the JSON output line) on the same texts. Last, over all
// corpora together, "stage <name> us_per_text=…": each step of that line timed
// alone (fastest pass), to show where a line's time goes.
//
// With --features, prints for every text of the corpora instead
// "corpus<TAB>mean<TAB>compound<TAB>" followed by SentimentFeatures.names' values, the
// emotion model's probabilities ("emotion_anger" ...) and the compound weighing them
// ("compound_with_emotions", as `earshot analyze` scores English) (after a header line), for
// scripts/eval-sentiment.sh.
//
// With --stage NAME (normalisation, language, entities, sentiment, sentiment_with_emotions, emotions,
// analysis_one_by_one, analysis_batched, json_line_as_string, whole_line), only
// that step runs, N passes over all corpora: for a profiler such as
// scripts/count-instructions.sh.
import Emotions
import Entities
import Foundation
import LanguageID
import Sentiment
import TextAnalysis

/// Resident set size of this process in bytes, from /proc/self/statm (0 elsewhere).
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Short corpus name: "amazonReviewSnippets_GroundTruth.txt" → "amazon".
func corpusName(_ path: String) -> String {
    let file = URL(fileURLWithPath: path).lastPathComponent
    return String(file.prefix { $0 != "R" && $0 != "." && $0 != "_" })
}

var repeatCount = 1
var minimumSeconds = 0.0
/// The steps `--stage` can name, in the order they are timed.
let stageNames = ["normalisation", "language", "entities", "sentiment", "sentiment_with_emotions", "emotions", "analysis_one_by_one", "analysis_batched",
                  "json_line_as_string", "whole_line"]
var onlyStage: String?
var printsFeatures = false
var paths: [String] = []
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--repeat", let value = arguments.next().flatMap({ Int($0) }), value > 0 {
        repeatCount = value
    } else if argument == "--min-seconds", let value = arguments.next().flatMap({ Double($0) }), value >= 0 {
        minimumSeconds = value
    } else if argument == "--features" {
        printsFeatures = true
    } else if argument == "--stage", let value = arguments.next() {
        guard stageNames.contains(value) else {
            FileHandle.standardError.write(Data("unknown stage \(value); one of: \(stageNames.joined(separator: ", "))\n".utf8))
            exit(2)
        }
        onlyStage = value
    } else {
        paths.append(argument)
    }
}
guard !paths.isEmpty else {
    FileHandle.standardError.write(Data("usage: earshot-bench-sentiment [--repeat N] [--min-seconds S] [--stage NAME | --features] CORPUS_FILE...\n".utf8))
    exit(2)
}

/// The corpus at `path`; on an error, prints it and exits with status 1.
func loadCorpusOrExit(_ path: String) -> [SentimentCorpusItem] {
    do {
        return try SentimentEvaluation.loadCorpus(at: path)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
}

if printsFeatures {
    print((["corpus", "mean", "compound"] + SentimentFeatures.names + Emotion.allCases.map { "emotion_\($0.name)" }
        + ["compound_with_emotions"]).joined(separator: "\t"))
    for path in paths {
        for item in loadCorpusOrExit(path) {
            let values = [item.mean, SentimentAnalyzer.shared.scores(for: item.text).compound]
                + SentimentAnalyzer.shared.features(for: item.text).values
            let emotions = EmotionClassifier.shared.scores(for: item.text)
            let probabilities = Emotion.allCases.map { Double(emotions.probability(of: $0)) }
            let withEmotions = SentimentAnalyzer.shared.scores(for: item.text, emotions: emotions).compound
            print(([corpusName(path)] + (values + probabilities + [withEmotions]).map { String($0) }).joined(separator: "\t"))
        }
    }
    exit(0)
}

let residentBefore = residentBytes()
let analyzer = SentimentAnalyzer.shared
_ = analyzer.scores(for: "warm up")
print("memory lexicon_entries=\(analyzer.lexiconCount) lexicon_bytes=\(analyzer.lexiconMemoryFootprint) rss_delta_bytes=\(residentBytes() - residentBefore)")

let textAnalyzer = TextAnalyzer()
_ = AnalyzeCommand.outputLine(for: "warm up the language tables too".utf8, format: .plainText, analyzer: textAnalyzer)

/// Times passes of `body` over `texts` on this thread: at least `repeatCount` passes and
/// `minimumSeconds` in all; the rate is that of the fastest pass.
@MainActor func fastestPass<Item>(over texts: [Item], _ body: (Item) -> Void) -> (rate: Double, seconds: Double, passes: Int) {
    var fastest = Double.infinity
    var measuring = 0.0
    var passes = 0
    while passes < repeatCount || measuring < minimumSeconds {
        let elapsed = ContinuousClock().measure {
            for text in texts { body(text) }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        fastest = min(fastest, seconds)
        measuring += seconds
        passes += 1
    }
    return (Double(texts.count) / fastest, measuring, passes)
}

var allTexts: [String] = []
for path in paths {
    let corpus = loadCorpusOrExit(path)
    let texts = corpus.map(\.text)
    allTexts += texts
    if onlyStage != nil { continue }
    let accuracy = SentimentEvaluation.evaluate(analyzer, on: corpus)
    var checksum = 0.0
    let sentimentTiming = fastestPass(over: texts) { checksum += analyzer.scores(for: $0).compound }
    print(String(format: "ours %@ texts=%d r=%.4f f1=%.4f texts_per_s=%.0f seconds=%.3f passes=%d checksum=%.1f",
                 corpusName(path), corpus.count, accuracy.pearson, accuracy.weightedF1, sentimentTiming.rate,
                 sentimentTiming.seconds, sentimentTiming.passes, checksum))
    var outputBytes = 0
    let wholeTiming = timeAnalyzeLines(texts) { outputBytes &+= $0 }
    print(String(format: "whole %@ texts=%d texts_per_s=%.0f seconds=%.3f passes=%d checksum=%d",
                 corpusName(path), corpus.count, wholeTiming.rate, wholeTiming.seconds, wholeTiming.passes, outputBytes))
}

/// Times `earshot analyze`'s work on `texts` as lines: their bytes in batches of
/// ``AnalyzeCommand/batchSize`` in, JSON lines appended to one buffer; `count` gets each batch's output size.
@MainActor func timeAnalyzeLines(_ texts: [String], count: (Int) -> Void) -> (rate: Double, seconds: Double, passes: Int) {
    let lines = texts.map { Array($0.utf8)[...] }
    let batches = stride(from: 0, to: lines.count, by: AnalyzeCommand.batchSize).map { Array(lines[$0..<min($0 + AnalyzeCommand.batchSize, lines.count)]) }
    var output: [UInt8] = []
    output.reserveCapacity(1 << 17)
    let timing = fastestPass(over: batches) { batch in
        AnalyzeCommand.appendOutputLines(for: batch, format: .plainText, analyzer: textAnalyzer, to: &output)
        count(output.count)
        output.removeAll(keepingCapacity: true)
    }
    return (timing.rate * Double(texts.count) / Double(batches.count), timing.seconds, timing.passes)
}

/// Each step of a line timed alone over all corpora's texts, on inputs prepared beforehand
/// (normalised texts, finished analyses), as `earshot analyze` runs them.
/// With `only`, just that step runs.
@MainActor func printStageTimings(texts: [String], only: String?) {
    let normalized = texts.map { TextNormalizer.plainText($0, isHTML: false) }
    let analyses = only == nil || only == "json_line_as_string" ? texts.map { textAnalyzer.analyze($0) } : []
    let emotions = only == nil || only == "sentiment_with_emotions" ? normalized.map { EmotionClassifier.shared.scores(for: $0) } : []
    var checksum = 0
    func runs(_ name: String) -> Bool { only == nil || only == name }
    func stage(_ name: String, _ body: (Int) -> Void) {
        guard runs(name) else { return }
        let timing = fastestPass(over: Array(texts.indices)) { body($0) }
        print(String(format: "stage %@ us_per_text=%.3f", name, 1e6 / timing.rate))
    }
    stage("normalisation") { checksum &+= TextNormalizer.plainText(texts[$0], isHTML: false).utf8.count }
    stage("language") { checksum &+= LanguageIdentifier.shared.identifyDetailed(normalized[$0], hint: nil).letterCount }
    stage("entities") { checksum &+= EntityExtractor.extract(from: normalized[$0]).count }
    stage("sentiment") { checksum &+= Int(analyzer.scores(for: normalized[$0]).compound * 100) }
    // The sentiment of English text in `earshot analyze`: with the emotions (computed for the output anyway).
    stage("sentiment_with_emotions") { checksum &+= Int(analyzer.scores(for: normalized[$0], emotions: emotions[$0]).compound * 100) }
    stage("emotions") { checksum &+= Int(EmotionClassifier.shared.scores(for: normalized[$0]).labelBits) }
    stage("analysis_one_by_one") { checksum &+= textAnalyzer.analyze(texts[$0]).text.utf8.count }
    let inputBatches = stride(from: 0, to: texts.count, by: AnalyzeCommand.batchSize).map {
        texts[$0..<min($0 + AnalyzeCommand.batchSize, texts.count)].map { TextInput($0) }
    }
    if runs("analysis_batched") {
        let batched = fastestPass(over: inputBatches) { checksum &+= textAnalyzer.analyze($0).count }
        print(String(format: "stage analysis_batched us_per_text=%.3f", 1e6 * Double(inputBatches.count) / (batched.rate * Double(texts.count))))
    }
    stage("json_line_as_string") { checksum &+= AnalyzeCommand.analysisLine(analyses[$0], rawID: nil).utf8.count }
    if runs("whole_line") {
        let whole = timeAnalyzeLines(texts) { checksum &+= $0 }
        print(String(format: "stage whole_line us_per_text=%.3f", 1e6 / whole.rate))
    }
    print("stage checksum=\(checksum) texts=\(texts.count)")
}

printStageTimings(texts: allTexts, only: onlyStage)
