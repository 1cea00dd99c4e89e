import EarshotWire
import Foundation
import Logging
import Synchronization
import Testing
import ZeroMQ
@testable import EarshotRPC

/// A server with the test methods registered (set up on the server thread).
final class EchoServer: @unchecked Sendable {
    private(set) var endpoint = ""
    let calls = Atomic<Int>(0)
    let drain = Atomic<Bool>(false)
    /// The data generation of "test.v1.Echo/CachedEcho", whose answers are cached; and its cache hits.
    let generation = Atomic<UInt64>(0)
    let cacheHits = Atomic<Int>(0)
    private let stop = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// With `workers`, calls run on that many threads with that queue limit (``RPCServer/serve(until:)``).
    init(maxPayloadBytes: Int = 1 << 20, workers: (count: Int, queueLimit: Int)? = nil) throws {
        let ready = DispatchSemaphore(value: 0)
        let bound = Mutex<String>("")
        let context = try Context()
        Thread { [self] in
            var configuration = RPCServerConfiguration(endpoint: "tcp://127.0.0.1:*", serviceName: "echo")
            configuration.maxPayloadBytes = maxPayloadBytes
            configuration.maxFrameBytes = 4 << 20
            let server = try! RPCServer(configuration, context: context, logger: Logger(label: "test"))
            for method in ["test.v1.Echo/Echo", "test.v1.Echo/CachedEcho"] {
                server.register(method) { (request: LabeledCount, _) in
                    self.calls.add(1, ordering: .relaxed)
                    if request.label == "invalid" { throw RPCError.invalidArgument("label must not be 'invalid'") }
                    if request.label == "crash" { throw CocoaError(.fileNoSuchFile) }
                    if request.count > 0 { Thread.sleep(forTimeInterval: Double(request.count) / 1000) }
                    return LabeledCount(label: request.label.uppercased(), count: request.count)
                }
            }
            // Works until the call's deadline passes, as a store read does that stops at it.
            server.register("test.v1.Echo/UntilDeadline") { (_: LabeledCount, context: CallContext) throws -> LabeledCount in
                self.calls.add(1, ordering: .relaxed)
                while !context.isExpired { Thread.sleep(forTimeInterval: 0.005) }
                throw RPCError(.deadlineExceeded, "stopped at the deadline")
            }
            server.cacheAnswers(of: ["test.v1.Echo/CachedEcho"], maxBytes: 1 << 20, generation: { self.generation.load(ordering: .relaxed) }) { hit, _ in
                if hit { self.cacheHits.add(1, ordering: .relaxed) }
            }
            bound.withLock { $0 = server.boundEndpoint }
            if let workers {
                try! server.runCallsOnWorkers(count: workers.count, queueLimit: workers.queueLimit)
                ready.signal()
                try? server.serve(checkIntervalMilliseconds: 20) {
                    if self.drain.load(ordering: .relaxed) { server.beginDraining() }
                    return self.stop.load(ordering: .relaxed)
                }
                finished.signal()
                return
            }
            ready.signal()
            var poller = Poller()
            poller.add(server.socket)
            while !stop.load(ordering: .relaxed) {
                if drain.load(ordering: .relaxed) { server.beginDraining() }
                if (try? poller.poll(timeoutMilliseconds: 20)) ?? 0 > 0 { _ = try? server.serveAvailable() }
            }
            finished.signal()
        }.start()
        ready.wait()
        endpoint = bound.withLock { $0 }
    }

    deinit {
        stop.store(true, ordering: .relaxed)
        finished.wait()
    }
}

@Suite struct RPCTests {
    func client(_ server: EchoServer) throws -> RPCClient {
        try RPCClient(endpoint: server.endpoint, context: try Context(), clientName: "test")
    }

