import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// What every Earshot service process has: its name, a ZeroMQ context, a
/// logger, metrics and the shutdown signal.
public final class ServiceContext: Sendable {
    public let serviceName: String
    public let zmq: Context
    public let logger: Logger
    public let metrics = MetricsRegistry()
    public let shutdown: ShutdownSignal
    public let startedAt = monotonicMilliseconds()
    /// How this process's sockets are secured.
    public let security: SocketSecurity
    /// The ZAP handler checking every CURVE handshake; nil when insecure.
    public let authenticator: ZAPAuthenticator?
    private let rejectionLog = Mutex(RefusalLog())

    /// A service context; with `security` CURVE, the ZAP handler is started
    /// (from `keys`' allow-list) before any socket can be bound.
    public init(serviceName: String, security: ServiceSecurityConfiguration,
                shutdown: ShutdownSignal = ShutdownSignal(), ioThreads: Int32 = 1) throws {
        self.serviceName = serviceName
        self.shutdown = shutdown
        zmq = try Context(ioThreads: ioThreads)
        logger = Logger(label: "earshot.\(serviceName)")  // level: the handler's (EARSHOT_LOG_LEVEL, set at bootstrap)
        switch security {
        case .insecure:
            self.security = .insecure
            authenticator = nil
            logger.warning("running INSECURE (--insecure): no encryption, no authentication; every endpoint must be on loopback")
        case .curve(let keys, let keyName, let acknowledgerName):
            // First start on a machine: create the defaults. A folder with an allow-list
            // is a deployment's (maybe read-only): used as it is.
            if !FileManager.default.fileExists(atPath: keys.allowListPath) { try keys.prepareDefaults() }
            self.security = .curve(ownKey: try keys.keyPair(keyName), keys: keys)
            let authenticator = try ZAPAuthenticator(keys: keys, acknowledgerName: acknowledgerName)
            self.authenticator = authenticator
            try authenticator.start(service: self)
            logger.info("CURVE on every socket", metadata: ["keys": "\(keys.path)", "key": "\(keyName)"])
        }
    }

    /// The key with which ingest seals the batches it dispatches and query checks
    /// them (`pipeline.mac`); nil when insecure. Only ingest and query load it.
    public func dispatchSeal() throws -> DispatchSeal? {
        guard case .curve(_, let keys) = security else { return nil }
        return try keys.seal()
    }

    /// Counts a pipeline message dropped for `reason` in the counter `metric`, and logs
    /// it, at most once per reason every 10 s (the rest is counted in the next line).
    public func reportRejected(_ metric: String, help: String, reason: String, metadata: Logger.Metadata = [:]) {
        metrics.increment(metric, help: help)
        let now = wallClockMilliseconds()
        guard let suppressed = rejectionLog.withLock({ $0.shouldLog(fingerprint: reason, nowMs: now) }) else { return }
        logger.warning("dropped a pipeline message: \(reason)", metadata: metadata.merging(["suppressed_since_last": "\(suppressed)"]) { $1 })
    }

    /// Options for a socket this service binds at `endpoint` as a `domain` socket.
    public func serverOptions(_ domain: ZAPDomain, endpoint: String) throws(SecurityError) -> [SocketOption] {
        try security.serverOptions(domain: domain, endpoint: endpoint)
    }

    /// Options for a socket this service connects to `endpoint`, served by the key named `server`.
    public func clientOptions(server: String, endpoint: String) throws(SecurityError) -> [SocketOption] {
        try security.clientOptions(server: server, endpoint: endpoint)
    }

    /// Binds `socket` at `endpoint` as a `domain` socket (the CURVE server side);
    /// returns the endpoint bound.
    @discardableResult
    public func bind(_ socket: Socket, _ endpoint: String, as domain: ZAPDomain) throws -> String {
        try socket.set(serverOptions(domain, endpoint: endpoint))
        return try socket.bind(endpoint)
    }

    /// Connects `socket` to `endpoint`, whose server holds the key named `server`.
    public func connect(_ socket: Socket, _ endpoint: String, server: String) throws {
        try socket.set(clientOptions(server: server, endpoint: endpoint))
        try socket.connect(endpoint)
    }

