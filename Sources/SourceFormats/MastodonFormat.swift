import EarshotWire

/// Mastodon `Status` entities (REST API and streaming `update` payloads).
enum MastodonFormat {
    /// Whether the keys look like a Mastodon status.
    static func isStatus(_ json: JSONObject) -> Bool {
        json.has("account") && (json.has("content") || json.has("reblog"))
    }

    /// The post for one status. A boost (`reblog` set) becomes a post by the
    /// booster whose content is the boosted status, with a repostOf reference to it.
    static func post(from json: JSONObject) throws(RecordProblem) -> Post {
        let localId = try json.requiredString("id")
        let status = JSONObject(json.fields, subject: "Mastodon status \(localId)")
        let identity = try StatusIdentity(status, localId: localId)
        var post = Post()
        post.id = identity.postId
        post.platform = .mastodon
        post.url = try status.firstString("url", "uri") ?? ""
        post.createdAtMs = try status.isoTime("created_at")
        guard let account = try status.object("account") else {
            throw RecordProblem("Mastodon status \(localId) without account")
        }
        post.author = try author(account)
        post.engagement.likes = try status.count("favourites_count")
        post.engagement.reposts = try status.count("reblogs_count")
        post.engagement.replies = try status.count("replies_count")
        if let parentId = try status.string("in_reply_to_id") {
            post.references.append(Reference(.replyTo, identity.sibling(parentId)))
        }
        let content: JSONObject
        if let boosted = try status.object("reblog") {
            let boostedId = try boosted.requiredString("id")
            post.references.append(Reference(.repostOf, try StatusIdentity(boosted, localId: boostedId).postId))
            content = boosted
        } else {
            content = status
        }
        guard let html = try content.string("content") else { throw RecordProblem("\(content.subject) without content") }
        post.text = try html + missingTagsParagraph(content.objects("tags"), html: html)
        post.textIsHtml = true
        post.languageHint = try content.string("language") ?? ""
        return post
    }

    /// Hashtags listed in `tags` that the HTML never mentions (some servers
    /// send them only there), as a paragraph so hashtag queries still see them.
    private static func missingTagsParagraph(_ tags: [JSONObject], html: String) throws(RecordProblem) -> String {
        guard !tags.isEmpty else { return "" }
        let lowercasedHTML = html.lowercased()
        var missing: [String] = []
        for tag in tags {
            if let name = try tag.string("name"), !name.isEmpty, !lowercasedHTML.contains(name.lowercased()) {
                missing.append("#" + name)
            }
        }
        return missing.isEmpty ? "" : "<p>\(missing.joined(separator: " "))</p>"
    }

    private static func author(_ account: JSONObject) throws(RecordProblem) -> Author {
        var author = Author()
        author.id = try account.string("id") ?? ""
        let acct = try account.requiredString("acct")
        // A local account's acct has no domain; the profile URL supplies it, so handles are unique.
        if !acct.contains("@"), let host = try account.string("url").flatMap(WebAddress.init)?.host {
            author.handle = "\(acct)@\(host)"
        } else {
            author.handle = acct
        }
        author.displayName = try account.string("display_name") ?? ""
        author.followers = try account.count("followers_count")
        author.following = try account.count("following_count")
        author.bot = try account.bool("bot")
        return author
    }
}

/// The Earshot id of a status: `mastodon:<host>:<id>`, where host and id are
/// those of the status's home server (taken from its `url`, else its `uri`),
/// so the same post read through two servers gets one id.
private struct StatusIdentity {
    /// The home server, if the status has an address.
    let host: String?
    /// The status id on its home server (the local id when that is unknown).
    let nativeId: String

    init(_ status: JSONObject, localId: String) throws(RecordProblem) {
        let address = try status.firstString("url", "uri").flatMap(WebAddress.init)
        host = address?.host
        // A boost's own uri ends in ".../statuses/<id>/activity".
        nativeId = address?.segments.last(where: { $0 != "activity" }).map(String.init) ?? localId
    }

    var postId: String { host.map { "mastodon:\($0):\(nativeId)" } ?? "mastodon:\(nativeId)" }

    /// The id of another status of the same server known by its id there (a reply's parent).
    func sibling(_ id: String) -> String { host.map { "mastodon:\($0):\(id)" } ?? "mastodon:\(id)" }
}
