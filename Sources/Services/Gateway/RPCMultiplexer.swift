import EarshotRPC
import EarshotWire
import Foundation
import Synchronization
import ZeroMQ
#if canImport(Glibc)
import Glibc
#endif

/// The gateway's calls to one service behind it, all on one DEALER socket.
///
/// Each call is encoded by its own task, under a request id of its own, and handed to one I/O
/// thread that owns the socket: the thread sends it, matches every answer to its call by the id
/// the service echoes and resumes the waiting task. The service's ROUTER answers each request
/// on the envelope it came with, so one DEALER carries any number of outstanding calls, and a
/// burst of calls costs one wake-up of the thread, not a thread and a socket each.
///
/// Every call keeps its deadline: one that could not be sent by then (no connection to the
/// service) fails with UNAVAILABLE, one not answered by then with DEADLINE_EXCEEDED, and an
/// answer that comes later is dropped. At most `capacity` calls are in flight; one more is
/// refused with RESOURCE_EXHAUSTED (429 with Retry-After), so a flood of requests cannot make
/// the gateway hold unbounded memory. ZeroMQ reconnects the socket by itself when the service
/// comes back after a restart.
final class RPCMultiplexer: Sendable {
    let backend: GatewayBackend
    let endpoint: String
    private let capacity: Int
    private let inFlight = Atomic<Int>(0)
    private let lastNumber = Atomic<UInt64>(0)
    private let exchange: Exchange

    /// Connects (lazily, as ZeroMQ does) to `backend` at `endpoint`, with `socketOptions` set
    /// first (the CURVE client options), and starts the I/O thread.
    init(backend: GatewayBackend, endpoint: String, capacity: Int, context: Context, socketOptions: [SocketOption] = []) throws(ZMQError) {
        self.backend = backend
        self.endpoint = endpoint
        self.capacity = capacity
        let socket = try Socket(.dealer, context: context)
        try socket.set([.linger(0), .immediate(true), .maxMessageSize(256 << 20), .heartbeatInterval(5_000), .heartbeatTimeout(15_000)]
                       + socketOptions)
        try socket.connect(endpoint)
        exchange = try Exchange()
        let loop = IOLoop(socket: socket, exchange: exchange, endpoint: endpoint)
        let thread = Thread { loop.run() }
        thread.name = "gateway-rpc-\(backend.rawValue)"
        thread.start()
    }

    deinit { exchange.stop() }

    /// Calls `method` with the encoded request `payload` and returns the encoded response.
    func call(_ method: String, payload: [UInt8], metadata: [String: String], timeoutMilliseconds: Int64) async throws(GatewayError) -> [UInt8] {
        guard inFlight.add(1, ordering: .relaxed).newValue <= capacity else {
            _ = inFlight.subtract(1, ordering: .relaxed)
            throw GatewayError(.resourceExhausted, "\(capacity) calls to the \(backend.rawValue) service are in flight; retry shortly")
        }
        defer { _ = inFlight.subtract(1, ordering: .relaxed) }
        let request = RpcRequest(method: method, requestID: "gateway-\(lastNumber.add(1, ordering: .relaxed).newValue)",
                                 timeoutMilliseconds: timeoutMilliseconds, metadata: metadata, payload: payload)
        let frame: [UInt8]
        do { frame = try request.serializedBytes() } catch { throw GatewayError(.internal, "cannot encode the call to \(method): \(error)") }
        let call = Call(id: request.requestId, method: method, frame: frame, timeoutMilliseconds: timeoutMilliseconds,
                        deadline: monotonicMilliseconds() + timeoutMilliseconds)
        let outcome = await withCheckedContinuation { continuation in exchange.submit(call, continuation) }
        switch outcome {
        case .success(let bytes): return bytes
        case .failure(let error): throw GatewayError(error)
        }
    }
}

/// A call's outcome: the response payload, or the status that ended it.
private typealias Outcome = Result<[UInt8], RPCError>

/// One call handed to the I/O thread.
private struct Call: Sendable {
    let id: String
    let method: String
    /// The encoded `RpcRequest`.
    let frame: [UInt8]
    let timeoutMilliseconds: Int64
    /// On the monotonic clock (``monotonicMilliseconds()``).
    let deadline: Int64
}

/// A call and the task waiting for it.
private struct Waiting {
    let call: Call
    let continuation: CheckedContinuation<Outcome, Never>

    func finish(_ outcome: Outcome) { continuation.resume(returning: outcome) }
}

/// Where the callers' tasks hand calls to the I/O thread: a queue under a lock and a pipe whose
/// read end wakes the thread from its poll when the queue stops being empty.
private final class Exchange: Sendable {
    private struct State: ~Copyable {
        var queue: [Waiting] = []
        var stopped = false
    }
    private let state = Mutex(State())
    /// The read end of the wake-up pipe, which the I/O thread polls.
    let wakeDescriptor: Int32
    private let signalDescriptor: Int32

