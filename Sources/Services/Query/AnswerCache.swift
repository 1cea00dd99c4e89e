import EarshotRPC
import EarshotWire
import ServiceRuntime
import Synchronization

/// The generation of what the query process has stored, advanced after every change a read can
/// see: a scored batch applied with new posts, a listening query created, changed, deleted or
/// backfilled (a chunk at a time), a care item handled, an alert stored, day partitions dropped.
/// Answers cached under an older generation are never served (``AnswerCache``).
///
/// Only a process that makes every change itself can keep it: the SQLite store, or a PostgreSQL
/// store in role `all` (the one process on its database). Readers beside a writer do not cache.
final class StoreGeneration: Sendable {
    private let value = Atomic<UInt64>(0)

    /// The generation now.
    var current: UInt64 { value.load(ordering: .acquiring) }

    /// Called after a change is committed (and before it is acknowledged to anyone).
    func advance() { value.wrappingAdd(1, ordering: .acquiringAndReleasing) }
}

/// The query process's cache of read answers (a ``ResponseCache`` looked up on the RPC thread and
/// filled by the read threads): a repeated Overview, say, is answered without touching the store,
/// or waiting for a read thread, until the store changes.
enum AnswerCache {
    /// The cached reads: each answers from the store and its request alone (no wall clock, no
    /// caller). Not SearchPosts (an export's pages would push everything else out) nor Trending
    /// (its window ends "now" by default).
    static let methods = [
        QueryMethod.overview, QueryMethod.timeSeries, QueryMethod.topHashtags,
        InsightsMethod.shareOfVoice, InsightsMethod.topAuthors, InsightsMethod.careQueue, InsightsMethod.alerts,
    ]

    /// Caches ``methods`` on `server` (registered already) in at most `maxBytes` under `generation`;
    /// hits, misses and the bytes held are metrics. Nothing is cached when `maxBytes` is 0.
    static func enable(on server: RPCServer, maxBytes: Int, generation: StoreGeneration, metrics: MetricsRegistry) {
        guard maxBytes > 0 else { return }
        server.cacheAnswers(of: methods, maxBytes: maxBytes, generation: { generation.current }) { hit, cacheBytes in
            if hit {
                metrics.increment("earshot_query_cache_hits_total", help: "Reads answered from the answer cache")
            } else {
                metrics.increment("earshot_query_cache_misses_total", help: "Cacheable reads answered from the store")
                metrics.set("earshot_query_cache_bytes", Double(cacheBytes), help: "Bytes of keys and answers in the answer cache")
            }
        }
    }
}
