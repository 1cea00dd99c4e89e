import EarshotPostgresStore
import EarshotRPC
import EarshotStore
import EarshotWire
import EarshotSecurity
import Foundation
import ServiceRuntime
import Synchronization
import ZeroMQ

/// Endpoints and files of the query service. Defaults work on one machine.
public struct QueryConfiguration: Sendable {
    /// RPC (ROUTER, bound): Query/*, Health, Stats.
    public var rpcEndpoint = "tcp://127.0.0.1:5560"
    /// Scored posts from score workers (PULL, bound; workers connect PUSH).
    public var collectEndpoint = "tcp://127.0.0.1:5555"
    /// Ingest's acknowledgement socket (PULL) to push acks to.
    public var acksEndpoint = "tcp://127.0.0.1:5554"
    /// The SQLite store file.
    public var storePath = "var/query/store.sqlite"
    /// fsync each applied batch before acknowledging it.
    public var durable = true
    /// Posts applied in one transaction at most.
    public var maxPostsPerTransaction = 4_096
    /// Spike alerts: detection settings and the PUB endpoint (AlertMonitor.swift).
    public var alerts = AlertMonitorConfiguration()
    /// Listening queries: the query-set feed and backfills.
    public var listening = ListeningConfiguration()
    /// What this process does; roles other than ``QueryRole/all`` need a PostgreSQL store.
    public var role = QueryRole.all
    /// PostgreSQL only: days of posts kept (whole day partitions older than this are dropped,
    /// with their roll-ups); 0 keeps everything.
    public var retentionDays = 0
    /// How often the writer drops the day partitions past the retention.
    public var retentionIntervalMs = 3_600_000
    /// Bytes of read answers kept for repeated reads (``AnswerCache``; role `all` only); 0 = none.
    public var answerCacheBytes = 32 << 20
    /// Threads that answer RPCs (all but Health/Check and Stats/Get, answered on the RPC socket's
    /// thread), so that a long read (top authors over millions of posts, say) never holds up the
    /// short ones; each read stops at its call's deadline (``ReadDeadline``).
    public var readThreads = 4
    /// Calls that may wait for a free read thread; one more is answered RESOURCE_EXHAUSTED.
    public var maxQueuedCalls = 256

    public init() {}
}

/// What one query process does. Several processes share one PostgreSQL store: one writer and
/// any number of readers (docs/SCALING.md).
public enum QueryRole: String, Sendable, CaseIterable {
    /// Everything in one process: the writer's work and every RPC (the default; the only role on SQLite).
    case all
    /// Consumes scored batches, applies and acknowledges them, publishes the query-set and alert
    /// feeds, runs backfills and the retention; answers Health and the Listening RPCs.
    case writer
    /// Stateless: answers every RPC from PostgreSQL (Query, Insights, Listening); never migrates
    /// nor publishes. A backfill asked of a reader is recorded and run by the writer.
    case reader
}

/// A configuration the query service refuses.
public struct QueryConfigurationError: Error, CustomStringConvertible {
    public let description: String
}

