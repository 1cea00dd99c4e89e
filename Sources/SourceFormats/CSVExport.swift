import EarshotWire

/// The CSV form of exported posts (`earshot export --format csv`), which `earshot import`
/// reads back: the id, created_at (with milliseconds), platform, author id, handle, followers,
/// language and url come back as they were; the analysis columns are for people and
/// spreadsheets and are recomputed on import.
public enum CSVExport {
    /// The header line.
    public static let header = "id,created_at,platform,author_id,author_handle,followers,language,sentiment,compound,reach,engagement,priority,intents,query_ids,hashtags,url,text"

    /// The row of one exported post (without its line ending).
    public static func row(_ view: PostView) -> String {
        let post = view.post
        let sentiment = view.enrichment.sentiment
        return [
            post.id, Timestamp.iso8601String(milliseconds: post.createdAtMs), post.platform.name, post.author.id, post.author.handle,
            "\(post.author.followers)", view.enrichment.language, sentiment.available ? sentiment.label : "unavailable",
            sentiment.available ? "\(sentiment.compound)" : "", "\(view.scores.reach)", "\(view.scores.engagement)", "\(view.scores.priority)",
            view.scores.intents.joined(separator: ";"), view.enrichment.matchedQueryIds.joined(separator: ";"),
            view.enrichment.entities.hashtags.joined(separator: ";"), post.url, post.text,
        ].map(quoted).joined(separator: ",")
    }

    /// RFC 4180: quote fields with commas, quotes or line breaks; double the quotes.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