    init() throws(ZMQError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw ZMQError.system(operation: "pipe", errno: errno, message: String(cString: strerror(errno))) }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeDescriptor = ends[0]
        signalDescriptor = ends[1]
    }

    deinit {
        close(wakeDescriptor)
        close(signalDescriptor)
    }

    /// Queues `call` for the I/O thread, or fails it at once when the thread has stopped.
    func submit(_ call: Call, _ continuation: CheckedContinuation<Outcome, Never>) {
        let waiting = Waiting(call: call, continuation: continuation)
        let wake: Bool? = state.withLock { state in
            guard !state.stopped else { return nil }
            state.queue.append(waiting)
            return state.queue.count == 1
        }
        switch wake {
        case nil: waiting.finish(.failure(RPCError(.unavailable, "the gateway is shutting down")))
        case true?: signal()
        case false?: break  // the thread was woken for the first call in the queue and takes all of them
        }
    }

    /// The calls queued since the last take, and whether the thread must stop. Read the wake-up
    /// (``clearWake()``) before taking: a call queued after the take wakes the next poll.
    func take() -> (calls: [Waiting], stopped: Bool) {
        state.withLock { state in
            let calls = state.queue
            state.queue = []
            return (calls, state.stopped)
        }
    }

    /// Tells the I/O thread to fail what it holds with UNAVAILABLE and end.
    func stop() {
        state.withLock { $0.stopped = true }
        signal()
    }

    /// Empties the wake-up pipe.
    func clearWake() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakeDescriptor, &bytes, bytes.count) == bytes.count {}
    }

    private func signal() {
        var byte: UInt8 = 1
        _ = write(signalDescriptor, &byte, 1)  // a full pipe (EAGAIN) wakes the thread as well
    }
}

/// The I/O thread's side: the socket, the calls waiting to be sent (while there is no
/// connection) and the calls sent and waiting for their answers, by request id.
private final class IOLoop: @unchecked Sendable {
    private let socket: Socket
    private let exchange: Exchange
    private let endpoint: String
    private var unsent: [Waiting] = []
    private var sent: [String: Waiting] = [:]
    /// The earliest deadline among the calls held (Int64.max when none): nothing expires before it.
    private var earliestDeadline = Int64.max

    init(socket: Socket, exchange: Exchange, endpoint: String) {
        self.socket = socket
        self.exchange = exchange
        self.endpoint = endpoint
    }

    func run() {
        var poller = Poller()
        let socketIndex = poller.add(socket)
        let wakeIndex = poller.add(descriptor: exchange.wakeDescriptor)
        while true {
            poller.setEvents(unsent.isEmpty ? .readable : [.readable, .writable], at: socketIndex)
            let timeout = earliestDeadline == .max ? -1 : Int(max(0, earliestDeadline - monotonicMilliseconds()))
            do {
                try poller.poll(timeoutMilliseconds: timeout)
            } catch {
                finishAll(RPCError(.unavailable, "the connection to \(endpoint) failed: \(error)"))
                return
            }
            if poller.isReady(wakeIndex) { exchange.clearWake() }
            let (arrived, stopped) = exchange.take()
            if stopped {
                arrived.forEach { $0.finish(.failure(RPCError(.unavailable, "the gateway is shutting down"))) }
                finishAll(RPCError(.unavailable, "the gateway is shutting down"))
                return
            }
            for waiting in arrived {
                unsent.append(waiting)
                earliestDeadline = min(earliestDeadline, waiting.call.deadline)
            }
            receiveAnswers()
            sendUnsent()
            expire(now: monotonicMilliseconds())
        }
    }

    /// Resumes the call of every answer queued on the socket; answers to no call held (late
    /// answers to calls that timed out) are dropped.
    private func receiveAnswers() {
        while true {
            let frames: [[UInt8]]
            do {
                guard let received = try socket.receive(wait: false) else { return }
                frames = received
            } catch {
                return  // the socket's failures show as calls that are not answered in time
            }
            guard let last = frames.last, let response = try? RpcResponse(serializedBytes: last),
                  let waiting = sent.removeValue(forKey: response.requestId) else { continue }
            waiting.finish(response.outcome)
        }
    }

    /// Sends the calls waiting to be sent, in order, until the socket cannot take more now
    /// (no connection yet, or its queue full).
    private func sendUnsent() {
        var count = 0
        for waiting in unsent {
            do {
                guard try socket.send(waiting.call.frame, wait: false) else { break }
                sent[waiting.call.id] = waiting
            } catch {
                waiting.finish(.failure(RPCError(.unavailable, "cannot send to \(endpoint): \(error)")))
            }
            count += 1
        }
        unsent.removeFirst(count)
    }

    /// Fails the calls whose deadline has passed: UNAVAILABLE if they could not even be sent,
    /// DEADLINE_EXCEEDED if they got no answer.
    private func expire(now: Int64) {
        guard now >= earliestDeadline else { return }
        earliestDeadline = .max
        unsent.removeAll { waiting in
            guard waiting.call.deadline <= now else {
                earliestDeadline = min(earliestDeadline, waiting.call.deadline)
                return false
            }
            waiting.finish(.failure(RPCError(.unavailable, "no connection to \(endpoint) within \(waiting.call.timeoutMilliseconds) ms")))
            return true
        }
        for (id, waiting) in sent {
            guard waiting.call.deadline <= now else {
                earliestDeadline = min(earliestDeadline, waiting.call.deadline)
                continue
            }
            sent.removeValue(forKey: id)
            waiting.finish(.failure(RPCError(.deadlineExceeded,
                                             "no answer from \(endpoint) to \(waiting.call.method) within \(waiting.call.timeoutMilliseconds) ms")))
        }
    }

    private func finishAll(_ error: RPCError) {
        for waiting in unsent { waiting.finish(.failure(error)) }
        for waiting in sent.values { waiting.finish(.failure(error)) }
        unsent = []
        sent = [:]
    }
}
