import Foundation
import Testing

import Sentiment

/// The sentiment models of other languages: their rules, the emoji model, bad input, and the
/// labelled posts in data/sentiment-languages (the first round's held-out halves, the second
/// and third rounds' dev and held-out files).
@Suite("Language models")
struct LanguageModelTests {
    private func label(_ text: String, _ language: String) throws -> SentimentLabel {
        try #require(LanguageSentimentModel.model(for: language)).scores(for: text).label
    }

    @Test func everyListedLanguageHasAModelAndOthersNone() {
        for language in LanguageSentimentModel.languages {
            #expect(LanguageSentimentModel.model(for: language)?.language == language)
        }
        #expect(LanguageSentimentModel.model(for: "en") == nil)
        #expect(LanguageSentimentModel.model(for: "ja") == nil)
    }

    @Test("negation flips a sentiment word", arguments: [
        ("es", "Es bueno", "No es bueno"),
        ("pt", "É bom", "Não é bom"),
        ("fr", "C'est bon", "Ce n'est pas bon"),
        ("de", "Das ist gut", "Das ist nicht gut"),
        ("it", "È buono", "Non è buono"),
    ])
    func negation(language: String, plain: String, negated: String) throws {
        let model = try #require(LanguageSentimentModel.model(for: language))
        #expect(model.scores(for: plain).compound > 0.05)
        #expect(model.scores(for: negated).compound < -0.05)
    }

    @Test("boosters intensify", arguments: [("es", "bueno", "muy bueno"), ("pt", "bom", "muito bom"),
                                          ("fr", "bon", "très bon"), ("de", "gut", "sehr gut"),
                                          ("it", "buono", "molto buono")])
    func boosters(language: String, plain: String, boosted: String) throws {
        let model = try #require(LanguageSentimentModel.model(for: language))
        #expect(model.scores(for: boosted).compound > model.scores(for: plain).compound)
    }

    @Test("what follows the contrast word outweighs what precedes it", arguments: [
        ("es", "La camiseta es bonita pero la calidad es horrible"),
        ("pt", "A camiseta é bonita mas a qualidade é horrível"),
        ("fr", "Le t-shirt est joli mais la couleur est mauvaise"),
        ("de", "Das Shirt ist schön, aber der Stoff ist schrecklich"),
        ("it", "La maglietta è bella ma la qualità è pessima"),
        ("it", "La maglietta è bella, però la qualità è pessima"),
    ])
    func contrast(language: String, text: String) throws {
        #expect(try label(text, language) == .negative)
    }

    @Test func accentsAndCapitalsAreFoldedAsTheLexiconIs() throws {
        let model = try #require(LanguageSentimentModel.model(for: "es"))
        #expect(model.scores(for: "FANTÁSTICO").compound > 0.05)
        #expect(model.scores(for: "fantastico").compound == model.scores(for: "fantástico").compound)
        #expect(try label("J'adore ce café", "fr") == .positive)
        #expect(try label("Dell'hotel l'unica cosa bella è la colazione", "it") == .positive)
    }

    @Test("the core lexicon takes precedence over the third-party lexicon; negation after the verb and doubled", arguments: [
        ("es", "Mi perra cumple dos años hoy", SentimentLabel.neutral),
        ("es", "Qué guapo ha quedado el salón", .positive),
        ("pt", "Minha cachorra é a coisa mais fofa do mundo", .positive),
        ("fr", "La boutique est au 12 rue de la Paix", .neutral),
        ("de", "Hier ist der Link zum Formular", .neutral),
        ("it", "Lo spettacolo dura due ore", .neutral),
        ("fr", "Je ne recommande pas cet hôtel", .negative),
        ("fr", "L'appli ne marche plus", .negative),
        ("de", "Dem Händler vertraue ich nicht", .negative),
        ("de", "Das Essen schmeckt mir nicht", .negative),
        ("es", "No está nada mal este bar", .positive),
        ("pt", "Não é nada ruim esse bar", .positive),
        ("it", "Non mi piace questo bar", .negative),
    ])
    func coreLexiconAndNegationAroundTheVerb(language: String, text: String, expected: SentimentLabel) throws {
        #expect(try label(text, language) == expected)
    }

    @Test("never so … intensifies", arguments: [
        ("de", "Noch nie so einen leckeren Kuchen gegessen"),
        ("es", "Nunca tan bueno"),
        ("it", "Mai così buono"),
    ])
    func neverSo(language: String, text: String) throws {
        #expect(try label(text, language) == .positive)
    }

