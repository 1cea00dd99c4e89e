import Entities
import LanguageID
import Sentiment

/// The pure core of `earshot analyze`: one input line in, one JSON object line out, so the
/// output stays aligned with the input even for empty or broken lines (those get an "error").
///
/// Output keys, in order: "id" (with --jsonl, when the post has one), "lang",
/// "lang_confidence", "sentiment" (object with compound/pos/neu/neg/label, or null when
/// unavailable), "hashtags", "mentions", "urls", "domains", "cashtags", "emoji".
public enum AnalyzeCommand {
    /// Analyses one line of plain text.
    public static func outputLine(forPlainText line: String, analyzer: TextAnalyzer) -> String {
        guard line.contains(where: { !$0.isWhitespace }) else { return errorLine(.empty, rawID: nil) }
        return analysisLine(analyzer.analyze(line), rawID: nil)
    }

    /// Analyses one line of raw bytes as plain text; bytes that are not UTF-8 give an "error" line.
    public static func outputLine(forPlainTextBytes line: some Collection<UInt8>, analyzer: TextAnalyzer) -> String {
        guard let text = String(validating: line, as: UTF8.self) else { return errorLine(.invalidUTF8, rawID: nil) }
        return outputLine(forPlainText: text, analyzer: analyzer)
    }

    /// Analyses one Earshot post JSON object: text from "text", hint from "lang" or else
    /// "languageHint" / "language_hint", HTML when "textIsHtml" / "text_is_html" is true; other
    /// fields are ignored except "id", which is copied to the output.
    public static func outputLine(forJSONLine line: String, analyzer: TextAnalyzer) -> String {
        let fields: PostFields
        do {
            fields = try PostFields.parse(line)
        } catch {
            return errorLine(error, rawID: nil)
        }
        guard let text = fields.text else { return errorLine(.missingText, rawID: fields.rawID) }
        guard text.contains(where: { !$0.isWhitespace }) else { return errorLine(.empty, rawID: fields.rawID) }
        return analysisLine(analyzer.analyze(text, languageHint: fields.languageHint, isHTML: fields.isHTML), rawID: fields.rawID)
    }

    /// The JSON object for an analysis.
    public static func analysisLine(_ analysis: TextAnalysis, rawID: String?) -> String {
        var writer = JSONLineWriter()
        if let rawID { writer.add("id", raw: rawID) }
        writer.add("lang", string: analysis.language.code)
        writer.add("lang_confidence", number: analysis.language.confidence)
        if let scores = analysis.sentiment {
            writer.beginObject("sentiment")
            writer.add("compound", number: scores.compound)
            writer.add("pos", number: scores.positive)
            writer.add("neu", number: scores.neutral)
            writer.add("neg", number: scores.negative)
            writer.add("label", string: scores.label.rawValue)
            writer.endObject()
        } else {
            writer.add("sentiment", raw: "null")
        }
        let entities = analysis.entities
        writer.add("hashtags", strings: entities.hashtags)
        writer.add("mentions", strings: entities.mentions)
        writer.add("urls", strings: entities.urls)
        writer.add("domains", strings: entities.domains)
        writer.add("cashtags", strings: entities.cashtags)
        writer.add("emoji", strings: entities.emoji)
        return writer.finish()
    }

    private static func errorLine(_ error: PostLineError, rawID: String?) -> String {
        var writer = JSONLineWriter()
        if let rawID { writer.add("id", raw: rawID) }
        writer.add("error", string: error.description)
        return writer.finish()
    }
}
