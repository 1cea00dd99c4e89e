import EarshotWire

/// Bluesky `app.bsky.feed.defs#postView`, also inside the responses of
/// `searchPosts`/`getPosts` (`{"posts": […]}`) and of feeds (`{"feed": [{"post": …}]}`).
enum BlueskyFormat {
    /// Whether the keys look like a Bluesky post view or a response holding them.
    static func isPostOrResponse(_ json: JSONObject) -> Bool {
        if json.has("record"), let uri = json.fields["uri"] as? String { return uri.hasPrefix("at://") }
        return json.fields["feed"] is [Any] || json.fields["posts"] is [Any] || json.fields["post"] is [String: Any]
    }

    static func posts(from json: JSONObject) throws(RecordProblem) -> [Post] {
        if json.has("feed") {
            var posts: [Post] = []
            for (index, item) in try json.objects("feed").enumerated() {
                guard let view = try item.object("post", subject: "Bluesky feed[\(index)].post") else {
                    throw RecordProblem("Bluesky feed[\(index)] without post")
                }
                posts.append(try post(from: view.fields, position: " (feed[\(index)])"))
            }
            return posts
        }
        if json.has("posts") {
            var posts: [Post] = []
            for (index, view) in try json.objects("posts").enumerated() {
                posts.append(try post(from: view.fields, position: " (posts[\(index)])"))
            }
            return posts
        }
        if let view = try json.object("post", subject: "Bluesky feed item post") { return [try post(from: view.fields, position: "")] }
        return [try post(from: json.fields, position: "")]
    }

    /// One post view; `position` locates it in a response for messages.
    private static func post(from fields: [String: Any], position: String) throws(RecordProblem) -> Post {
        let uri = try JSONObject(fields, subject: "Bluesky post\(position)").requiredString("uri")
        let view = JSONObject(fields, subject: "Bluesky post \(uri)\(position)")
        let parts = uri.split(separator: "/")
        guard uri.hasPrefix("at://"), parts.count == 4, parts[2] == "app.bsky.feed.post" else {
            throw RecordProblem("\(view.subject): uri is not an at://<did>/app.bsky.feed.post/<key> address")
        }
        guard let record = try view.object("record") else { throw RecordProblem("\(view.subject) without record") }
        var post = Post()
        post.id = "bluesky:\(uri)"
        post.platform = .bluesky
        post.createdAtMs = try record.has("createdAt") || !view.has("indexedAt") ? record.isoTime("createdAt") : view.isoTime("indexedAt")
        post.languageHint = try record.array("langs").first as? String ?? ""
        post.engagement.likes = try view.count("likeCount")
        post.engagement.reposts = try view.count("repostCount")
        post.engagement.replies = try view.count("replyCount")
        post.engagement.quotes = try view.count("quoteCount")
        if let author = try view.object("author") {
            post.author.id = try author.string("did") ?? ""
            post.author.handle = try author.string("handle") ?? ""
            post.author.displayName = try author.string("displayName") ?? ""
            post.author.followers = try author.count("followersCount")
            post.author.following = try author.count("followsCount")
        }
        let profile = post.author.handle.isEmpty ? String(parts[1]) : post.author.handle
        post.url = "https://bsky.app/profile/\(profile)/post/\(parts[3])"
        if let parentURI = try record.object("reply")?.object("parent")?.string("uri") {
            post.references.append(Reference(.replyTo, "bluesky:\(parentURI)"))
        }
        let embed = try record.object("embed")
        if let quoted = try quotedPostURI(embed) { post.references.append(Reference(.quoteOf, "bluesky:\(quoted)")) }
        post.text = try expandingLinkFacets(in: record.string("text") ?? "", facets: record.objects("facets"))
        if let card = try embed?.object("external")?.string("uri"), !post.text.contains(card) {
            post.text += (post.text.isEmpty ? "" : "\n\n") + card
        }
        return post
    }

    /// The post a record embeds as a quote (`app.bsky.embed.record` or `…recordWithMedia`).
    private static func quotedPostURI(_ embed: JSONObject?) throws(RecordProblem) -> String? {
        guard let embed else { return nil }
        var quoted = try embed.object("record")
        if try embed.string("$type") == "app.bsky.embed.recordWithMedia" { quoted = try quoted?.object("record") }
        guard let uri = try quoted?.string("uri"), uri.contains("/app.bsky.feed.post/") else { return nil }
        return uri
    }

    /// Replaces the shortened text of each link facet (a UTF-8 byte range) with its full address;
    /// a link facet whose range is reversed, negative or past the end of the text is a problem of the post.
    private static func expandingLinkFacets(in text: String, facets: [JSONObject]) throws(RecordProblem) -> String {
        var links: [(range: Range<Int>, uri: String)] = []
        let byteCount = text.utf8.count
        for facet in facets {
            guard let index = try facet.object("index"), let start = try index.number("byteStart"),
                  let end = try index.number("byteEnd") else { continue }
            for feature in try facet.objects("features") where try feature.string("$type") == "app.bsky.richtext.facet#link" {
                guard let uri = try feature.string("uri") else { continue }
                guard 0 <= start, start <= end, end <= byteCount else {
                    throw RecordProblem("\(facet.subject): byteStart \(start) to byteEnd \(end) is not a range within the text's \(byteCount) bytes")
                }
                links.append((Int(start)..<Int(end), uri))
            }
        }
        guard !links.isEmpty else { return text }
        var bytes = Array(text.utf8)
        var lastStart = Int.max
        // From the end backwards, so earlier ranges stay valid; overlapping facets are left alone.
        for link in links.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) where link.range.upperBound <= lastStart {
            bytes.replaceSubrange(link.range, with: Array(link.uri.utf8))
            lastStart = link.range.lowerBound
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
