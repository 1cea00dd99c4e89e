import Dispatch
import EarshotRPC
import EarshotWire
import Foundation
import Synchronization
import Testing
import ZeroMQ
@testable import GatewayService

/// A ROUTER standing in for a service behind the gateway, on a thread of its own. It answers each
/// request as `answer` says, and the requests that arrived together in reverse order, so that
/// answers come back in another order than the calls were made.
final class FakeBackend: Sendable {
    /// How the fake answers one request.
    enum Reply: Sendable {
        case now(RpcResponse)
        case after(milliseconds: Int64, RpcResponse)
        case never
    }

    let endpoint: String
    private let stopped = Flag()
    private let done = DispatchSemaphore(value: 0)

    private final class Flag: Sendable {
        let isSet = Atomic<Bool>(false)
    }

    /// Binds `address` ("tcp://127.0.0.1:*" picks a port) and starts answering.
    init(binding address: String = "tcp://127.0.0.1:*", answer: @escaping @Sendable (RpcRequest) -> Reply) throws {
        let bound = Mutex<Result<String, any Error>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        Thread { [stopped, done] in
            defer { done.signal() }
            let socket: Socket
            do {
                socket = try Socket(.router, context: try Context())
                try socket.set(.linger(0))
                let endpoint = try socket.bind(address)
                bound.withLock { $0 = .success(endpoint) }
                ready.signal()
            } catch {
                bound.withLock { $0 = .failure(error) }
                ready.signal()
                return
            }
            defer { socket.close() }
            var poller = Poller()
            poller.add(socket)
            var delayed: [(due: Int64, frames: [[UInt8]])] = []
            while !stopped.isSet.load(ordering: .relaxed) {
                _ = try? poller.poll(timeoutMilliseconds: 10)
                var batch: [[[UInt8]]] = []
                while let frames = try? socket.receive(wait: false) { batch.append(frames) }
                for frames in batch.reversed() {
                    guard let request = try? RpcRequest(serializedBytes: frames[frames.count - 1]) else { continue }
                    switch answer(request) {
                    case .now(let response):
                        _ = try? socket.send(Array(frames.dropLast()) + [try! response.serializedBytes()], wait: false)
                    case .after(let milliseconds, let response):
                        delayed.append((monotonicMilliseconds() + milliseconds, Array(frames.dropLast()) + [try! response.serializedBytes()]))
                    case .never:
                        break
                    }
                }
                let now = monotonicMilliseconds()
                for reply in delayed where reply.due <= now { _ = try? socket.send(reply.frames, wait: false) }
                delayed.removeAll { $0.due <= now }
            }
        }.start()
        ready.wait()
        endpoint = try bound.withLock { $0! }.get()
    }

    /// Stops answering and closes the socket (the service going down).
    func stop() {
        stopped.isSet.store(true, ordering: .relaxed)
        done.wait()
    }

    /// The answer to `request` with `payload`.
    static func answer(_ request: RpcRequest, payload: [UInt8]) -> RpcResponse {
        var response = RpcResponse()
        response.requestId = request.requestId
        response.payload = payload
        return response
    }

    /// What an answering fake gives for the request payload `payload`.
    static func echoed(_ payload: [UInt8]) -> [UInt8] { Array("answer to ".utf8) + payload }
}

@Suite struct RPCMultiplexerTests {
    static func multiplexer(_ backend: FakeBackend, capacity: Int = 128) throws -> RPCMultiplexer {
        try RPCMultiplexer(backend: .query, endpoint: backend.endpoint, capacity: capacity, context: try Context())
    }

    /// The outcome of one call: its answer or its error.
    static func outcome(_ multiplexer: RPCMultiplexer, _ payload: [UInt8], timeoutMilliseconds: Int64) async -> Result<[UInt8], GatewayError> {
        do throws(GatewayError) {
            return .success(try await multiplexer.call(QueryMethod.overview, payload: payload, metadata: [:], timeoutMilliseconds: timeoutMilliseconds))
        } catch {
            return .failure(error)
        }
    }

    @Test func callsBeyondTheCapacityAreRefusedAt429AndTheSlotComesBack() async throws {
        let backend = try FakeBackend { _ in .never }
        defer { backend.stop() }
        let pool = try Self.multiplexer(backend, capacity: 1)
        let payload = try OverviewRequest().serializedBytes()
        let first = Task { await Self.outcome(pool, payload, timeoutMilliseconds: 1_500) }
        try await Task.sleep(nanoseconds: 300_000_000)
        switch await Self.outcome(pool, payload, timeoutMilliseconds: 1_500) {
        case .success: Issue.record("a second call ran beyond the capacity of 1")
        case .failure(let error):
            #expect(error.code == .resourceExhausted && error.httpStatus == 429 && error.retryAfterSeconds == 1, "\(error)")
        }
        let timedOut = await first.value
        #expect(timedOut.error?.code == .deadlineExceeded && timedOut.error?.httpStatus == 504, "\(timedOut)")
        // The timed-out call's slot is free again: the next call runs (and times out too).
        let next = await Self.outcome(pool, payload, timeoutMilliseconds: 300)
        #expect(next.error?.code == .deadlineExceeded, "\(next)")
    }

