/// Everything the scoring models read about one post and its author.
///
/// Every field has a neutral zero: unknown counts are 0, an unknown `views` is 0,
/// unknown timestamps are 0 and a missing sentiment is `nil`. Negative counts are
/// treated as 0 by the models, so garbage from a source cannot produce negative scores.
public struct ScoringInput: Sendable, Equatable {
    /// The author's follower count.
    public var followers: Int64
    /// How many accounts the author follows.
    public var following: Int64
    /// Whether the platform marks the author as verified.
    public var verified: Bool
    /// Whether the source flags the author as a bot or automated account.
    public var isBot: Bool
    /// Likes (favourites, upvotes) of the post.
    public var likes: Int64
    /// Reposts (retweets, boosts, shares) of the post.
    public var reposts: Int64
    /// Replies to the post.
    public var replies: Int64
    /// Quote posts of the post.
    public var quotes: Int64
    /// Views (impressions) reported by the platform; 0 means unknown.
    public var views: Int64
    /// When the post was created, in Unix milliseconds; 0 means unknown.
    public var createdAtMillis: Int64
    /// The time of scoring, in Unix milliseconds; 0 means unknown.
    public var nowMillis: Int64
    /// The post's compound sentiment in -1…1; `nil` when unavailable.
    public var sentimentCompound: Double?
    /// The post's text.
    public var text: String
    /// Hashtags reported by the source (the model also counts `#` chunks in `text` and takes the larger).
    public var hashtagCount: Int
    /// Mentions reported by the source (the model also counts `@` chunks in `text` and takes the larger).
    public var mentionCount: Int
    /// URLs reported by the source (the model also counts URL chunks in `text` and takes the larger).
    public var urlCount: Int
    /// Whether the post replies to another post.
    public var isReply: Bool
    /// Whether the post is a plain repost of someone else's post.
    public var isRepost: Bool

    /// Creates an input; every argument defaults to its neutral zero.
    public init(
        followers: Int64 = 0, following: Int64 = 0, verified: Bool = false, isBot: Bool = false,
        likes: Int64 = 0, reposts: Int64 = 0, replies: Int64 = 0, quotes: Int64 = 0, views: Int64 = 0,
        createdAtMillis: Int64 = 0, nowMillis: Int64 = 0, sentimentCompound: Double? = nil,
        text: String = "", hashtagCount: Int = 0, mentionCount: Int = 0, urlCount: Int = 0,
        isReply: Bool = false, isRepost: Bool = false
    ) {
        self.followers = followers
        self.following = following
        self.verified = verified
        self.isBot = isBot
        self.likes = likes
        self.reposts = reposts
        self.replies = replies
        self.quotes = quotes
        self.views = views
        self.createdAtMillis = createdAtMillis
        self.nowMillis = nowMillis
        self.sentimentCompound = sentimentCompound
        self.text = text
        self.hashtagCount = hashtagCount
        self.mentionCount = mentionCount
        self.urlCount = urlCount
        self.isReply = isReply
        self.isRepost = isRepost
    }
}
