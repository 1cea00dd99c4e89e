import Testing

@testable import Sentiment

/// Compound score of `text` with the shared analyser.
private func compound(_ text: String) -> Double {
    SentimentAnalyzer.shared.scores(for: text).compound
}

@Suite("Valence rules")
struct ValenceRuleTests {
    @Test("lexicon words carry their polarity")
    func lexiconPolarity() {
        #expect(compound("The book is good") > 0.05)
        #expect(compound("The book is terrible") < -0.05)
        #expect(compound("The book is on the table") == 0)
    }

    @Test("negation within the three preceding words flips polarity", arguments: [
        "The book is not good", "The book isn't good", "The book is n't good", "The book is never really good",
        "The book isn’t good",
    ])
    func negationFlips(text: String) {
        #expect(compound("The book is good") > 0)
        #expect(compound(text) < 0)
    }

    @Test("negation stops at clause punctuation")
    func negationScope() {
        #expect(compound("good, not") > 0)
        #expect(compound("not bad, good") > compound("not bad good"))
    }

    @Test("'no' negates a following sentiment word and is mildly negative alone")
    func noDeterminer() {
        #expect(compound("no problem") > 0)
        #expect(compound("no") < 0)
    }

    @Test("'but' shifts the weight to the clause after it")
    func contrastiveBut() {
        // great (+3.1) outweighs bad (-2.5) without the rule.
        #expect(compound("It was great and the ending was bad") > 0)
        #expect(compound("It was great but the ending was bad") < 0)
        #expect(compound("It was bad but the ending was great") > compound("It was bad and the ending was great"))
    }

    @Test("sentence-initial 'But' contrasts with the previous sentence")
    func sentenceInitialBut() {
        #expect(compound("It was great. But the ending was bad.") < 0)
    }

    @Test("boosters raise and dampeners lower intensity")
    func boostersAndDampeners() {
        #expect(compound("very good") > compound("good"))
        #expect(compound("extremely bad") < compound("bad"))
        #expect(compound("slightly good") < compound("good"))
        #expect(compound("kind of good") < compound("good"))
        #expect(compound("kind of good") > 0)
    }

    @Test("capitals emphasise a word only when other words are not in capitals")
    func capitalEmphasis() {
        #expect(compound("This is GREAT") > compound("This is great"))
        #expect(compound("THIS IS GREAT") == compound("this is great"))
        #expect(compound("This is VERY good") > compound("This is very good"))
    }

    @Test("exclamation and question marks raise intensity")
    func punctuationEmphasis() {
        #expect(compound("great!") > compound("great"))
        #expect(compound("great!!!") > compound("great!"))
        #expect(compound("bad!!") < compound("bad"))
        #expect(compound("Is it good??") > compound("Is it good?"))
        #expect(compound("!!!") == 0)
    }

    @Test("elongated words are recognised and emphasised")
    func elongation() {
        #expect(compound("goooood") > compound("good"))
        #expect(compound("soooo good") > compound("good"))
        #expect(compound("baaaad") < compound("bad"))
        #expect(compound("loooove it") > 0)
    }

    @Test("repeated laughter syllables resolve to known laughter")
    func laughter() {
        #expect(compound("hahahahaha") == compound("hahaha"))
        #expect(compound("lololol") == compound("lol"))
        #expect(compound("hehehehe") > 0)
        #expect(compound("ababab") == 0)
    }

    @Test("hashtags are split on camel case and segmented into known words")
    func hashtags() {
        #expect(compound("#happy") > 0)
        #expect(compound("#LoveThis") > 0)
        #expect(compound("#NotHappy") < 0)
        #expect(compound("#nothappy") < 0)
        #expect(compound("#epicfail") < 0)
        #expect(compound("#BestDayEver") > 0)
        #expect(compound("#zzyzx42") == 0)
        #expect(compound("#😍") == compound("😍"))
        #expect(compound("#café good") == compound("café good"))
    }

    @Test("emoji and emoticons carry valence, even stuck to words")
    func emojiAndEmoticons() {
        #expect(compound("😍") > 0)
        #expect(compound("😢") < 0)
        #expect(compound("I ❤️ it") > 0)
        #expect(compound("great😍") > compound("great"))
        #expect(compound("👍") > 0)
        #expect(compound("👍🏽") == compound("👍"))
        #expect(compound("💔") < 0)
        #expect(compound(":)") > 0)
        #expect(compound(":(") < 0)
        #expect(compound("lol :D!") > compound("lol"))
        #expect(compound("good :-)") > compound("good"))
    }

    @Test("a negated emoji flips polarity")
    func negatedEmoji() {
        #expect(compound("😍") > 0)
        #expect(compound("not 😍") < 0)
    }

    @Test("HTML entities are decoded")
    func htmlEntities() {
        #expect(compound("I love it &amp; more") == compound("I love it & more"))
        #expect(compound("&lt;3") == compound("<3"))
        #expect(compound("&lt;3") > 0)
        #expect(compound("isn&#39;t good") < 0)
        #expect(compound("&#x1F60D;") == compound("😍"))
        #expect(compound("&bogus; good") == compound("bogus; good"))
    }