    /// Many calls at once on the one socket, answered out of order: each gets its own answer.
    @Test func concurrentCallsEachGetTheirOwnAnswer() async throws {
        let backend = try FakeBackend { request in .now(FakeBackend.answer(request, payload: FakeBackend.echoed(request.payload))) }
        defer { backend.stop() }
        let multiplexer = try Self.multiplexer(backend, capacity: 400)
        let mismatches = await withTaskGroup(of: String?.self) { group in
            for index in 0..<400 {
                group.addTask {
                    let payload = Array("call \(index)".utf8)
                    switch await Self.outcome(multiplexer, payload, timeoutMilliseconds: 20_000) {
                    case .success(let answer): return answer == FakeBackend.echoed(payload) ? nil : "call \(index) got '\(String(decoding: answer, as: UTF8.self))'"
                    case .failure(let error): return "call \(index) failed: \(error)"
                    }
                }
            }
            return await group.reduce(into: [String]()) { if let mismatch = $1 { $0.append(mismatch) } }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of 400 calls: \(mismatches.prefix(5))")
    }

    /// A call the service answers too late times out (504) while the calls beside it succeed, and its
    /// late answer is dropped, not given to a later call.
    @Test func aLateCallTimesOutWhileOthersSucceed() async throws {
        let backend = try FakeBackend { request in
            let response = FakeBackend.answer(request, payload: FakeBackend.echoed(request.payload))
            return request.payload == Array("slow".utf8) ? .after(milliseconds: 1_000, response) : .now(response)
        }
        defer { backend.stop() }
        let multiplexer = try Self.multiplexer(backend)
        let slow = Task { await Self.outcome(multiplexer, Array("slow".utf8), timeoutMilliseconds: 400) }
        let fast = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let payload = Array("fast \(index)".utf8)
                    return await Self.outcome(multiplexer, payload, timeoutMilliseconds: 20_000).answer == FakeBackend.echoed(payload)
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(fast == 50)
        let timedOut = await slow.value
        #expect(timedOut.error?.code == .deadlineExceeded && timedOut.error?.httpStatus == 504, "\(timedOut)")
        try await Task.sleep(nanoseconds: 900_000_000)  // the late answer arrives meanwhile
        let after = await Self.outcome(multiplexer, Array("after".utf8), timeoutMilliseconds: 20_000)
        #expect(after.answer == FakeBackend.echoed(Array("after".utf8)), "\(after)")
    }

    /// The service goes down: calls fail with UNAVAILABLE (503) when their deadline passes unsent. It
    /// comes back on the same address: a call made while it was down is sent and answered, and so are
    /// the calls after.
    @Test func callsRecoverWhenTheServiceRestarts() async throws {
        let first = try FakeBackend { request in .now(FakeBackend.answer(request, payload: FakeBackend.echoed(request.payload))) }
        let multiplexer = try Self.multiplexer(first)
        #expect(await Self.outcome(multiplexer, [1], timeoutMilliseconds: 20_000).answer == FakeBackend.echoed([1]))
        first.stop()
        try await Task.sleep(nanoseconds: 300_000_000)  // the connection's end reaches the gateway's socket
        let down = await Self.outcome(multiplexer, [2], timeoutMilliseconds: 300)
        #expect(down.error?.code == .unavailable && down.error?.httpStatus == 503, "\(down)")

        // A long deadline: on a loaded machine (a full test run) this task's sleep below may end late.
        let waiting = Task { await Self.outcome(multiplexer, [3], timeoutMilliseconds: 120_000) }
        try await Task.sleep(nanoseconds: 300_000_000)
        let second = try FakeBackend(binding: first.endpoint) { request in .now(FakeBackend.answer(request, payload: FakeBackend.echoed(request.payload))) }
        defer { second.stop() }
        let resumed = await waiting.value
        #expect(resumed.answer == FakeBackend.echoed([3]), "\(resumed)")
        let after = await Self.outcome(multiplexer, [4], timeoutMilliseconds: 20_000)
        #expect(after.answer == FakeBackend.echoed([4]), "\(after)")
    }

    /// A service's error status reaches the caller as it was given.
    @Test func anErrorStatusIsPassedOn() async throws {
        let backend = try FakeBackend { request in
            var response = FakeBackend.answer(request, payload: [])
            response.statusCode = StatusCode.notFound.rawValue
            response.statusMessage = "no such thing"
            return .now(response)
        }
        defer { backend.stop() }
        let outcome = await Self.outcome(try Self.multiplexer(backend), [1], timeoutMilliseconds: 20_000)
        #expect(outcome.error == GatewayError(.notFound, "no such thing"), "\(outcome)")
    }
}

extension Result {
    /// The value of a success, nil for a failure.
    var answer: Success? { if case .success(let value) = self { value } else { nil } }
    /// The error of a failure, nil for a success.
    var error: Failure? { if case .failure(let error) = self { error } else { nil } }
}