/// Stores scored posts (exactly once in effect) and answers questions about them.
///
/// The collector thread owns the PULL and ack sockets and is the only writer of posts; the main
/// thread owns the RPC socket and hands the calls to ``QueryConfiguration/readThreads`` threads
/// (``RPCServer/runCallsOnWorkers(count:queueLimit:inline:)``), which read concurrently (SQLite
/// WAL readers, or PostgreSQL reader connections).
public enum QueryService {
    public static func run(configuration: QueryConfiguration, service: ServiceContext) throws {
        if PostgresLocation.isPostgresURL(configuration.storePath) {
            try runOnPostgres(configuration: configuration, service: service)
            return
        }
        guard configuration.role == .all, configuration.retentionDays == 0 else {
            throw QueryConfigurationError(description: "--role \(configuration.role.rawValue) and --retention-days need a PostgreSQL store (--store postgres://…); the SQLite store is one process that keeps every post")
        }
        // A connection per read thread, plus the alert monitor's and a backfill's.
        let store = try PostStore(path: configuration.storePath, durable: configuration.durable, readerConnections: configuration.readThreads + 2)
        let health = StoreHealth()
        let generation = StoreGeneration()
        let collector = startCollector(configuration: configuration, store: store, generation: generation, health: health, service: service)
        defer { service.shutdown.request(); collector.join() }
        let alertMonitor = AlertMonitor.start(configuration: configuration.alerts, store: store, generation: generation, service: service)
        defer { service.shutdown.request(); alertMonitor.join() }
        let server = try service.makeRPCServer(endpoint: configuration.rpcEndpoint)
        server.isServing = { health.isServing }
        QueryRPC.register(on: server, volume: store, search: store)
        TestQueryRPC.register(on: server, search: store)
        InsightsRPC.register(on: server, insights: store, care: store, writer: store, alerts: store, generation: generation)
        AnswerCache.enable(on: server, maxBytes: configuration.answerCacheBytes, generation: generation, metrics: service.metrics)
        let listening = ListeningRPC.start(on: server, store: store, generation: generation, configuration: configuration.listening, service: service)
        defer { service.shutdown.request(); listening.join() }
        try startReadThreads(server, configuration: configuration)
        try listening.resumeBackfills()
        service.metrics.set("earshot_query_posts_stored", Double(try store.postCount()), help: "Posts in the store")
        service.logger.info("query ready", metadata: [
            "rpc": "\(server.boundEndpoint)", "collect": "\(configuration.collectEndpoint)", "store": "\(configuration.storePath)",
        ])
        try server.serve { service.shutdown.isRequested }
    }

    /// `--store postgres://…`: the same collector, reads, listening queries, backfills and alerts on
    /// PostgreSQL (the password from ``PostgresLocation/passwordVariable`` or the file
    /// ``PostgresLocation/passwordFileVariable`` names), split by ``QueryConfiguration/role``.
    /// Until the server answers and the schema is migrated (by the writer), the store is prepared
    /// again with back-off, Health/Check answers NOT_SERVING, reads answer UNAVAILABLE and the
    /// reason is logged; then the writer resumes unfinished backfills and starts the retention.
    /// Whenever the server stops answering later, Health/Check answers NOT_SERVING until it is
    /// back (``startStoreWatch(_:health:service:)``).
    private static func runOnPostgres(configuration: QueryConfiguration, service: ServiceContext) throws {
        let location = try PostgresLocation(url: configuration.storePath, password: PostgresLocation.password(environment: ProcessInfo.processInfo.environment))
        let role = configuration.role
        let store = PostgresStore(location: location, migrate: role != .reader, readerConnections: configuration.readThreads, logger: service.logger)
        defer { store.close() }
        let server = try service.makeRPCServer(endpoint: configuration.rpcEndpoint)
        let generation = StoreGeneration()
        let listening = ListeningRPC.start(on: server, store: store, generation: generation, configuration: configuration.listening,
                                           service: service, duty: role == .reader ? .reader : .writer)
        defer { service.shutdown.request(); listening.join() }
        let health = StoreHealth()
        health.isWritable = false
        var threads: [ServiceThread] = [startStoreWatch(store, health: health, service: service)]
        defer {
            service.shutdown.request()
            for thread in threads { thread.join() }
        }
        if role == .reader {
            threads.append(ServiceThread(name: "store-check") {
                _ = prepareWithBackOff(store, health: health, service: service)
            })
        } else {
            threads.append(startCollector(configuration: configuration, store: store, generation: generation, health: health, service: service) {
                listening.watchBackfills()
            })
            threads.append(AlertMonitor.start(configuration: configuration.alerts, store: store, generation: generation, service: service))
            if configuration.retentionDays > 0 {
                threads.append(startRetention(store, configuration: configuration, generation: generation, health: health, service: service))
            }
        }
        server.isServing = { health.isServing }
        TestQueryRPC.register(on: server, search: store)  // a Listening RPC: the writer answers those too
        if role != .writer {
            QueryRPC.register(on: server, volume: store, search: store)
            InsightsRPC.register(on: server, insights: store, care: store, writer: store, alerts: store, generation: generation)
        }
        // Only the one process on its database sees every change (readers do not see the writer's).
        if role == .all {
            AnswerCache.enable(on: server, maxBytes: configuration.answerCacheBytes, generation: generation, metrics: service.metrics)
        }
        try startReadThreads(server, configuration: configuration)
        service.logger.info("query ready", metadata: [
            "role": "\(role.rawValue)", "rpc": "\(server.boundEndpoint)", "store": "\(location)",
            "collect": "\(role == .reader ? "-" : configuration.collectEndpoint)",
        ])
        try server.serve { service.shutdown.isRequested }
    }

