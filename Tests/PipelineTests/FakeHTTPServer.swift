import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests of the live collectors: each connection's
/// request goes to `handler` on its own thread, which writes whatever bytes it likes (a
/// streaming response, half an event, nothing) through a ``FakeHTTPConnection``.
final class FakeHTTPServer: @unchecked Sendable {
    /// The port bound (the kernel's choice unless one was asked for).
    let port: Int
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let open = Mutex<Set<Int32>>([])
    private let done = DispatchSemaphore(value: 0)

    /// One request as received.
    struct Request: Sendable {
        let path: String
        let query: [String: String]
        let headers: [String: String]
        let method: String
        /// The body, when the request has a Content-Length.
        let body: String
    }

    /// `greeting`, when given, is written to each connection as soon as it is accepted, which
    /// is then closed without reading a request: a server that does not speak what the client
    /// expects (plain HTTP to a client that asked for TLS).
    init(port: Int = 0, greeting: String? = nil, handler: @escaping @Sendable (Request, FakeHTTPConnection) -> Void = { _, _ in }) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(listener, 16) == 0 else {
            close(listener)
            throw FakeServerError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 100) > 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                open.withLock { _ = $0.insert(connection) }
                Thread.detachNewThread { [self] in
                    if let greeting {
                        _ = greeting.utf8CString.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
                    } else if let request = Self.readRequest(connection) { handler(request, FakeHTTPConnection(descriptor: connection, server: self)) }
                    open.withLock { _ = $0.remove(connection) }
                    close(connection)
                }
            }
            close(listener)
            done.signal()
        }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// Stops listening and cuts every open connection (a server restart or crash).
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        done.wait()
        open.withLock { for descriptor in $0 { shutdown(descriptor, Int32(SHUT_RDWR)) } }
    }

    private static func readRequest(_ descriptor: Int32) -> Request? {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while head.count < 16_384 {
            guard recv(descriptor, &byte, 1, 0) == 1 else { return nil }
            head.append(byte)
            if head.suffix(4) == Array("\r\n\r\n".utf8) { break }
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        let components = URLComponents(string: target)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body: [UInt8] = []
        let length = min(Int(headers["content-length"] ?? "") ?? 0, 1 << 20)
        while body.count < length {
            guard recv(descriptor, &byte, 1, 0) == 1 else { return nil }
            body.append(byte)
        }
        let method = lines.first?.split(separator: " ").first.map(String.init) ?? "GET"
        return Request(path: components?.path ?? target, query: query, headers: headers, method: method, body: String(decoding: body, as: UTF8.self))
    }
}

struct FakeServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One accepted connection of a ``FakeHTTPServer``.
struct FakeHTTPConnection: Sendable {
    let descriptor: Int32
    let server: FakeHTTPServer

    /// Writes `text` as it is (a response head, events, half an event).
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// A whole response with a body.
    func respond(status: String, headers: [String: String] = [:], body: String) {
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        write("HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\n\(extra)Connection: close\r\n\r\n\(body)")
    }

    /// The head of an event stream (the body goes on until the connection closes).
    func startEventStream() {
        write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n")
    }

    /// Keeps the connection open and silent until the client closes it or the server stops.
    func holdSilently() {
        var byte: UInt8 = 0
        while !server.isStopped {
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            if recv(descriptor, &byte, 1, 0) <= 0 { return }
        }
    }
}
