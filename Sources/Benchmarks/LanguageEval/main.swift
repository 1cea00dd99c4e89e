// earshot-eval-language: prints the language identification figures of docs/LANGUAGE-ID.md.
//
//   earshot-eval-language [--misses | --cross-validate] REPOSITORY_ROOT
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
// With --cross-validate, 5-fold cross-validation of the tuning (LanguageIdentifier.Tuning) over a
// grid: in each fold the grid point with the best mean of dev-tweet en share and short-post
// accuracy on the other four fifths of both sets (ties: the more cautious point) is chosen and
// measured on the held-out fifth:
//   cv fold=K chosen=TUNING dev_en=… short=…     held-out figures of fold K
//   cv mean dev_en=… (min … max …) short=… (…)   their mean and spread
//   cv all chosen=TUNING standard=TUNING          the point chosen on all data, and the shipped one
import Foundation
import LanguageID
import TextAnalysis
import Entities

var arguments = Array(CommandLine.arguments.dropFirst())
let showMisses = arguments.first == "--misses"
let crossValidate = arguments.first == "--cross-validate"
if showMisses || crossValidate { arguments.removeFirst() }
guard arguments.count == 1 else {
    FileHandle.standardError.write(Data("usage: earshot-eval-language [--misses | --cross-validate] REPOSITORY_ROOT\n".utf8))
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

let shortPosts = samples("data/langid/short-posts.tsv")
let eval20 = LanguageEvaluation.score(samples("data/langid/eval-sentences.tsv").filter { $0.text.count >= 30 }, identify: identify)
print(String(format: "eval20 correct=%d total=%d accuracy=%.4f", eval20.correctCount, eval20.count, eval20.accuracy))
printMisses("eval20", eval20)

let short = LanguageEvaluation.score(shortPosts, identify: identify)
let pulledToEnglish = short.misses.filter { $0.answer == "en" }.count
print(String(format: "short correct=%d total=%d accuracy=%.4f to_en=%d", short.correctCount, short.count, short.accuracy, pulledToEnglish))
for code in short.total.keys.sorted() {
    print("short_lang \(code) \(short.correct[code, default: 0])/\(short.total[code, default: 0])")
}
printMisses("short", short)

/// The development tweets' texts, normalised as `earshot analyze` normalises them.
let devTweets: [String] = read("data/sentiment/tweets_dev_GroundTruth.txt").split(whereSeparator: \.isNewline).compactMap { line in
    let fields = line.split(separator: "\t", maxSplits: 2)
    return fields.count == 3 ? TextNormalizer.plainText(String(fields[2]), isHTML: false) : nil
}

var counts = (en: 0, und: 0, other: 0, sentiment: 0, total: 0)
for text in devTweets {
    let identification = identifier.identifyDetailed(text, hint: nil)
    counts.total += 1
    switch identification.guess.code {
    case "en": counts.en += 1
    case LanguageGuess.undeterminedCode: counts.und += 1
    default: counts.other += 1
    }
    if TextAnalyzer.sentimentModel(for: identification, text: text) == "en" { counts.sentiment += 1 }
    if showMisses && identification.guess.code != "en" {
        let candidates = identification.candidates.map { String(format: "%@:%.2f", $0.code, $0.confidence) }.joined(separator: ",")
        print("miss dev_tweets en \(identification.guess.code) [\(candidates) letters=\(identification.letterCount)] \(text)")
    }
}
let share = { (count: Int) in Double(count) / Double(max(counts.total, 1)) }
print(String(format: "dev_tweets total=%d en=%.4f und=%.4f other=%.4f sentiment=%.4f",
             counts.total, share(counts.en), share(counts.und), share(counts.other), share(counts.sentiment)))

guard crossValidate else { exit(0) }

/// For one tuning: whether each dev tweet comes out en, and whether each short post is right.
@MainActor func outcomes(_ tuning: LanguageIdentifier.Tuning) -> (dev: [Bool], short: [Bool]) {
    let candidate = LanguageIdentifier(tuning: tuning)
    return (devTweets.map { candidate.identify($0, hint: nil).code == "en" },
            shortPosts.map { candidate.identify($0.text, hint: nil).code == $0.code })
}

let grid: [LanguageIdentifier.Tuning] = {
    var grid: [LanguageIdentifier.Tuning] = []
    for weight: Float in [6, 10, 14, 18] {
    for penalty: Float in [0, 4, 8, 12] {
        for confidence in [0.1, 0.2, 0.3, 0.4, 0.5] {
            for letters in [6, 10] {
                grid.append(.init(wordEvidenceWeight: weight, lessCommonLanguagePenalty: penalty, minimumConfidence: confidence, minimumLatinLetters: letters))
            }
        }
    }
    }
    return grid
}()
let gridOutcomes = grid.map(outcomes)
let folds = 5

/// The share of `hits` whose index is (`inFold`) or is not in fold `fold` (nil: all).
@MainActor func share(_ hits: [Bool], fold: Int?, inFold: Bool) -> Double {
    var (hit, total) = (0, 0)
    for (index, isHit) in hits.enumerated() where fold == nil || (index % folds == fold) == inFold {
        total += 1
        if isHit { hit += 1 }
    }
    return Double(hit) / Double(max(total, 1))
}

/// The grid point with the best mean of dev en share and short accuracy outside fold `fold` (nil: on all).
@MainActor func chosen(excluding fold: Int?) -> Int {
    let objective = { (index: Int) in
        share(gridOutcomes[index].dev, fold: fold, inFold: false) + share(gridOutcomes[index].short, fold: fold, inFold: false)
    }
    // Ties go to the more cautious point: the higher confidence threshold, then the more letters.
    let key = { (index: Int) in (objective(index), grid[index].minimumConfidence, grid[index].minimumLatinLetters) }
    return grid.indices.max { key($0) < key($1) }!
}

var heldOut: [(dev: Double, short: Double)] = []
for fold in 0..<folds {
    let choice = chosen(excluding: fold)
    let figures = (dev: share(gridOutcomes[choice].dev, fold: fold, inFold: true), short: share(gridOutcomes[choice].short, fold: fold, inFold: true))
    heldOut.append(figures)
    print(String(format: "cv fold=%d chosen=%@ dev_en=%.4f short=%.4f", fold, grid[choice].description, figures.dev, figures.short))
}
let mean = { (values: [Double]) in values.reduce(0, +) / Double(values.count) }
print(String(format: "cv mean dev_en=%.4f (min %.4f max %.4f) short=%.4f (min %.4f max %.4f)",
             mean(heldOut.map(\.dev)), heldOut.map(\.dev).min()!, heldOut.map(\.dev).max()!,
             mean(heldOut.map(\.short)), heldOut.map(\.short).min()!, heldOut.map(\.short).max()!))
print("cv all chosen=\(grid[chosen(excluding: nil)]) standard=\(LanguageIdentifier.Tuning.standard)")
