import EarshotRPC
import Foundation

/// A request the gateway refuses or a call that failed behind it: a gRPC status
/// (the one the RPC returned, or the gateway's own for bad HTTP input), the HTTP
/// status it maps to, and a message for the client.
public struct GatewayError: Error, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    /// The HTTP status; by default the one ``httpStatus(for:)`` maps `code` to.
    public var httpStatus: Int
    /// Seconds for `Retry-After` (set with RESOURCE_EXHAUSTED and UNAVAILABLE).
    public var retryAfterSeconds: Int?

    public init(_ code: StatusCode, _ message: String, httpStatus: Int? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus ?? Self.httpStatus(for: code)
        self.retryAfterSeconds = retryAfterSeconds ?? (code == .resourceExhausted ? 1 : nil)
    }

    /// The gateway's view of an RPC failure.
    public init(_ error: RPCError) {
        self.init(error.code, error.message)
    }

    public var description: String { "\(httpStatus) \(code): \(message)" }

    /// The HTTP status of each gRPC status, as Google's HTTP APIs map them:
    /// 3→400, 5→404, 6→409, 7→403, 16→401, 8→429, 4→504, 14→503, 13→500, and the rest alike.
    public static func httpStatus(for code: StatusCode) -> Int {
        switch code {
        case .ok: return 200
        case .cancelled: return 499
        case .invalidArgument, .failedPrecondition, .outOfRange: return 400
        case .unauthenticated: return 401
        case .permissionDenied: return 403
        case .notFound: return 404
        case .alreadyExists, .aborted: return 409
        case .resourceExhausted: return 429
        case .unimplemented: return 501
        case .unavailable: return 503
        case .deadlineExceeded: return 504
        case .unknown, .internal, .dataLoss: return 500
        }
    }

    /// The JSON body: `{"code": <HTTP status>, "status": "<gRPC status name>", "message": "…"}`.
    public var body: [UInt8] {
        let object: [String: Any] = ["code": httpStatus, "status": code.description, "message": message]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [0x0A]
    }
}
