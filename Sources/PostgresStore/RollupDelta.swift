import EarshotStore

/// The facets the roll-ups count, as stored in `rollup_facets.facet`.
enum RollupFacet: Int16, CaseIterable, Sendable {
    case language = 0, platform, emotion, hashtag, term, domain, mention

    /// The SQL array of a post row `p` holding its values of this facet (each once).
    var postValues: String {
        switch self {
        case .language: "ARRAY[p.language]"
        case .platform: "ARRAY[p.platform]"
        case .emotion: "p.emotions"
        case .hashtag: "p.hashtags"
        case .term: "p.terms"
        case .domain: "p.domains"
        case .mention: "p.mentions"
        }
    }
}

/// The roll-up changes of one batch's new posts: totals and facet counts per scope, level and
/// bucket, summed in memory so that each touched row is upserted once. Pure.
struct RollupDelta {
    struct BucketKey: Hashable {
        var scope: String
        var level: BucketLevel
        var bucket: Int64
    }

    struct FacetKey: Hashable {
        var bucket: BucketKey
        var facet: RollupFacet
        var value: String
    }

    private(set) var totals: [BucketKey: PostTotals] = [:]
    private(set) var facets: [FacetKey: Int] = [:]

    /// Counts `post` once in each of `scopes` at every level, with the facet values of `row`.
    mutating func add(_ row: PostRow, scopes: [String]) {
        var one = PostTotals()
        one.posts = 1
        one.reach = row.post.reach
        one.engagement = row.post.engagement
        switch row.post.sentiment {
        case .positive: one.positive = 1
        case .neutral: one.neutral = 1
        case .negative: one.negative = 1
        case .unavailable: one.sentimentUnavailable = 1
        }
        for scope in scopes {
            for level in BucketLevel.allCases {
                let key = BucketKey(scope: scope, level: level, bucket: level.bucketStart(row.post.createdAtMs))
                totals[key, default: PostTotals()].add(one)
                for facet in RollupFacet.allCases {
                    for value in row.values(of: facet) { facets[FacetKey(bucket: key, facet: facet, value: value), default: 0] += 1 }
                }
            }
        }
    }
}

/// A post as its `posts` row holds it: text fields PostgreSQL accepts (no NUL), lowercased
/// search fields and each facet's distinct values.
struct PostRow {
    let post: ScoredPost
    let searchText: String
    let handle: String
    let emotions: [String]?
    let hashtags: [String]
    let terms: [String]
    let domains: [String]
    let mentions: [String]

    init(_ post: ScoredPost) {
        self.post = post
        searchText = Self.storable(post.text.storeLowercased)
        handle = Self.storable(post.authorHandle.storeLowercased)
        emotions = post.emotions.map(Self.distinct)
        hashtags = Self.distinct(post.hashtags)
        terms = Self.distinct(post.terms)
        domains = Self.distinct(post.domains)
        mentions = Self.distinct(post.mentions)
    }

    /// The values of `facet` (each once).
    func values(of facet: RollupFacet) -> [String] {
        switch facet {
        case .language: [Self.storable(post.language)]
        case .platform: [Self.storable(post.platform)]
        case .emotion: emotions ?? []
        case .hashtag: hashtags
        case .term: terms
        case .domain: domains
        case .mention: mentions
        }
    }

    /// `values` without repeats and without the characters a row cannot hold, in order.
    static func distinct(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.map(storable).filter { seen.insert($0).inserted }
    }

    /// The separator of array values passed as one text (`string_to_array(…, chr(31))`).
    static let separator: Character = "\u{1F}"

    /// `text` without NUL (PostgreSQL text cannot hold it) and without ``separator``.
    static func storable(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0 || $0 == 0x1F }) else { return text }
        return String(text.filter { $0 != "\0" && $0 != separator })
    }

    /// `values` as one text for `string_to_array(…, chr(31))` ("" is the empty array).
    static func joined(_ values: [String]) -> String { values.joined(separator: String(separator)) }
}
