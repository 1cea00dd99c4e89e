import Collectors
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// One message of a WebSocket stream as its reader gets it.
enum WebSocketMessage: Sendable {
    /// A whole text (or binary) message, its fragments joined.
    case data([UInt8])
    /// A message over ``WebSocketStream/maximumMessageBytes``, skipped without being kept.
    case oversized(bytes: Int)
}

/// A WebSocket client connection (`ws://` or `wss://`, RFC 6455) read by a collector's thread
/// with timeouts, as ``HTTPResponseStream`` is for HTTP. swift-nio does the I/O on its event
/// loops (NIOSSL the TLS, NIOWebSocket the upgrade and the frames); this side joins fragments
/// into messages, answers pings and close frames, and keeps memory bounded: a frame over
/// ``maximumFrameBytes`` ends the connection (close code 1009), a message over
/// ``maximumMessageBytes`` is skipped, and at most ``maximumBufferedBytes`` wait unread
/// (reading from the socket pauses until the reader catches up).
final class WebSocketStream: RelayedStream, @unchecked Sendable {
    static let maximumMessageBytes = 1 << 20
    static let maximumFrameBytes = 4 << 20
    static let maximumBufferedBytes = 8 << 20

    private let condition = NSCondition()
    private var messages: [WebSocketMessage] = []
    private var bufferedBytes = 0
    /// Whether pings or pongs came since the reader last looked.
    private var sawActivity = false
    private var upgraded = false
    private var refusal: (status: Int, headers: [String: String])?
    private var endReason: String?
    private var readingPaused = false
    private var channel: Channel?
    private let url: URL
    private let address: String
    private let stopRequested: @Sendable () -> Bool

    /// A stream to `url` (not connected yet); `stop` says when a wait should end early.
    init(url: URL, stop: @escaping @Sendable () -> Bool) {
        self.url = url
        stopRequested = stop
        address = "\(url.scheme ?? "ws")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
    }

    /// Connects and upgrades, waiting at most `timeoutSeconds`. Throws a refused upgrade with
    /// its status (and the `Retry-After` of a 429 or 503), a TCP or TLS failure with its cause.
    func connect(timeoutSeconds: Double) throws(CollectError) {
        guard let host = url.host, let scheme = url.scheme?.lowercased(), ["ws", "wss"].contains(scheme) else {
            throw CollectError("\(address) is not a ws:// or wss:// address")
        }
        let secure = scheme == "wss"
        let port = url.port ?? (secure ? 443 : 80)
        let tlsContext: NIOSSLContext?
        do { tlsContext = secure ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil } catch {
            throw CollectError("cannot set up TLS for \(address): \(error)")
        }
        // An address is not a server name for SNI.
        let serverName = host.unicodeScalars.allSatisfy({ "0123456789.:".unicodeScalars.contains($0) }) ? nil : host
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(Int64(min(timeoutSeconds, 30) * 1000)))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: Self.maximumFrameBytes, automaticErrorHandling: true) { [self] channel, _ in
                        channel.pipeline.removeHandler(name: UpgradeRefusalHandler.name).flatMap {
                            channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(WebSocketMessageHandler(stream: self)) }
                        }
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes, withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(UpgradeRefusalHandler(stream: self), name: UpgradeRefusalHandler.name)
                }
            }
        let channel: Channel
        do { channel = try bootstrap.connect(host: host, port: port).wait() } catch {
            throw CollectError("cannot connect to \(address): \(Self.describe(error))")
        }
        condition.lock()
        self.channel = channel
        condition.unlock()
        var target = url.path.isEmpty ? "/" : url.path
        if let query = url.query { target += "?" + query }
        var headers = HTTPHeaders([("Host", url.port.map { "\(host):\($0)" } ?? host), ("User-Agent", "earshot-collect/1.0")])
        headers.add(name: "Content-Length", value: "0")
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: target, headers: headers)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)

        let deadline = Date().addingTimeInterval(timeoutSeconds)
        condition.lock()
        defer { condition.unlock() }
        while !upgraded {
            if let refusal {
                try HTTPResponseStream.check(refusal, what: "the WebSocket upgrade of \(address)", accepted: [101])
            }
            if let endReason { throw CollectError("cannot connect to \(address): \(endReason)") }
            if Date() >= deadline || stopRequested() { throw CollectError("no WebSocket upgrade from \(address) within \(Int(timeoutSeconds)) s") }
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.25)))
        }
    }

    /// The messages that came (all that wait, in order), activity without a message (a ping),
    /// or the end; nil when nothing came within `timeoutSeconds` (or the reader stopped).
    func nextPiece(timeoutSeconds: Double) -> RelayPiece<[WebSocketMessage]>? {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        condition.lock()
        defer { condition.unlock() }
        while messages.isEmpty && !sawActivity && endReason == nil {
            if Date() >= deadline || stopRequested() { return nil }
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.25)))
        }
        if !messages.isEmpty {
            let taken = messages
            messages.removeAll(keepingCapacity: true)
            bufferedBytes = 0
            sawActivity = false
            if readingPaused, let channel {
                readingPaused = false
                channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            }
            return .chunk(taken)
        }
        if sawActivity {
            sawActivity = false
            return .activity
        }
        return .end(endReason ?? "the connection closed")
    }

    /// Closes the connection (a close frame first when it is open).
    func close() {
        condition.lock()
        let channel = self.channel
        self.channel = nil
        if endReason == nil { endReason = "closed by the collector" }
        condition.unlock()
        guard let channel else { return }
        let closing = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(),
                                     data: ByteBuffer(integer: UInt16(1000)))
        if upgraded { channel.writeAndFlush(closing, promise: nil) }
        channel.close(promise: nil)
    }

    /// A failure as one line; TLS failures say so.
    static func describe(_ error: any Error) -> String {
        error is NIOSSLError || error is BoringSSLError ? "TLS failure: \(error)" : "\(error)"
    }

    // MARK: From the event loop

    fileprivate func markUpgraded() {
        condition.lock()
        upgraded = true
        condition.broadcast()
        condition.unlock()
    }

    fileprivate func refuse(status: Int, headers: HTTPHeaders) {
        condition.lock()
        var named: [String: String] = [:]
        for (name, value) in headers { named[name.lowercased()] = value }
        refusal = (status, named)
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a message; returns whether reading should pause until the reader catches up.
    fileprivate func deliver(_ message: WebSocketMessage) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        messages.append(message)
        if case .data(let bytes) = message { bufferedBytes += bytes.count }
        condition.broadcast()
        if bufferedBytes > Self.maximumBufferedBytes {
            readingPaused = true
            return true
        }
        return false
    }

    fileprivate func noteActivity() {
        condition.lock()
        sawActivity = true
        condition.broadcast()
        condition.unlock()
    }

    fileprivate func end(_ reason: String) {
        condition.lock()
        if endReason == nil { endReason = reason }
        condition.broadcast()
        condition.unlock()
    }
}