    /// Gives `server`'s calls their ``QueryConfiguration/readThreads`` (after every method is
    /// registered); Health/Check and Stats/Get stay on the RPC thread, answered even while every
    /// read thread is busy.
    private static func startReadThreads(_ server: RPCServer, configuration: QueryConfiguration) throws {
        try server.runCallsOnWorkers(count: configuration.readThreads, queueLimit: configuration.maxQueuedCalls,
                                     inline: [HealthMethod.check, StatsMethod.get])
    }

    /// How often the store watch asks a server store whether it answers.
    static let storeWatchIntervalMilliseconds: Int64 = 1_000

    /// Starts the store watch: every ``storeWatchIntervalMilliseconds`` it asks the server whether
    /// it answers (on a connection of its own), so that Health/Check answers NOT_SERVING while
    /// the server is down even when nothing is written or read, and SERVING once it answers
    /// again; each change is logged with its reason.
    private static func startStoreWatch(_ store: PostgresStore, health: StoreHealth, service: ServiceContext) -> ServiceThread {
        ServiceThread(name: "store-watch") {
            while !service.shutdown.isRequested {
                do {
                    try store.checkReachable()
                    if !health.isReachable {
                        health.isReachable = true
                        service.logger.notice("the store answers again; SERVING")
                    }
                } catch {
                    if health.isReachable {
                        health.isReachable = false
                        service.logger.error("the store does not answer; NOT_SERVING until it does", metadata: ["error": "\(error)"])
                    }
                }
                let next = monotonicMilliseconds() + storeWatchIntervalMilliseconds
                while !service.shutdown.isRequested && monotonicMilliseconds() < next { Thread.sleep(forTimeInterval: 0.05) }
            }
        }
    }

    /// Starts the retention thread: every ``QueryConfiguration/retentionIntervalMs`` (the first
    /// time once the store is ready) it drops the day partitions older than
    /// ``QueryConfiguration/retentionDays``; a failure is logged and tried again next time.
    private static func startRetention(_ store: PostgresStore, configuration: QueryConfiguration, generation: StoreGeneration,
                                       health: StoreHealth, service: ServiceContext) -> ServiceThread {
        ServiceThread(name: "retention") {
            while !service.shutdown.isRequested && !health.isWritable { Thread.sleep(forTimeInterval: 0.1) }
            while !service.shutdown.isRequested {
                let cutoff = wallClockMilliseconds() - Int64(configuration.retentionDays) * BucketLevel.day.width
                do {
                    let days = try store.dropPartitions(before: cutoff)
                    if !days.isEmpty {
                        generation.advance()
                        service.logger.notice("retention dropped day partitions", metadata: ["days": "\(days)", "retention_days": "\(configuration.retentionDays)"])
                        service.metrics.increment("earshot_query_partitions_dropped_total", by: Double(days.count), help: "Day partitions dropped by the retention")
                    }
                } catch {
                    service.logger.error("retention failed; trying again later", metadata: ["error": "\(error)"])
                }
                let next = monotonicMilliseconds() + Int64(configuration.retentionIntervalMs)
                while !service.shutdown.isRequested && monotonicMilliseconds() < next { Thread.sleep(forTimeInterval: 0.1) }
            }
        }
    }

    /// Starts the collector thread: it prepares `store` (retrying with back-off while that fails),
    /// calls `ready`, then applies and acknowledges scored batches until shutdown.
    private static func startCollector(configuration: QueryConfiguration, store: some PostWriter, generation: StoreGeneration, health: StoreHealth,
                                       service: ServiceContext, ready: @escaping @Sendable () -> Void = {}) -> ServiceThread {
        ServiceThread(name: "collector") {
            do {
                guard prepareWithBackOff(store, health: health, service: service) else { return }
                ready()
                try collect(configuration: configuration, store: store, generation: generation, health: health, service: service)
            } catch {
                service.logger.critical("collector stopped", metadata: ["error": "\(error)"])
                service.shutdown.requestAfterFailure()
            }
        }
    }

