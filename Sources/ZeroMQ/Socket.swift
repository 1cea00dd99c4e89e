import CZeroMQ
import Synchronization

/// The number of the latest monitor endpoint of this process (see `Socket.monitor(_:)`).
private let monitorNumbers = Atomic<UInt64>(0)

/// The ZeroMQ socket patterns Earshot uses.
public enum SocketKind: Sendable {
    case push, pull, pub, sub, router, dealer, pair, req, rep

    var rawValue: Int32 {
        switch self {
        case .push: return ZMQ_PUSH
        case .pull: return ZMQ_PULL
        case .pub: return ZMQ_PUB
        case .sub: return ZMQ_SUB
        case .router: return ZMQ_ROUTER
        case .dealer: return ZMQ_DEALER
        case .pair: return ZMQ_PAIR
        case .req: return ZMQ_REQ
        case .rep: return ZMQ_REP
        }
    }
}

/// The socket options Earshot sets deliberately. Times are in milliseconds.
public enum SocketOption: Sendable {
    /// How long unsent messages may delay close; Earshot always sets a finite value.
    case linger(Int32)
    /// High-water marks: messages queued per peer before send blocks or drops.
    case sendHighWaterMark(Int32)
    case receiveHighWaterMark(Int32)
    /// Peers sending a larger message are disconnected by libzmq (-1 = no limit).
    case maxMessageSize(Int64)
    /// Queue messages only to completed connections.
    case immediate(Bool)
    /// ROUTER: fail with EHOSTUNREACH instead of silently dropping.
    case routerMandatory(Bool)
    /// ZMTP heartbeats: ping interval, TTL announced to the peer, and the time
    /// without traffic after which the connection is considered dead.
    case heartbeatInterval(Int32)
    case heartbeatTimeToLive(Int32)
    case heartbeatTimeout(Int32)
    /// Blocking receive/send time out with EAGAIN after this long (-1 = never).
    case receiveTimeout(Int32)
    case sendTimeout(Int32)
    /// Reconnect back-off after a lost connection.
    case reconnectInterval(Int32)
    /// SUB: receive messages whose first frame starts with this prefix.
    case subscribe([UInt8])
    /// The routing id a DEALER presents to a ROUTER.
    case routingID([UInt8])
    /// CURVE: this socket is the server side of the handshake (whether it binds or connects).
    case curveServer(Bool)
    /// CURVE: this socket's own key pair (Z85); a server needs the secret key, a client both.
    case curvePublicKey(String)
    case curveSecretKey(String)
    /// CURVE client: the public key (Z85) of the server it connects to.
    case curveServerKey(String)
    /// The ZAP domain sent to the authentication handler with each handshake.
    case zapDomain(String)
}

/// A ZeroMQ socket. Not thread-safe: create, use and close it on one thread.
///
/// The socket retains its ``Context`` and closes itself on deinit.
public final class Socket {
    public let kind: SocketKind
    public let context: Context
    let handle: UnsafeMutableRawPointer
    private var isClosed = false

