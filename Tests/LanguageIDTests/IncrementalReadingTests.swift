import Testing
@testable import LanguageID

/// The identifier reads a Latin-script text only as far as its model needs; these pin that
/// reading in pieces gives exactly what reading everything at once gives.
struct IncrementalReadingTests {
    private static let texts = [
        "Just finished my morning run and the weather was absolutely perfect today.",
        "@hans_meier #wetter https://www.example.de/ueber-uns and this is clearly an English sentence, mail me at a@b.com",
        "(Quoted) “words” and http://x.y/z?a=1 then WWW.EXAMPLE.COM/path then ¿qué tal? ¡muy bien! café crème brûlée",
        "Привет, как дела? 今日はいい天気ですね 😂😂 مرحبا بكم في 👍🏽 नमस्ते दुनिया",
        "a@b c://d e:/f g",
        "Don't stop, it's fine. Really! end. www.example.com more,mail,me@x.com see:http://x.y done",
        "",
        "   ",
    ]

    private static func fullRead(_ text: String) -> (scalars: [UInt32], counts: [Int]) {
        LetterBuffer.withBuffer(of: text) { buffer in
            buffer.fillAll()
            return (Array(buffer.scalars), Script.allCases.map { buffer.letters(in: $0) })
        }
    }

    @Test(arguments: [1, 5, 48])
    func readingInStepsGivesTheSameLetters(step: Int) {
        for text in Self.texts {
            let expected = Self.fullRead(text)
            let actual: (scalars: [UInt32], counts: [Int]) = LetterBuffer.withBuffer(of: text) { buffer in
                while !buffer.isComplete {
                    buffer.fill(toAtLeast: buffer.scalars.count + step)
                    if !buffer.isComplete {
                        #expect(buffer.scalars.last == 0x20, "a partial read ends between words: \(text)")
                    }
                }
                return (Array(buffer.scalars), Script.allCases.map { buffer.letters(in: $0) })
            }
            #expect(actual.scalars == expected.scalars, "\(text)")
            #expect(actual.counts == expected.counts, "\(text)")
        }
    }

    /// A punctuation mark between words, with or without a space after it, is one separator; an
    /// "@" or "://" later in the token still removes the whole token, and a word after ". " may
    /// still start a URL.
    @Test(arguments: [
        ("Don't stop, it's fine. Really!", "don t stop it s fine really "),
        ("mail,me@x.com now", " now "),
        ("see:http://x.y done", " done "),
        ("www.site.com, ok", " ok "),
        ("end. www.example.com more", "end more "),
        ("a-b (c) d?e 4x", "a b c d e x "),
    ])
    func punctuationBetweenWordsIsOneSeparator(text: String, letters: String) {
        #expect(Self.fullRead(text).scalars == letters.unicodeScalars.map(\.value))
    }

    @Test func onlyLatinLettersIsDecidedByTheNonASCIIScalars() {
        let latinOnly = ["plain ascii words", "a plain ascii sentence of some length, then é", "café 😂 naïve — “quoted” ß", "12345 !!! 👍🏽", ""]
        let mixed = ["hello Привет", "a plain ascii sentence of some length, then Ж", "a plain ascii sentence of some length, then Ж!", "ok 今日は", "مرحبا and more", "नमस्ते"]
        for text in latinOnly {
            #expect(LetterBuffer.withBuffer(of: text) { $0.hasOnlyLatinLetters }, "\(text)")
        }
        for text in mixed {
            #expect(!LetterBuffer.withBuffer(of: text) { $0.hasOnlyLatinLetters }, "\(text)")
        }
    }

    @Test(arguments: [1, 7, 48])
    func scoringInPiecesGivesTheSameScores(piece: Int) {
        let model = NGramModel(source: LanguageProfileData.profile(of: "latin"), combiningASCIIWindows: true)
        for text in Self.texts + [String(repeating: "the quick brown fox jumps over the lazy dog ", count: 5)] {
            let scalars = Self.fullRead(text).scalars
            let whole = model.scores(scalars)
            var scorer = NGramModel.Scorer(model)
            scalars.withUnsafeBufferPointer { buffer in
                var start = 0
                while start < buffer.count {
                    let end = min(start + piece, buffer.count)
                    scorer.add(UnsafeBufferPointer(rebasing: buffer[start..<end]))
                    start = end
                }
            }
            #expect(scorer.scores.totals == whole.totals, "\(text)")
            #expect(scorer.scores.grams == whole.grams, "\(text)")
        }
    }

    /// Scoring stops at the check where one language leads decisively; every gram read up to
    /// there counts once, so the decided scores hold the grams of one more scalar (one to three)
    /// on top of those of the text a scalar shorter, which is not decided yet.
    @Test func decidedScoresCountEveryGramOnce() {
        let model = NGramModel(source: LanguageProfileData.profile(of: "latin"), combiningASCIIWindows: true)
        let scalars = Self.fullRead(String(repeating: "the quick brown fox jumps over the lazy dog ", count: 5)).scalars
        func scorer(readingFirst count: Int) -> NGramModel.Scorer {
            var scorer = NGramModel.Scorer(model)
            scalars.withUnsafeBufferPointer { scorer.add(UnsafeBufferPointer(rebasing: $0[..<count])) }
            return scorer
        }
        guard let decidedCount = (1...scalars.count).first(where: { scorer(readingFirst: $0).isDecided }) else {
            Issue.record("an English pangram read five times is never decided")
            return
        }
        let before = scorer(readingFirst: decidedCount - 1).scores
        let decided = scorer(readingFirst: decidedCount).scores
        #expect((before.grams + 1...before.grams + 3).contains(decided.grams))
        let added = decided.totals &- before.totals
        #expect(all(decided.totals .>= before.totals) && all(added .<= SIMD32(repeating: 3 * 255)))
    }
}