    func healthy(_ client: RPCClient) throws -> Bool {
        try client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self).status == .serving
    }

    @Test func typedCallRoundTrips() throws {
        let server = try EchoServer()
        let client = try client(server)
        let response = try client.call("test.v1.Echo/Echo", LabeledCount(label: "héllo", count: 0), as: LabeledCount.self)
        #expect(response == LabeledCount(label: "HÉLLO", count: 0))
    }

    @Test func healthCheckReportsServingAndTheServiceName() throws {
        let server = try EchoServer()
        let response = try client(server).call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self)
        #expect(response.status == .serving)
        #expect(response.serviceName == "echo")
        #expect(response.instance.contains(":"))
    }

    @Test func unknownMethodIsUnimplementedAndTheServerKeepsServing() throws {
        let server = try EchoServer()
        let client = try client(server)
        #expect(throws: RPCError(.unimplemented, "unknown method 'test.v1.Echo/Nope' on echo")) {
            try client.callRaw("test.v1.Echo/Nope", payload: [])
        }
        #expect(try healthy(client))
    }

    @Test func garbagePayloadIsInvalidArgument() throws {
        let server = try EchoServer()
        let client = try client(server)
        do {
            _ = try client.callRaw("test.v1.Echo/Echo", payload: [0xFF, 0xFF, 0xFF])
            Issue.record("garbage must be refused")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("earshot.v1.LabeledCount"))
        }
        #expect(server.calls.load(ordering: .relaxed) == 0)
        #expect(try healthy(client))
    }

    @Test func garbageEnvelopeGetsAnErrorResponse() throws {
        let server = try EchoServer()
        let context = try Context()
        let raw = try Socket(.dealer, context: context)
        try raw.connect(server.endpoint)
        try raw.set(.receiveTimeout(5_000))
        try raw.send([0x0A, 0xFF, 0x01])
        let frames = try #require(try raw.receive())
        let response = try RpcResponse(serializedBytes: frames[frames.count - 1])
        #expect(response.statusCode == StatusCode.invalidArgument.rawValue)
        #expect(try healthy(try client(server)))
    }

    @Test func handlerErrorsMapToStatusCodes() throws {
        let server = try EchoServer()
        let client = try client(server)
        #expect(throws: RPCError(.invalidArgument, "label must not be 'invalid'")) {
            try client.call("test.v1.Echo/Echo", LabeledCount(label: "invalid", count: 0), as: LabeledCount.self)
        }
        do {
            _ = try client.call("test.v1.Echo/Echo", LabeledCount(label: "crash", count: 0), as: LabeledCount.self)
            Issue.record("a failing handler must give INTERNAL")
        } catch {
            #expect(error.code == .internal)
        }
        #expect(try healthy(client))
    }

    @Test func clientDeadlineExpiresAndLateAnswersAreIgnored() throws {
        let server = try EchoServer()
        let client = try client(server)
        do {
            _ = try client.call("test.v1.Echo/Echo", LabeledCount(label: "slow", count: 400), as: LabeledCount.self, timeoutMilliseconds: 100)
            Issue.record("a slow call must exceed its deadline")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        // The late answer to the slow call arrives now and must not be taken for this one.
        let response = try client.call("test.v1.Echo/Echo", LabeledCount(label: "next", count: 0), as: LabeledCount.self, timeoutMilliseconds: 5_000)
        #expect(response.label == "NEXT")
    }

    @Test func requestsThatExpiredWhileQueuedAreNotRun() throws {
        let server = try EchoServer()
        let endpoint = server.endpoint
        let context = try Context()
        let raw = try Socket(.dealer, context: context)
        try raw.connect(server.endpoint)
        try raw.set(.receiveTimeout(5_000))
        // Occupy the server for 300 ms, then queue a request whose 50 ms budget runs out in the queue.
        let busy = Thread {
            let slowClient = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "slow")
            _ = try? slowClient?.call("test.v1.Echo/Echo", LabeledCount(label: "busy", count: 300), as: LabeledCount.self)
        }
        busy.start()
        while server.calls.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.005) }
        var request = RpcRequest()
        request.method = "test.v1.Echo/Echo"
        request.requestId = "queued"
        request.deadlineUnixMs = Int64(Date().timeIntervalSince1970 * 1000) + 50
        request.payload = try LabeledCount(label: "late", count: 0).serializedBytes()
        try raw.send(try request.serializedBytes())
        let frames = try #require(try raw.receive())
        let response = try RpcResponse(serializedBytes: frames[frames.count - 1])
        #expect(response.requestId == "queued")
        #expect(response.statusCode == StatusCode.deadlineExceeded.rawValue)
        #expect(server.calls.load(ordering: .relaxed) == 1)  // only the busy call ran
    }

    @Test func oversizedPayloadIsResourceExhausted() throws {
        let server = try EchoServer(maxPayloadBytes: 1_000)
        let client = try client(server)
        do {
            _ = try client.call("test.v1.Echo/Echo", LabeledCount(label: String(repeating: "x", count: 2_000), count: 0), as: LabeledCount.self)
            Issue.record("an oversized request must be refused")
        } catch {
            #expect(error.code == .resourceExhausted)
        }
        #expect(server.calls.load(ordering: .relaxed) == 0)
        #expect(try healthy(client))
    }

    @Test func oversizedFramesDropTheConnectionNotTheServer() throws {
        let server = try EchoServer()
        let client = try client(server)
        do {
            _ = try client.callRaw("test.v1.Echo/Echo", payload: Array(repeating: 1, count: 5 << 20), timeoutMilliseconds: 500)
            Issue.record("a frame over MAXMSGSIZE must not be answered")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        #expect(try healthy(try self.client(server)))
    }

    @Test func drainingServerIsUnavailableAndNotServing() throws {
        let server = try EchoServer()
        let client = try client(server)
        server.drain.store(true, ordering: .relaxed)
        Thread.sleep(forTimeInterval: 0.1)
        #expect(throws: RPCError(.unavailable, "echo is shutting down")) {
            try client.call("test.v1.Echo/Echo", LabeledCount(label: "x", count: 0), as: LabeledCount.self)
        }
        #expect(try client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self).status == .notServing)
    }

    @Test func noServerMeansDeadlineExceededOrUnavailable() throws {
        let client = try RPCClient(endpoint: "tcp://127.0.0.1:1", context: try Context())
        do {
            _ = try client.callRaw(HealthMethod.check, payload: [], timeoutMilliseconds: 200)
            Issue.record("nobody listens on port 1")
        } catch {
            #expect([.unavailable, .deadlineExceeded].contains(error.code))
        }
    }

    @Test func reqClientsWithADelimiterFrameAreAnswered() throws {
        let server = try EchoServer()
        let context = try Context()
        let req = try Socket(.req, context: context)
        try req.connect(server.endpoint)
        try req.set(.receiveTimeout(5_000))
        var request = RpcRequest()
        request.method = HealthMethod.check
        request.requestId = "req-1"
        try req.send(try request.serializedBytes())
        let frames = try #require(try req.receive())
        let response = try RpcResponse(serializedBytes: frames[frames.count - 1])
        #expect(response.requestId == "req-1")
        #expect(response.statusCode == 0)
    }

    @Test func statusCodesHaveGRPCNumbersAndNames() {
        #expect(StatusCode.invalidArgument.rawValue == 3)
        #expect(StatusCode.resourceExhausted.rawValue == 8)
        #expect(StatusCode.unimplemented.rawValue == 12)
        #expect(StatusCode.unavailable.description == "UNAVAILABLE")
        #expect(StatusCode.allCases.count == 17)
    }
}