    /// Opens a socket of `kind` in `context`, with LINGER 0 unless set otherwise.
    public init(_ kind: SocketKind, context: Context) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, kind.rawValue) else {
            throw ZMQError.fromErrno("zmq_socket")
        }
        self.kind = kind
        self.context = context
        self.handle = handle
        try set(.linger(0))
    }

    deinit { close() }

    /// Closes the socket; further calls fail. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
    }

    /// Sets one option.
    public func set(_ option: SocketOption) throws(ZMQError) {
        switch option {
        case .linger(let v): try setInt(ZMQ_LINGER, v, "LINGER")
        case .sendHighWaterMark(let v): try setInt(ZMQ_SNDHWM, v, "SNDHWM")
        case .receiveHighWaterMark(let v): try setInt(ZMQ_RCVHWM, v, "RCVHWM")
        case .maxMessageSize(var v):
            _ = try zmqCall("zmq_setsockopt(MAXMSGSIZE)") {
                zmq_setsockopt(handle, ZMQ_MAXMSGSIZE, &v, MemoryLayout<Int64>.size)
            }
        case .immediate(let v): try setInt(ZMQ_IMMEDIATE, v ? 1 : 0, "IMMEDIATE")
        case .routerMandatory(let v): try setInt(ZMQ_ROUTER_MANDATORY, v ? 1 : 0, "ROUTER_MANDATORY")
        case .heartbeatInterval(let v): try setInt(ZMQ_HEARTBEAT_IVL, v, "HEARTBEAT_IVL")
        case .heartbeatTimeToLive(let v): try setInt(ZMQ_HEARTBEAT_TTL, v, "HEARTBEAT_TTL")
        case .heartbeatTimeout(let v): try setInt(ZMQ_HEARTBEAT_TIMEOUT, v, "HEARTBEAT_TIMEOUT")
        case .receiveTimeout(let v): try setInt(ZMQ_RCVTIMEO, v, "RCVTIMEO")
        case .sendTimeout(let v): try setInt(ZMQ_SNDTIMEO, v, "SNDTIMEO")
        case .reconnectInterval(let v): try setInt(ZMQ_RECONNECT_IVL, v, "RECONNECT_IVL")
        case .subscribe(let prefix): try setBytes(ZMQ_SUBSCRIBE, prefix, "SUBSCRIBE")
        case .routingID(let id): try setBytes(ZMQ_ROUTING_ID, id, "ROUTING_ID")
        case .curveServer(let v): try setInt(ZMQ_CURVE_SERVER, v ? 1 : 0, "CURVE_SERVER")
        case .curvePublicKey(let key): try setBytes(ZMQ_CURVE_PUBLICKEY, Array(key.utf8), "CURVE_PUBLICKEY")
        case .curveSecretKey(let key): try setBytes(ZMQ_CURVE_SECRETKEY, Array(key.utf8), "CURVE_SECRETKEY")
        case .curveServerKey(let key): try setBytes(ZMQ_CURVE_SERVERKEY, Array(key.utf8), "CURVE_SERVERKEY")
        case .zapDomain(let domain): try setBytes(ZMQ_ZAP_DOMAIN, Array(domain.utf8), "ZAP_DOMAIN")
        }
    }

    /// Sets several options in order.
    public func set(_ options: [SocketOption]) throws(ZMQError) {
        for option in options { try set(option) }
    }

    private func setInt(_ name: Int32, _ value: Int32, _ label: String) throws(ZMQError) {
        var value = value
        _ = try zmqCall("zmq_setsockopt(\(label))") {
            zmq_setsockopt(handle, name, &value, MemoryLayout<Int32>.size)
        }
    }

    private func setBytes(_ name: Int32, _ value: [UInt8], _ label: String) throws(ZMQError) {
        _ = try zmqCall("zmq_setsockopt(\(label))") {
            value.withUnsafeBytes { zmq_setsockopt(handle, name, $0.baseAddress, $0.count) }
        }
    }

    /// Binds to `endpoint` (e.g. "tcp://127.0.0.1:5550", "tcp://*:*", "inproc://x").
    /// Returns the endpoint actually bound, with the port chosen for a wildcard.
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        _ = try zmqCall("zmq_bind(\(endpoint))") { zmq_bind(handle, endpoint) }
        return lastEndpoint ?? endpoint
    }

    /// Connects to `endpoint`; libzmq reconnects by itself when the peer goes away.
    public func connect(_ endpoint: String) throws(ZMQError) {
        _ = try zmqCall("zmq_connect(\(endpoint))") { zmq_connect(handle, endpoint) }
    }

    /// Stops connecting to `endpoint`; messages already received stay readable.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        _ = try zmqCall("zmq_disconnect(\(endpoint))") { zmq_disconnect(handle, endpoint) }
    }

    /// The last endpoint bound, as libzmq reports it.
    public var lastEndpoint: String? {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sends a multipart message. With `wait` false, returns false instead of
    /// blocking when the message cannot be queued now (high-water mark, no peer).
    @discardableResult
    public func send(_ parts: [[UInt8]], wait: Bool = true) throws(ZMQError) -> Bool {
        precondition(!parts.isEmpty, "a ZeroMQ message has at least one part")
        for (index, part) in parts.enumerated() {
            var flags: Int32 = index < parts.count - 1 ? ZMQ_SNDMORE : 0
            if !wait { flags |= ZMQ_DONTWAIT }
            var message = zmq_msg_t()
            _ = try zmqCall("zmq_msg_init_size") { zmq_msg_init_size(&message, part.count) }
            if !part.isEmpty {
                part.withUnsafeBytes { source in
                    zmq_msg_data(&message).copyMemory(from: source.baseAddress!, byteCount: source.count)
                }
            }
            do {
                _ = try zmqCall("zmq_msg_send") { zmq_msg_send(&message, handle, flags) }
            } catch {
                zmq_msg_close(&message)
                // Only the first part can fail with EAGAIN: later parts of a
                // message that started are queued atomically by libzmq.
                if case .wouldBlock = error, !wait, index == 0 { return false }
                throw error
            }
        }
        return true
    }

    /// Sends a single-part message.
    @discardableResult
    public func send(_ part: [UInt8], wait: Bool = true) throws(ZMQError) -> Bool {
        try send([part], wait: wait)
    }

    /// Receives a whole multipart message, each part as its own byte array.
    /// With `wait` false, returns nil when nothing is queued; with a receive
    /// timeout set, returns nil when it expires.
    public func receive(wait: Bool = true) throws(ZMQError) -> [[UInt8]]? {
        try receiveMessage(wait: wait)?.parts
    }

    /// Receives a whole multipart message with the `User-Id` the ZAP handler
    /// gave its sender's connection (nil without authentication). Same
    /// waiting rules as ``receive(wait:)``.
    public func receiveMessage(wait: Bool = true) throws(ZMQError) -> ReceivedMessage? {
        var parts: [[UInt8]] = []
        var userID: String?
        var message = zmq_msg_t()
        _ = try zmqCall("zmq_msg_init") { zmq_msg_init(&message) }
        defer { zmq_msg_close(&message) }
        repeat {
            do {
                _ = try zmqCall("zmq_msg_recv") { zmq_msg_recv(&message, handle, wait || !parts.isEmpty ? 0 : ZMQ_DONTWAIT) }
            } catch {
                if case .wouldBlock = error, parts.isEmpty { return nil }
                throw error
            }
            // A ROUTER's routing-id frame is made locally and carries no metadata: ask every part.
            if userID == nil, let property = zmq_msg_gets(&message, "User-Id") { userID = String(cString: property) }
            let size = zmq_msg_size(&message)
            let data = zmq_msg_data(&message)!
            parts.append([UInt8](UnsafeRawBufferPointer(start: data, count: size)))
        } while zmq_msg_more(&message) == 1
        return ReceivedMessage(parts: parts, userID: userID)
    }

    /// Reports this socket's handshake events on a new PAIR socket (`zmq_socket_monitor`):
    /// read them with ``MonitorEvent/receive(from:timeoutMilliseconds:)``.
    public func monitor(_ events: MonitorEvents) throws(ZMQError) -> Socket {
        // Numbered per process: a name from the socket's address could meet the endpoint of a
        // closed socket's monitor still bound at the same address ("Address already in use").
        let endpoint = "inproc://earshot-monitor-\(monitorNumbers.add(1, ordering: .relaxed).newValue)"
        _ = try zmqCall("zmq_socket_monitor") { zmq_socket_monitor(handle, endpoint, events.rawValue) }
        let pair = try Socket(.pair, context: context)
        try pair.connect(endpoint)
        return pair
    }
}

