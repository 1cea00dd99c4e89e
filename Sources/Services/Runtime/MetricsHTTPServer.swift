import EarshotRPC
import EarshotWire
import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the metrics HTTP endpoint could not start, with the address and the cause.
public enum MetricsHTTPServerError: Error, CustomStringConvertible {
    /// The address is not `host:port` with a port in 0...65535.
    case badAddress(String)
    /// `getaddrinfo` could not resolve the host part.
    case unresolvable(address: String, reason: String)
    /// A socket call failed with `errno`.
    case socketCall(address: String, call: String, errno: Int32)

    public var description: String {
        switch self {
        case .badAddress(let address):
            return "metrics address \"\(address)\" is not host:port (e.g. 0.0.0.0:9100 or :9100)"
        case .unresolvable(let address, let reason):
            return "metrics address \"\(address)\" does not resolve: \(reason)"
        case .socketCall(let address, let call, let code):
            return "metrics address \"\(address)\": \(call) failed: \(String(cString: strerror(code)))"
        }
    }
}

/// The HTTP side of the metrics endpoint, without sockets: from a request
/// head to a complete HTTP/1.1 response (the connection is then closed).
public enum MetricsHTTP {
    /// The path Prometheus scrapes.
    public static let metricsPath = "/metrics"
    /// The content type of the Prometheus text exposition format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The response to `head` (request line and headers). `metricsText` is
    /// only called for `GET /metrics`.
    public static func response(toRequestHead head: String, metricsText: () -> String) -> String {
        let requestLine = head.split(whereSeparator: \.isNewline).first ?? ""
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return reply(status: "400 Bad Request", body: "malformed request line\n")
        }
        let method = parts[0]
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard method == "GET" || method == "HEAD" else {
            return reply(status: "405 Method Not Allowed", body: "only GET and HEAD\n", extraHeaders: "Allow: GET, HEAD\r\n")
        }
        guard path == metricsPath else {
            return reply(status: "404 Not Found", body: "metrics are at \(metricsPath)\n", omitBody: method == "HEAD")
        }
        return reply(status: "200 OK", body: metricsText(), contentType: contentType, omitBody: method == "HEAD")
    }

    private static func reply(status: String, body: String, contentType: String = "text/plain; charset=utf-8",
                              extraHeaders: String = "", omitBody: Bool = false) -> String {
        "HTTP/1.1 \(status)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n"
            + extraHeaders + "Connection: close\r\n\r\n" + (omitBody ? "" : body)
    }
}

/// A tiny HTTP/1.1 server on a plain POSIX socket and its own thread that
/// serves `GET /metrics` from a ``MetricsRegistry`` in the Prometheus text
/// format, until the service's shutdown signal. Up to ``maxConnections``
/// connections are answered at once, each on its own thread and with short
/// read and write timeouts and a deadline for the whole request, so slow or
/// silent clients cannot hold the endpoint from a scrape; one more is closed
/// at once.
public final class MetricsHTTPServer: Sendable {
    /// The port actually bound (the requested one, or the kernel's choice for port 0).
    public let port: Int
    private let thread: ServiceThread

    /// Largest request head read; the rest of a longer one is ignored.
    static let maxRequestHeadBytes = 8 * 1024
    /// Read and write timeout of one connection, and the most time its request head may take.
    static let connectionTimeoutSeconds = 2
    /// Connections answered at the same time.
    static let maxConnections = 8

    /// Binds `address` (`host:port`; an empty host or `0.0.0.0` means every
    /// IPv4 interface, `[::]` every IPv6 one) on the calling thread, so a
    /// busy port fails here, and serves on a new thread.
    public convenience init(address: String, metrics: MetricsRegistry, shutdown: ShutdownSignal, logger: Logger) throws(MetricsHTTPServerError) {
        try self.init(address: address, metricsText: { metrics.prometheusText() }, shutdown: shutdown, logger: logger)
    }

