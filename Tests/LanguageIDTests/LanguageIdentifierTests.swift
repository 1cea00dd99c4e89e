import Testing
@testable import LanguageID

struct EvaluationTests {
    private static let samples = TestData.evaluationSentences

    @Test func evaluationSetCoversTwentyLanguagesWithTenLongSentencesEach() {
        let counts = Dictionary(grouping: Self.samples.filter { $0.text.count >= 30 }, by: \.code).mapValues(\.count)
        #expect(counts.count == 20)
        #expect(counts.values.allSatisfy { $0 >= 10 })
    }

    @Test func topOneAccuracyIsAtLeastNinetyFivePercent() {
        let correct = Self.samples.filter { LanguageIdentifier.shared.identify($0.text, hint: nil).code == $0.code }
        let accuracy = Double(correct.count) / Double(Self.samples.count)
        #expect(accuracy >= 0.95, "accuracy \(accuracy)")
    }

    @Test func everyLanguageIsRecognisedInMostOfItsSentences() {
        for (code, samples) in Dictionary(grouping: Self.samples, by: \.code) {
            let correct = samples.filter { LanguageIdentifier.shared.identify($0.text, hint: nil).code == code }.count
            #expect(correct * 10 >= samples.count * 9, "\(code): \(correct)/\(samples.count)")
        }
    }
}

struct EarlyStopTests {
    /// Scoring stops once a language leads clearly; a few foreign names at the start of an English
    /// sentence must not settle it (a lead of 20 checked every 24 grams called these id, so, sw).
    @Test(arguments: [
        "Filmmaker Tian Zhuangzhuang triumphantly returns to narrative filmmaking with a visually masterful work of quiet power.",
        "Aaliyah Nkemdirim rarely dampens her diva persona enough to spark genuine chemistry with the rest of the cast.",
        "Kwan Nakamura makes the mix and match metaphors intriguing, while lulling us into torpor with his cultivated style.",
    ])
    func englishOpeningWithForeignNamesIsEnglish(text: String) {
        #expect(LanguageIdentifier.shared.identify(text, hint: nil).code == "en")
    }
}

struct ScriptTests {
    private let identifier = LanguageIdentifier.shared

    @Test(arguments: [
        ("Ще не вмерла України і слава, і воля", "uk"),
        ("Їжак їсть яблука в саду біля річки", "uk"),
        ("Съешь же ещё этих мягких французских булок", "ru"),
        ("پدرم دیروز یک کتاب جدید برای من خرید", "fa"),
        ("ذهب الولد إلى المدرسة في الصباح الباكر", "ar"),
        ("東京は今日もとても暑いですね", "ja"),
        ("我们明天一起去北京看长城吧", "zh"),
        ("오늘 날씨가 정말 좋네요", "ko"),
        ("สวัสดีครับ วันนี้อากาศดีมาก", "th"),
        ("मैं कल दिल्ली जा रहा हूँ", "hi"),
        ("Καλημέρα σε όλους τους φίλους", "el"),
        ("שלום לכולם ושבת שלום", "he"),
    ])
    func scriptFastPathAndWithinScriptDecisions(text: String, code: String) {
        #expect(identifier.identify(text, hint: nil).code == code)
    }

    @Test func japaneseNeedsKanaChineseHasNone() {
        let japanese = identifier.identifyDetailed("日本語の文章です", hint: nil)
        let chinese = identifier.identifyDetailed("这是中文句子", hint: nil)
        #expect(japanese.guess.code == "ja")
        #expect(chinese.guess.code == "zh")
        #expect(japanese.dominantScript == .han && chinese.dominantScript == .han)
    }

    @Test func classifierLowerCasesAndFoldsLikeTheProfiles() {
        #expect(ClassifiedScalar.classify(0x41).value == 0x61)         // A → a
        #expect(ClassifiedScalar.classify(0xC9).value == 0xE9)         // É → é
        #expect(ClassifiedScalar.classify(0x141).value == 0x142)       // Ł → ł
        #expect(ClassifiedScalar.classify(0x410).value == 0x430)       // А → а
        #expect(ClassifiedScalar.classify(0x490).value == 0x491)       // Ґ → ґ
        #expect(ClassifiedScalar.classify(0x6CC).value == 0x64A)       // Farsi yeh → Arabic yeh
        #expect(ClassifiedScalar.classify(0x1F600).script == nil)      // emoji are separators
        #expect(ClassifiedScalar.classify(0x31).script == nil)         // digits too
    }
}

struct UndeterminedTests {
    private let identifier = LanguageIdentifier.shared

