import Testing
import Entities
import LanguageID
import Sentiment
import TextAnalysis

struct TextAnalyzerTests {
    private let analyzer = TextAnalyzer()

    /// A batch is analysed step by step across its texts; each result must be what the text gets alone.
    @Test func batchGivesWhatEachTextGetsAlone() {
        let inputs = [
            TextInput("I love this new phone, the camera is great! #happy"),
            TextInput("Aujourd'hui il fait vraiment très beau à Paris"),
            TextInput("<p>Terrible &amp; slow service, never again @shop</p>", isHTML: true),
            TextInput("ok", languageHint: "en-GB"),
            TextInput(""),
            TextInput("東京は今日もとても暑いですね 😂 https://example.jp/a"),
        ]
        let batch = analyzer.analyze(inputs)
        #expect(batch.count == inputs.count)
        for (input, analysis) in zip(inputs, batch) {
            #expect(analysis == analyzer.analyze(input.text, languageHint: input.languageHint, isHTML: input.isHTML), "\(input.text)")
        }
        #expect(batch[0].sentimentModel == "en" && batch[1].sentimentModel == "fr" && batch[2].text.contains("&"))
        #expect(batch[5].sentimentModel == "emoji")
    }

    @Test func englishGetsSentiment() throws {
        let analysis = analyzer.analyze("I love this new phone, the camera is great! #happy")
        #expect(analysis.language.code == "en")
        let sentiment = try #require(analysis.sentiment)
        #expect(sentiment.compound > 0.3)
        #expect(sentiment.label == .positive)
        #expect(analysis.entities.hashtags == ["happy"])
    }

    @Test func otherLanguagesAreScoredByTheirOwnModel() throws {
        let german = analyzer.analyze("Ich liebe dieses neue Telefon, die Kamera ist wirklich toll!")
        #expect(german.language.code == "de")
        #expect(german.sentimentModel == "de")
        #expect(try #require(german.sentiment).label == .positive)
        let spanish = analyzer.analyze("El servicio fue horrible y la comida estaba fría, no vuelvo nunca más")
        #expect(spanish.sentimentModel == "es")
        #expect(try #require(spanish.sentiment).label == .negative)
        let italian = analyzer.analyze("Il servizio è stato pessimo e la pizza era fredda, non ci torno più")
        #expect(italian.language.code == "it")
        #expect(italian.sentimentModel == "it")
        #expect(try #require(italian.sentiment).label == .negative)
    }

    @Test func languageWithoutModelHasNoSentimentRatherThanAFakeNeutral() {
        let japanese = analyzer.analyze("この新しい携帯電話は本当に素晴らしいです。")
        #expect(japanese.language.code == "ja")
        #expect(japanese.sentiment == nil)
        #expect(japanese.sentimentModel == nil)
    }

    @Test func emojiScoreInEveryLanguage() throws {
        let loved = analyzer.analyze("この映画は最高😍")
        #expect(loved.language.code == "ja")
        #expect(loved.sentimentModel == "emoji")
        #expect(try #require(loved.sentiment).label == .positive)
        let angry = analyzer.analyze("もう待てない😡")
        #expect(angry.sentimentModel == "emoji")
        #expect(try #require(angry.sentiment).label == .negative)
    }

    @Test func undeterminedTextLeaningToASupportedLanguageIsScoredInIt() throws {
        let analysis = analyzer.analyze("Me encanta!!")
        #expect(analysis.language.code != "en")
        let model = try #require(analysis.sentimentModel)
        #expect(["es", "pt"].contains(model))
        #expect(try #require(analysis.sentiment).label == .positive)
    }

