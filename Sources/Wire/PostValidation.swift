/// Limits on what ingest accepts, so one bad source cannot flood the store.
public enum PostLimits {
    public static let maxIdBytes = 512
    public static let maxTextBytes = 64 * 1024
    public static let maxReferences = 64
    /// Largest encoded post ingest accepts (its text, id and references at their
    /// limits fit); bounds the pipeline's frames (`PipelineLimits`).
    public static let maxEncodedBytes = 256 * 1024
}

extension Post {
    /// Why this post cannot be accepted, or nil if it can.
    public var validationProblem: String? {
        if id.isEmpty { return "id is empty (expected \"<source>:<native id>\")" }
        if id.utf8.count > PostLimits.maxIdBytes { return "id is longer than \(PostLimits.maxIdBytes) bytes" }
        if let field = fieldWithNUL {
            let shownId = id.split(separator: "\u{0}", omittingEmptySubsequences: false).joined(separator: "\\u0000")
            return "\(field) of post \(shownId) contains a NUL character (U+0000), which the wire format would cut the string at"
        }
        if createdAtMs <= 0 { return "created_at_ms must be a positive Unix time in milliseconds (post \(id))" }
        if text.utf8.count > PostLimits.maxTextBytes { return "text of post \(id) is longer than \(PostLimits.maxTextBytes) bytes" }
        if references.count > PostLimits.maxReferences { return "post \(id) has more than \(PostLimits.maxReferences) references" }
        let counts = [author.followers, author.following, engagement.likes, engagement.reposts, engagement.replies, engagement.quotes, engagement.views]
        if counts.contains(where: { $0 < 0 }) { return "post \(id) has a negative follower or engagement count" }
        return nil
    }

    /// The first string field that contains U+0000 (the reference's post id
    /// counting for each reference): protobuf-c packs strings up to their first
    /// NUL, so such a string would arrive silently cut short (ids "x:1\u{0}a"
    /// and "x:1" would collide, a language hint "en\u{0}x" would become "en").
    private var fieldWithNUL: String? {
        let fields = [("id", id), ("text", text), ("author id", author.id), ("author handle", author.handle),
                      ("author display name", author.displayName), ("source", source), ("url", url),
                      ("language hint", languageHint)] + references.map { ("reference post id", $0.postId) }
        return fields.first { $0.1.utf8.contains(0) }?.0
    }
}
