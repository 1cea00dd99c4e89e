import EarshotWire

/// The formats that come as JSON, with the key-based detection of ``SourceFormat/auto``.
enum JSONFormat: String, Sendable {
    case earshot, x, mastodon, reddit, bluesky

    /// The format whose distinctive keys `fields` has, checked in this order:
    /// X response keys (`data`, `includes`, `meta`, `errors`), Reddit's
    /// `subreddit`, Mastodon's `account` with `content`, an `earshot export`
    /// line (a `post` object with `id` and `createdAtMs`), Bluesky's `at://` uri
    /// with `record` (or `feed`/`posts`/`post`), X post keys (`author_id`,
    /// `public_metrics`, …), then Earshot's `createdAtMs`/`platform`.
    static func detect(_ fields: [String: Any]) -> JSONFormat? {
        let json = JSONObject(fields, subject: "")
        if XFormat.isEnvelope(json) { return .x }
        if RedditFormat.isItem(json) { return .reddit }
        if MastodonFormat.isStatus(json) { return .mastodon }
        if exportedPost(in: fields) != nil { return .earshot }
        if BlueskyFormat.isPostOrResponse(json) { return .bluesky }
        if XFormat.isPost(json) { return .x }
        if ["createdAtMs", "created_at_ms", "platform"].contains(where: json.has) { return .earshot }
        return nil
    }

    /// The post inside a line of `earshot export --format jsonl`: a PostView
    /// (`{"post": {…}, "enrichment": …, "scores": …}`) whose `post` is an
    /// Earshot post, which has an `id` and `createdAtMs` (or `created_at_ms`).
    static func exportedPost(in fields: [String: Any]) -> [String: Any]? {
        guard let post = fields["post"] as? [String: Any], post["id"] != nil,
              post["createdAtMs"] != nil || post["created_at_ms"] != nil else { return nil }
        return post
    }

    /// The posts in one JSON object of this format.
    func posts(in fields: [String: Any]) throws(RecordProblem) -> [Post] {
        switch self {
        case .x: return try XFormat.posts(from: JSONObject(fields, subject: "X response"))
        case .mastodon: return [try MastodonFormat.post(from: JSONObject(fields, subject: "Mastodon status"))]
        case .reddit: return [try RedditFormat.post(from: JSONObject(fields, subject: "Reddit item"))]
        case .bluesky: return try BlueskyFormat.posts(from: JSONObject(fields, subject: "Bluesky post"))
        case .earshot:
            do {
                return [try ProtoJSON.decode(Post.self, from: Self.exportedPost(in: fields) ?? fields)]
            } catch {
                throw RecordProblem("Earshot post: \(error)")
            }
        }
    }
}
