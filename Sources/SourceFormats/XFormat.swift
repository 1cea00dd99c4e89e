import EarshotWire

/// X (Twitter) API v2: post objects, and responses `{"data": …, "includes": {"users": […]}}`
/// whose authors are joined from `includes.users` by `author_id`.
enum XFormat {
    /// Whether the keys look like an X response envelope.
    static func isEnvelope(_ json: JSONObject) -> Bool {
        json.has("data") || json.has("includes") || (json.has("meta") && !json.has("id"))
            || (json.has("errors") && !json.has("id"))
    }

    /// Whether the keys look like a single X post object.
    static func isPost(_ json: JSONObject) -> Bool {
        ["author_id", "edit_history_tweet_ids", "public_metrics", "referenced_tweets", "conversation_id"].contains(where: json.has)
    }

    /// The posts of a response envelope or of a single post object.
    static func posts(from json: JSONObject) throws(RecordProblem) -> [Post] {
        guard isEnvelope(json) else { return [try post(from: json.fields, position: "", users: [:])] }
        var users: [String: JSONObject] = [:]
        for user in try json.object("includes", subject: "X response includes")?.objects("users") ?? [] {
            if let id = try user.string("id") { users[id] = user }
        }
        if case let single as [String: Any] = json.fields["data"] {
            return [try post(from: single, position: "", users: users)]
        }
        let data = try json.objects("data")
        if data.isEmpty, let error = try json.objects("errors").first {
            let detail = try error.firstString("detail", "title") ?? "no detail"
            throw RecordProblem("X response without data; its first error says: \(detail)")
        }
        var posts: [Post] = []
        for (index, item) in data.enumerated() {
            posts.append(try post(from: item.fields, position: " (data[\(index)])", users: users))
        }
        return posts
    }

    /// One post object; `position` locates it in an envelope for messages.
    private static func post(from fields: [String: Any], position: String, users: [String: JSONObject]) throws(RecordProblem) -> Post {
        let id = try JSONObject(fields, subject: "X post\(position)").requiredString("id")
        let item = JSONObject(fields, subject: "X post \(id)\(position)")
        var post = Post()
        post.id = "x:\(id)"
        post.platform = .x
        post.url = "https://x.com/i/web/status/\(id)"
        post.createdAtMs = try item.isoTime("created_at")
        post.languageHint = try item.string("lang").flatMap { $0 == "und" ? nil : $0 } ?? ""
        // Long posts carry their full text and entities in note_tweet; `text` is then cut short.
        let body = try item.object("note_tweet") ?? item
        guard let text = try body.string("text") else { throw RecordProblem("\(item.subject) without text") }
        post.text = try expandingLinks(in: text, entities: body.object("entities"))
        if let metrics = try item.object("public_metrics") {
            post.engagement.likes = try metrics.count("like_count")
            post.engagement.reposts = try metrics.count("retweet_count")
            post.engagement.replies = try metrics.count("reply_count")
            post.engagement.quotes = try metrics.count("quote_count")
            post.engagement.views = try metrics.count("impression_count")
        }
        post.references = try item.objects("referenced_tweets").map { reference throws(RecordProblem) in try self.reference(reference) }
        if let authorId = try item.string("author_id") {
            post.author = try author(id: authorId, user: users[authorId])
        }
        return post
    }

    /// Replaces each t.co link with the address it stands for, so domains in the text are real.
    private static func expandingLinks(in text: String, entities: JSONObject?) throws(RecordProblem) -> String {
        var expanded = text
        for link in try entities?.objects("urls") ?? [] {
            guard let short = try link.string("url"), let long = try link.string("expanded_url"), !short.isEmpty else { continue }
            expanded = expanded.replacing(short, with: long)
        }
        return expanded
    }

    private static func reference(_ json: JSONObject) throws(RecordProblem) -> Reference {
        var reference = Reference()
        reference.postId = "x:\(try json.requiredString("id"))"
        switch try json.requiredString("type") {
        case "replied_to": reference.kind = .replyTo
        case "quoted": reference.kind = .quoteOf
        case "retweeted": reference.kind = .repostOf
        case let other: throw RecordProblem("\(json.subject): unknown type \"\(other)\" (expected replied_to, quoted or retweeted)")
        }
        return reference
    }

    private static func author(id: String, user: JSONObject?) throws(RecordProblem) -> Author {
        var author = Author()
        author.id = id
        guard let user else { return author }
        author.handle = try user.string("username") ?? ""
        author.displayName = try user.string("name") ?? ""
        author.verified = try user.bool("verified")
        if let metrics = try user.object("public_metrics") {
            author.followers = try metrics.count("followers_count")
            author.following = try metrics.count("following_count")
        }
        return author
    }
}
