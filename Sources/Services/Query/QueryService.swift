import EarshotRPC
import EarshotStore
import EarshotWire
import EarshotSecurity
import ServiceRuntime
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

    public init() {}
}

/// Stores scored posts (exactly once in effect) and answers questions about them.
///
/// Two threads: the collector owns the PULL and ack sockets and is the only
/// writer; the main thread owns the RPC socket and only reads.
public enum QueryService {
    public static func run(configuration: QueryConfiguration, service: ServiceContext) throws {
        let store = try PostStore(path: configuration.storePath, durable: configuration.durable)
        let collector = ServiceThread(name: "collector") {
            do {
                try collect(configuration: configuration, store: store, service: service)
            } catch {
                service.logger.critical("collector stopped", metadata: ["error": "\(error)"])
                service.shutdown.request()
            }
        }
        defer { service.shutdown.request(); collector.join() }
        let alertMonitor = AlertMonitor.start(configuration: configuration.alerts, store: store, service: service)
        defer { service.shutdown.request(); alertMonitor.join() }
        let server = try service.makeRPCServer(endpoint: configuration.rpcEndpoint)
        register(on: server, store: store)
        let listening = try ListeningRPC.start(on: server, store: store, configuration: configuration.listening, service: service)
        defer { service.shutdown.request(); listening.join() }
        service.metrics.set("earshot_query_posts_stored", Double(try store.postCount()), help: "Posts in the store")
        service.logger.info("query ready", metadata: [
            "rpc": "\(server.boundEndpoint)", "collect": "\(configuration.collectEndpoint)", "store": "\(configuration.storePath)",
        ])
        try server.serve { service.shutdown.isRequested }
    }

    /// Registers the Query methods, mapping store errors to gRPC status codes.
    static func register(on server: RPCServer, store: PostStore) {
        QueryRPC.register(on: server, volume: store, search: store)
        InsightsRPC.register(on: server, insights: store, care: store, writer: store, store: store)
    }

    /// A group commit slower than this is logged: it holds back every post behind it.
    static let slowApplyMilliseconds = 500.0

    /// Stores only batches ingest sealed (``DispatchSeal``): a batch ingest never
    /// dispatched is counted, logged (rate-limited) and dropped.
    private static func collect(configuration: QueryConfiguration, store: PostStore, service: ServiceContext) throws {
        let seal = try service.dispatchSeal()
        let input = try PipelineSocket.open(.pull, context: service.zmq, highWaterMark: 16)
        try service.bind(input, configuration.collectEndpoint, as: .pipeline)
        let acks = try PipelineSocket.open(.push, context: service.zmq, highWaterMark: 1_000, lingerMilliseconds: 5_000)
        try service.connect(acks, configuration.acksEndpoint, server: KeyDirectory.ingestKey)
        var poller = Poller()
        poller.add(input)
        do {
            while !service.shutdown.isRequested {
                guard try poller.poll(timeoutMilliseconds: 100) > 0 else { continue }
                // Group commit: everything already queued, up to the limit, in one transaction.
                var posts: [PipelinePost] = []
                while posts.count < configuration.maxPostsPerTransaction, let frames = try input.receive(wait: false) {
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
                guard !posts.isEmpty else { continue }
                let applyStarted = monotonicNanoseconds()
                let result = try store.apply(posts)
                let applyMilliseconds = Double(monotonicNanoseconds() - applyStarted) / 1e6
                service.metrics.observe("earshot_query_apply_ms", applyMilliseconds, help: "Milliseconds to store one group commit")
                if applyMilliseconds > Self.slowApplyMilliseconds {
                    service.logger.warning("slow store commit", metadata: [
                        "posts": "\(posts.count)", "ms": "\(Int(applyMilliseconds))",
                    ])
                }
                // Acknowledge only after the commit: a crash before this line means redelivery, never loss.
                try acks.send(AckBatch(deliverySeqs: posts.map(\.deliverySeq)).serializedBytes())
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
}
