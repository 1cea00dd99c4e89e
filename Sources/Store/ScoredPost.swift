import Dispatch
import Foundation

/// A post's sentiment as the store counts it.
public enum SentimentLabel: String, Sendable, Equatable, CaseIterable {
    case positive, neutral, negative
    /// No sentiment: an unsupported language, or the model was unavailable.
    case unavailable
}

/// A scored post as the store applies it, in plain Swift: the fields it indexes and counts,
/// and the post's record as the pipeline scored it (``record``), which it keeps and returns
/// without reading (``StoredPost/view``).
public struct ScoredPost: Sendable, Equatable {
    public var id: String
    /// Creation time, Unix ms.
    public var createdAtMs: Int64
    public var authorID: String
    /// The author's handle as the source gave it (without "@").
    public var authorHandle: String
    /// The platform's name ("x", "mastodon", …).
    public var platform: String
    public var text: String
    /// The language code ("" when unknown).
    public var language: String
    public var sentiment: SentimentLabel
    /// Emotion labels (docs/EMOTIONS.md); nil when emotions are unavailable.
    public var emotions: [String]?
    public var hashtags: [String]
    public var domains: [String]
    public var mentions: [String]
    /// The listening queries the post matched (only saved ones are recorded).
    public var matchedQueryIDs: [String]
    public var reach: Double
    public var engagement: Double
    /// Care priority, 0…100.
    public var priority: Int
    /// The record returned by reads (an encoded `earshot.v1.PostView`).
    public var record: [UInt8]

    /// A post with every field given (``emotions`` nil: unavailable).
    public init(id: String, createdAtMs: Int64, authorID: String, authorHandle: String, platform: String, text: String,
                language: String, sentiment: SentimentLabel, emotions: [String]?, hashtags: [String], domains: [String],
                mentions: [String], matchedQueryIDs: [String], reach: Double, engagement: Double, priority: Int, record: [UInt8]) {
        self.id = id
        self.createdAtMs = createdAtMs
        self.authorID = authorID
        self.authorHandle = authorHandle
        self.platform = platform
        self.text = text
        self.language = language
        self.sentiment = sentiment
        self.emotions = emotions
        self.hashtags = hashtags
        self.domains = domains
        self.mentions = mentions
        self.matchedQueryIDs = matchedQueryIDs
        self.reach = reach
        self.engagement = engagement
        self.priority = priority
        self.record = record
    }
}

/// `transform` of each element of `items`, in order: on the calling thread for fewer than
/// `parallelMinimum` items, else in chunks on all cores (at most 8). The first chunk's error wins.
func chunkedMap<Item, Output, Failure: Error>(_ items: [Item], parallelMinimum: Int = 2_000,
                                             _ transform: (Item) throws(Failure) -> Output) throws(Failure) -> [Output] {
    let workers = items.count < parallelMinimum ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
    if workers == 1 { return try items.map(transform) }
    let chunks = withoutActuallyEscaping(transform) { transform in
        let work = ChunkedWork(items: items, workers: workers, transform: transform)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in work.run(worker) }
        return work.results
    }
    var results: [Output] = []
    results.reserveCapacity(items.count)
    for chunk in chunks { results += try chunk.get() }
    return results
}

/// The shared state of one parallel ``chunkedMap(_:parallelMinimum:_:)``: each worker writes
/// only its own slot, and the slots are read after every worker has finished.
private final class ChunkedWork<Item, Output, Failure: Error>: @unchecked Sendable {
    private let items: [Item]
    private let chunkSize: Int
    private let workers: Int
    private let transform: (Item) throws(Failure) -> Output
    private let slots: UnsafeMutablePointer<Result<[Output], Failure>?>

    init(items: [Item], workers: Int, transform: @escaping (Item) throws(Failure) -> Output) {
        self.items = items
        self.workers = workers
        self.transform = transform
        chunkSize = (items.count + workers - 1) / workers
        slots = .allocate(capacity: workers)
        slots.initialize(repeating: nil, count: workers)
    }

    deinit {
        slots.deinitialize(count: workers)
        slots.deallocate()
    }

    /// Maps chunk `worker` into its slot.
    func run(_ worker: Int) {
        let chunk = items[min(items.count, worker * chunkSize)..<min(items.count, (worker + 1) * chunkSize)]
        do throws(Failure) { slots[worker] = .success(try chunk.map(transform)) } catch { slots[worker] = .failure(error) }
    }

    /// Every chunk's outcome, in order; call after every ``run(_:)`` returned.
    var results: [Result<[Output], Failure>] { (0..<workers).map { slots[$0]! } }
}

extension ScoredPost {
    /// The distinct words of the text that Trending and spike explanations count as terms
    /// (at most 24, in order of first appearance).
    public var terms: [String] { TermExtractor.terms(of: text) }
}
