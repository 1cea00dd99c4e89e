import EarshotWire

/// Reddit comments and submissions as Pushshift NDJSON dumps store them.
/// Ids are fullnames (`reddit:t1_<id>` for comments, `reddit:t3_<id>` for
/// submissions) so a comment's `parent_id` is directly the id of its parent.
enum RedditFormat {
    /// Whether the keys look like a Reddit comment or submission.
    static func isItem(_ json: JSONObject) -> Bool { json.has("subreddit") || json.has("subreddit_id") }

    static func post(from json: JSONObject) throws(RecordProblem) -> Post {
        let isSubmission = json.has("title")
        guard isSubmission || json.has("body") else { throw RecordProblem("Reddit item without body (comment) or title (submission)") }
        let kind = isSubmission ? "submission" : "comment"
        let nativeId = try JSONObject(json.fields, subject: "Reddit \(kind)").requiredString("id")
        let item = JSONObject(json.fields, subject: "Reddit \(kind) \(nativeId)")
        let prefix = isSubmission ? "t3_" : "t1_"
        var post = Post()
        post.platform = .reddit
        let fullname = try item.string("name") ?? (nativeId.hasPrefix(prefix) ? nativeId : prefix + nativeId)
        post.id = "reddit:\(fullname)"
        post.createdAtMs = try createdAt(item)
        let author = try item.string("author") ?? ""
        post.author.handle = author
        post.author.id = try item.string("author_fullname") ?? author
        // Scores can be negative; likes cannot.
        post.engagement.likes = max(0, try item.number("score") ?? 0)
        post.engagement.replies = try item.count("num_comments")
        let subreddit = try item.string("subreddit") ?? ""
        let bareId = fullname.hasPrefix(prefix) ? String(fullname.dropFirst(prefix.count)) : nativeId
        if let permalink = try item.string("permalink"), !permalink.isEmpty {
            post.url = permalink.hasPrefix("http") ? permalink : "https://www.reddit.com" + permalink
        } else if isSubmission {
            post.url = "https://www.reddit.com/r/\(subreddit)/comments/\(bareId)/"
        } else if let link = try item.string("link_id") {
            post.url = "https://www.reddit.com/r/\(subreddit)/comments/\(link.replacing("t3_", with: ""))/_/\(bareId)/"
        }
        if isSubmission {
            post.text = try submissionText(item)
            if let original = try item.string("crosspost_parent") { post.references.append(Reference(.repostOf, "reddit:\(original)")) }
        } else {
            post.text = unescapingEntities(try item.string("body") ?? "")
            if let parent = try item.string("parent_id") { post.references.append(Reference(.replyTo, "reddit:\(parent)")) }
        }
        return post
    }

    private static func createdAt(_ item: JSONObject) throws(RecordProblem) -> Int64 {
        guard let seconds = try item.number("created_utc") else { throw RecordProblem("\(item.subject) without created_utc") }
        guard let milliseconds = Timestamp.unixMilliseconds(Double(seconds)) else {
            throw RecordProblem("\(item.subject): created_utc \(seconds) is not a Unix time")
        }
        return milliseconds
    }

    /// Title, then the self text, then the linked address for a link post (so its domain is searchable).
    private static func submissionText(_ item: JSONObject) throws(RecordProblem) -> String {
        var parts = [try item.string("title") ?? ""]
        let selftext = try item.string("selftext") ?? ""
        if !selftext.isEmpty { parts.append(selftext) }
        if !(try item.bool("is_self")), let link = try item.string("url"), link.hasPrefix("http"),
           !link.contains("reddit.com/r/"), !selftext.contains(link) {
            parts.append(link)
        }
        return unescapingEntities(parts.joined(separator: "\n\n"))
    }

    /// Reddit's JSON escapes `&`, `<` and `>` in Markdown text as HTML entities.
    private static func unescapingEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }
}
