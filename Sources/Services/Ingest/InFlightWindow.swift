/// The posts ingest has sent into the pipeline and not yet seen acknowledged.
///
/// Bounded: ingest dispatches new posts only while ``freeSlots`` > 0 (redeliveries are
/// already in the window and go out regardless: ``batchLimit(batchSize:redelivering:)``), so memory and the
/// amount of work in the pipeline stay bounded when a stage is slow. A post
/// unacknowledged for longer than the redelivery timeout is due again: the
/// stage holding it may have died, and the query store ignores duplicates.
public struct InFlightWindow: Sendable {
    public struct Entry: Sendable, Equatable {
        public var dispatchedAt: Int64
        public var attempt: UInt32
    }

    public let capacity: Int
    public let redeliveryTimeoutMs: Int64
    private(set) var entries: [UInt64: Entry] = [:]

    public init(capacity: Int, redeliveryTimeoutMs: Int64) {
        precondition(capacity > 0 && redeliveryTimeoutMs > 0)
        self.capacity = capacity
        self.redeliveryTimeoutMs = redeliveryTimeoutMs
    }

    public var count: Int { entries.count }
    public var freeSlots: Int { max(0, capacity - entries.count) }

    /// How many posts the next batch may hold. Redeliveries are already in the window, so they
    /// go out even when it is full (otherwise posts lost while it was full would never be sent
    /// again); new posts only take free slots.
    public func batchLimit(batchSize: Int, redelivering: Bool) -> Int {
        redelivering ? batchSize : min(batchSize, freeSlots)
    }

    /// Records that `seq` was sent at `now`; returns its attempt number (1 = first).
    @discardableResult
    public mutating func dispatched(_ seq: UInt64, at now: Int64) -> UInt32 {
        let attempt = (entries[seq]?.attempt ?? 0) + 1
        entries[seq] = Entry(dispatchedAt: now, attempt: attempt)
        return attempt
    }

    /// Forgets acknowledged posts; returns how many were in flight.
    @discardableResult
    public mutating func acknowledged(_ seqs: [UInt64]) -> Int {
        seqs.reduce(0) { count, seq in count + (entries.removeValue(forKey: seq) == nil ? 0 : 1) }
    }

    /// Posts dispatched more than the redelivery timeout ago, oldest first, at most `limit`.
    public func overdue(at now: Int64, limit: Int) -> [UInt64] {
        let cutoff = now - redeliveryTimeoutMs
        return Array(entries.filter { $0.value.dispatchedAt <= cutoff }.keys.sorted().prefix(limit))
    }

    /// The attempt number of `seq`, 0 when not in flight.
    public func attempt(of seq: UInt64) -> UInt32 { entries[seq]?.attempt ?? 0 }
}