    @Test func emojiModelScoresEmojiAndEmoticonsOnly() {
        let emoji = LanguageSentimentModel.emoji
        #expect(emoji.language == "emoji")
        #expect(emoji.scores(for: "最高😍").label == .positive)
        #expect(emoji.scores(for: "😡😡").label == .negative)
        #expect(emoji.scores(for: "great :)").label == .positive)
        #expect(emoji.scores(for: "great").positive == 0)
        // Earshot's additions (emoji-core.tsv): emoji the ranking lacks.
        #expect(emoji.scores(for: "🙄").label == .negative)
        #expect(emoji.scores(for: "🥹").label == .positive)
    }

    @Test func badInputNeverCrashes() throws {
        let long = String(repeating: "muy bueno 😍 ", count: 90_000)
        for language in LanguageSentimentModel.languages {
            let model = try #require(LanguageSentimentModel.model(for: language))
            #expect(model.scores(for: "").label == .neutral)
            #expect(model.scores(for: "🙂🙂🙂").label == .positive)
            #expect(model.scores(for: "مرحبا بالعالم שלום עולם").label == .neutral)
            #expect(model.scores(for: String(decoding: [0x61, 0xFF, 0xC3, 0x28, 0x62], as: UTF8.self)).label == .neutral)
            #expect(model.scores(for: long).compound > 0.9)
        }
    }

    /// The labelled posts of `data/sentiment-languages/<file>`: `label<TAB>text` lines; with
    /// `evenLinesOnly`, the first round's held-out half.
    static func posts(_ file: String, evenLinesOnly: Bool = false) throws -> [(label: SentimentLabel, text: String)] {
        let url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/sentiment-languages/\(file)")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        return try lines.enumerated().filter { !evenLinesOnly || $0.offset % 2 == 1 }.map { _, line in
            let fields = line.split(separator: "\t", maxSplits: 1)
            let label = try #require(fields.count == 2 ? SentimentLabel(rawValue: String(fields[0])) : nil, "\(line)")
            return (label, String(fields[1]))
        }
    }

    /// Floors just below the held-out accuracy measured when they were set (docs/SENTIMENT.md,
    /// third round), so that a regression fails.
    static let heldOutFloors: [(String, Double)] = [("es", 0.96), ("pt", 0.96), ("fr", 0.94), ("de", 0.92)]

    @Test("first round's held-out accuracy stays above its floor", arguments: heldOutFloors)
    func heldOutAccuracy(language: String, floor: Double) throws {
        let posts = try Self.posts("\(language).tsv", evenLinesOnly: true)
        #expect(posts.count == 51)
        try expectAccuracy(of: language, on: posts, atLeast: floor)
    }

    /// Floors just below the second and third rounds' accuracy (60 posts a file) as printed when
    /// they were set (docs/SENTIMENT.md, third round: one post is 1.7 points), so that a
    /// regression fails. `round3/held-out` was measured once, after the models were final.
    static let laterRoundFloors: [(String, Double)] = [
        ("round2/dev/es.tsv", 0.93), ("round2/dev/de.tsv", 0.88), ("round2/dev/it.tsv", 0.91),
        ("round2/held-out/es.tsv", 0.83), ("round2/held-out/de.tsv", 0.88), ("round2/held-out/it.tsv", 0.86),
        ("round3/dev/es.tsv", 0.96), ("round3/dev/pt.tsv", 0.93), ("round3/dev/fr.tsv", 0.93),
        ("round3/dev/de.tsv", 0.93), ("round3/dev/it.tsv", 0.96),
        ("round3/held-out/es.tsv", 0.89), ("round3/held-out/pt.tsv", 0.91), ("round3/held-out/fr.tsv", 0.88),
        ("round3/held-out/de.tsv", 0.83), ("round3/held-out/it.tsv", 0.89),
    ]

    @Test("second and third rounds' accuracy stays above its floor", arguments: laterRoundFloors)
    func laterRoundAccuracy(file: String, floor: Double) throws {
        let posts = try Self.posts(file)
        #expect(posts.count == 60)
        let language = String(file.split(separator: "/")[2].prefix(2))
        try expectAccuracy(of: language, on: posts, atLeast: floor)
    }

    private func expectAccuracy(of language: String, on posts: [(label: SentimentLabel, text: String)],
                                atLeast floor: Double) throws {
        let model = try #require(LanguageSentimentModel.model(for: language))
        let correct = posts.filter { model.scores(for: $0.text).label == $0.label }.count
        #expect(Double(correct) / Double(posts.count) >= floor, "\(language): \(correct)/\(posts.count)")
    }
}
