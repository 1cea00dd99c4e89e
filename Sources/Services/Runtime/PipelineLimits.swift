import EarshotWire

/// The largest legal message on each pipeline socket, computed from the limits
/// ingest enforces, so that ZMQ_MAXMSGSIZE refuses anything larger before
/// libzmq allocates it (a peer sending a larger frame is disconnected).
///
/// - Ingest refuses a post whose encoding exceeds ``PostLimits/maxEncodedBytes``
///   (256 KiB) and cuts each dispatched batch at ``dispatchBudgetBytes`` (2 MiB)
///   of wrapped posts (each post's bytes plus ``wrappingBytesPerPost``), so a
///   dispatched batch is at most the budget plus one wrapped post plus the seal:
///   ``maxDispatchBytes``.
/// - Enrich and score add to each post at most ``enrichmentGrowth`` - 1 times
///   its size (entities and emotion labels are pieces of the text; language,
///   sentiment, scores are fixed-size), plus the ids of the listening queries it
///   matches, allowed ``matchedQueryBytesPerBatch`` per batch: ``maxBatchBytes``
///   (10 MiB), the limit of every socket carrying a `PipelineBatch`.
/// - An `AckBatch` holds one seq (at most 10 bytes) for each post of one group
///   commit: ``maxAckBytes`` allows ``maxAckedPerMessage`` of them.
public enum PipelineLimits {
    /// Bytes of wrapped posts ingest puts in one dispatched batch at most,
    /// unless a single post is larger (it then travels alone).
    public static let dispatchBudgetBytes = 2 << 20
    /// What wrapping a post in a `PipelinePost` adds at most: tags and varints of
    /// delivery_seq, post length, ingested_at_ms, delivery_attempt and the item length.
    public static let wrappingBytesPerPost = 48
    /// The largest dispatched batch: the budget, one more wrapped post and the seal (with its tag).
    public static let maxDispatchBytes = dispatchBudgetBytes + PostLimits.maxEncodedBytes + wrappingBytesPerPost + 64

    /// What a journal entry of `payloadBytes` counts against ``dispatchBudgetBytes``.
    public static func dispatchCost(payloadBytes: Int) -> Int { payloadBytes + wrappingBytesPerPost }
    /// How much larger a batch may grow through enrich and score, at most.
    public static let enrichmentGrowth = 4
    /// Bytes of matched listening-query ids one batch may carry beyond its growth.
    public static let matchedQueryBytesPerBatch = 1 << 20
    /// The largest legal `PipelineBatch` frame: ZMQ_MAXMSGSIZE of every batch socket.
    public static let maxBatchBytes = Int64(maxDispatchBytes * enrichmentGrowth + matchedQueryBytesPerBatch)
    /// Delivery seqs one acknowledgement may carry at most.
    public static let maxAckedPerMessage = 65_536
    /// The largest legal `AckBatch` frame: ZMQ_MAXMSGSIZE of the acknowledgement socket.
    public static let maxAckBytes = Int64(maxAckedPerMessage * 10 + 16)
}
