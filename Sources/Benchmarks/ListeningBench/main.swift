// Posts per second for 1, 100 and 1,000 active listening queries, matched
// through a QuerySet index, on generated posts. Build in release:
//   swift run -c release earshot-bench-listening
import Listening

/// Deterministic 64-bit generator (a PCG-style multiply-xorshift), so every run measures the same data.
struct BenchGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let word = (state ^ (state >> 22)) &* 0x2545_F491_4F6C_DD1D
        return word ^ (word >> 32)
    }
}

/// Generated vocabulary, brands, posts and queries.
struct Workload {
    var generator = BenchGenerator(state: 20_261_126)
    let commonWords: [String]
    let brands: [String]

    static let topics = [
        "price", "cost", "cheaper", "refund", "broken", "support", "review", "love", "hate", "new", "phone",
        "launch", "delivery", "late", "job", "hiring", "ad", "battery", "screen", "app", "update",
    ]

    init() {
        var generator = BenchGenerator(state: 7)
        func syllableWord(_ syllables: Int) -> String {
            let onsets = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "st", "tr"]
            let vowels = ["a", "e", "i", "o", "u", "ai", "ou"]
            return (0..<syllables).map { _ in
                onsets.randomElement(using: &generator)! + vowels.randomElement(using: &generator)!
            }.joined()
        }
        commonWords = (0..<3_000).map { syllableWord(1 + $0 % 3) }
        brands = (0..<1_200).map { syllableWord(3 + $0 % 2) + "x" }
    }

    /// A common word, skewed towards the frequent ones like natural text.
    mutating func commonWord() -> String {
        let uniform = Double.random(in: 0..<1, using: &generator)
        return commonWords[Int(uniform * uniform * uniform * Double(commonWords.count))]
    }

    mutating func post() -> MatchableDocument {
        var words = (0..<Int.random(in: 8...40, using: &generator)).map { _ in commonWord() }
        if Int.random(in: 0..<100, using: &generator) < 40 {
            let brand = brands.randomElement(using: &generator)!
            let mention = [brand, brand.capitalized, "#\(brand)", "\(brand) corp", "@\(brand)"]
            words.insert(mention.randomElement(using: &generator)!, at: Int.random(in: 0...words.count, using: &generator))
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                words.insert(Self.topics.randomElement(using: &generator)!, at: Int.random(in: 0...words.count, using: &generator))
            }
        }
        return MatchableDocument(
            text: words.joined(separator: " ") + ".",
            authorHandle: commonWord(),
            language: ["en", "en-GB", "fr", "de"].randomElement(using: &generator)!,
            platform: ["bluesky", "mastodon", "reddit"].randomElement(using: &generator)!,
            followers: Int64.random(in: 0...50_000, using: &generator))
    }

    /// The n-th query: brand monitoring, competitor comparison, phrase and proximity templates.
    func query(_ number: Int) -> String {
        let brand = brands[number]
        let rival = brands[(number * 7 + 3) % brands.count]
        switch number % 5 {
        case 0: return "(\(brand) OR \"\(brand) corp\" OR #\(brand)) AND NOT (job OR hiring)"
        case 1: return "(\(brand) OR \(rival)) AND (price OR cost OR cheaper) NOT #ad"
        case 2: return "\"\(brand) phone\"~3 OR \"love \(brand)\" OR raw:\"\(brand.capitalized)\""
        case 3: return "\(brand) NEAR/5 (broken OR refund OR support) OR \(brand.prefix(4))* ONEAR/3 review"
        default: return "@\(brand) OR (\(brand) lang:en followers:>1000)"
        }
    }
}

extension String {
    fileprivate var capitalized: String { prefix(1).uppercased() + dropFirst() }
}

/// Seconds taken by the fastest of three runs of `body`: the machine is
/// shared, and the fastest run is the one least disturbed by other work.
func seconds(_ body: () -> Void) -> Double {
    (0..<3).map { _ in
        let elapsed = ContinuousClock().measure(body)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }.min()!
}

var workload = Workload()
let posts = (0..<20_000).map { _ in workload.post() }
let allQueries = try (0..<1_000).map { number in
    (id: "q\(number)", query: try ListeningQuery.parse(workload.query(number)))
}

func padded(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
}

print("earshot-bench-listening: \(posts.count) generated posts, 8-41 words each; fastest of 3 runs")
print("| active queries | matching | posts/s | µs/post | cost vs 1 query | matches/post |")
print("| ---: | :--- | ---: | ---: | ---: | ---: |")
var baseline = 0.0
for activeCount in [1, 100, 1_000] {
    let set = QuerySet(Array(allQueries.prefix(activeCount)))
    var matches = 0
    let time = seconds {
        matches = posts.reduce(0) { $0 + set.matches($1).count }
    }
    let rate = Double(posts.count) / time
    if activeCount == 1 { baseline = rate }
    print(
        "| \(padded(String(activeCount), 5)) | QuerySet index | \(padded(String(Int(rate)), 8)) "
            + "| \(padded(format2(1e6 / rate), 6)) | \(format2(baseline / rate))x "
            + "| \(format2(Double(matches) / Double(posts.count))) |")
}
// For contrast: every query evaluated on its own (re-tokenising the post each time), on a sample.
let sample = posts.prefix(500)
var bruteMatches = 0
let bruteTime = seconds {
    bruteMatches = sample.reduce(0) { count, post in count + allQueries.filter { $0.query.matches(post) }.count }
}
let bruteRate = Double(sample.count) / bruteTime
print(
    "| \(padded("1000", 5)) | one by one, no index | \(padded(String(Int(bruteRate)), 8)) "
        + "| \(padded(format2(1e6 / bruteRate), 6)) | \(format2(baseline / bruteRate))x "
        + "| \(format2(Double(bruteMatches) / Double(sample.count))) |")

func format2(_ value: Double) -> String {
    let hundredths = Int(value * 100 + 0.5)
    return "\(hundredths / 100).\(String(repeating: "0", count: hundredths % 100 < 10 ? 1 : 0))\(hundredths % 100)"
}
