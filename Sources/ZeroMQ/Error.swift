import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed libzmq call, with the operation that failed and what it was doing.
public enum ZMQError: Error, Equatable, CustomStringConvertible {
    /// A non-blocking call could not complete now (EAGAIN), or a timeout expired.
    case wouldBlock(operation: String)
    /// The context was shut down or terminated (ETERM): the socket must be closed.
    case contextTerminated(operation: String)
    /// A ROUTER with ROUTER_MANDATORY was asked to send to a peer it does not know (EHOSTUNREACH).
    case peerUnreachable(operation: String)
    /// The operation is not valid in the socket's current state (EFSM), e.g. REQ sending twice.
    case invalidState(operation: String)
    /// Any other errno, with libzmq's text for it.
    case system(operation: String, errno: Int32, message: String)

    /// Maps the current thread's errno after a failed call of `operation`.
    static func fromErrno(_ operation: String) -> ZMQError {
        let code = earshot_zmq_errno()
        switch code {
        case EAGAIN: return .wouldBlock(operation: operation)
        case ETERM: return .contextTerminated(operation: operation)
        case EHOSTUNREACH: return .peerUnreachable(operation: operation)
        case EFSM: return .invalidState(operation: operation)
        default: return .system(operation: operation, errno: code, message: String(cString: zmq_strerror(code)))
        }
    }

    public var description: String {
        switch self {
        case .wouldBlock(let operation): return "\(operation): would block (EAGAIN)"
        case .contextTerminated(let operation): return "\(operation): context terminated (ETERM)"
        case .peerUnreachable(let operation): return "\(operation): peer unreachable (EHOSTUNREACH)"
        case .invalidState(let operation): return "\(operation): socket in wrong state (EFSM)"
        case .system(let operation, let errno, let message): return "\(operation): \(message) (errno \(errno))"
        }
    }
}

/// Runs a libzmq call that returns -1 on failure, retrying when a signal
/// interrupted it (EINTR), and maps any other failure to a typed error.
/// (The same shape as swift-nio's `syscall` in NIOPosix/System.swift.)
@inline(__always)
func zmqCall(_ operation: @autoclosure () -> String, _ body: () -> Int32) throws(ZMQError) -> Int32 {
    while true {
        let result = body()
        if result != -1 { return result }
        if earshot_zmq_errno() == EINTR { continue }
        throw ZMQError.fromErrno(operation())
    }
}
