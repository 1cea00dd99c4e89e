/// The parts of a post that a listening query can look at.
///
/// Entity lists (`hashtags`, `mentions`, `cashtags`) may be given with or
/// without their leading `#`, `@`, `$`; hashtags, mentions and cashtags that
/// appear in `text` are found as well, so a document built from text alone
/// still matches `#acme`. `urls` are full links; `domains` are host names
/// (the post's own site and any linked sites), and the hosts of `urls` are
/// added to them automatically.
public struct MatchableDocument: Sendable, Equatable {
    /// The post's text.
    public var text: String
    /// Hashtags attached to the post (`acme` or `#acme`).
    public var hashtags: [String]
    /// Accounts mentioned by the post (`acme` or `@acme`).
    public var mentions: [String]
    /// Ticker symbols in the post (`ACME` or `$ACME`).
    public var cashtags: [String]
    /// The author's handle, matched case-insensitively by `author:`.
    public var authorHandle: String
    /// The author's stable platform id, matched exactly by `author:`.
    public var authorId: String
    /// Links in the post.
    public var urls: [String]
    /// Host names of the post and of its links.
    public var domains: [String]
    /// Language code such as `en` or `en-GB`.
    public var language: String
    /// Platform name such as `bluesky`, `mastodon`, `reddit`.
    public var platform: String
    /// Name of the connector or feed the post came from.
    public var source: String
    /// The author's follower count.
    public var followers: Int64
    /// Whether the author's account is verified.
    public var verified: Bool
    /// Emotion labels of the text (`anger`, `joy`, …; docs/EMOTIONS.md); empty when unknown.
    public var emotions: [String]

    /// Creates a document; every part but the text may be left out.
    public init(
        text: String,
        hashtags: [String] = [],
        mentions: [String] = [],
        cashtags: [String] = [],
        authorHandle: String = "",
        authorId: String = "",
        urls: [String] = [],
        domains: [String] = [],
        language: String = "",
        platform: String = "",
        source: String = "",
        followers: Int64 = 0,
        verified: Bool = false,
        emotions: [String] = []
    ) {
        self.text = text
        self.hashtags = hashtags
        self.mentions = mentions
        self.cashtags = cashtags
        self.authorHandle = authorHandle
        self.authorId = authorId
        self.urls = urls
        self.domains = domains
        self.language = language
        self.platform = platform
        self.source = source
        self.followers = followers
        self.verified = verified
        self.emotions = emotions
    }
}

extension MatchableDocument: Codable {
    private enum CodingKeys: String, CodingKey {
        case text, hashtags, mentions, cashtags, authorHandle, authorId, urls, domains, language, platform, source
        case followers, verified, emotions
    }

    /// Decodes a document from an object with the property names as keys
    /// (`{"text": "…", "hashtags": ["acme"], "followers": 1200}`); every key
    /// but `text` may be missing, so sample posts for `earshot queries test`
    /// can be as small as `{"text": "I love #acme"}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func list(_ key: CodingKeys) throws -> [String] { try container.decodeIfPresent([String].self, forKey: key) ?? [] }
        func string(_ key: CodingKeys) throws -> String { try container.decodeIfPresent(String.self, forKey: key) ?? "" }
        self.init(
            text: try container.decode(String.self, forKey: .text),
            hashtags: try list(.hashtags),
            mentions: try list(.mentions),
            cashtags: try list(.cashtags),
            authorHandle: try string(.authorHandle),
            authorId: try string(.authorId),
            urls: try list(.urls),
            domains: try list(.domains),
            language: try string(.language),
            platform: try string(.platform),
            source: try string(.source),
            followers: try container.decodeIfPresent(Int64.self, forKey: .followers) ?? 0,
            verified: try container.decodeIfPresent(Bool.self, forKey: .verified) ?? false,
            emotions: try list(.emotions))
    }
}