    /// "ENJOY!!!" comes out und with es, nl and sv as candidates: the Spanish lexicon finds
    /// nothing in it, the English one finds "enjoy".
    @Test func undeterminedTextIsScoredByTheLexiconThatFindsItsSentiment() throws {
        let identification = LanguageIdentifier.shared.identifyDetailed("ENJOY!!!", hint: nil)
        #expect(identification.guess.isUndetermined)
        #expect(!identification.candidates.contains { $0.code == "en" })
        let analysis = analyzer.analyze("ENJOY!!!")
        #expect(analysis.sentimentModel == "en")
        #expect(try #require(analysis.sentiment).label == .positive)
        // Without a word any lexicon knows, the first candidate with a model still scores it (neutral).
        let plain = LanguageIdentifier.shared.identifyDetailed("Dobro!!!", hint: nil)
        #expect(plain.guess.isUndetermined && !plain.candidates.contains { $0.code == "en" })
        let first = try #require(plain.candidates.first { LanguageSentimentModel.languages.contains($0.code) })
        #expect(TextAnalyzer.sentimentModel(for: plain, text: "Dobro!!!") == first.code)
        #expect(analyzer.analyze("Dobro!!!").sentiment == .empty)
    }

    /// "Fantastic!" comes out it (0.35) with English among the candidates: the Italian lexicon
    /// finds nothing, the English one finds "fantastic"; "No me gusta nada" comes out pt, and
    /// the Spanish lexicon finds "gusta". A confidently identified post, or one whose source
    /// says its language, keeps its own model.
    @Test func textWhoseOwnLexiconFindsNothingIsScoredByACandidateWhoseLexiconDoes() throws {
        let identification = LanguageIdentifier.shared.identifyDetailed("Fantastic!", hint: nil)
        #expect(identification.guess.code == "it")
        let english = try #require(identification.candidates.first { $0.code == "en" })
        #expect(english.confidence >= TextAnalyzer.candidateFallbackConfidence)
        let analysis = analyzer.analyze("Fantastic!")
        #expect(analysis.language.code == "it")
        #expect(analysis.sentimentModel == "en")
        #expect(try #require(analysis.sentiment).label == .positive)
        #expect(analyzer.analyze("Fantastic!", languageHint: "it").sentimentModel == "it")
        // The same for another language's lexicon: Spanish taken for Portuguese.
        let spanish = analyzer.analyze("No me gusta nada")
        #expect(spanish.language.code == "pt")
        #expect(spanish.sentimentModel == "es")
        #expect(try #require(spanish.sentiment).label == .negative)
        // Confident German: English is a candidate, but far below the threshold ("Die" would be negative in English).
        let german = analyzer.analyze("Die Filiale hat ab morgen andere Öffnungszeiten")
        #expect(german.language.code == "de" && german.sentimentModel == "de")
        #expect(try #require(german.sentiment).label == .neutral)
    }

    @Test func shortEnglishTextGetsSentiment() throws {
        let analysis = analyzer.analyze("love it!!")
        #expect(analysis.language.code == "en")
        #expect(try #require(analysis.sentiment).label == .positive)
    }

    @Test func shortTextLeaningElsewhereIsNotScoredInEnglish() {
        let analysis = analyzer.analyze("Hola amigos, ¿qué tal?")
        #expect(analysis.language.code != "en")
        #expect(analysis.sentimentModel != "en")
    }

    @Test func hintIsPassedToTheIdentifier() {
        let analysis = analyzer.analyze("Danke!", languageHint: "de")
        #expect(analysis.language.code == "de")
        #expect(analysis.sentimentModel == "de")
    }

    @Test func htmlIsConvertedBeforeEverythingElse() {
        let html = #"<p>What a wonderful day in the park with <a href="https://mastodon.social/@anna" class="u-url mention">@<span>anna</span></a> &amp; friends</p>"#
        let analysis = analyzer.analyze(html, isHTML: true)
        #expect(analysis.text == "What a wonderful day in the park with @anna@mastodon.social & friends")
        #expect(analysis.entities.mentions == ["anna@mastodon.social"])
        #expect(analysis.language.code == "en")
        #expect(analysis.sentiment != nil)
    }

    @Test func textIsNormalised() {
        let analysis = analyzer.analyze("Cafe\u{301} &amp; croissants")
        #expect(analysis.text == "Caf\u{E9} & croissants")
    }
}

struct HTMLDecodingTests {
    @Test func htmlReferencesAreDecodedExactlyOnce() {
        let analysis = TextAnalyzer().analyze("<p>I typed &amp;lt;3 and Cafe\u{301}</p>", isHTML: true)
        #expect(analysis.text == "I typed &lt;3 and Caf\u{E9}")
    }
}
