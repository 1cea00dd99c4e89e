/// A journal failure, with the file and what was being done.
public struct JournalError: Error, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let underlying: String

    public init(path: String, operation: String, underlying: String) {
        self.path = path
        self.operation = operation
        self.underlying = underlying
    }

    public var description: String { "journal \(path): \(operation) failed: \(underlying)" }
}

/// One post waiting in the journal for the pipeline to finish it.
public struct JournalEntry: Sendable, Equatable {
    public let seq: UInt64
    public let payload: [UInt8]
    public let receivedAtMs: Int64
    public let postID: String

    public init(seq: UInt64, payload: [UInt8], receivedAtMs: Int64, postID: String) {
        self.seq = seq
        self.payload = payload
        self.receivedAtMs = receivedAtMs
        self.postID = postID
    }
}

/// Ingest's durable journal: every accepted post, in arrival order, until the query store
/// acknowledges it. An append returns only once it is durable, so an acknowledged Publish
/// survives a crash; the post id deduplicates. ``SQLiteJournal`` is the implementation.
public protocol PostJournal: AnyObject {
    /// Appends posts (id and encoded Post) in one durable transaction. Returns, per input,
    /// whether it was new (false: id seen before, or repeated within this call).
    func append(_ posts: [(id: String, payload: [UInt8])], receivedAtMs: Int64) throws(JournalError) -> [Bool]
    /// Up to `limit` unacknowledged entries with seq greater than `afterSeq`, in order.
    func pending(after afterSeq: UInt64, limit: Int) throws(JournalError) -> [JournalEntry]
    /// The unacknowledged entries among `seqs` (for redelivery).
    func entries(_ seqs: [UInt64]) throws(JournalError) -> [JournalEntry]
    /// Marks entries as processed for good and drops their payloads. Returns how many were
    /// not acknowledged before.
    func acknowledge(_ seqs: [UInt64]) throws(JournalError) -> Int
    /// How many posts are accepted but not yet acknowledged.
    func backlogCount() throws(JournalError) -> Int
}