    @Test("URLs and @mentions are ignored (a link only makes the score milder)")
    func urlsAndMentions() {
        let analyzer = SentimentAnalyzer.shared
        #expect(analyzer.features(for: "@happy http://great.com/love bad movie").normalizedSum
            == analyzer.features(for: "bad movie").normalizedSum)
        #expect(analyzer.features(for: "www.awesome.com bad").normalizedSum == analyzer.features(for: "bad").normalizedSum)
        #expect(compound("@happy bad movie") == compound("bad movie"))
        #expect(compound("bad http://t.co/x") < 0 && compound("bad http://t.co/x") > compound("bad"))
        #expect(compound("HTTPS://t.co/great") == 0)
    }

    @Test("slang and common misspellings resolve to known words")
    func slang() {
        #expect(compound("luv it") == compound("love it"))
        #expect(compound("awsome") == compound("awesome"))
        #expect(compound("gr8") > 0)
        #expect(compound("cool af") > compound("cool"))
        #expect(compound("smh") < 0)
        #expect(compound("yikes") < 0)
    }

    @Test("idioms and phrases override their words")
    func idioms() {
        #expect(compound("shit") < 0)
        #expect(compound("the shit") > 0)
        #expect(compound("I can't stand it") < 0)
        #expect(compound("yeah right") < 0)
        #expect(compound("bus stop") == 0)
        #expect(compound("thanks for nothing") < 0)
        #expect(compound("Can't wait for the weekend") > 0)
        #expect(compound("I could not be happier") > 0)
    }

    @Test("'least' negates unless in 'at least'")
    func least() {
        #expect(compound("the least compelling") < 0)
        #expect(compound("at least compelling") > 0)
    }

    @Test("'never so/this' intensifies instead of negating")
    func neverSo() {
        #expect(compound("never good") < 0)
        #expect(compound("never been this good") > 0)
    }

    @Test("'too' before a neutral word signals excess")
    func excess() {
        #expect(compound("too long") < 0)
        #expect(compound("me too") == 0)
    }

    @Test("'like' is positive only as a verb after a subject")
    func like() {
        #expect(compound("I like it") > 0)
        #expect(compound("She does like it") > 0)
        #expect(compound("My puppy doesn't like baths") < 0)
        #expect(compound("Me like.") > 0)
        #expect(compound("it looks like rain") == 0)
    }

    @Test("regular derivations of sentiment words are known")
    func derivedForms() {
        #expect(compound("unfunny") < 0)
        #expect(compound("poorly made") < 0)
        #expect(compound("charmless") < 0)
    }

    @Test("possessive 's does not hide a word")
    func possessive() {
        #expect(compound("love's") == compound("love"))
    }
}

@Suite("Scores")
struct ScoreTests {
    @Test("shares sum to one and match the sign of compound")
    func sharesSumToOne() {
        for text in ["good", "bad movie", "The plot was good, but the characters are dull.", "meh"] {
            let scores = SentimentAnalyzer.shared.scores(for: text)
            #expect(abs(scores.positive + scores.neutral + scores.negative - 1) < 1e-9)
            #expect(scores.compound >= -1 && scores.compound <= 1)
        }
        let mixed = SentimentAnalyzer.shared.scores(for: "The food is great")
        #expect(mixed.positive > 0 && mixed.negative == 0 && mixed.neutral > 0)
    }

    @Test("texts without content are neutral")
    func emptyTexts() {
        for text in ["", "   ", "...", "http://example.com", "@someone"] {
            #expect(SentimentAnalyzer.shared.scores(for: text) == .empty)
        }
        #expect(SentimentScores.empty.label == .neutral)
    }

    @Test("labels use the ±0.05 compound band")
    func labels() {
        #expect(SentimentLabel(compound: 0.05) == .positive)
        #expect(SentimentLabel(compound: 0.0499) == .neutral)
        #expect(SentimentLabel(compound: -0.05) == .negative)
        #expect(SentimentAnalyzer.shared.scores(for: "great").label == .positive)
        #expect(SentimentAnalyzer.shared.scores(for: "awful").label == .negative)
        #expect(SentimentAnalyzer.shared.scores(for: "a table").label == .neutral)
    }

    @Test("malformed UTF-8 and very long texts are handled")
    func robustness() {
        let malformed: [UInt8] = [0x67, 0x6F, 0x6F, 0x64, 0x20, 0xFF, 0xC3, 0x20, 0xF0, 0x9F]
        let scores = malformed.withUnsafeBufferPointer { SentimentAnalyzer.shared.scores(forUTF8: $0) }
        #expect(scores.compound > 0)
        let long = String(repeating: "good movie but bad ending. ", count: 5_000)
        #expect(SentimentAnalyzer.shared.scores(for: long).compound < 0)
        let hashtag = "#" + String(repeating: "a", count: 300)
        #expect(SentimentAnalyzer.shared.scores(for: hashtag).compound == 0)
        let megabyte = String(repeating: "terrible 😡 day ", count: 1 << 16)
        #expect(megabyte.utf8.count > 1_000_000)
        #expect(SentimentAnalyzer.shared.scores(for: megabyte).compound == -1)
        #expect(SentimentAnalyzer.shared.scores(for: "😍😍😍").compound > 0.05)
        #expect(SentimentAnalyzer.shared.scores(for: "🙂\u{200D}\u{FE0F}🏽").compound >= 0)
    }

    @Test("concurrent scoring gives the serial results")
    func concurrentScoring() async {
        let texts = (0..<200).map { "text \($0): not bad at all, #NotHappy 😍 but GREAT!!! &amp; https://x.y \($0 % 7)" }
        let serial = texts.map { SentimentAnalyzer.shared.scores(for: $0) }
        let concurrent = await withTaskGroup(of: (Int, SentimentScores).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, SentimentAnalyzer.shared.scores(for: text)) }
            }
            var results = [SentimentScores](repeating: .empty, count: texts.count)
            for await (index, scores) in group { results[index] = scores }
            return results
        }
        #expect(concurrent == serial)
    }

    @Test("separate analysers agree")
    func deterministic() {
        let fresh = SentimentAnalyzer()
        for text in ["not bad at all", "#epicfail :(", "I luv this 😍!!"] {
            #expect(fresh.scores(for: text) == SentimentAnalyzer.shared.scores(for: text))
        }
    }
}
