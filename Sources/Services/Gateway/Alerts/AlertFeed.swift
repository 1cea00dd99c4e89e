import EarshotSecurity
import EarshotWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// One subscription to the query service's alert PUB socket per gateway, fanned out to
/// every SSE client (``AlertEvents``): a thread receives and decodes, each client has a
/// bounded buffer (the newest ``AlertEvents/bufferPerClient`` alerts), and every
/// ``AlertEvents/heartbeatSeconds`` each client gets a `nil` (a heartbeat).
final class AlertFeed: Sendable {
    typealias Stream = AsyncStream<Alert?>
    let endpoint: String
    private let clients = Mutex<(next: Int, continuations: [Int: Stream.Continuation])>((0, [:]))
    /// Clients at most (then 429): each holds a connection and a buffer.
    static let maxClients = 1_000

    /// Subscribes to `endpoint` with `socketOptions` (the CURVE client options) and starts the thread.
    init(endpoint: String, context: Context, socketOptions: [SocketOption], logger: Logger) throws {
        self.endpoint = endpoint
        let socket = try Socket(.sub, context: context)
        try socket.set([.linger(0), .receiveTimeout(Int32(AlertEvents.heartbeatSeconds * 1_000)), .subscribe(Array("alert.".utf8))] + socketOptions)
        try socket.connect(endpoint)
        let box = SocketBox(socket: socket)
        let thread = Thread { [self] in
            while true {
                do {
                    if let frames = try box.socket.receive(), frames.count == 2, let alert = try? Alert(serializedBytes: frames[1]) {
                        broadcast(alert)
                    } else {
                        broadcast(nil)
                    }
                } catch {
                    logger.error("alert feed stopped", metadata: ["endpoint": "\(endpoint)", "error": "\(error)"])
                    return
                }
            }
        }
        thread.name = "earshot-gateway-alerts"
        thread.start()
    }

    /// The socket, used only by the feed's thread.
    private struct SocketBox: @unchecked Sendable { let socket: Socket }

    /// A new client's stream; nil when ``maxClients`` are connected.
    func subscribe() -> Stream? {
        let (stream, continuation) = Stream.makeStream(bufferingPolicy: .bufferingNewest(AlertEvents.bufferPerClient))
        let id: Int? = clients.withLock { clients in
            guard clients.continuations.count < Self.maxClients else { return nil }
            clients.next += 1
            clients.continuations[clients.next] = continuation
            return clients.next
        }
        guard let id else { return nil }
        continuation.onTermination = { [weak self] _ in self?.clients.withLock { _ = $0.continuations.removeValue(forKey: id) } }
        return stream
    }

    private func broadcast(_ alert: Alert?) {
        for continuation in clients.withLock({ Array($0.continuations.values) }) { continuation.yield(alert) }
    }
}
