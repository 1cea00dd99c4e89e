import Testing
import TextBytes

@testable import Sentiment

@Suite("Lexicon")
struct LexiconTests {
    @Test("the English tables hold the lexicon sources and their derived forms in well under 8 MB")
    func englishTables() throws {
        let lexicon = try SentimentLexicon(image: SentimentTables.image, model: "en")
        #expect(lexicon.count > 40_000)
        #expect(lexicon.memoryFootprint < 8 * 1024 * 1024)
    }

    @Test("table lookups are exact for short and long keys")
    func tableLookups() throws {
        let keys = ["a", "good", "12345678", "123456789", "a much longer key than sixteen bytes", "😍"]
        var dictionary: [[UInt8]: WordEntry] = [:]
        for (index, key) in keys.enumerated() {
            dictionary[Array(key.utf8)] = WordEntry(valence: Float(index) + 0.5, boost: 0.293, roles: .negator)
        }
        var writer = TableImageWriter()
        LexiconTable.write(Array(dictionary), as: "test", to: &writer)
        let image = try TableImage(bytes: writer.bytes, origin: "test")
        let table = try LexiconTable(image: image, name: "test")
        for (index, key) in keys.enumerated() {
            let entry = Array(key.utf8).withUnsafeBufferPointer { table.lookup($0) }
            #expect(entry?.valence == Float(index) + 0.5)
            #expect(entry?.boost == 0.293)
            #expect(entry?.roles == .negator)
        }
        for missing in ["", "goo", "goods", "12345679", "a much longer key than sixteen bytez"] {
            #expect(Array(missing.utf8).withUnsafeBufferPointer { table.lookup($0) } == nil)
        }
    }

    @Test("malformed lines are reported with source and line number")
    func malformedSources() {
        var words: [[UInt8]: WordEntry] = [:]
        #expect(throws: SentimentResourceError.self) { try LexiconBuilder.addVaderLexicon("good\t1.9\nbad\tx", to: &words) }
        do {
            _ = try LexiconBuilder.addSocialLexicon("// comment\nfoo\tboost\n", to: &words)
            Issue.record("a boost without amount must be rejected")
        } catch {
            #expect(
                error == .malformedLine(
                    resource: "social_lexicon.tsv", line: 2, text: "foo\tboost", reason: "unknown directive"))
        }
        #expect(throws: SentimentResourceError.self) {
            _ = try LexiconBuilder.addSocialLexicon("slang\t= nonexistentword", to: &words)
        }
        #expect(throws: SentimentResourceError.self) {
            _ = try LexiconBuilder.addSocialLexicon("word\trole unknownrole", to: &words)
        }
    }

    @Test("social directives set valences, roles, boosts and aliases")
    func socialDirectives() throws {
        var words: [[UInt8]: WordEntry] = [:]
        try LexiconBuilder.addVaderLexicon("love\t3.2", to: &words)
        let common = try LexiconBuilder.addSocialLexicon(
            "luv\t= love\nnah\tnegate\nhella\tboost 0.293\naf\tpostboost 0.293\nbut\trole contrast\nthe\tword\nlit\t2.0",
            to: &words)
        #expect(words[Array("luv".utf8)]?.valence == 3.2)
        #expect(words[Array("nah".utf8)]?.roles.contains(.negator) == true)
        #expect(words[Array("hella".utf8)]?.boost == 0.293)
        #expect(words[Array("af".utf8)]?.roles.contains(.postBooster) == true)
        #expect(words[Array("but".utf8)]?.roles.contains(.contrast) == true)
        #expect(words[Array("lit".utf8)]?.valence == 2.0)
        #expect(common == [Array("the".utf8)])
    }

    @Test("derived forms keep or negate the base valence")
    func derivedForms() {
        let words: [[UInt8]: WordEntry] = [Array("funny".utf8): WordEntry(valence: 2), Array("funnily".utf8): WordEntry(valence: 1)]
        let derived = LexiconBuilder.derivedForms(of: words)
        #expect(derived[Array("unfunny".utf8)]?.valence == Float(2 * ValenceRules.negationFactor))
        #expect(derived[Array("funnily".utf8)] == nil, "an existing word is not derived again")
        #expect(derived[Array("funnys".utf8)]?.valence == 2)
        #expect(LexiconBuilder.adverb(of: "horrible") == "horribly")
        #expect(LexiconBuilder.adverb(of: "happy") == "happily")
        #expect(LexiconBuilder.adverb(of: "tragic") == "tragically")
        #expect(LexiconBuilder.adverb(of: "poor") == "poorly")
    }
}