    /// The longest wait between two attempts to prepare the store.
    static let maxPrepareBackOffMilliseconds: Int64 = 30_000

    /// Prepares `store` (connect, migrate), trying again after 0.5 s, 1 s, 2 s … up to
    /// ``maxPrepareBackOffMilliseconds`` while it fails, NOT_SERVING meanwhile and each failure
    /// logged with its reason; false when shutdown came first.
    private static func prepareWithBackOff(_ store: some PostWriter, health: StoreHealth, service: ServiceContext) -> Bool {
        var backOff: Int64 = 500
        while !service.shutdown.isRequested {
            do {
                try store.prepare()
                if !health.isWritable {
                    health.isWritable = true
                    service.logger.notice("store ready; SERVING")
                }
                return true
            } catch {
                health.isWritable = false
                service.metrics.set("earshot_query_store_writable", 0, help: "1 while group commits succeed; 0 while the store cannot be written (NOT_SERVING)")
                service.logger.error("cannot open the store; NOT_SERVING, trying again", metadata: [
                    "error": "\(error)", "retry_in_ms": "\(backOff)",
                ])
            }
            let retryAt = monotonicMilliseconds() + backOff
            while !service.shutdown.isRequested && monotonicMilliseconds() < retryAt { Thread.sleep(forTimeInterval: 0.05) }
            backOff = min(backOff * 2, maxPrepareBackOffMilliseconds)
        }
        return false
    }

    /// A group commit slower than this is logged: it holds back every post behind it.
    static let slowApplyMilliseconds = 500.0

    /// How long the collector waits before trying a failed group commit again.
    static let storeRetryMilliseconds: Int64 = 1_000

    /// Stores only batches ingest sealed (``DispatchSeal``): a batch ingest never
    /// dispatched is counted, logged (rate-limited) and dropped.
    ///
    /// When a group commit fails (a full disk, say), its posts are kept and tried
    /// again every ``storeRetryMilliseconds``; meanwhile nothing more is read or
    /// acknowledged (ingest keeps the posts and redelivers them), `health.isWritable`
    /// is false (Health/Check: NOT_SERVING) and reads go on. The first commit that
    /// succeeds resumes everything. A commit that stored new posts advances `generation`
    /// before anything is acknowledged, so no read after the acknowledgement is answered from
    /// an older cached answer.
    private static func collect(configuration: QueryConfiguration, store: some PostWriter, generation: StoreGeneration, health: StoreHealth,
                                service: ServiceContext) throws {
        let seal = try service.dispatchSeal()
        let input = try PipelineSocket.open(.pull, context: service.zmq, highWaterMark: 16)
        try service.bind(input, configuration.collectEndpoint, as: .pipeline)
        let acks = try PipelineSocket.open(.push, context: service.zmq, highWaterMark: 1_000, lingerMilliseconds: 5_000,
                                           maxMessageBytes: PipelineLimits.maxAckBytes)
        try service.connect(acks, configuration.acksEndpoint, server: KeyDirectory.ingestKey)
        var poller = Poller()
        poller.add(input)
        /// Posts of a group commit that failed, to store before anything else.
        var unstored: [PipelinePost] = []
        var failureLog = RefusalLog()
        do {
            while !service.shutdown.isRequested {
                var posts: [PipelinePost]
                if unstored.isEmpty {
                    guard try poller.poll(timeoutMilliseconds: 100) > 0 else { continue }
                    posts = try receiveGroup(from: input, limit: configuration.maxPostsPerTransaction, seal: seal, service: service)
                    guard !posts.isEmpty else { continue }
                } else {
                    let retryAt = monotonicMilliseconds() + storeRetryMilliseconds
                    while !service.shutdown.isRequested && monotonicMilliseconds() < retryAt { Thread.sleep(forTimeInterval: 0.05) }
                    posts = unstored
                }
                let applyStarted = monotonicNanoseconds()
                let result: ApplyResult
                do { result = try store.apply(ScoredPost.batch(posts)) } catch {
                    unstored = posts
                    health.isWritable = false
                    service.metrics.set("earshot_query_store_writable", 0, help: "1 while group commits succeed; 0 while the store cannot be written (NOT_SERVING)")
                    service.metrics.increment("earshot_query_store_failures_total", help: "Group commits that failed (e.g. disk full); their posts are kept, tried again and not acknowledged meanwhile")
                    if let suppressed = failureLog.shouldLog(fingerprint: "apply", nowMs: wallClockMilliseconds()) {
                        service.logger.error("cannot store; NOT_SERVING, acknowledging nothing until a commit succeeds", metadata: [
                            "posts": "\(posts.count)", "error": "\(error)", "failures_since_last": "\(suppressed)",
                        ])
                    }
                    continue
                }
                if result.inserted > 0 { generation.advance() }
                if !unstored.isEmpty {
                    unstored = []
                    health.isWritable = true
                    service.metrics.set("earshot_query_store_writable", 1)
                    service.logger.notice("the store is writable again; SERVING", metadata: ["posts": "\(posts.count)"])
                }
                let applyMilliseconds = Double(monotonicNanoseconds() - applyStarted) / 1e6
                service.metrics.observe("earshot_query_apply_ms", applyMilliseconds, help: "Milliseconds to store one group commit")
                if applyMilliseconds > Self.slowApplyMilliseconds {
                    service.logger.warning("slow store commit", metadata: [
                        "posts": "\(posts.count)", "ms": "\(Int(applyMilliseconds))",
                    ])
                }
                // Acknowledge only after the commit: a crash before this line means redelivery, never loss.
                for start in stride(from: 0, to: posts.count, by: PipelineLimits.maxAckedPerMessage) {
                    let ack = AckBatch(deliverySeqs: posts[start..<min(posts.count, start + PipelineLimits.maxAckedPerMessage)].map(\.deliverySeq))
                    let bytes: [UInt8] = try ack.serializedBytes()
                    try acks.send(bytes)
                }
                let now = wallClockMilliseconds()
                service.metrics.observe("earshot_query_publish_to_stored_ms",
                                        posts.lazy.filter { $0.ingestedAtMs > 0 }.map { Double(now - $0.ingestedAtMs) },
                                        help: "Milliseconds from durable publish to stored and queryable")
                service.metrics.increment("earshot_query_stored_total", by: Double(result.inserted), help: "Posts stored for the first time")
                service.metrics.increment("earshot_query_duplicates_total", by: Double(result.duplicates), help: "Redelivered posts ignored")
                service.metrics.increment("earshot_query_posts_stored", by: Double(result.inserted))
            }
        } catch ZMQError.contextTerminated {}
    }

