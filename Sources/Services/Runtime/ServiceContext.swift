import EarshotRPC
import EarshotWire
import Foundation
import Logging
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

    public init(serviceName: String, shutdown: ShutdownSignal = ShutdownSignal(), ioThreads: Int32 = 1) throws(ZMQError) {
        self.serviceName = serviceName
        self.shutdown = shutdown
        zmq = try Context(ioThreads: ioThreads)
        logger = Logger(label: "earshot.\(serviceName)")  // level: the handler's (EARSHOT_LOG_LEVEL, set at bootstrap)
    }

    /// An RPC server for this service with Health/Check and Stats/Get registered.
    /// Call on the thread that will serve it.
    public func makeRPCServer(endpoint: String) throws(ZMQError) -> RPCServer {
        let server = try RPCServer(RPCServerConfiguration(endpoint: endpoint, serviceName: serviceName), context: zmq, logger: logger)
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

/// Socket settings for the pipeline hops, chosen so memory stays bounded and
/// a stopping process neither hangs nor drops what it already handed over.
public enum PipelineSocket {
    /// Largest frame a pipeline socket accepts; a peer sending more is dropped.
    public static let maxFrameBytes: Int64 = 64 << 20

    /// Opens a socket for a pipeline hop. `highWaterMark` is in messages
    /// (batches); LINGER is finite so shutdown cannot hang on a dead peer.
    public static func open(_ kind: SocketKind, context: Context, highWaterMark: Int32, lingerMilliseconds: Int32 = 2_000) throws(ZMQError) -> Socket {
        let socket = try Socket(kind, context: context)
        try socket.set([
            .linger(lingerMilliseconds),
            .sendHighWaterMark(highWaterMark),
            .receiveHighWaterMark(highWaterMark),
            .maxMessageSize(maxFrameBytes),
            .heartbeatInterval(2_000), .heartbeatTimeToLive(6_000), .heartbeatTimeout(6_000),
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
