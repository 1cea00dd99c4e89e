import Dispatch
import EarshotWire
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// A call admitted by the socket's thread and run by a worker: its routing envelope, handler,
/// payload and context. Sendable unchecked: handlers run on workers must be thread-safe
/// (``RPCServer/runCallsOnWorkers(count:queueLimit:inline:)``), the rest are values.
struct AdmittedCall: @unchecked Sendable {
    let envelope: [[UInt8]]
    let requestID: String
    let payload: [UInt8]
    let context: CallContext
    let handler: RPCServer.Handler
    /// When the socket's thread queued it (monotonic ms).
    let queuedAtMs: Int64
}

/// Whether a server drains: read by its workers, set by the socket's thread.
final class DrainFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// The bounded pool of threads that runs an ``RPCServer``'s calls off its socket's thread (the
/// zguide's pattern: the ROUTER stays on one thread, workers hand their encoded answers back to
/// it over an inproc PUSH → PULL pair, since ZeroMQ sockets are not thread-safe).
///
/// Calls wait in a queue of at most ``queueLimit`` while every worker is busy; a call beyond that
/// is refused (the server answers RESOURCE_EXHAUSTED). A call still queued when its deadline
/// passes is answered DEADLINE_EXCEEDED without running.
final class CallWorkers: Sendable {
    /// Calls that may wait for a worker.
    let queueLimit: Int
    /// Where the workers push their answers (the server binds a PULL socket there first).
    let answersEndpoint: String
    private let queue = Mutex<[AdmittedCall]>([])
    private let stopping = Atomic<Bool>(false)
    private let available = DispatchSemaphore(value: 0)
    private let finished = DispatchGroup()
    private let count: Int

    /// Starts `count` workers that answer each call with `respond` and push the answer's frames
    /// to `answersEndpoint` over `context`.
    init(count: Int, queueLimit: Int, context: Context, answersEndpoint: String, logger: Logger,
         respond: @escaping @Sendable (AdmittedCall) -> [[UInt8]]) {
        self.count = count
        self.queueLimit = queueLimit
        self.answersEndpoint = answersEndpoint
        for index in 0..<count {
            finished.enter()
            let thread = Thread { [self] in
                defer { finished.leave() }
                let answers: Socket
                do {
                    answers = try Socket(.push, context: context)
                    try answers.set([.linger(0), .sendHighWaterMark(0)])
                    try answers.connect(answersEndpoint)
                } catch {
                    logger.critical("an RPC worker cannot open its answer socket", metadata: ["error": "\(error)"])
                    return
                }
                defer { answers.close() }
                while let call = next() {
                    do { try answers.send(respond(call)) } catch {
                        logger.warning("an RPC worker cannot hand back its answer", metadata: ["error": "\(error)"])
                    }
                }
            }
            thread.name = "rpc-worker-\(index)"
            thread.start()
        }
    }

    /// Queues `call` for the next free worker; false when ``queueLimit`` calls wait already.
    func submit(_ call: AdmittedCall) -> Bool {
        let accepted = queue.withLock { calls in
            guard calls.count < queueLimit else { return false }
            calls.append(call)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Lets each worker finish its call and the queued ones (which the server, draining by then,
    /// answers UNAVAILABLE), then stop; waits up to `timeoutMilliseconds` for all of them. False
    /// when some call was still running then.
    func stop(waitingUpTo timeoutMilliseconds: Int) -> Bool {
        stopping.store(true, ordering: .releasing)
        for _ in 0..<count { available.signal() }
        return finished.wait(timeout: .now() + .milliseconds(timeoutMilliseconds)) == .success
    }

    /// The next queued call, waiting for one; nil once stopping and nothing is queued.
    private func next() -> AdmittedCall? {
        while true {
            available.wait()
            if let call = queue.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return call }
            if stopping.load(ordering: .acquiring) {
                available.signal()  // wake the next worker too
                return nil
            }
        }
    }
}
