import EarshotStore
import Emotions

/// The facets the roll-ups count, as stored in `rollup_facets.facet` and `rollup_minute_facets.facets`.
/// Code 2 was the emotion labels until migration 5 moved their counts to `rollup_totals`
/// (``EmotionCounts``); it is not used again.
enum RollupFacet: Int16, CaseIterable, Sendable {
    case language = 0, platform = 1, hashtag = 3, term = 4, domain = 5, mention = 6

    /// The SQL array of a post row `p` holding its values of this facet (each once).
    var postValues: String {
        switch self {
        case .language: "ARRAY[p.language]"
        case .platform: "ARRAY[p.platform]"
        case .hashtag: "p.hashtags"
        case .term: "p.terms"
        case .domain: "p.domains"
        case .mention: "p.mentions"
        }
    }
}

extension RollupFacet {
    /// The pack of `rollup_minute_facets` holding this facet's minute counts: the labels
    /// (language, platform: a few values a minute) apart from the words (hashtags, terms,
    /// domains, mentions: many).
    var minutePack: Int16 {
        switch self {
        case .language, .platform: 0
        case .hashtag, .term, .domain, .mention: 1
        }
    }
}

/// Posts counted per emotion label, in `Emotion.allCases` order: the `emotion_*` columns of a
/// `rollup_totals` row, so that emotion counts come with the totals (minute time series and
/// the alert monitor's anger share read no facet rows).
struct EmotionCounts: Equatable {
    private(set) var counts = [Int](repeating: 0, count: Emotion.allCases.count)

    /// The `rollup_totals` columns, in the order of ``counts``.
    static let columns = Emotion.allCases.map { "emotion_\($0.name)" }

    init() {}

    init(counts: [Int]) {
        precondition(counts.count == Emotion.allCases.count, "one count per emotion label")
        self.counts = counts
    }

    /// Counts a post with these `labels` (names; unknown ones are not counted).
    init(labels: [String]) {
        for label in labels {
            if let emotion = Emotion(name: label) { counts[emotion.rawValue] += 1 }
        }
    }

    mutating func add(_ other: EmotionCounts) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    /// The count of `emotion`.
    subscript(_ emotion: Emotion) -> Int { counts[emotion.rawValue] }

    /// The labels counted at least once, most counted first (ties by name), as the overview lists them.
    var ranked: [ValueCount] {
        let counted = Emotion.allCases.filter { counts[$0.rawValue] > 0 }.map { ($0.name, counts[$0.rawValue]) }
        return PostgresStore.ranked(Dictionary(uniqueKeysWithValues: counted), limit: counts.count)
    }
}

/// The roll-up changes of one batch's new posts, summed in memory so that each touched row is
/// upserted once: totals (with emotion counts) per scope, level and bucket; facet counts per scope and hour or day
/// (a row per value); per scope and minute, the facet counts of each pack (one row holding
/// them all, ``RollupFacet/minutePack``); author sketches per scope and hour or day. Pure.
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

    /// One row of `rollup_minute_facets`.
    struct MinutePackKey: Hashable {
        var scope: String
        var pack: Int16
        var bucket: Int64
    }

    /// A facet value within a minute pack.
    struct FacetValue: Hashable {
        var facet: RollupFacet
        var value: String
    }

    /// The levels that keep a row per facet value (minutes are packed) and author sketches.
    static let coarseLevels: [BucketLevel] = [.hour, .day]

    private(set) var totals: [BucketKey: PostTotals] = [:]
    /// The emotion counts of the totals' buckets that have any.
    private(set) var emotions: [BucketKey: EmotionCounts] = [:]
    private(set) var minuteFacets: [MinutePackKey: [FacetValue: Int]] = [:]
    private(set) var sketches: [BucketKey: AuthorSketch] = [:]

    /// Hour and day facet counts: the minute counts summed per hour and day (a value repeated
    /// within a minute is added once per level, not once per post).
    var facets: [FacetKey: Int] {
        var facets: [FacetKey: Int] = [:]
        for (pack, counts) in minuteFacets {
            for level in Self.coarseLevels {
                let bucket = BucketKey(scope: pack.scope, level: level, bucket: level.bucketStart(pack.bucket))
                for (value, count) in counts { facets[FacetKey(bucket: bucket, facet: value.facet, value: value.value), default: 0] += count }
            }
        }
        return facets
    }

    /// Counts `post` once in each of `scopes` at every level, with the facet values and author of `row`.
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
        let feelings = row.emotions.map { EmotionCounts(labels: $0) }
        let authorHash = AuthorSketch.hash(row.post.authorID)
        let minute = BucketLevel.minute.bucketStart(row.post.createdAtMs)
        for scope in scopes {
            let minuteKey = BucketKey(scope: scope, level: .minute, bucket: minute)
            totals[minuteKey, default: PostTotals()].add(one)
            if let feelings { emotions[minuteKey, default: EmotionCounts()].add(feelings) }
            for facet in RollupFacet.allCases {
                let key = MinutePackKey(scope: scope, pack: facet.minutePack, bucket: minute)
                for value in row.values(of: facet) { minuteFacets[key, default: [:]][FacetValue(facet: facet, value: value), default: 0] += 1 }
            }
            for level in Self.coarseLevels {
                let key = BucketKey(scope: scope, level: level, bucket: level.bucketStart(row.post.createdAtMs))
                totals[key, default: PostTotals()].add(one)
                if let feelings { emotions[key, default: EmotionCounts()].add(feelings) }
                sketches[key, default: AuthorSketch()].insert(hash: authorHash)
            }
        }
    }
}

/// A post as its `posts` row holds it: text fields PostgreSQL accepts (no NUL), lowercased
/// search fields and each facet's distinct values. A class: a batch's rows are read by many
/// column maps and the roll-up sums, and handing one over is then one reference, not a copy of
/// every string and array it holds.
final class PostRow: Sendable {
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
        case .hashtag: hashtags
        case .term: terms
        case .domain: domains
        case .mention: mentions
        }
    }

    /// `values` without repeats and without the characters a row cannot hold, in order.
    static func distinct(_ values: [String]) -> [String] {
        // Most posts have a few values per facet: comparing each with those kept is cheaper than hashing.
        guard values.count > 16 else {
            var kept: [String] = []
            kept.reserveCapacity(values.count)
            for value in values.lazy.map(storable) where !kept.contains(value) { kept.append(value) }
            return kept
        }
        var seen: Set<String> = []
        return values.map(storable).filter { seen.insert($0).inserted }
    }

    /// The separator of array values passed as one text (`string_to_array(…, chr(31))`).
    static let separator: Character = "\u{1F}"

    /// `text` without NUL (PostgreSQL text cannot hold it) and without ``separator``.
    static func storable(_ text: String) -> String {
        let isUnstorable = { (byte: UInt8) in byte == 0 || byte == 0x1F }
        guard text.utf8.withContiguousStorageIfAvailable({ $0.contains(where: isUnstorable) })
                ?? text.utf8.contains(where: isUnstorable) else { return text }
        return String(text.filter { $0 != "\0" && $0 != separator })
    }

    /// `values` as one text for `string_to_array(…, chr(31))` ("" is the empty array).
    static func joined(_ values: [String]) -> String {
        switch values.count {
        case 0: ""
        case 1: values[0]
        default: values.joined(separator: String(separator))
        }
    }

    /// `value` as an element of a PostgreSQL array literal (`'{…}'::text[]`): double-quoted, with `"` and `\\` escaped.
    static func arrayElement(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return "\"" + value + "\"" }
        return "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
