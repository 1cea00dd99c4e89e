import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A stand-in for a Jetstream instance on loopback, for the collector's tests and its benchmark
/// (`earshot bench collect`): it upgrades each WebSocket request (or refuses it with the status
/// `decide` gives) and hands the connection to `serve` on a thread of its own, which writes
/// whatever frames it likes, whole, fragmented or cut off, through a ``JetstreamReplayConnection``.
public final class JetstreamReplayServer: @unchecked Sendable {
    /// What to answer a WebSocket request.
    public enum Answer: Sendable {
        case upgrade
        /// Refuse with this status and headers (e.g. 429 and `Retry-After`).
        case refuse(status: Int, headers: [(String, String)])
    }

    /// The port bound.
    public let port: Int
    private let channel: Channel
    private let connections: OpenChannels

    /// Listens on `host`:`port` (0: the kernel's choice). `decide` answers each request by
    /// its target (path and query); `serve` runs for each upgraded connection.
    public init(host: String = "127.0.0.1", port: Int = 0, decide: @escaping @Sendable (String) -> Answer = { _ in .upgrade },
                serve: @escaping @Sendable (JetstreamReplayConnection) -> Void) throws {
        let box = OpenChannels()
        connections = box
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let refusal = RefusalResponder()
                let upgrader = NIOWebSocketServerUpgrader(maxFrameSize: 1 << 20, automaticErrorHandling: true, shouldUpgrade: { channel, head in
                    switch decide(head.uri) {
                    case .upgrade: return channel.eventLoop.makeSucceededFuture(HTTPHeaders())
                    case .refuse(let status, let headers):
                        refusal.answer = (status, headers)
                        return channel.eventLoop.makeSucceededFuture(nil)
                    }
                }, upgradePipelineHandler: { channel, head in
                    channel.pipeline.removeHandler(refusal).flatMapThrowing {
                        let writer = RawFrameWriter()
                        try channel.pipeline.syncOperations.addHandler(writer, position: .first)
                        try channel.pipeline.syncOperations.addHandler(ClientFrameReader())
                        let connection = JetstreamReplayConnection(channel: channel, writer: writer, target: head.uri)
                        box.channels.withLock { $0[ObjectIdentifier(channel)] = channel }
                        channel.closeFuture.whenComplete { _ in box.channels.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) } }
                        Thread.detachNewThread { serve(connection) }
                    }
                })
                return channel.pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in })).flatMap {
                    channel.pipeline.addHandler(refusal)
                }
            }
        channel = try bootstrap.bind(host: host, port: port).wait()
        self.port = channel.localAddress?.port ?? port
    }

    /// The address collectors subscribe to.
    public var url: String { "ws://127.0.0.1:\(port)/subscribe" }

    /// Stops listening and cuts every connection without a close frame (a crash or restart).
    public func stop() {
        try? channel.close().wait()
        let open = connections.channels.withLock { Array($0.values) }
        for connection in open { try? connection.close().wait() }
    }
}

/// The server's upgraded connections, to cut them all on ``JetstreamReplayServer/stop()``.
private final class OpenChannels: Sendable {
    let channels = Mutex<[ObjectIdentifier: Channel]>([:])
}

/// One upgraded connection of a ``JetstreamReplayServer``; its methods may be called from any thread.
public final class JetstreamReplayConnection: @unchecked Sendable {
    /// The request's target, e.g. `/subscribe?wantedCollections=app.bsky.feed.post&cursor=…`.
    public let target: String
    private let channel: Channel
    private let writer: RawFrameWriter

    fileprivate init(channel: Channel, writer: RawFrameWriter, target: String) {
        self.channel = channel
        self.writer = writer
        self.target = target
    }

    /// The `cursor` the client asked for, if any.
    public var cursor: Int64? {
        URLComponents(string: target)?.queryItems?.first { $0.name == "cursor" }?.value.flatMap { Int64($0) }
    }

    /// Whether the connection is still open.
    public var isOpen: Bool { channel.isActive }

    /// Writes `bytes` as they are (frames, half a frame) and waits until they are written;
    /// false when the connection is gone.
    @discardableResult
    public func writeRaw(_ bytes: [UInt8]) -> Bool {
        let writer = self.writer
        let written = channel.eventLoop.flatSubmit { writer.write(ByteBuffer(bytes: bytes)) }
        return (try? written.wait()) != nil
    }

    /// Writes one frame (server frames are not masked).
    @discardableResult
    public func send(_ payload: [UInt8], opcode: UInt8 = 0x1, fin: Bool = true) -> Bool {
        writeRaw(Self.frame(payload, opcode: opcode, fin: fin))
    }

    /// Writes each text message as one frame, all in one write.
    @discardableResult
    public func send(messages: [String]) -> Bool {
        var bytes: [UInt8] = []
        for message in messages { Self.appendFrame(Array(message.utf8), opcode: 0x1, fin: true, to: &bytes) }
        return writeRaw(bytes)
    }

    /// Drops the connection without a close frame.
    public func drop() {
        try? channel.close().wait()
    }

    /// Waits until the client closes the connection or `seconds` pass.
    public func waitForClose(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while channel.isActive, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    }

    /// The bytes of one unmasked frame.
    public static func frame(_ payload: [UInt8], opcode: UInt8, fin: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        appendFrame(payload, opcode: opcode, fin: fin, to: &bytes)
        return bytes
    }

    private static func appendFrame(_ payload: [UInt8], opcode: UInt8, fin: Bool, to bytes: inout [UInt8]) {
        bytes.append((fin ? 0x80 : 0) | opcode)
        switch payload.count {
        case ..<126: bytes.append(UInt8(payload.count))
        case ..<65_536: bytes += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        bytes += payload
    }
}

/// Sits first in the pipeline, so what it writes goes to the socket as it is.
final class RawFrameWriter: ChannelOutboundHandler, @unchecked Sendable {
    typealias OutboundIn = ByteBuffer
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes and flushes `buffer` (on the event loop).
    func write(_ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard let context else { return MultiThreadedEventLoopGroup.singleton.next().makeFailedFuture(ChannelError.ioOnClosedChannel) }
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(buffer), promise: written)
        return written.futureResult
    }
}

/// Reads the client's frames: answers its close frame by closing, drops the rest.
private final class ClientFrameReader: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if unwrapInboundIn(data).opcode == .connectionClose { context.close(promise: nil) }
    }
}

/// Answers a request that was not upgraded with the status the server decided; removed from
/// an upgraded connection (the frames would pass it).
private final class RefusalResponder: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    var answer: (status: Int, headers: [(String, String)]) = (400, [])

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var headers = HTTPHeaders(answer.headers)
        headers.add(name: "Content-Length", value: "0")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: answer.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
    }
}
