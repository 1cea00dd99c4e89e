import Foundation
import Testing
@testable import LanguageID

struct NGramModelTests {
    /// Two made-up languages: "aa" uses "я " (word-final, non-ASCII) and "ab"; "bb" uses "b " and "x".
    private let model = NGramModel(source: "@aa\nя_\t1000\nab\t1000\n@bb\nb_\t500\nx\t50\n")
    private let weight1000 = log1p(1000.0 / 50)
    private let weight500 = log1p(500.0 / 50)
    /// Weights are stored in steps of 1/25: half a step is the most a stored weight can be off.
    private let tolerance = 0.5 / Double(NGramModel.weightsPerUnit) + 1e-9

    @Test func parsesLanguagesInOrder() {
        #expect(model.languages == ["aa", "bb"])
    }

    @Test func wordFinalGramsOfNonASCIILettersCount() {
        let result = model.scores([0x44F, 0x20])
        let (scores, grams) = (result.scores, result.grams)
        #expect(grams == 1)
        #expect(abs(scores[0] - weight1000) < tolerance)
        #expect(scores[1] == 0)
    }

    @Test func asciiGramsOfEveryLengthAreFound() {
        let result = model.scores(Array("ab x ".unicodeScalars.map(\.value)))
        let (scores, grams) = (result.scores, result.grams)
        #expect(grams == 3)  // "ab", "b ", "x"
        #expect(abs(scores[0] - weight1000) < tolerance)
        #expect(abs(scores[1] - weight500 - log1p(1.0)) < tolerance)
    }

    @Test func unknownGramsAreSkipped() {
        let result = model.scores(Array("qqq zzz ".unicodeScalars.map(\.value)))
        let (scores, grams) = (result.scores, result.grams)
        #expect(grams == 0)
        #expect(scores == [0, 0])
    }

    /// The lead check, worked out four lanes at a time, agrees with best − second > decisiveLead:
    /// for ties, leads just below, at and past the threshold, a leader in every lane, sums past
    /// 2^31, and whatever the gram count lane holds (it is no language).
    @Test func decisiveLeadIsTheBestMinusTheSecond() {
        let lead = NGramModel.decisiveLead
        for leader in 0..<NGramModel.maximumLanguages {
            for base: UInt32 in [0, 1_000, 0x7FFF_FF00, 0xFFFF_0000] {
                for margin in [0, lead - 1, lead, lead + 1, 5 * lead] {
                    var sums = SIMD32<UInt32>.zero
                    for lane in 0..<NGramModel.maximumLanguages {
                        sums[lane] = base + UInt32(lane % 7)
                    }
                    sums[leader] = base + 6 + margin
                    sums[NGramModel.gramCountLane] = .max
                    let languages = (0..<NGramModel.maximumLanguages).map { sums[$0] }.sorted(by: >)
                    #expect(NGramModel.isDecisivelyAhead(sums) == (languages[0] - languages[1] > lead), "leader \(leader), base \(base), margin \(margin)")
                }
            }
        }
    }

    /// The summed rows of ASCII windows must give exactly the totals of three separate lookups,
    /// including where a word starts, ends, or mixes ASCII and other letters, and where scoring
    /// stops early.
    @Test func combinedASCIIWindowsGiveTheSameTotals() {
        let separate = NGramModel(source: LanguageProfileData.profile(of: "latin"))
        let combined = NGramModel(source: LanguageProfileData.profile(of: "latin"), combiningASCIIWindows: true)
        var texts = TestData.evaluationSentences.map(\.text)
        texts += ["a", "x y z", "qqq zzz", "naïve café über straße", "ab", "the the the the", ""]
        for text in texts {
            let scalars = Array(text.lowercased().unicodeScalars.map { $0.properties.isAlphabetic ? $0.value : 0x20 }) + [0x20]
            let expected = separate.scores(scalars)
            let actual = combined.scores(scalars)
            #expect(actual.totals == expected.totals, "\(text)")
            #expect(actual.grams == expected.grams, "\(text)")
        }
    }
}