    @Test(arguments: ["", "ok 👍", "12345 !!! ???", "😂😂😂", "vbnm", "https://example.com/some/long/english/path @someone #hashtag $TSLA"])
    func shortOrLetterlessTextIsUndetermined(text: String) {
        #expect(identifier.identify(text, hint: nil) == .undetermined())
    }

    @Test func markupIsIgnored() {
        let text = "@hans_meier #wetter https://www.example.de/ueber-uns/wir-sind-da and this is clearly an English sentence"
        let result = identifier.identifyDetailed(text, hint: nil)
        #expect(result.guess.code == "en")
        #expect(result.letterCount == "andthisisclearlyanEnglishsentence".count)
    }
}

struct HintTests {
    private let identifier = LanguageIdentifier.shared

    @Test func hintDecidesShortTextInItsScript() {
        let result = identifier.identifyDetailed("Moin", hint: "de-AT")
        #expect(result.guess.code == "de")
        #expect(result.usedHint)
        // A hint the text confirms is reported as the source's language, without deciding.
        let confirmed = identifier.identifyDetailed("Danke!", hint: "de-AT")
        #expect(confirmed.guess.code == "de" && confirmed.guess.source == .hint && !confirmed.usedHint)
    }

    @Test func hintInAnotherScriptIsIgnored() {
        #expect(identifier.identify("Thanks a lot for the help with the move yesterday", hint: "ru").code == "en")
        #expect(identifier.identify("Спасибо", hint: "en").code == "und")
        #expect(identifier.identify("今日はとても暑いですね", hint: "zh").code == "ja")
    }

    @Test func hintStronglyContradictedByTheModelIsIgnored() {
        let result = identifier.identifyDetailed("Thanks a lot for the help with the move yesterday", hint: "de")
        #expect(result.guess.code == "en")
        #expect(!result.usedHint)
    }

    @Test func plausibleHintSettlesCloseCalls() {
        #expect(identifier.identify("Obrigado pela ajuda", hint: "pt").code == "pt")
        #expect(identifier.identify("東京大学", hint: "ja").code == "ja")
        #expect(identifier.identify("東京大学", hint: nil).code == "und")
    }

    @Test func hintsWithoutProfileOnlySettleUncertainLatinText() {
        #expect(identifier.identify("Bos días", hint: "gl").code == "gl")
        #expect(identifier.identify("The weather is lovely in the city today", hint: "gl").code == "en")
    }

    @Test func hintCodesAreNormalised() {
        #expect(LanguageIdentifier.languageCode(fromHint: "en-GB") == "en")
        #expect(LanguageIdentifier.languageCode(fromHint: "PT_br") == "pt")
        #expect(LanguageIdentifier.languageCode(fromHint: "iw") == "he")
        #expect(LanguageIdentifier.languageCode(fromHint: "nb") == "no")
        #expect(LanguageIdentifier.languageCode(fromHint: "und") == nil)
        #expect(LanguageIdentifier.languageCode(fromHint: "") == nil)
        #expect(LanguageIdentifier.languageCode(fromHint: nil) == nil)
    }

    @Test func supportsTheTwentyRequiredLanguages() {
        let required: Set = ["en", "es", "pt", "fr", "de", "it", "nl", "sv", "pl", "ru", "uk", "tr", "ar", "fa", "hi", "id", "ja", "ko", "zh", "th"]
        #expect(required.isSubset(of: LanguageIdentifier.shared.supportedLanguages))
    }
}

struct CandidateTests {
    private let guesses = ["en", "de", "nl", "fr"].enumerated().map { LanguageGuess(code: $1, confidence: 0.8 / Double($0 + 1)) }

    @Test func candidatesKeepTheFirstThreeInOrder() {
        #expect(Array(LanguageCandidates(guesses)) == Array(guesses.prefix(3)))
        #expect(Array(LanguageCandidates(guesses.prefix(2))) == Array(guesses.prefix(2)))
        #expect(LanguageCandidates().isEmpty)
        #expect(LanguageCandidates(guesses) == [guesses[0], guesses[1], guesses[2]])
        #expect(LanguageCandidates(guesses) != LanguageCandidates(guesses.prefix(2)))
    }

    @Test func identificationRanksTheThreeBestLanguages() {
        let result = LanguageIdentifier.shared.identifyDetailed("Thanks a lot for the help with the move yesterday", hint: nil)
        #expect(result.candidates.count == 3)
        #expect(result.candidates.first == result.guess)
        #expect(zip(result.candidates, result.candidates.dropFirst()).allSatisfy { $0.confidence >= $1.confidence })
        #expect(Set(result.candidates.map(\.code)).count == 3)
    }
}
