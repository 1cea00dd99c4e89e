import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A process-wide stop request, set by SIGTERM/SIGINT or by code.
///
/// Service loops check ``isRequested`` between polls (they poll with short
/// timeouts), finish the work they hold, and return; nothing is cut off
/// mid-transaction.
public final class ShutdownSignal: @unchecked Sendable {
    private let requested = Atomic<Bool>(false)
    private let failedFlag = Atomic<Bool>(false)
    /// Kept alive for the process; only touched by installSignalHandlers (main thread).
    private var sources: [any DispatchSourceSignal] = []

    public init() {}

    /// Whether a stop was requested.
    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    /// Whether a stop was requested because a service thread failed (``requestAfterFailure()``):
    /// the process then exits with a non-zero status.
    public var failed: Bool { failedFlag.load(ordering: .acquiring) }

    /// Requests a stop.
    public func request() { requested.store(true, ordering: .releasing) }

    /// Requests a stop because a service thread cannot go on (a bind that failed, a bad
    /// endpoint): the service stops as with ``request()`` and then exits with a failure status.
    public func requestAfterFailure() {
        failedFlag.store(true, ordering: .releasing)
        request()
    }

    /// Turns SIGTERM and SIGINT into a stop request (and ignores SIGPIPE).
    /// `onSignal` runs once per signal, off the service threads.
    public func installSignalHandlers(onSignal: @escaping @Sendable (Int32) -> Void = { _ in }) {
        signal(SIGPIPE, SIG_IGN)
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                request()
                onSignal(number)
            }
            source.resume()
            sources.append(source)
        }
    }
}
