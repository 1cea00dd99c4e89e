import EarshotWire
import Logging
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on a monotonic clock (for timing work).
public func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// Milliseconds on a monotonic clock (for deadlines and latencies).
public func monotonicMilliseconds() -> Int64 {
    monotonicNanoseconds() / 1_000_000
}

/// Milliseconds since the Unix epoch on the wall clock (deadlines on the wire).
public func wallClockMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
}

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
/// ``serveAvailable(limit:)`` when it is readable.
public final class RPCServer {
    /// Serves one call. Throw ``RPCError`` for a non-OK status; any other
    /// error becomes INTERNAL.
    public typealias Handler = (_ payload: [UInt8], _ context: CallContext) throws -> [UInt8]

    public let configuration: RPCServerConfiguration
    public let socket: Socket
    /// The endpoint actually bound (with the port chosen for "tcp://host:*").
    public let boundEndpoint: String
    private var handlers: [String: Handler] = [:]
    private let logger: Logger
    private let instance: String
    public private(set) var isDraining = false
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
    /// whether it hit, and the bytes the cache holds.
    public func cacheAnswers(of methods: [String], maxBytes: Int, generation: @escaping () -> UInt64,
                             counted: @escaping (_ hit: Bool, _ cacheBytes: Int) -> Void) {
        var cache = ResponseCache(maxBytes: maxBytes)
        for method in methods {
            guard let handler = handlers[method] else { preconditionFailure("cacheAnswers(of:) names \(method), which has no handler") }
            // The generation is read before the handler reads the data: a change during the call
            // files its answer under the older generation, which the next lookup has left behind.
            handlers[method] = { payload, context in
                let current = generation()
                if let answer = cache.answer(method: method, request: payload, generation: current) {
                    counted(true, cache.bytes)
                    return answer
                }
                let answer = try handler(payload, context)
                cache.store(answer, method: method, request: payload, generation: current)
                counted(false, cache.bytes)
                return answer
            }
        }
    }

    /// Stops accepting work: Health/Check turns NOT_SERVING and every other
    /// call gets UNAVAILABLE, so clients go elsewhere while the process drains.
    public func beginDraining() { isDraining = true }

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
    public func serve(checkIntervalMilliseconds: Int = 200, until shouldStop: () -> Bool) throws(ZMQError) {
        var poller = Poller()
        poller.add(socket)
        while !shouldStop() {
            do {
                if try poller.poll(timeoutMilliseconds: checkIntervalMilliseconds) > 0 { try serveAvailable() }
            } catch .contextTerminated {
                return
            }
        }
        finishDraining()
    }

    /// For a stopping service: turns NOT_SERVING and answers every request
    /// already queued with UNAVAILABLE, so clients learn at once to retry
    /// elsewhere instead of waiting for their deadline.
    public func finishDraining() {
        beginDraining()
        _ = try? serveAvailable(limit: 10_000)
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
            response.payload = try dispatch(request, userID: userID)
        } catch {
            response.statusCode = error.code.rawValue
            response.statusMessage = error.message
            response.payload = []
            if error.code == .internal {
                logger.error("RPC failed", metadata: ["error": "\(error)"])
            }
        }
        do {
            try socket.send(envelope + [try response.serializedBytes()], wait: false)
        } catch {
            logger.warning("cannot send RPC response", metadata: ["error": "\(error)"])
        }
    }

    private func dispatch(_ request: RpcRequest, userID: String?) throws(RPCError) -> [UInt8] {
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
        let payload: [UInt8]
        do {
            payload = try handler(request.payload, context)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.internal, "\(request.method) failed: \(error)")
        }
        if context.isExpired {
            throw RPCError(.deadlineExceeded, "deadline passed during the call")
        }
        return payload
    }
}
