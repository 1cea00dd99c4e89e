import Synchronization

/// Encoded answers of read calls, kept for as long as the data they were read from is
/// unchanged: each answer is filed under its method and encoded request and under the
/// generation of the data (a number the owner advances after every change), and a lookup under
/// a newer generation finds nothing (the whole cache is dropped then), so an answer is never
/// stale: exact, with no time to live. At most `maxBytes` of keys and answers are kept; the
/// least recently used go first.
///
/// Not thread-safe (the RPC thread owns it); a plain value with no sockets, so it is tested alone.
public struct ResponseCache {
    private struct Key: Hashable {
        let method: String
        let request: [UInt8]
    }

    /// One answer, linked into the recency list by slot numbers (``head`` is the most recent).
    private struct Entry {
        let key: Key
        let answer: [UInt8]
        var newer: Int?
        var older: Int?
        var bytes: Int { key.method.utf8.count + key.request.count + answer.count + ResponseCache.entryOverheadBytes }
    }

    /// Bytes counted per entry beside its key and answer (the entry, its slot and its index).
    static let entryOverheadBytes = 128

    /// The most bytes of keys and answers kept.
    public let maxBytes: Int
    /// The generation of every entry held.
    public private(set) var generation: UInt64 = 0
    /// Bytes of the entries held (as ``maxBytes`` counts them).
    public private(set) var bytes = 0
    /// Lookups answered from the cache, and lookups that were not, since it was made.
    public private(set) var hits = 0
    public private(set) var misses = 0

    private var slots: [Entry?] = []
    private var freeSlots: [Int] = []
    private var index: [Key: Int] = [:]
    private var head: Int?
    private var tail: Int?

    /// An empty cache of at most `maxBytes`.
    public init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Answers held.
    public var count: Int { index.count }

    /// The answer filed for `request` to `method` at `generation`, or nil (counted as a miss).
    public mutating func answer(method: String, request: [UInt8], generation: UInt64) -> [UInt8]? {
        adopt(generation)
        guard generation == self.generation, let slot = index[Key(method: method, request: request)], let entry = slots[slot] else {
            misses += 1
            return nil
        }
        hits += 1
        unlink(slot)
        linkAsNewest(slot)
        return entry.answer
    }

    /// Files `answer` for `request` to `method`, read from the data of `generation` (read before
    /// the answer was computed). An answer from an older generation than the cache's, or larger
    /// than a quarter of ``maxBytes``, is not kept.
    public mutating func store(_ answer: [UInt8], method: String, request: [UInt8], generation: UInt64) {
        adopt(generation)
        guard generation == self.generation else { return }
        let key = Key(method: method, request: request)
        let entry = Entry(key: key, answer: answer)
        guard entry.bytes <= maxBytes / 4 else { return }
        if let old = index[key] { remove(old) }
        while bytes + entry.bytes > maxBytes, let oldest = tail { remove(oldest) }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = entry
        } else {
            slot = slots.count
            slots.append(entry)
        }
        index[key] = slot
        bytes += entry.bytes
        linkAsNewest(slot)
    }

    /// Drops every entry when `generation` is newer than the cache's: the data changed since they were read.
    private mutating func adopt(_ generation: UInt64) {
        guard generation > self.generation else { return }
        self.generation = generation
        slots.removeAll()
        freeSlots.removeAll()
        index.removeAll()
        head = nil
        tail = nil
        bytes = 0
    }

    private mutating func remove(_ slot: Int) {
        guard let entry = slots[slot] else { return }
        unlink(slot)
        index[entry.key] = nil
        bytes -= entry.bytes
        slots[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (slots[slot]!.newer, slots[slot]!.older)
        if let newer { slots[newer]!.older = older } else { head = older }
        if let older { slots[older]!.newer = newer } else { tail = newer }
        slots[slot]!.newer = nil
        slots[slot]!.older = nil
    }

    private mutating func linkAsNewest(_ slot: Int) {
        slots[slot]!.older = head
        if let head { slots[head]!.newer = slot }
        head = slot
        if tail == nil { tail = slot }
    }
}

/// A ``ResponseCache`` shared by threads behind a lock: an RPC server's socket thread looks
/// answers up, and the threads that run its calls file them.
final class SharedResponseCache: Sendable {
    private let cache: Mutex<ResponseCache>

    /// An empty cache of at most `maxBytes`.
    init(maxBytes: Int) {
        cache = Mutex(ResponseCache(maxBytes: maxBytes))
    }

    /// ``ResponseCache/answer(method:request:generation:)``, and the bytes held after it.
    func answer(method: String, request: [UInt8], generation: UInt64) -> (answer: [UInt8]?, bytes: Int) {
        cache.withLock { cache in (cache.answer(method: method, request: request, generation: generation), cache.bytes) }
    }

    /// ``ResponseCache/store(_:method:request:generation:)``; returns the bytes held after it.
    func store(_ answer: [UInt8], method: String, request: [UInt8], generation: UInt64) -> Int {
        cache.withLock { cache in
            cache.store(answer, method: method, request: request, generation: generation)
            return cache.bytes
        }
    }
}