    /// An RPC server for this service with Health/Check and Stats/Get registered.
    /// Call on the thread that will serve it. With CURVE every call is checked
    /// against the caller's role (PERMISSION_DENIED outside it, UNAUTHENTICATED
    /// once its key left the allow-list).
    public func makeRPCServer(endpoint: String) throws -> RPCServer {
        var configuration = RPCServerConfiguration(endpoint: endpoint, serviceName: serviceName)
        configuration.socketOptions = try serverOptions(.rpc, endpoint: endpoint)
        let server = try RPCServer(configuration, context: zmq, logger: logger)
        if let authenticator {
            server.authorize = { method, userID, metadata throws(RPCError) in
                guard let userID, let entry = authenticator.entry(named: userID) else {
                    throw RPCError(.unauthenticated, "the key of this connection is no longer in the allow-list")
                }
                let caller: (identity: String, role: Role)
                do throws(Delegation.Refusal) { caller = try Delegation.caller(entry, metadata: metadata) } catch {
                    throw RPCError(.permissionDenied, error.description)
                }
                guard caller.role.permits(method: method) else {
                    throw RPCError(.permissionDenied, "'\(caller.identity)' (role \(caller.role)) may not call \(method)")
                }
                return caller.identity
            }
        }
        server.register(StatsMethod.get) { [self] (_: StatsRequest, _) in
            var response = StatsResponse()
            response.serviceName = serviceName
            response.uptimeMs = monotonicMilliseconds() - startedAt
            response.metrics = metrics.snapshot()
            return response
        }
        return server
    }
}

/// Whether a service runs with CURVE (the default) or insecure.
public enum ServiceSecurityConfiguration: Sendable {
    /// `--insecure`: no encryption, no authentication, loopback only.
    case insecure
    /// CURVE with the key pair `keyName` of `keys`; the ZAP handler lets only
    /// `acknowledgerName` onto the acknowledgement socket.
    case curve(keys: KeyDirectory, keyName: String, acknowledgerName: String = KeyDirectory.queryKey)
}

/// Socket settings for the pipeline hops, chosen so memory stays bounded and
/// a stopping process neither hangs nor drops what it already handed over.
public enum PipelineSocket {
    /// Opens a socket for a pipeline hop. `highWaterMark` is in messages
    /// (batches); LINGER is finite so shutdown cannot hang on a dead peer.
    /// A peer sending a frame larger than `maxMessageBytes` (ZMQ_MAXMSGSIZE; the
    /// largest legal batch by default, see ``PipelineLimits``) is disconnected
    /// before the frame is allocated.
    ///
    /// ZMTP heartbeats find a peer that vanished without closing its TCP
    /// connection. Their timeout is long (30 s) on purpose: a consumer held
    /// back by its high-water mark stops reading its connection, so it cannot
    /// see the peer's pings, and a short timeout drops a healthy connection
    /// under backpressure. Such drops are also what trips libzmq 4.3's
    /// `_input_stopped` assertion on reconnect (zeromq/libzmq#3937), which
    /// aborted workers in load tests with the earlier 6 s timeout.
    public static func open(_ kind: SocketKind, context: Context, highWaterMark: Int32, lingerMilliseconds: Int32 = 2_000,
                            maxMessageBytes: Int64 = PipelineLimits.maxBatchBytes) throws(ZMQError) -> Socket {
        let socket = try Socket(kind, context: context)
        try socket.set([
            .linger(lingerMilliseconds),
            .sendHighWaterMark(highWaterMark),
            .receiveHighWaterMark(highWaterMark),
            .maxMessageSize(maxMessageBytes),
            .heartbeatInterval(5_000), .heartbeatTimeToLive(30_000), .heartbeatTimeout(30_000),
            .reconnectInterval(200),
        ])
        return socket
    }
}

/// Runs `body` on a new thread and returns a handle to wait for it.
public final class ServiceThread: Sendable {
    private let done = DispatchSemaphore(value: 0)

    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [done] in
            body()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Blocks until the thread's body returned.
    public func join() { done.wait() }
}
