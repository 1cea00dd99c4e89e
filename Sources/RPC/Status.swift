import EarshotWire

/// gRPC status codes, with the same numbers and meanings.
public enum StatusCode: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0, cancelled = 1, unknown = 2, invalidArgument = 3, deadlineExceeded = 4
    case notFound = 5, alreadyExists = 6, permissionDenied = 7, resourceExhausted = 8
    case failedPrecondition = 9, aborted = 10, outOfRange = 11, unimplemented = 12
    case `internal` = 13, unavailable = 14, dataLoss = 15, unauthenticated = 16

    /// The canonical upper-case name, e.g. "INVALID_ARGUMENT".
    public var description: String {
        switch self {
        case .ok: return "OK"
        case .cancelled: return "CANCELLED"
        case .unknown: return "UNKNOWN"
        case .invalidArgument: return "INVALID_ARGUMENT"
        case .deadlineExceeded: return "DEADLINE_EXCEEDED"
        case .notFound: return "NOT_FOUND"
        case .alreadyExists: return "ALREADY_EXISTS"
        case .permissionDenied: return "PERMISSION_DENIED"
        case .resourceExhausted: return "RESOURCE_EXHAUSTED"
        case .failedPrecondition: return "FAILED_PRECONDITION"
        case .aborted: return "ABORTED"
        case .outOfRange: return "OUT_OF_RANGE"
        case .unimplemented: return "UNIMPLEMENTED"
        case .internal: return "INTERNAL"
        case .unavailable: return "UNAVAILABLE"
        case .dataLoss: return "DATA_LOSS"
        case .unauthenticated: return "UNAUTHENTICATED"
        }
    }
}

/// A non-OK RPC outcome: what handlers throw and what clients receive.
public struct RPCError: Error, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String

    public init(_ code: StatusCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Shorthand for the most common handler error.
    public static func invalidArgument(_ message: String) -> RPCError { RPCError(.invalidArgument, message) }
}

