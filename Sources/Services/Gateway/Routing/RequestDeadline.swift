import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request head arrived but whose request did not end within `limit`.
///
/// Against slow clients (slowloris): Hummingbird's idle timeout counts whole HTTP parts, not
/// bytes, so a head dripped a byte at a time is cut off once that timeout passes without a
/// complete head. A body is another matter: each chunk counts as activity, and after a
/// response given without reading the body (a 401, say) Hummingbird reads whatever is left of
/// it, so a client dripping its body would hold the connection for ever. This handler bounds the whole request instead; the gateway's
/// own body timeout (408) is shorter, so a client that reads gets the 408 before the close.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let limit: TimeAmount
    private var pending: Scheduled<Void>?

    /// A handler closing the connection `limit` after a request head whose end has not arrived.
    init(limit: TimeAmount) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            pending?.cancel()
            pending = context.eventLoop.assumeIsolated().scheduleTask(in: limit) { context.close(promise: nil) }
        case .body:
            break
        case .end:
            pending?.cancel()
            pending = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
