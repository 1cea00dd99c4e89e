/// Endpoints and limits of the ingest service. Defaults work on one machine.
public struct IngestConfiguration: Sendable {
    /// RPC (ROUTER, bound): Ingest/Publish, PublishBatch, Health, Stats.
    public var rpcEndpoint = "tcp://127.0.0.1:5550"
    /// Posts to enrich workers (PUSH, bound; workers connect PULL).
    public var dispatchEndpoint = "tcp://127.0.0.1:5551"
    /// The enrich→score relay: enriched posts in (PULL, bound; enrich connects PUSH) …
    public var relayInEndpoint = "tcp://127.0.0.1:5552"
    /// … and out to score workers (PUSH, bound; score connects PULL).
    public var relayOutEndpoint = "tcp://127.0.0.1:5553"
    /// Acknowledgements from the query store (PULL, bound; query connects PUSH).
    public var acksEndpoint = "tcp://127.0.0.1:5554"
    /// The SQLite journal file.
    public var journalPath = "var/ingest/journal.sqlite"
    /// Posts per pipeline message.
    public var batchSize = 256
    /// Posts dispatched and not yet acknowledged, at most.
    public var maxInFlight = 20_000
    /// A dispatched post unacknowledged this long is sent again.
    public var redeliveryTimeoutMs: Int64 = 10_000
    /// Accepted but unfinished posts at most; beyond, Publish answers RESOURCE_EXHAUSTED.
    public var maxBacklog = 1_000_000
    /// Posts per PublishBatch call at most.
    public var maxPostsPerBatch = 10_000

    public init() {}
}
