import EarshotWire
import ZeroMQ

/// A gRPC-style client on a ZeroMQ DEALER socket. Not thread-safe: one per thread.
///
/// Each call sends one `RpcRequest` and waits for the `RpcResponse` with the
/// same request id until the deadline; late answers to earlier calls are
/// discarded.
public final class RPCClient {
    public let endpoint: String
    private let socket: Socket
    private var nextRequestNumber = 0
    private let clientName: String

    /// Connects (lazily, as ZeroMQ does) to a server at `endpoint`, with
    /// `socketOptions` set first (e.g. the CURVE client options).
    public init(endpoint: String, context: Context, clientName: String = "earshot", socketOptions: [SocketOption] = []) throws(ZMQError) {
        self.endpoint = endpoint
        self.clientName = clientName
        socket = try Socket(.dealer, context: context)
        try socket.set([.linger(0), .immediate(true), .maxMessageSize(256 << 20), .heartbeatInterval(5_000), .heartbeatTimeout(15_000)] + socketOptions)
        try socket.connect(endpoint)
    }

    /// Calls `method` with `request` and decodes the response as `Response`.
    /// Throws RPCError with the server's status, or DEADLINE_EXCEEDED when no
    /// answer came within `timeoutMilliseconds`, or UNAVAILABLE when no
    /// connection could be made in that time.
    public func call<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: String, _ request: Request, as: Response.Type = Response.self, timeoutMilliseconds: Int64 = 5_000,
        metadata: [String: String] = [:]
    ) throws(RPCError) -> Response {
        let payload: [UInt8]
        do { payload = try request.serializedBytes() } catch {
            throw RPCError(.internal, "cannot encode \(Request.protoName): \(error)")
        }
        let bytes = try callRaw(method, payload: payload, timeoutMilliseconds: timeoutMilliseconds, metadata: metadata)
        do { return try Response(serializedBytes: bytes) } catch {
            throw RPCError(.internal, "cannot decode \(Response.protoName) from \(endpoint): \(error)")
        }
    }

    /// The same with raw payloads.
    public func callRaw(_ method: String, payload: [UInt8], timeoutMilliseconds: Int64 = 5_000, metadata: [String: String] = [:]) throws(RPCError) -> [UInt8] {
        nextRequestNumber += 1
        let request = RpcRequest(method: method, requestID: "\(clientName)-\(nextRequestNumber)", timeoutMilliseconds: timeoutMilliseconds,
                                 metadata: metadata, payload: payload)
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        do {
            try socket.set(.sendTimeout(Int32(clamping: timeoutMilliseconds)))
            try socket.send(try request.serializedBytes())
        } catch ZMQError.wouldBlock {
            throw RPCError(.unavailable, "no connection to \(endpoint) within \(timeoutMilliseconds) ms")
        } catch {
            throw RPCError(.unavailable, "cannot send to \(endpoint): \(error)")
        }
        var poller = Poller()
        poller.add(socket)
        while true {
            let remaining = deadline - monotonicMilliseconds()
            if remaining <= 0 {
                throw RPCError(.deadlineExceeded, "no answer from \(endpoint) to \(method) within \(timeoutMilliseconds) ms")
            }
            do {
                guard try poller.poll(timeoutMilliseconds: Int(remaining)) > 0,
                      let frames = try socket.receive(wait: false), let last = frames.last else { continue }
                guard let response = try? RpcResponse(serializedBytes: last) else { continue }  // noise
                // The server could not decode our request, so it could not echo its id (docs/PROTOCOL.md).
                if response.requestId.isEmpty && response.statusCode != 0 {
                    throw RPCError(StatusCode(rawValue: response.statusCode) ?? .unknown, response.statusMessage)
                }
                guard response.requestId == request.requestId else { continue }  // a late answer to an earlier call
                return try response.outcome.get()
            } catch let error as RPCError {
                throw error
            } catch {
                throw RPCError(.unavailable, "\(endpoint): \(error)")
            }
        }
    }
}

extension RpcRequest {
    /// A call of `method` with `payload` under `requestID`, its deadline `timeoutMilliseconds` from now (wall clock, as sent).
    public init(method: String, requestID: String, timeoutMilliseconds: Int64, metadata: [String: String], payload: [UInt8]) {
        self.init()
        self.method = method
        requestId = requestID
        deadlineUnixMs = wallClockMilliseconds() + timeoutMilliseconds
        self.metadata = metadata
        self.payload = payload
    }
}

extension RpcResponse {
    /// The answer's payload, or its non-OK status as an ``RPCError`` (a status this side does not
    /// know as UNKNOWN, with the number in the message).
    public var outcome: Result<[UInt8], RPCError> {
        guard let code = StatusCode(rawValue: statusCode) else {
            return .failure(RPCError(.unknown, "status \(statusCode): \(statusMessage)"))
        }
        return code == .ok ? .success(payload) : .failure(RPCError(code, statusMessage))
    }
}
