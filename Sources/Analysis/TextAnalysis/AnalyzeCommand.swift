import Emotions
import Entities
import LanguageID
import Sentiment
import TextBytes

/// The pure core of `earshot analyze`: one input line in, one JSON object line out, so the
/// output stays aligned with the input even for empty or broken lines (those get an "error").
///
/// Output keys, in order: "id" (with --jsonl, when the post has one), "lang",
/// "lang_confidence", "lang_source" ("text", "hint" or "prior": LanguageSource), "sentiment"
/// (object with compound/pos/neu/neg/label, or null when unavailable), "sentiment_model" (the
/// model that gave it: "en", "es", "pt", "fr", "de" or "emoji"; null with no sentiment),
/// "emotions" (object with "labels" and a probability per label in "scores", or null when the
/// text is not scored in English), "hashtags", "mentions", "urls", "domains", "cashtags", "emoji".
public enum AnalyzeCommand {
    /// How `earshot analyze` reads its input lines.
    public enum InputFormat: Sendable {
        /// Each line is a text (UTF-8).
        case plainText
        /// Each line is an Earshot post as a JSON object (`--jsonl`).
        case jsonPost
    }

    /// Lines `earshot analyze` analyses together at most (``TextAnalyzer``'s batch `analyze`):
    /// enough for each step's tables to stay in the cache across a batch. (The command also
    /// answers a shorter batch whenever it would otherwise wait for input.)
    public static let batchSize = 64

    /// Appends the output object of each of `lines`, in order, each followed by a newline:
    /// what `earshot analyze` does per batch of input lines, writing straight into its output
    /// buffer.
    ///
    /// Lines must be UTF-8 (other bytes give an "error" line rather than repairs). A JSON
    /// post gives its text from "text", its hint from "lang" or else "languageHint" /
    /// "language_hint", HTML when "textIsHtml" / "text_is_html" is true; other fields are ignored
    /// except "id", which is copied to the output.
    public static func appendOutputLines(for lines: [ArraySlice<UInt8>], format: InputFormat, analyzer: TextAnalyzer,
                                         to output: inout [UInt8]) {
        let parsed = lines.map { line in line.withUnsafeBufferPointer { parse($0, format: format) } }
        var inputs: [TextInput] = []
        var inputLines: [Int] = []
        inputs.reserveCapacity(parsed.count)
        inputLines.reserveCapacity(parsed.count)
        for (line, parsedLine) in parsed.enumerated() {
            guard case .success(let input) = parsedLine.outcome else { continue }
            inputs.append(input)
            inputLines.append(line)
        }
        // Each analysis is written as it comes, after the error lines of the lines before it.
        analyzer.analyze(inputs) { input, analysis in
            let line = inputLines[input]
            appendErrorLines(parsed[(input == 0 ? 0 : inputLines[input - 1] + 1)..<line], to: &output)
            appendAnalysis(analysis, rawID: parsed[line].rawID, to: &output)
            output.append(UInt8(ascii: "\n"))
        }
        appendErrorLines(parsed[(inputLines.last.map { $0 + 1 } ?? 0)...], to: &output)
    }

    /// A record that a source format (`earshot analyze --format`) read: a post's text with its
    /// language hint and its id as raw JSON, or why the record was rejected.
    public enum Record: Sendable {
        case post(TextInput, rawID: String?)
        case rejected(String)
    }

    /// Appends the output line of each of `records`, in order: the analysis of each post, an
    /// error line for each rejected record.
    public static func appendOutputLines(for records: [Record], analyzer: TextAnalyzer, to output: inout [UInt8]) {
        var inputs: [TextInput] = []
        var positions: [Int] = []
        for (position, record) in records.enumerated() {
            guard case .post(let input, _) = record else { continue }
            inputs.append(input)
            positions.append(position)
        }
        var next = 0
        func appendRejections(before end: Int) {
            while next < end {
                if case .rejected(let reason) = records[next] { appendErrorLine(reason, to: &output) }
                next += 1
            }
        }
        analyzer.analyze(inputs) { input, analysis in
            let position = positions[input]
            appendRejections(before: position)
            guard case .post(_, let rawID) = records[position] else { return }
            appendAnalysis(analysis, rawID: rawID, to: &output)
            output.append(UInt8(ascii: "\n"))
            next = position + 1
        }
        appendRejections(before: records.count)
    }

