import Foundation
import Testing
import Emotions
import Entities
import LanguageID
import Sentiment
import TextAnalysis

struct AnalyzeCommandTests {
    private let analyzer = TextAnalyzer()

    private func object(_ line: String) throws -> [String: Any] {
        #expect(!line.contains("\n"))
        return try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// Lines are analysed in batches; broken lines among them keep their place, one output line each.
    @Test func batchOfLinesStaysAlignedWithItsInput() throws {
        let lines: [[UInt8]] = [Array("great movie, loved it".utf8), [], [0x66, 0xFF], Array("terrible plot, I hated it".utf8), Array(" ".utf8)]
        var output: [UInt8] = []
        AnalyzeCommand.appendOutputLines(for: lines.map { $0[...] }, format: .plainText, analyzer: analyzer, to: &output)
        let outputLines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(outputLines.count == lines.count + 1 && outputLines.last == "")
        for (line, outputLine) in zip(lines, outputLines) {
            #expect(outputLine == AnalyzeCommand.outputLine(for: line, format: .plainText, analyzer: analyzer))
        }
        #expect(try object(String(outputLines[0]))["lang"] as? String == "en")
        #expect(outputLines[1] == #"{"error":"empty line"}"#)
        #expect(outputLines[2] == #"{"error":"invalid UTF-8"}"#)
        #expect(try (object(String(outputLines[3]))["sentiment"] as? [String: Any])?["label"] as? String == "negative")
    }

    /// Error lines first, last, in a row, or alone keep their places among the analysed lines.
    @Test("error lines keep their places wherever they fall in a batch", arguments: [
        ["", "good", "\u{FF}"], ["", " "], ["bad", "", "", "fine"], [" ", "nice"], ["ok"],
    ])
    func errorLinesKeepTheirPlaces(batch: [String]) throws {
        let lines = batch.map { $0 == "\u{FF}" ? [0xFF][...] : Array($0.utf8)[...] }
        var output: [UInt8] = []
        AnalyzeCommand.appendOutputLines(for: lines, format: .plainText, analyzer: analyzer, to: &output)
        let outputLines = String(decoding: output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(outputLines.count == lines.count)
        for (line, outputLine) in zip(lines, outputLines) {
            #expect(outputLine == AnalyzeCommand.outputLine(for: line, format: .plainText, analyzer: analyzer))
            let isError = outputLine.hasPrefix(#"{"error""#)
            #expect(isError == line.allSatisfy { $0 == 0x20 || $0 == 0xFF }, "\(outputLine)")
        }
    }

    @Test func plainTextLineHasAllFieldsInOrder() throws {
        let line = AnalyzeCommand.outputLine(for: "I really love #Swift and the new release, see https://www.swift.org/blog! @tim $AAPL 🚀".utf8, format: .plainText, analyzer: analyzer)
        #expect(line.hasPrefix(#"{"lang":"en","lang_confidence":"#))
        #expect(line.contains(#""lang_source":"text","#))
        let json = try object(line)
        let sentiment = try #require(json["sentiment"] as? [String: Any])
        #expect(sentiment["label"] as? String == "positive")
        #expect((sentiment["compound"] as? Double ?? 0) > 0)
        #expect(Set(sentiment.keys) == ["compound", "pos", "neu", "neg", "label"])
        #expect(json["sentiment_model"] as? String == "en")
        #expect(line.contains(#""label":"positive"},"sentiment_model":"en","emotions":{"labels":["#))
        #expect(line.contains(#"}},"hashtags":["swift"]"#))
        #expect(json["hashtags"] as? [String] == ["swift"])
        #expect(json["mentions"] as? [String] == ["tim"])
        #expect(json["urls"] as? [String] == ["https://www.swift.org/blog"])
        #expect(json["domains"] as? [String] == ["swift.org"])
        #expect(json["cashtags"] as? [String] == ["AAPL"])
        #expect(json["emoji"] as? [String] == ["🚀"])
    }

    @Test func otherLanguageLineNamesItsModel() throws {
        let line = AnalyzeCommand.outputLine(for: "Aujourd'hui il fait vraiment très beau à Paris".utf8, format: .plainText, analyzer: analyzer)
        #expect(try object(line)["lang"] as? String == "fr")
        #expect(try object(line)["sentiment_model"] as? String == "fr")
    }

    @Test func lineWithoutModelHasNullSentimentAndModel() throws {
        let line = AnalyzeCommand.outputLine(for: "東京は今日もとても暑いですね".utf8, format: .plainText, analyzer: analyzer)
        #expect(line.contains(#""sentiment":null,"sentiment_model":null,"#))
    }

    @Test func emojiOnlyLineIsScoredByTheEmojiModel() throws {
        let json = try object(AnalyzeCommand.outputLine(for: "😍😍".utf8, format: .plainText, analyzer: analyzer))
        #expect(json["sentiment_model"] as? String == "emoji")
        #expect((json["sentiment"] as? [String: Any])?["label"] as? String == "positive")
    }

    @Test func emptyAndBrokenLinesStillProduceOneErrorLine() throws {
        #expect(AnalyzeCommand.outputLine(for: "".utf8, format: .plainText, analyzer: analyzer) == #"{"error":"empty line"}"#)
        #expect(AnalyzeCommand.outputLine(for: " \t ".utf8, format: .plainText, analyzer: analyzer) == #"{"error":"empty line"}"#)
        #expect(AnalyzeCommand.outputLine(for: [0x66, 0xFF, 0x6F], format: .plainText, analyzer: analyzer) == #"{"error":"invalid UTF-8"}"#)
        var brokenPost: [UInt8] = Array(#"{"text":"caf"#.utf8)
        brokenPost += [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(AnalyzeCommand.outputLine(for: brokenPost, format: .jsonPost, analyzer: analyzer) == #"{"error":"invalid UTF-8"}"#)
        #expect(AnalyzeCommand.outputLine(for: "".utf8, format: .jsonPost, analyzer: analyzer) == #"{"error":"empty line"}"#)
        for garbage in ["{bad", "[1,2]", #"{"text":"x"} trailing"#, #"{"text":"unterminated}"#, #"{"a":tru}"#] {
            let line = AnalyzeCommand.outputLine(for: garbage.utf8, format: .jsonPost, analyzer: analyzer)
            #expect(try object(line)["error"] is String, "\(garbage) → \(line)")
        }
    }

    @Test func jsonLineTakesTextAndHintAndCopiesTheID() throws {
        let input = #"{"id":"42","text":"Obrigado pela ajuda","lang":"pt","extra":{"a":[1,2.5e3,{"b":null}],"c":true}}"#
        let json = try object(AnalyzeCommand.outputLine(for: input.utf8, format: .jsonPost, analyzer: analyzer))
        #expect(json["id"] as? String == "42")
        #expect(json["lang"] as? String == "pt")
        #expect(json["lang_source"] as? String == "hint")
        #expect(json["sentiment_model"] as? String == "pt")
    }

    @Test func jsonLineFallsBackToLanguageHintAndDecodesEscapes() throws {
        let input = #"{"id":7,"language_hint":"en","text":"I \"love\" it \u00e9 \ud83d\ude00 #Tag\nnew line"}"#
        let json = try object(AnalyzeCommand.outputLine(for: input.utf8, format: .jsonPost, analyzer: analyzer))
        #expect(json["id"] as? Int == 7)
        #expect(json["emoji"] as? [String] == ["😀"])
        #expect(json["hashtags"] as? [String] == ["tag"])
    }

    @Test func jsonLineWithoutTextKeepsItsID() throws {
        let line = AnalyzeCommand.outputLine(for: #"{"id":"a1","text":null}"#.utf8, format: .jsonPost, analyzer: analyzer)
        #expect(line == #"{"id":"a1","error":"no string \"text\" field"}"#)
    }

    @Test func stringsAreEscaped() throws {
        let analysis = TextAnalysis(language: .undetermined(), sentiment: nil,
                                    entities: ExtractedEntities(hashtags: ["a\"b\\c", "tab\there", "nl\ncr\r", "bell\u{7}", "é😀"]),
                                    text: "")
        let line = AnalyzeCommand.analysisLine(analysis, rawID: nil)
        #expect(line.contains(#"["a\"b\\c","tab\there","nl\ncr\r","bell\u0007","é😀"]"#))
        #expect(try object(line)["hashtags"] as? [String] == ["a\"b\\c", "tab\there", "nl\ncr\r", "bell\u{7}", "é😀"])
    }

    @Test func worstCaseEscapingFitsTheScratchBuffer() throws {
        // Every byte a control character (6 bytes once escaped), in many strings: the writer's
        // scratch size comes from the strings' byte counts, so this must not overrun it.
        let nasty = String(repeating: "\u{1}", count: 300)
        let entities = ExtractedEntities(hashtags: Array(repeating: nasty, count: 40), emoji: ["\u{1F600}", "\"\\"])
        let line = AnalyzeCommand.analysisLine(TextAnalysis(language: .undetermined(), sentiment: nil, entities: entities, text: ""),
                                               rawID: #""id-with-\"quote""#)
        let json = try object(line)
        #expect((json["hashtags"] as? [String])?.count == 40)
        #expect((json["hashtags"] as? [String])?.first == nasty)
        #expect(json["emoji"] as? [String] == ["\u{1F600}", "\"\\"])
    }

    @Test("emotions are written with their labels in model order and every probability", arguments: [
        (UInt8(0b0000_1001), #"["anger","joy"]"#), (UInt8(0b0001_0000), #"["neutral"]"#), (UInt8(0b0110_0010), #"["disgust","sadness","surprise"]"#),
    ])
    func emotionsObject(labelBits: UInt8, labels: String) throws {
        let emotions = EmotionScores(probabilities: [0.61234, 0.00004, 0.5, 1, 0.12345, 0.25, 0.99996, 0], labelBits: labelBits)
        let analysis = TextAnalysis(language: LanguageGuess(code: "en", confidence: 1), sentiment: nil,
                                    entities: ExtractedEntities(), text: "", emotions: emotions)
        let line = AnalyzeCommand.analysisLine(analysis, rawID: nil)
        let scores = #"{"anger":0.6123,"disgust":0.0,"fear":0.5,"joy":1.0,"neutral":0.1235,"sadness":0.25,"surprise":1.0}"#
        #expect(line.contains(#","sentiment_model":null,"emotions":{"labels":\#(labels),"scores":\#(scores)},"hashtags":[]"#), "\(line)")
        let object = try object(line)
        let written = try #require(object["emotions"] as? [String: Any])
        #expect(written["labels"] as? [String] == Emotion.allCases.filter(emotions.contains).map(\.name))
        #expect((written["scores"] as? [String: Double])?.count == Emotion.allCases.count)
    }

    @Test func postFieldsParserReportsWhereJSONBreaks() {
        #expect(throws: PostLineError.invalidJSON(offset: 8, reason: "expected ':'")) {
            try PostFields.parse(#"{"text" "x"}"#)
        }
        #expect(throws: PostLineError.notAnObject) { try PostFields.parse("42") }
    }
}

struct NumberFormatTests {
    /// Reference: `rounded()` (half away from zero) of the value in ten-thousandths, written out.
    private static func reference(_ value: Double) -> String {
        let scaled = Int((value * 10_000).rounded())
        var decimals = String(abs(scaled) % 10_000)
        decimals = String(repeating: "0", count: 4 - decimals.count) + decimals
        while decimals.count > 1 && decimals.hasSuffix("0") { decimals.removeLast() }
        return (scaled < 0 ? "-" : "") + "\(abs(scaled) / 10_000).\(decimals)"
    }

    @Test("numbers round half away from zero to four decimals", arguments: [
        0.0, -0.0, 0.00005, -0.00005, 0.00004999, -0.00004, 0.5, -0.25, 0.99995, -0.99995, 0.12345, -0.12345,
        1e-9, 0.6369499999, 0.63695, 1.0, -1.0, 0.3333333333, 12.34565, -7.00005, 0.49999999999999994 / 10_000,
        123_456.78905, -98_765.4321,
    ])
    func roundsHalfAwayFromZero(value: Double) throws {
        let scores = SentimentScores(compound: value, positive: 0, neutral: 0, negative: 0)
        let analysis = TextAnalysis(language: LanguageGuess(code: "en", confidence: 1), sentiment: scores,
                                    entities: ExtractedEntities(), text: "")
        #expect(AnalyzeCommand.analysisLine(analysis, rawID: nil).contains(#""compound":\#(Self.reference(value)),"#))
    }

    /// Every four-decimal value from -1 to 1, and the values half a step around each, as the
    /// reference writes them (the writer looks the decimals up in a table).
    @Test func everyStepFromMinusOneToOne() throws {
        for step in -10_000...10_000 {
            for value in [Double(step) / 10_000, (Double(step) + 0.49) / 10_000, (Double(step) - 0.51) / 10_000] {
                let scores = SentimentScores(compound: value, positive: 0, neutral: 0, negative: 0)
                let analysis = TextAnalysis(language: LanguageGuess(code: "en", confidence: 1), sentiment: scores,
                                            entities: ExtractedEntities(), text: "")
                let line = AnalyzeCommand.analysisLine(analysis, rawID: nil)
                guard line.contains(#""compound":\#(Self.reference(value)),"#) else {
                    Issue.record("\(value): \(line)")
                    return
                }
            }
        }
    }

    @Test func numbersHaveAtMostFourDecimals() throws {
        let scores = SentimentScores(compound: 0.63694, positive: 0.5, neutral: 1, negative: -0.00004)
        let analysis = TextAnalysis(language: LanguageGuess(code: "en", confidence: 0.99999), sentiment: scores,
                                    entities: ExtractedEntities(), text: "")
        let line = AnalyzeCommand.analysisLine(analysis, rawID: nil)
        #expect(line.contains(#""lang_confidence":1.0,"#))
        #expect(line.contains(#"{"compound":0.6369,"pos":0.5,"neu":1.0,"neg":0.0,"label":"positive"}"#))
    }
}

struct EarshotPostJSONTests {
    @Test func camelCaseEarshotPostWithHTMLContent() throws {
        let input = #"{"id":"m1","platform":"MASTODON","text":"<p>Ein wunderschöner Morgen am See mit <a href=\"https://chaos.social/@lena\" class=\"u-url mention\">@<span>lena</span></a></p>","textIsHtml":true,"languageHint":"de","engagement":{"likes":3}}"#
        let fields = try PostFields.parse(input)
        #expect(fields.isHTML)
        #expect(fields.languageHint == "de")
        let line = AnalyzeCommand.outputLine(for: input.utf8, format: .jsonPost, analyzer: TextAnalyzer())
        let json = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(json["lang"] as? String == "de")
        #expect(json["mentions"] as? [String] == ["lena@chaos.social"])
        #expect(json["sentiment_model"] as? String == "de")
    }

    @Test func langWinsOverLanguageHintAndFalseMeansPlainText() throws {
        let fields = try PostFields.parse(#"{"language_hint":"fr","lang":"en","text_is_html":false,"text":"<b>x</b>"}"#)
        #expect(fields == PostFields(text: "<b>x</b>", languageHint: "en", isHTML: false))
    }
}
