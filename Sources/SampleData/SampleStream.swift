import EarshotWire
import Foundation

/// A deterministic generator of realistic social posts for the demo, the
/// benchmarks and the tests: several brands and their competitors, hashtags,
/// links, mentions and emoji, mixed sentiment (complaints included), a few
/// non-English posts, and authors whose follower counts follow a power law.
public struct SampleStream: Sendable {
    /// One brand the stream talks about.
    public struct Brand: Sendable {
        public let name: String
        public let handle: String
        public let hashtag: String
        public let domain: String
        public let product: String
    }

    public static let brands: [Brand] = [
        Brand(name: "Acme", handle: "acme", hashtag: "AcmePhone", domain: "acme.example", product: "phone"),
        Brand(name: "Globex", handle: "globexair", hashtag: "GlobexAir", domain: "globex.example", product: "flight"),
        Brand(name: "Initech", handle: "initechbank", hashtag: "Initech", domain: "initech.example", product: "app"),
        Brand(name: "Umbrella", handle: "umbrellacoffee", hashtag: "UmbrellaCoffee", domain: "umbrella.example", product: "latte"),
    ]

    private static let positive = [
        "Absolutely love my new {brand} {product}! Best purchase this year 😍 #{tag}",
        "Shoutout to @{handle} for the amazing support today, problem solved in minutes 🙌",
        "The {brand} {product} is sooo good. Highly recommend! https://{domain}/review #{tag}",
        "Great experience with {brand} again, super fast and friendly. #happy #{tag}",
        "Wow, {brand} nailed it with this update. Smooth, fast and beautiful ✨",
    ]
    private static let neutral = [
        "Anyone tried the new {brand} {product}? Thinking about switching. #{tag}",
        "{brand} announced a new {product} today: https://{domain}/news #tech",
        "Picked up a {product} from {brand} on the way home. #{tag}",
        "Reading the {brand} quarterly update, $ACME up a bit https://{domain}/ir",
        "Waiting in line at {brand} for the {product} launch #{tag}",
    ]
    private static let negative = [
        "@{handle} my {product} is broken after two days and nobody answers. I want a refund! #{tag} #fail",
        "Still waiting for my refund from {brand}, 3 weeks now. Terrible service 😡",
        "Why does the {brand} {product} keep crashing?? Charged twice and support is useless @{handle}",
        "Worst {product} ever. {brand} please fix this or I'm cancelling. #epicfail",
        "Hey @{handle}, how do I cancel my subscription? The app doesn't work at all 😤",
    ]
    private static let foreign = [
        ("es", "Me encanta el nuevo {product} de {brand}, funciona muy bien #{tag}"),
        ("de", "Das neue {product} von {brand} ist leider schon wieder kaputt"),
        ("fr", "Le service client de {brand} est vraiment excellent aujourd'hui"),
        ("pt", "Alguém sabe quando o {brand} vai lançar o novo {product}? #{tag}"),
        ("ja", "{brand}の新しい{product}、とても使いやすいです #{tag}"),
    ]
    private static let platforms: [Platform] = [.x, .x, .mastodon, .reddit, .bluesky]

    private var random: SplitMix64
    private var index = 0
    public let startMs: Int64
    public let spanMs: Int64
    public let authorCount: Int
    public let expectedCount: Int

    /// A stream whose first `expectedCount` posts have `createdAt` spread
    /// evenly over [startMs, startMs + spanMs) (later ones wrap around).
    public init(seed: UInt64 = 42, startMs: Int64 = 1_790_000_000_000, spanMs: Int64 = 86_400_000,
                expectedCount: Int = 100_000, authorCount: Int = 5_000) {
        random = SplitMix64(seed: seed)
        self.startMs = startMs
        self.spanMs = max(1, spanMs)
        self.expectedCount = max(1, expectedCount)
        self.authorCount = max(1, authorCount)
    }

    /// The next post; ids are "sample:<n>" in order.
    public mutating func next() -> Post {
        index += 1
        let brand = Self.brands[random.next(below: Self.brands.count)]
        var post = Post()
        post.id = "sample:\(index)"
        post.platform = Self.platforms[random.next(below: Self.platforms.count)]
        post.source = "sample-\(post.platform.name)"
        let roll = random.nextDouble()
        let template: String
        if roll < 0.08 {
            let (language, text) = Self.foreign[random.next(below: Self.foreign.count)]
            template = text
            post.languageHint = language
        } else if roll < 0.40 {
            template = Self.positive[random.next(below: Self.positive.count)]
        } else if roll < 0.70 {
            template = Self.neutral[random.next(below: Self.neutral.count)]
        } else {
            template = Self.negative[random.next(below: Self.negative.count)]
        }
        post.text = template
            .replacingAll("{brand}", brand.name).replacingAll("{product}", brand.product)
            .replacingAll("{tag}", brand.hashtag).replacingAll("{handle}", brand.handle)
            .replacingAll("{domain}", brand.domain)
        let authorNumber = random.next(below: authorCount)
        post.author.id = "u\(authorNumber)"
        post.author.handle = "user\(authorNumber)"
        post.author.displayName = "User \(authorNumber)"
        // Pareto-distributed audience (alpha 1.2, minimum 20): most authors are
        // small, a few are huge, as on every platform.
        var authorRandom = SplitMix64(seed: UInt64(authorNumber) &* 0x9E37_79B9)
        post.author.followers = Int64(min(50_000_000, 20 / pow(1 - authorRandom.nextDouble(), 1 / 1.2)))
        post.author.following = Int64(authorRandom.next(below: 2_000))
        post.author.verified = post.author.followers > 500_000
        post.author.bot = authorRandom.next(below: 200) == 0
        let position = Double((index - 1) % expectedCount) / Double(expectedCount)
        post.createdAtMs = startMs + Int64(position * Double(spanMs)) + Int64(random.next(below: 1_000))
        post.url = "https://\(post.platform.name).example/\(post.author.handle)/\(index)"
        post.engagement.likes = Int64(Double(post.author.followers) * 0.01 * random.nextDouble())
        post.engagement.reposts = post.engagement.likes / 5
        post.engagement.replies = Int64(random.next(below: 20))
        return post
    }

    /// The next `count` posts.
    public mutating func next(_ count: Int) -> [Post] {
        (0..<count).map { _ in next() }
    }
}

/// A small, fast, seedable random generator (SplitMix64) so streams repeat exactly.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound.
    public mutating func next(below bound: Int) -> Int { Int(nextUInt64() % UInt64(max(1, bound))) }

    /// Uniform in [0, 1).
    public mutating func nextDouble() -> Double { Double(nextUInt64() >> 11) / Double(1 << 53) }
}

extension String {
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        replacingOccurrences(of: target, with: replacement)
    }
}
