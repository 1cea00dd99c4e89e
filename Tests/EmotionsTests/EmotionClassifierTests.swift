import Foundation
import Testing
@testable import Emotions

/// The committed dev split, `data/emotions/dev.tsv` of the repository.
private let devSplit = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("data/emotions/dev.tsv")

/// The shipped model file, `Sources/Analysis/Emotions/Resources/emotions.model` of the repository.
private let shippedModel = devSplit.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Sources/Analysis/Emotions/Resources/emotions.model")

/// Rows of a tab-separated file, without its first `headerLines` lines.
private func rows(_ url: URL, headerLines: Int = 0) throws -> [[Substring]] {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst(headerLines)
        .map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
}

struct EmotionClassifierTests {
    let classifier = EmotionClassifier.shared

    /// Every tenth dev text as scripts/train-emotions.py scored it with the shipped model: the
    /// Swift features and arithmetic must reproduce the Python ones.
    @Test func matchesThePythonModelOnDevTexts() throws {
        let fixture = try #require(Bundle.module.url(forResource: "parity", withExtension: "tsv", subdirectory: "Fixtures"))
        let cases = try rows(fixture, headerLines: 1)
        #expect(cases.count > 500)
        var labelMismatches = 0
        for row in cases {
            let text = String(row[0])
            let expected = row[2].split(separator: ",").map { Float($0)! }
            let scores = classifier.scores(for: text)
            for emotion in Emotion.allCases {
                #expect(abs(scores.probability(of: emotion) - expected[emotion.rawValue]) < 2e-4,
                        "\(emotion.name) of \(text.debugDescription)")
            }
            if scores.labels.map(\.name).joined(separator: ",") != row[1] { labelMismatches += 1 }
        }
        // A label can flip only when a probability sits within rounding of its threshold.
        #expect(labelMismatches <= 2)
    }

    /// Macro-F1 over the seven labels on all of dev, computed here; the figure measured when the
    /// model was trained is printed by scripts/train-emotions.py (docs/EMOTIONS.md). The shipped
    /// model is trained on train + dev, so this is a check that the Swift model reproduces the
    /// trained one on texts it was fitted to (0.784 as printed, thirteenth session), not a development figure.
    @Test func devMacroF1StaysAtTheMeasuredLevel() throws {
        var truePositives = [Int](repeating: 0, count: 7)
        var falsePositives = truePositives
        var falseNegatives = truePositives
        let split = try rows(devSplit)
        #expect(split.count == 5_426)
        for row in split {
            let gold = Set(row[1].split(separator: ",").compactMap { Int($0) })
            let scores = classifier.scores(for: String(row[0]))
            for emotion in Emotion.allCases {
                switch (scores.contains(emotion), gold.contains(emotion.rawValue)) {
                case (true, true): truePositives[emotion.rawValue] += 1
                case (true, false): falsePositives[emotion.rawValue] += 1
                case (false, true): falseNegatives[emotion.rawValue] += 1
                case (false, false): break
                }
            }
        }
        let f1 = (0..<7).map { label -> Double in
            let errors = falsePositives[label] + falseNegatives[label]
            return 2 * Double(truePositives[label]) / Double(max(1, 2 * truePositives[label] + errors))
        }
        let macro = f1.reduce(0, +) / 7
        #expect(macro >= 0.78, "dev macro-F1 \(macro), per label \(f1)")
    }

    @Test func clearTextsGetTheirEmotion() {
        #expect(classifier.scores(for: "I am so angry at this, it's infuriating!").contains(.anger))
        #expect(classifier.scores(for: "This is wonderful, thank you so much! I love it").contains(.joy))
        #expect(classifier.scores(for: "I'm really scared and terrified of what happens next").contains(.fear))
        #expect(classifier.scores(for: "I miss her so much, this is heartbreaking").contains(.sadness))
        #expect(classifier.scores(for: "Wow, I did not expect that at all!").contains(.surprise))
    }

    @Test func badInputGetsNeutralOrEmotionsButNeverCrashes() {
        #expect(classifier.scores(for: "").labels == [.neutral])
        _ = classifier.scores(for: "😀😀😀🔥")
        _ = classifier.scores(for: String(decoding: [0xFF, 0xFE, 0x61, 0xC3] as [UInt8], as: UTF8.self))
        let huge = String(repeating: "I hate this so much ", count: 60_000)
        #expect(huge.utf8.count > 1_000_000)
        #expect(classifier.scores(for: huge).labels == classifier.scores(for: String(huge.prefix(2_048))).labels)
        let longWord = String(repeating: "é", count: 5_000) + "😀"
        _ = classifier.scores(for: longWord)
    }

    @Test func scoresAreProbabilitiesAndLabelsMatchThresholds() {
        let scores = classifier.scores(for: "ugh, this is disgusting and gross")
        for emotion in Emotion.allCases {
            let probability = scores.probability(of: emotion)
            #expect((0...1).contains(probability))
            if emotion != .neutral {
                #expect(scores.contains(emotion) == (probability >= classifier.threshold(of: emotion)))
            }
        }
        #expect(!scores.labels.isEmpty)
    }

    /// The word cache adds a cached word's n-gram count by formula; it must equal the n-grams
    /// the uncached path hashes (2- to 5-byte windows of " " + word + " ").
    @Test func characterNGramCountMatchesTheWindows() {
        for length in 1...EmotionFeatures.maxWordBytes {
            let padded = length + 2
            let windows = (0..<padded - 1).reduce(0) { $0 + min($1 + 5, padded) - ($1 + 1) }
            #expect(EmotionFeatures.characterNGramCount(wordBytes: length) == windows, "length \(length)")
        }
    }

    @Test func emotionNamesRoundTrip() {
        for emotion in Emotion.allCases { #expect(Emotion(name: emotion.name) == emotion) }
        #expect(Emotion(name: "Anger") == nil)
    }

    @Test func malformedModelFilesAreTypedErrors() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).model")
        try Data("EMO1\u{12}".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: EmotionModelError.self) { try EmotionClassifier(contentsOf: url) }
        #expect(throws: EmotionModelError.self) {
            try EmotionClassifier(contentsOf: url.appendingPathExtension("missing"))
        }
        // The shipped model cut short, and with every word cache slot taken (a probe would not stop).
        let bytes = try Data(contentsOf: shippedModel)
        try bytes.prefix(bytes.count - 1).write(to: url)
        #expect(throws: EmotionModelError.self) { try EmotionClassifier(contentsOf: url) }
        let cacheBits = Int(bytes[16]) | Int(bytes[17]) << 8
        let cacheStart = bytes.count - MemoryLayout<WordCacheSlot>.stride << cacheBits
        var full = bytes
        for slot in stride(from: cacheStart, to: full.count, by: MemoryLayout<WordCacheSlot>.stride) where full[slot] == 0 {
            full[slot] = 1
        }
        try full.write(to: url)
        #expect(throws: EmotionModelError.malformed(path: url.path, reason: "the word cache has no empty slot")) {
            try EmotionClassifier(contentsOf: url)
        }
        // A model of the features before the negation scope (EMO3) is refused by name.
        var old = bytes
        old[3] = UInt8(ascii: "3")
        try old.write(to: url)
        #expect(throws: EmotionModelError.malformed(path: url.path, reason: "an EMO3 model, but this build reads EMO4 models (EMO4 added the negation scope to the features: retrain with scripts/train-emotions.py)")) {
            try EmotionClassifier(contentsOf: url)
        }
        try bytes.write(to: url)
        #expect(try EmotionClassifier(contentsOf: url).threshold(of: .joy) == classifier.threshold(of: .joy))
    }
}