/// Sees the answer to the upgrade request when it is not a 101 (a 429, a 404) and reports it;
/// removed once the upgrade succeeded.
private final class UpgradeRefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    static let name = "earshot-upgrade-refusal"
    private let stream: WebSocketStream

    init(stream: WebSocketStream) { self.stream = stream }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            stream.refuse(status: Int(head.status.code), headers: head.headers)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stream.end(WebSocketStream.describe(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream.end("the connection closed before the upgrade")
    }
}

/// Joins frames into messages (skipping oversized ones without keeping them), answers pings
/// and the server's close frame, and hands messages to the stream.
private final class WebSocketMessageHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    private let stream: WebSocketStream
    /// The message being joined: its bytes so far (nil while skipping an oversized one) and its size.
    private var joined: ByteBuffer?
    private var messageBytes = 0
    private var inMessage = false

    init(stream: WebSocketStream) { self.stream = stream }

    func handlerAdded(context: ChannelHandlerContext) {
        stream.markUpgraded()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            // A new message while a fragmented one is open: the open one is incomplete; drop it.
            joined = nil
            messageBytes = 0
            inMessage = true
            append(frame, context: context)
        case .continuation:
            guard inMessage else { return }
            append(frame, context: context)
        case .ping:
            stream.noteActivity()
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            stream.noteActivity()
        case .connectionClose:
            var body = frame.unmaskedData
            let code = body.readInteger(as: UInt16.self)
            let reason = body.readString(length: body.readableBytes) ?? ""
            stream.end("the server closed the WebSocket" + (code.map { " (code \($0)\(reason.isEmpty ? "" : ": \(reason)"))" } ?? ""))
            let answer = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(),
                                        data: code.map { ByteBuffer(integer: $0) } ?? ByteBuffer())
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(answer), promise: written)
            written.futureResult.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) }
        default:
            break
        }
    }

    private func append(_ frame: WebSocketFrame, context: ChannelHandlerContext) {
        messageBytes += frame.length
        if messageBytes > WebSocketStream.maximumMessageBytes {
            joined = nil
        } else if joined == nil, messageBytes == frame.length {
            joined = frame.unmaskedData
        } else if joined != nil {
            var data = frame.unmaskedData
            joined!.writeBuffer(&data)
        }
        guard frame.fin else { return }
        let message: WebSocketMessage = joined.map { .data(Array($0.readableBytesView)) } ?? .oversized(bytes: messageBytes)
        joined = nil
        messageBytes = 0
        inMessage = false
        if stream.deliver(message) {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream.end(inMessage ? "the connection closed in the middle of a message" : "the connection closed")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        stream.end(WebSocketStream.describe(error))
        context.close(promise: nil)
    }
}