    /// Appends the error line of each of `lines` (lines without a text to analyse).
    private static func appendErrorLines(_ lines: ArraySlice<ParsedLine>, to output: inout [UInt8]) {
        for line in lines {
            guard case .failure(let error) = line.outcome else { continue }
            appendError(error, rawID: line.rawID, to: &output)
            output.append(UInt8(ascii: "\n"))
        }
    }

    /// Appends an error line (`{"error": message}` and a newline) for an input line that was
    /// not read at all, such as one over the reader's length limit.
    public static func appendErrorLine(_ message: String, to output: inout [UInt8]) {
        appendError(message, rawID: nil, to: &output)
        output.append(UInt8(ascii: "\n"))
    }

    /// The output object for one input line, as a string without its newline (for tests and
    /// callers without a buffer).
    public static func outputLine(for line: some Collection<UInt8>, format: InputFormat, analyzer: TextAnalyzer) -> String {
        var bytes: [UInt8] = []
        appendOutputLines(for: [Array(line)[...]], format: format, analyzer: analyzer, to: &bytes)
        return String(decoding: bytes.dropLast(), as: UTF8.self)
    }

    /// An input line read: the text to analyse, or why there is none; and the post's id if any.
    private struct ParsedLine {
        var outcome: Result<TextInput, PostLineError>
        var rawID: String?

        init(_ input: TextInput, rawID: String? = nil) {
            (outcome, self.rawID) = (.success(input), rawID)
        }

        init(error: PostLineError, rawID: String? = nil) {
            (outcome, self.rawID) = (.failure(error), rawID)
        }
    }

    private static func parse(_ line: UnsafeBufferPointer<UInt8>, format: InputFormat) -> ParsedLine {
        switch format {
        case .plainText:
            guard let text = validatedText(line) else { return ParsedLine(error: .invalidUTF8) }
            guard hasVisibleCharacter(line, text) else { return ParsedLine(error: .empty) }
            return ParsedLine(TextInput(text))
        case .jsonPost:
            let fields: PostFields
            do {
                fields = try PostFields.parse(bytes: line)
            } catch {
                return ParsedLine(error: error)
            }
            guard let text = fields.text else { return ParsedLine(error: .missingText, rawID: fields.rawID) }
            guard text.contains(where: { !$0.isWhitespace }) else { return ParsedLine(error: .empty, rawID: fields.rawID) }
            return ParsedLine(TextInput(text, languageHint: fields.languageHint, isHTML: fields.isHTML), rawID: fields.rawID)
        }
    }

    /// The line as a string, or nil when it is not UTF-8. ASCII lines (checked eight bytes at a
    /// time) skip the validating decoder.
    private static func validatedText(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        isASCII(line) ? String(decoding: line, as: UTF8.self) : String(validating: line, as: UTF8.self)
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt64 = 0
        ByteWord.forEachWord(in: bytes) { high |= $0 }
        return high & ByteWord.highBits == 0
    }

    /// Whether `text` (whose UTF-8 is `bytes`) has a character that is not whitespace: any ASCII
    /// byte other than a space or control character settles it; otherwise the characters decide.
    private static func hasVisibleCharacter(_ bytes: UnsafeBufferPointer<UInt8>, _ text: String) -> Bool {
        bytes.contains { $0 > 0x20 && $0 < 0x7F } || text.contains { !$0.isWhitespace }
    }

