/// Entities found in one text, in order of appearance, one element per occurrence (so repeated
/// hashtags count twice), in the normalised form used for counting; no positions.
public struct ExtractedEntities: Sendable, Equatable {
    /// Hashtags without "#", lower-cased ("#SwiftLang" → "swiftlang").
    public var hashtags: [String]
    /// Mentions without the leading "@", lower-cased; Mastodon mentions keep their instance
    /// ("@Alice@Mastodon.Social" → "alice@mastodon.social").
    public var mentions: [String]
    /// URLs as written, without trailing punctuation or unbalanced closing brackets.
    public var urls: [String]
    /// Registered domain of each URL, in the same order ("https://www.bbc.co.uk/news" → "bbc.co.uk").
    public var domains: [String]
    /// Cashtags without "$", upper-cased ("$tsla" → "TSLA").
    public var cashtags: [String]
    /// Emoji as whole grapheme clusters (ZWJ sequences, skin tones, flags, keycaps), as written.
    public var emoji: [String]

    /// Creates a value; every list defaults to empty.
    public init(hashtags: [String] = [], mentions: [String] = [], urls: [String] = [], domains: [String] = [],
                cashtags: [String] = [], emoji: [String] = []) {
        self.hashtags = hashtags
        self.mentions = mentions
        self.urls = urls
        self.domains = domains
        self.cashtags = cashtags
        self.emoji = emoji
    }

    /// Number of entities in all lists together.
    public var count: Int {
        hashtags.count + mentions.count + urls.count + domains.count + cashtags.count + emoji.count
    }

    /// UTF-8 bytes of all entities together.
    public var utf8Count: Int {
        func bytes(_ list: [String]) -> Int { list.reduce(0) { $0 + $1.utf8.count } }
        return bytes(hashtags) + bytes(mentions) + bytes(urls) + bytes(domains) + bytes(cashtags) + bytes(emoji)
    }

    /// Whether nothing was found.
    public var isEmpty: Bool {
        hashtags.isEmpty && mentions.isEmpty && urls.isEmpty && cashtags.isEmpty && emoji.isEmpty
    }
}
