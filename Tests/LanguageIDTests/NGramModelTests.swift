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
        let (scores, grams) = model.scores([0x44F, 0x20])
        #expect(grams == 1)
        #expect(abs(scores[0] - weight1000) < tolerance)
        #expect(scores[1] == 0)
    }

    @Test func asciiGramsOfEveryLengthAreFound() {
        let (scores, grams) = model.scores(Array("ab x ".unicodeScalars.map(\.value)))
        #expect(grams == 3)  // "ab", "b ", "x"
        #expect(abs(scores[0] - weight1000) < tolerance)
        #expect(abs(scores[1] - weight500 - log1p(1.0)) < tolerance)
    }

    @Test func unknownGramsAreSkipped() {
        let (scores, grams) = model.scores(Array("qqq zzz ".unicodeScalars.map(\.value)))
        #expect(grams == 0)
        #expect(scores == [0, 0])
    }
}