    /// Group commit: the posts of every batch already queued on `input`, until `limit`
    /// is reached; batches that do not decode or carry no valid seal are counted and dropped.
    private static func receiveGroup(from input: Socket, limit: Int, seal: DispatchSeal?, service: ServiceContext) throws(ZMQError) -> [PipelinePost] {
        var posts: [PipelinePost] = []
        while posts.count < limit, let frames = try input.receive(wait: false) {
            guard let last = frames.last, let batch = try? PipelineBatch(serializedBytes: last) else {
                service.reportRejected("earshot_query_rejected_total", help: "Undecodable pipeline messages dropped",
                                       reason: "undecodable scored batch", metadata: ["bytes": "\(frames.last?.count ?? 0)"])
                continue
            }
            if let seal, !seal.verifies(batch) {
                service.reportRejected("earshot_query_unsealed_total", help: "Scored batches dropped: not dispatched by ingest (bad seal)",
                                       reason: "scored batch without a valid dispatch seal", metadata: ["posts": "\(batch.posts.count)"])
                continue
            }
            posts += batch.posts
        }
        return posts
    }
}

/// Whether the store can serve, read by Health/Check on the RPC thread: the collector's last
/// group commit succeeded (or the store was prepared), and a server store answered the last
/// check of the store watch.
final class StoreHealth: Sendable {
    private let writable = Atomic<Bool>(true)
    private let reachable = Atomic<Bool>(true)

    /// Written by the collector (and the preparation).
    var isWritable: Bool {
        get { writable.load(ordering: .acquiring) }
        set { writable.store(newValue, ordering: .releasing) }
    }

    /// Written by the store watch of a server store.
    var isReachable: Bool {
        get { reachable.load(ordering: .acquiring) }
        set { reachable.store(newValue, ordering: .releasing) }
    }

    /// What Health/Check answers: SERVING when both hold.
    var isServing: Bool { isWritable && isReachable }
}
