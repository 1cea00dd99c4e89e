// earshot-eval-language: prints the language identification figures of docs/LANGUAGE-ID.md.
//
//   earshot-eval-language [--misses] REPOSITORY_ROOT
//
// Reads data/langid/eval-sentences.tsv (20 languages, 30+ characters), data/langid/short-posts.tsv
// (short social-style posts in several languages) and data/sentiment/tweets_dev_GroundTruth.txt
// (2,054 English development tweets, "id<TAB>rating<TAB>text") and prints, without hints:
//   eval20 correct=… total=… accuracy=…          top-1 on the sentences of 30+ characters
//   short correct=… total=… accuracy=… to_en=…   the short posts; to_en: non-English ones called en
//   short_lang CODE correct/total                per language
//   dev_tweets en=… und=… other=… sentiment=…    shares of the development tweets: identified as
//                                                en, as und, as another language, and given a
//                                                sentiment by TextAnalyzer's language gate
// With --misses, every wrong answer follows as "miss SET expected answer text".
import Foundation
import LanguageID
import TextAnalysis
import Entities

var arguments = Array(CommandLine.arguments.dropFirst())
let showMisses = arguments.first == "--misses"
if showMisses { arguments.removeFirst() }
guard arguments.count == 1 else {
    FileHandle.standardError.write(Data("usage: earshot-eval-language [--misses] REPOSITORY_ROOT\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[0])

func read(_ relativePath: String) -> String {
    do {
        return try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("earshot-eval-language: cannot read \(relativePath): \(error)\n".utf8))
        exit(1)
    }
}

func samples(_ relativePath: String) -> [LanguageEvaluation.Sample] {
    do {
        return try LanguageEvaluation.samples(fromTSV: read(relativePath))
    } catch {
        FileHandle.standardError.write(Data("earshot-eval-language: \(relativePath) \(error)\n".utf8))
        exit(1)
    }
}

let identifier = LanguageIdentifier.shared
func identify(_ text: String) -> String { identifier.identify(text, hint: nil).code }

func printMisses(_ set: String, _ score: LanguageEvaluation.Score) {
    guard showMisses else { return }
    for miss in score.misses { print("miss \(set) \(miss.sample.code) \(miss.answer) \(miss.sample.text)") }
}

let eval20 = LanguageEvaluation.score(samples("data/langid/eval-sentences.tsv").filter { $0.text.count >= 30 }, identify: identify)
print(String(format: "eval20 correct=%d total=%d accuracy=%.4f", eval20.correctCount, eval20.count, eval20.accuracy))
printMisses("eval20", eval20)

let short = LanguageEvaluation.score(samples("data/langid/short-posts.tsv"), identify: identify)
let pulledToEnglish = short.misses.filter { $0.answer == "en" }.count
print(String(format: "short correct=%d total=%d accuracy=%.4f to_en=%d", short.correctCount, short.count, short.accuracy, pulledToEnglish))
for code in short.total.keys.sorted() {
    print("short_lang \(code) \(short.correct[code, default: 0])/\(short.total[code, default: 0])")
}
printMisses("short", short)

var counts = (en: 0, und: 0, other: 0, sentiment: 0, total: 0)
for line in read("data/sentiment/tweets_dev_GroundTruth.txt").split(whereSeparator: \.isNewline) {
    let fields = line.split(separator: "\t", maxSplits: 2)
    guard fields.count == 3 else { continue }
    let text = TextNormalizer.plainText(String(fields[2]), isHTML: false)
    let identification = identifier.identifyDetailed(text, hint: nil)
    counts.total += 1
    switch identification.guess.code {
    case "en": counts.en += 1
    case LanguageGuess.undeterminedCode: counts.und += 1
    default: counts.other += 1
    }
    if TextAnalyzer.sentimentApplies(to: identification) { counts.sentiment += 1 }
    if showMisses && identification.guess.code != "en" {
        let candidates = identification.candidates.map { String(format: "%@:%.2f", $0.code, $0.confidence) }.joined(separator: ",")
        print("miss dev_tweets en \(identification.guess.code) [\(candidates) letters=\(identification.letterCount)] \(text)")
    }
}
let share = { (count: Int) in Double(count) / Double(max(counts.total, 1)) }
print(String(format: "dev_tweets total=%d en=%.4f und=%.4f other=%.4f sentiment=%.4f",
             counts.total, share(counts.en), share(counts.und), share(counts.other), share(counts.sentiment)))
