import Testing
@testable import Scoring

@Suite struct TextSignalsTests {
    @Test func countsURLsHashtagsMentionsAndWords() {
        let signals = TextSignals(analyzing: "Hey @acme and @help see https://x.co/a?b=1 www.acme.com #fail #sad ok")
        #expect(signals.mentionCount == 2)
        #expect(signals.urlCount == 2)
        #expect(signals.hashtagCount == 2)
        #expect(signals.wordCount == 4) // hey, and, see, ok
        #expect(!signals.hasQuestionMark) // the `?` inside the URL does not count
    }

    @Test func typographicApostropheAndCaseAreNormalised() {
        #expect(TextSignals.wordHashes(of: "Doesn’t WORK") == TextSignals.wordHashes(of: "doesnt work"))
        #expect(TextSignals.wordHashes(of: "don't") == TextSignals.wordHashes(of: "dont"))
    }

    @Test func emojiAndUnicodePunctuationSeparateWords() {
        #expect(TextSignals.wordHashes(of: "broken😡") == TextSignals.wordHashes(of: "broken"))
        #expect(TextSignals.wordHashes(of: "“refund”…now") == TextSignals.wordHashes(of: "refund now"))
        #expect(TextSignals.wordHashes(of: "café").count == 1)
    }

    @Test func forEachWordGivesTheHashedWordsAsBytes() {
        func words(_ text: String, skippingCashtags: Bool = false) -> [String] {
            var words: [String] = []
            TextSignals.forEachWord(in: text, skippingCashtags: skippingCashtags) { word in
                words.append(String(decoding: word, as: UTF8.self))
                return true
            }
            return words
        }
        let text = "@acme Doesn’t WORK—again 😡 #fail $ACME café? https://x.co"
        #expect(words(text) == ["doesnt", "work", "again", "acme", "café"])
        #expect(words(text).map { TextSignals.wordHashes(of: $0)[0] } == TextSignals.wordHashes(of: text))
        #expect(words(text, skippingCashtags: true) == ["doesnt", "work", "again", "café"])
        var visited = 0
        TextSignals.forEachWord(in: "one two three") { _ in
            visited += 1
            return visited < 2
        }
        #expect(visited == 2)
    }

    @Test func detectsCareIntentsFromWordsAndPhrases() {
        let signals = TextSignals(analyzing: "@acme Still waiting for my REFUND, the app doesn’t work!!")
        #expect(signals.intents.names == ["refund", "broken", "waiting"])
    }

    @Test func phraseNeedsItsWordsInOrder() {
        #expect(!TextSignals(analyzing: "twice I was charged").intents.contains(.billing))
        #expect(TextSignals(analyzing: "I was charged twice").intents.contains(.billing))
        #expect(TextSignals(analyzing: "what should i do now").intents.contains(.question))
    }

    @Test func questionsFromMarkOrOpener() {
        #expect(TextSignals(analyzing: "How do I cancel my plan").intents.names == ["question", "cancel"])
        #expect(TextSignals(analyzing: "is it me or").intents.contains(.question))
        #expect(TextSignals(analyzing: "you there ?").hasQuestionMark)
        #expect(TextSignals(analyzing: "I love how this works").intents.isEmpty)
    }

    @Test func countsRepeatedWords() {
        let signals = TextSignals(analyzing: "buy now buy now buy now")
        #expect(signals.wordCount == 6)
        #expect(signals.repeatedWordCount == 4)
        #expect(abs(signals.repeatedWordFraction - 4.0 / 6.0) < 1e-12)
    }

    @Test func emptyAndWhitespaceTextHaveNoSignals() {
        #expect(TextSignals(analyzing: "") == TextSignals(analyzing: " \n\t "))
        #expect(TextSignals(analyzing: "").wordCount == 0)
        #expect(TextSignals(analyzing: "").repeatedWordFraction == 0)
        #expect(TextSignals(analyzing: "# @").wordCount == 0)
    }

    @Test func customLexiconReplacesTheBuiltInOne() {
        let lexicon = IntentLexicon(phrases: [.outage: ["kaputt"]], questionOpeners: ["wie"])
        let signals = TextSignals(analyzing: "Wie lange ist das noch kaputt", lexicon: lexicon)
        #expect(signals.intents.names == ["question", "outage"])
        #expect(TextSignals(analyzing: "refund", lexicon: lexicon).intents.isEmpty)
    }
}