    /// The JSON object for an analysis.
    public static func analysisLine(_ analysis: TextAnalysis, rawID: String?) -> String {
        var bytes: [UInt8] = []
        appendAnalysis(analysis, rawID: rawID, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes the analysis: the members whose keys are known in advance as literals that run
    /// from one value to the next (`,"lang_source":"`), so a line is a few copies and numbers.
    private static func appendAnalysis(_ analysis: TextAnalysis, rawID: String?, to output: inout [UInt8]) {
        let entityCount = analysis.entities.count
        let stringBytes = (rawID?.utf8.count ?? 0) + analysis.language.code.utf8.count
            + (analysis.sentimentModel?.utf8.count ?? 0) + (entityCount == 0 ? 0 : analysis.entities.utf8Count)
        JSONLineWriter.append(analysis, to: &output, stringBytes: stringBytes, stringCount: 2 + entityCount) { writer, analysis in
            if let rawID { writer.add("id", raw: rawID) }
            writer.add("lang", string: analysis.language.code)
            writer.append(raw: #","lang_confidence":"#)
            writer.append(number: analysis.language.confidence)
            writer.append(raw: #","lang_source":"#)
            writer.append(quoted: staticName(of: analysis.language.source))
            if let scores = analysis.sentiment {
                writer.append(raw: #","sentiment":{"compound":"#)
                writer.append(number: scores.compound)
                writer.append(raw: #","pos":"#)
                writer.append(number: scores.positive)
                writer.append(raw: #","neu":"#)
                writer.append(number: scores.neutral)
                writer.append(raw: #","neg":"#)
                writer.append(number: scores.negative)
                writer.append(raw: #","label":"#)
                writer.append(quoted: staticName(of: scores.label))
                writer.append(raw: #"},"sentiment_model":"#)
                writer.append(string: analysis.sentimentModel ?? "")
            } else {
                writer.append(raw: #","sentiment":null,"sentiment_model":null"#)
            }
            if let emotions = analysis.emotions {
                appendEmotions(emotions, to: &writer)
            } else {
                writer.append(raw: #","emotions":null"#)
            }
            if entityCount == 0 {
                // Most lines: the six empty lists written at once.
                writer.append(raw: #","hashtags":[],"mentions":[],"urls":[],"domains":[],"cashtags":[],"emoji":[]"#)
            } else {
                writer.add("hashtags", strings: analysis.entities.hashtags)
                writer.add("mentions", strings: analysis.entities.mentions)
                writer.add("urls", strings: analysis.entities.urls)
                writer.add("domains", strings: analysis.entities.domains)
                writer.add("cashtags", strings: analysis.entities.cashtags)
                writer.add("emoji", strings: analysis.entities.emoji)
            }
        }
    }

    /// The name of a language source (its raw value) as a literal.
    private static func staticName(of source: LanguageSource) -> StaticString {
        switch source {
        case .text: "text"
        case .hint: "hint"
        case .prior: "prior"
        }
    }

    /// The name of a sentiment label (its raw value) as a literal.
    private static func staticName(of label: SentimentLabel) -> StaticString {
        switch label {
        case .negative: "negative"
        case .neutral: "neutral"
        case .positive: "positive"
        }
    }

    /// The fixed parts of the emotion members, built once from ``Emotion``'s names, in
    /// ``Emotion/allCases`` order: each label quoted (`"joy"`) and each score's key with the
    /// punctuation before it (`"anger":`, then `,"disgust":`), as ranges of `bytes`.
    private struct EmotionKeys {
        let emotions = Emotion.allCases
        let bytes: [UInt8]
        let labels: [Range<Int>]
        let scores: [Range<Int>]

        init() {
            let names = Emotion.allCases.map(\.name)
            var text: [UInt8] = []
            func add(_ member: String) -> Range<Int> {
                text += Array(member.utf8)
                return (text.count - member.utf8.count)..<text.count
            }
            labels = names.map { add("\"\($0)\"") }
            scores = names.indices.map { add(($0 == 0 ? "" : ",") + "\"\(names[$0])\":") }
            bytes = text
        }
    }

    private static let emotionKeys = EmotionKeys()

    /// Writes `,"emotions":{"labels":[...],"scores":{...}}`: the labels and the probabilities in
    /// ``Emotion`` order (about 200 bytes, within the writer's fixed part).
    private static func appendEmotions(_ emotions: EmotionScores, to writer: inout JSONLineWriter) {
        let keys = emotionKeys
        keys.bytes.withUnsafeBufferPointer { bytes in
            writer.append(raw: #","emotions":{"labels":["#)
            var separates = false
            for (index, emotion) in keys.emotions.enumerated() where emotions.contains(emotion) {
                if separates { writer.append(raw: ",") }
                separates = true
                writer.append(raw: UnsafeBufferPointer(rebasing: bytes[keys.labels[index]]))
            }
            writer.append(raw: #"],"scores":{"#)
            for (index, emotion) in keys.emotions.enumerated() {
                writer.append(raw: UnsafeBufferPointer(rebasing: bytes[keys.scores[index]]))
                writer.append(number: Double(emotions.probability(of: emotion)))
            }
            writer.append(raw: "}}")
        }
    }

    private static func appendError(_ error: PostLineError, rawID: String?, to output: inout [UInt8]) {
        appendError(error.description, rawID: rawID, to: &output)
    }

    private static func appendError(_ message: String, rawID: String?, to output: inout [UInt8]) {
        JSONLineWriter.append(message, to: &output, stringBytes: (rawID?.utf8.count ?? 0) + message.utf8.count, stringCount: 2) { writer, message in
            if let rawID { writer.add("id", raw: rawID) }
            writer.add("error", string: message)
        }
    }
}