    /// The same server for metrics rendered by `metricsText` (a process without a registry of its own).
    public init(address: String, metricsText: @escaping @Sendable () -> String, shutdown: ShutdownSignal, logger: Logger) throws(MetricsHTTPServerError) {
        let listener = try Self.openListener(on: address)
        port = Self.boundPort(of: listener)
        logger.info("metrics HTTP listening", metadata: ["address": "\(address)", "port": "\(port)"])
        thread = ServiceThread(name: "metrics-http") {
            defer { close(listener) }
            let answering = ConnectionCount()
            while !shutdown.isRequested {
                var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 200) > 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                guard answering.value.add(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                    answering.value.subtract(1, ordering: .relaxed)
                    close(connection)
                    continue
                }
                // The connection's thread owns the descriptor: it closes it, nothing else does.
                let worker = Thread {
                    Self.answer(connection, metricsText: metricsText)
                    close(connection)
                    answering.value.subtract(1, ordering: .relaxed)
                }
                worker.name = "metrics-http-connection"
                worker.start()
            }
        }
    }

    /// The server of `service`'s metrics, stopping with its shutdown signal.
    public convenience init(address: String, service: ServiceContext) throws(MetricsHTTPServerError) {
        try self.init(address: address, metrics: service.metrics, shutdown: service.shutdown, logger: service.logger)
    }

    /// Blocks until the server thread stopped (after the shutdown signal).
    public func join() { thread.join() }

    /// Splits `host:port`; brackets around an IPv6 host are removed.
    static func split(_ address: String) throws(MetricsHTTPServerError) -> (host: String, port: UInt16) {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw .badAddress(address)
        }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    private static func openListener(on address: String) throws(MetricsHTTPServerError) -> Int32 {
        let (host, port) = try split(address)
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamSocketType
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &found)
        guard status == 0, let info = found else {
            throw .unresolvable(address: address, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(found) }
        let listener = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard listener >= 0 else { throw .socketCall(address: address, call: "socket", errno: errno) }
        var reuse: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        guard bind(listener, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let code = errno
            close(listener)
            throw .socketCall(address: address, call: "bind", errno: code)
        }
        guard listen(listener, 16) == 0 else {
            let code = errno
            close(listener)
            throw .socketCall(address: address, call: "listen", errno: code)
        }
        return listener
    }

    private static func boundPort(of listener: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard found == 0 else { return 0 }
        return withUnsafePointer(to: &storage) { pointer in
            if Int32(pointer.pointee.ss_family) == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Reads one request head from `connection` and writes the whole response.
    private static func answer(_ connection: Int32, metricsText: () -> String) {
        var timeout = timeval(tv_sec: connectionTimeoutSeconds, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // The socket timeout bounds each recv; this bounds the whole request, so a client sending
        // a byte now and then cannot hold the (single) connection slot.
        let deadline = monotonicMilliseconds() + Int64(connectionTimeoutSeconds) * 1_000
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        while head.count < maxRequestHeadBytes, !endsHead(head), monotonicMilliseconds() < deadline {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            head.append(contentsOf: chunk[0..<count])
        }
        guard head.contains(UInt8(ascii: "\n")) else { return }
        let response = Array(MetricsHTTP.response(toRequestHead: String(decoding: head, as: UTF8.self), metricsText: metricsText).utf8)
        var sent = 0
        while sent < response.count {
            let count = response[sent...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, sendFlags) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// Whether `bytes` hold a complete request head (up to a blank line).
    private static func endsHead(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.contains("\r\n\r\n") || text.contains("\n\n")
    }

    /// The connections being answered, shared by the accepting thread and the connections' threads.
    private final class ConnectionCount: Sendable {
        let value = Atomic<Int>(0)
    }

    #if os(Linux)
    private static let streamSocketType = Int32(SOCK_STREAM.rawValue)
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    private static let streamSocketType = SOCK_STREAM
    private static let sendFlags: Int32 = 0
    #endif
}