/// A received multipart message and the authenticated identity of its sender.
public struct ReceivedMessage: Sendable {
    public let parts: [[UInt8]]
    /// The `User-Id` metadata the ZAP handler set for the sending connection; nil without ZAP.
    public let userID: String?
}

/// Socket events a monitor can report (the handshake ones Earshot watches).
public struct MonitorEvents: OptionSet, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let handshakeSucceeded = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    /// The ZAP handler refused the peer (its value is the ZAP status code, e.g. 400).
    public static let handshakeFailedAuth = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    /// The mechanisms did not match or the handshake was malformed (e.g. a plain client on a CURVE server).
    public static let handshakeFailedProtocol = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    public static let handshakeFailedNoDetail = MonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
}

/// One event from a socket monitor.
public struct MonitorEvent: Sendable, Equatable {
    public let event: MonitorEvents
    /// The event's value: for ``MonitorEvents/handshakeFailedAuth`` the ZAP status code.
    public let value: UInt32
    public let endpoint: String

    /// Waits up to `timeoutMilliseconds` for the next event on a monitor socket.
    public static func receive(from monitor: Socket, timeoutMilliseconds: Int32) throws(ZMQError) -> MonitorEvent? {
        try monitor.set(.receiveTimeout(timeoutMilliseconds))
        guard let parts = try monitor.receive(), parts.count == 2, parts[0].count == 6 else { return nil }
        let header = parts[0]
        let event = Int32(header[0]) | Int32(header[1]) << 8
        let value = header[2...5].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return MonitorEvent(event: MonitorEvents(rawValue: event), value: value, endpoint: String(decoding: parts[1], as: UTF8.self))
    }
}
