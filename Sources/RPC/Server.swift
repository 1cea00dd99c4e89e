import EarshotWire
import Logging
import Synchronization
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// What a handler knows about the call it serves.
public struct CallContext: Sendable {
    public let method: String
    public let requestID: String
    public let metadata: [String: String]
    /// The client's deadline in Unix ms, nil if it set none.
    public let deadline: Int64?
    /// The authenticated caller: the `User-Id` the ZAP handler gave its connection
    /// (the allow-list name of its key); nil on an unauthenticated server.
    public let userID: String?

    /// Whether the client has given up on this call already.
    public var isExpired: Bool { deadline.map { wallClockMilliseconds() > $0 } ?? false }
}

/// Limits and identity of an RPC server.
public struct RPCServerConfiguration: Sendable {
    /// Bind address, e.g. "tcp://127.0.0.1:5550" or "tcp://*:5550".
    public var endpoint: String
    /// "ingest", "enrich", "score" or "query": reported by Health/Check.
    public var serviceName: String
    /// Requests with a larger payload get RESOURCE_EXHAUSTED.
    public var maxPayloadBytes: Int = Self.defaultMaxPayloadBytes
    /// The payload limit every Earshot service uses (16 MiB).
    public static let defaultMaxPayloadBytes = 16 << 20
    /// Larger frames make libzmq drop the connection (ZMQ_MAXMSGSIZE).
    public var maxFrameBytes: Int64 = 64 << 20
    /// Replies and requests queued per client before drops (ZMQ HWMs).
    public var highWaterMark: Int32 = 1_000
    /// Set before binding, e.g. the CURVE server options.
    public var socketOptions: [SocketOption] = []

    public init(endpoint: String, serviceName: String) {
        self.endpoint = endpoint
        self.serviceName = serviceName
    }
}

/// A gRPC-style server on a ZeroMQ ROUTER socket.
///
/// Frames: every part before the last is the routing envelope (the ROUTER's
/// peer identity, plus an empty delimiter when the client is a REQ socket),
/// the last part is an encoded `RpcRequest`. The reply carries the same
/// envelope and one encoded `RpcResponse`. See docs/PROTOCOL.md.
///
/// Not thread-safe: create it on the thread that serves, and either call
/// ``serve(until:)`` or put ``socket`` in that thread's poller and call
/// ``serveAvailable(limit:)`` when it is readable. Calls run on that thread one at a time, unless
/// ``runCallsOnWorkers(count:queueLimit:inline:)`` gives them a pool of threads (then ``serve(until:)``
/// is the loop to call).
public final class RPCServer {
    /// Serves one call. Throw ``RPCError`` for a non-OK status; any other
    /// error becomes INTERNAL.
    public typealias Handler = (_ payload: [UInt8], _ context: CallContext) throws -> [UInt8]

    public let configuration: RPCServerConfiguration
    public let socket: Socket
    /// The endpoint actually bound (with the port chosen for "tcp://host:*").
    public let boundEndpoint: String
    private var handlers: [String: Handler] = [:]
    /// Cache lookups of the methods of ``cacheAnswers(of:maxBytes:generation:counted:)``, made on
    /// the socket's thread before a call is queued: a hit never waits for a worker.
    private var cachedAnswers: [String: (_ payload: [UInt8]) -> [UInt8]?] = [:]
    private let logger: Logger
    private let instance: String
    private let context: Context
    private let draining = DrainFlag()
    /// The worker pool and the socket its answers come back on, once started.
    private var workers: (pool: CallWorkers, answers: Socket, inline: Set<String>)?
    /// Whether the server is shutting down (see ``beginDraining()``).
    public var isDraining: Bool { draining.isSet }
    /// A call on a worker that runs this long or longer is logged with its time queued and its
    /// time running (read when ``runCallsOnWorkers(count:queueLimit:inline:)`` starts them).
    public var slowCallMilliseconds: Int64 = 1_000
    /// Checks each call before its handler runs: throw to refuse it (e.g.
    /// PERMISSION_DENIED). Gets the method, the connection's `User-Id` and the call's
    /// metadata; returns the identity the handler sees as ``CallContext/userID`` (the
    /// connection's, or the principal a gateway calls for, see `Delegation`).
    /// Health/Check is checked too, except while draining.
    public var authorize: ((_ method: String, _ userID: String?, _ metadata: [String: String]) throws(RPCError) -> String?)?
    /// Whether the service can do its work now: Health/Check reports NOT_SERVING
    /// while it returns false (e.g. query while its store cannot be written).
    public var isServing: () -> Bool = { true }

    public init(_ configuration: RPCServerConfiguration, context: Context, logger: Logger) throws(ZMQError) {
        self.configuration = configuration
        self.logger = logger
        self.context = context
        socket = try Socket(.router, context: context)
        try socket.set([
            .linger(0),
            .routerMandatory(false),
            .maxMessageSize(configuration.maxFrameBytes),
            .sendHighWaterMark(configuration.highWaterMark),
            .receiveHighWaterMark(configuration.highWaterMark),
            .heartbeatInterval(5_000), .heartbeatTimeout(15_000),
        ] + configuration.socketOptions)
        boundEndpoint = try socket.bind(configuration.endpoint)
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        instance = "\(String(cString: host)):\(getpid())"
        register(HealthMethod.check) { [unowned self] (_: HealthCheckRequest, _) in
            var response = HealthCheckResponse()
            response.status = self.isDraining || !self.isServing() ? .notServing : .serving
            response.serviceName = configuration.serviceName
            response.instance = self.instance
            return response
        }
    }

    /// Registers `handler` for `method` with raw payloads.
    public func registerRaw(_ method: String, _ handler: @escaping Handler) {
        handlers[method] = handler
    }

    /// Registers a typed handler: the payload is decoded as `Request`
    /// (INVALID_ARGUMENT if it cannot be) and the result encoded.
    public func register<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, _ handler: @escaping (Request, CallContext) throws -> Response
    ) {
        registerEncoding(method) { (request: Request, context) in
            let response = try handler(request, context)
            do { return try response.serializedBytes() } catch {
                throw RPCError(.internal, "cannot encode \(Response.protoName): \(error)")
            }
        }
    }

    /// Registers a handler that decodes its request as `Request` (INVALID_ARGUMENT if it cannot
    /// be) and answers encoded bytes itself (spliced from stored encodings, say).
    public func registerEncoding<Request: ProtoMessage>(_ method: String, _ handler: @escaping (Request, CallContext) throws -> [UInt8]) {
        handlers[method] = { payload, context in
            let request: Request
            do { request = try Request(serializedBytes: payload) } catch {
                throw RPCError(.invalidArgument, "cannot decode \(Request.protoName) payload of \(payload.count) bytes")
            }
            return try handler(request, context)
        }
    }

    /// Answers the calls of `methods` (registered already) from a ``ResponseCache`` of at most
    /// `maxBytes` while `generation()`, the generation of the data their handlers read, is
    /// unchanged. Their handlers must answer from that data and the request alone, never from
    /// the caller (authorization still runs before each call). `counted` hears of every lookup:
    /// whether it hit, and the bytes the cache holds. The cache is looked up on the socket's
    /// thread (a hit is answered at once, even while every worker is busy) and filled by whichever
    /// thread ran the call, under a lock.
    public func cacheAnswers(of methods: [String], maxBytes: Int, generation: @escaping @Sendable () -> UInt64,
                             counted: @escaping @Sendable (_ hit: Bool, _ cacheBytes: Int) -> Void) {
        let shared = SharedResponseCache(maxBytes: maxBytes)
        for method in methods {
            guard let handler = handlers[method] else { preconditionFailure("cacheAnswers(of:) names \(method), which has no handler") }
            cachedAnswers[method] = { payload in
                let (answer, bytes) = shared.answer(method: method, request: payload, generation: generation())
                if answer != nil { counted(true, bytes) }
                return answer
            }
            // The generation is read before the handler reads the data: a change during the call
            // files its answer under the older generation, which the next lookup has left behind.
            handlers[method] = { payload, context in
                let current = generation()
                let answer = try handler(payload, context)
                counted(false, shared.store(answer, method: method, request: payload, generation: current))
                return answer
            }
        }
    }

    /// Runs every call but those of `inline` (answered on the socket's thread, e.g. Health/Check)
    /// on `count` threads of their own, so that a long call never holds up the others: the
    /// handlers of those methods must be thread-safe. At most `queueLimit` calls wait for a
    /// worker; one more is answered RESOURCE_EXHAUSTED. Call once, after registering, before
    /// ``serve(until:)``.
    public func runCallsOnWorkers(count: Int, queueLimit: Int, inline: Set<String> = [HealthMethod.check]) throws(ZMQError) {
        precondition(workers == nil, "runCallsOnWorkers(count:queueLimit:inline:) is called once")
        precondition(count > 0 && queueLimit >= 0, "a worker pool needs a worker and a queue limit of 0 or more")
        let answers = try Socket(.pull, context: context)
        try answers.set([.linger(0), .receiveHighWaterMark(0)])
        let endpoint = try answers.bind("inproc://earshot-rpc-answers-\(UInt(bitPattern: ObjectIdentifier(self).hashValue))")
        let logger = logger, draining = draining, slowCallMilliseconds = slowCallMilliseconds
        let pool = CallWorkers(count: count, queueLimit: queueLimit, context: context, answersEndpoint: endpoint, logger: logger) { call in
            var response = RpcResponse()
            response.requestId = call.requestID
            do throws(RPCError) {
                if draining.isSet { throw RPCError(.unavailable, "\(call.context.method) was queued when the service began shutting down") }
                if call.context.isExpired {
                    throw RPCError(.deadlineExceeded, "deadline passed after \(monotonicMilliseconds() - call.queuedAtMs) ms in the queue, before the call could start")
                }
                let started = monotonicMilliseconds()
                defer {
                    let running = monotonicMilliseconds() - started
                    if running >= slowCallMilliseconds {
                        logger.notice("slow RPC", metadata: [
                            "method": "\(call.context.method)", "queued_ms": "\(started - call.queuedAtMs)", "run_ms": "\(running)",
                        ])
                    }
                }
                response.payload = try Self.run(call.handler, call.payload, call.context)
            } catch {
                Self.fill(&response, with: error, logger: logger)
            }
            return call.envelope + [(try? response.serializedBytes()) ?? []]
        }
        workers = (pool, answers, inline)
    }

    /// Stops accepting work: Health/Check turns NOT_SERVING and every other
    /// call gets UNAVAILABLE, so clients go elsewhere while the process drains.
    public func beginDraining() { draining.set() }

    /// How long a stopping server waits for the calls its workers are running.
    public static let drainWorkersMilliseconds = 10_000

    /// Serves every request already queued, up to `limit`, without blocking.
    /// Returns how many were served.
    @discardableResult
    public func serveAvailable(limit: Int = 64) throws(ZMQError) -> Int {
        var served = 0
        while served < limit, let message = try socket.receiveMessage(wait: false) {
            handle(message.parts, userID: message.userID)
            served += 1
        }
        return served
    }

    /// Serves until `shouldStop` returns true (checked at least every
    /// `checkIntervalMilliseconds`) or the context is shut down, then answers
    /// what is still queued with UNAVAILABLE (see ``finishDraining()``).
    /// With workers, it also hands their answers to the socket.
    public func serve(checkIntervalMilliseconds: Int = 200, until shouldStop: () -> Bool) throws(ZMQError) {
        var poller = Poller()
        let requests = poller.add(socket)
        let answers = workers.map { poller.add($0.answers) }
        while !shouldStop() {
            do {
                guard try poller.poll(timeoutMilliseconds: checkIntervalMilliseconds) > 0 else { continue }
                if let answers, poller.isReady(answers) { try forwardAnswers() }
                if poller.isReady(requests) { try serveAvailable() }
            } catch .contextTerminated {
                return
            }
        }
        finishDraining()
    }

    /// For a stopping service: turns NOT_SERVING and answers every request
    /// already queued with UNAVAILABLE, so clients learn at once to retry
    /// elsewhere instead of waiting for their deadline. With workers, waits up to
    /// ``drainWorkersMilliseconds`` for the calls they run and sends their answers.
    public func finishDraining() {
        beginDraining()
        if let workers {
            if !workers.pool.stop(waitingUpTo: Self.drainWorkersMilliseconds) {
                logger.warning("stopping with RPC calls still running", metadata: ["waited_ms": "\(Self.drainWorkersMilliseconds)"])
            }
            _ = try? forwardAnswers()
        }
        _ = try? serveAvailable(limit: 10_000)
    }

    /// Sends the answers the workers handed back so far.
    private func forwardAnswers() throws(ZMQError) {
        guard let answers = workers?.answers else { return }
        while let frames = try answers.receive(wait: false) {
            do {
                try socket.send(frames, wait: false)
            } catch {
                if case .contextTerminated = error { throw error }
                logger.warning("cannot send RPC response", metadata: ["error": "\(error)"])
            }
        }
    }

    private func handle(_ frames: [[UInt8]], userID: String?) {
        guard frames.count >= 2 else {
            logger.debug("dropping a message without a routing envelope", metadata: ["frames": "\(frames.count)"])
            return
        }
        let envelope = Array(frames.dropLast())
        var response = RpcResponse()
        do throws(RPCError) {
            let request: RpcRequest
            do { request = try RpcRequest(serializedBytes: frames[frames.count - 1]) } catch {
                throw RPCError(.invalidArgument, "the last frame is not an earshot.v1.RpcRequest (\(frames[frames.count - 1].count) bytes)")
            }
            response.requestId = request.requestId
            let (handler, context) = try admit(request, userID: userID)
            if let answer = cachedAnswers[request.method]?(request.payload) {
                response.payload = answer
            } else if let workers, !workers.inline.contains(request.method) {
                let call = AdmittedCall(envelope: envelope, requestID: request.requestId, payload: request.payload, context: context,
                                        handler: handler, queuedAtMs: monotonicMilliseconds())
                guard workers.pool.submit(call) else {
                    throw RPCError(.resourceExhausted, "\(workers.pool.queueLimit) calls wait for a worker of \(configuration.serviceName) already; retry shortly")
                }
                return  // a worker answers
            } else {
                response.payload = try Self.run(handler, request.payload, context)
            }
        } catch {
            Self.fill(&response, with: error, logger: logger)
        }
        do {
            try socket.send(envelope + [try response.serializedBytes()], wait: false)
        } catch {
            logger.warning("cannot send RPC response", metadata: ["error": "\(error)"])
        }
    }

    /// Sets `response`'s status to `error`'s (no payload); an INTERNAL error is logged.
    private static func fill(_ response: inout RpcResponse, with error: RPCError, logger: Logger) {
        response.statusCode = error.code.rawValue
        response.statusMessage = error.message
        response.payload = []
        if error.code == .internal {
            logger.error("RPC failed", metadata: ["error": "\(error)"])
        }
    }

    /// The handler and context of a call this server takes: authorized, known, not too big, not
    /// past its deadline, and (but Health/Check) not refused while draining.
    private func admit(_ request: RpcRequest, userID: String?) throws(RPCError) -> (Handler, CallContext) {
        let caller = try authorize?(request.method, userID, request.metadata) ?? userID
        guard let handler = handlers[request.method] else {
            throw RPCError(.unimplemented, "unknown method '\(request.method)' on \(configuration.serviceName)")
        }
        if isDraining && request.method != HealthMethod.check {
            throw RPCError(.unavailable, "\(configuration.serviceName) is shutting down")
        }
        if request.payload.count > configuration.maxPayloadBytes {
            throw RPCError(.resourceExhausted, "payload of \(request.payload.count) bytes is over the limit of \(configuration.maxPayloadBytes)")
        }
        let deadline = request.deadlineUnixMs > 0 ? request.deadlineUnixMs : nil
        let context = CallContext(method: request.method, requestID: request.requestId, metadata: request.metadata, deadline: deadline, userID: caller)
        if context.isExpired {
            throw RPCError(.deadlineExceeded, "deadline passed \(wallClockMilliseconds() - request.deadlineUnixMs) ms before the call could start")
        }
        return (handler, context)
    }

    /// Runs `handler`: any error but an ``RPCError`` becomes INTERNAL, and an answer or a failure
    /// after the deadline DEADLINE_EXCEEDED (a handler may stop its work when the deadline passes).
    private static func run(_ handler: Handler, _ payload: [UInt8], _ context: CallContext) throws(RPCError) -> [UInt8] {
        let answer: [UInt8]
        do {
            answer = try handler(payload, context)
        } catch let error as RPCError {
            if context.isExpired && error.code != .deadlineExceeded { throw RPCError(.deadlineExceeded, "deadline passed during the call (\(error.message))") }
            throw error
        } catch {
            if context.isExpired { throw RPCError(.deadlineExceeded, "deadline passed during the call (\(error))") }
            throw RPCError(.internal, "\(context.method) failed: \(error)")
        }
        if context.isExpired {
            throw RPCError(.deadlineExceeded, "deadline passed during the call")
        }
        return answer
    }
}
