import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import SampleData
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// The `earshot` binary built next to this test bundle.
let earshotBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    .deletingLastPathComponent().appendingPathComponent("earshot")

/// A base port per test process and slot (0-23, one per stack a suite starts;
/// suites run in parallel, so each stack has its own slot), away from the defaults.
/// A stack uses ports base…base+20 and base+21… for its worker processes,
/// so slots are 50 apart.
func stackBasePort(_ slot: Int) -> Int {
    precondition((0..<32).contains(slot), "port slot \(slot) is outside the process's block")
    return 10_000 + processPortBlock * 1_600 + slot * 50
}

/// A block of 1,600 ports (32 slots of 50) chosen at random once per test process, so test
/// processes running side by side (developers' and CI's) rarely meet. The
/// blocks lie below Linux's ephemeral range (32768 and up), where outgoing
/// connections would take ports from under the services.
let processPortBlock = Int.random(in: 0..<13)

func stackDirectory() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("earshot-e2e-\(UUID().uuidString)")
}

func overview(_ client: RPCClient) throws -> OverviewResponse {
    try client.call(QueryMethod.overview, OverviewRequest(), as: OverviewResponse.self, timeoutMilliseconds: 10_000)
}

/// Polls until the store holds `count` posts (or the time is up); returns what it holds.
func waitForStored(_ count: Int64, _ client: RPCClient, timeoutSeconds: Double) throws -> OverviewResponse {
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    var response = try overview(client)
    while response.posts < count && Date() < deadline {
        Thread.sleep(forTimeInterval: 0.25)
        response = try overview(client)
    }
    return response
}

/// A healthy local stack with a publisher to its ingest and a client of its query service.
struct RunningStack {
    let stack: LocalStack
    let context: Context
    let publisher: Publisher
    let query: RPCClient

    /// Starts a stack in port `slot` (see ``stackBasePort(_:)``); stops it again if it does not come up.
    init(slot: Int, enrich: Int, score: Int, ingestArguments: [String] = [], queryArguments: [String] = []) throws {
        stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(slot))
        do {
            try stack.start(enrich: enrich, score: score, ingestArguments: ingestArguments, queryArguments: queryArguments)
            try stack.waitUntilHealthy()
            context = try Context()
            publisher = Publisher(client: try stack.ingestClient(context: context))
            query = try stack.queryClient(context: context)
        } catch {
            stack.stop()
            throw error
        }
    }
}

@Suite(.serialized) struct PipelineTests {
    @Test func twentyThousandPostsSurviveEveryKilledServiceExactlyOnce() throws {
        let running = try RunningStack(slot: 0, enrich: 2, score: 3, ingestArguments: ["--redelivery-ms", "3000"])
        defer { running.stack.stop() }
        let (stack, publisher, query) = (running.stack, running.publisher, running.query)

        var stream = SampleStream(seed: 2026, expectedCount: 20_000)
        let posts = stream.next(20_000)
        var accepted = 0
        for (index, batch) in stride(from: 0, to: posts.count, by: 500).map({ Array(posts[$0..<min($0 + 500, posts.count)]) }).enumerated() {
            accepted += try publisher.publish(batch).accepted
            if index == 16 {  // 8,500 published: crash one score and one enrich worker mid-stream
                let score = try #require(stack.member("score-3"))
                let enrich = try #require(stack.member("enrich-1"))
                stack.kill(score)
                stack.kill(enrich)
                try stack.restart(enrich)
            }
            if index == 28 {  // 14,500 published: crash the store's owner too, mid-transaction or not
                let store = try #require(stack.member("query"))
                stack.kill(store)
                try stack.restart(store)
            }
            if index == 34 {  // 17,500 published: crash ingest; what it acknowledged is in its journal
                let ingest = try #require(stack.member("ingest"))
                stack.kill(ingest)
                try stack.restart(ingest)
            }
        }
        #expect(accepted == 20_000)
        // Publishing the same posts again changes nothing.
        #expect(try publisher.publish(Array(posts.prefix(500))).duplicates == 500)

        let stored = try waitForStored(20_000, query, timeoutSeconds: 240)
        #expect(stored.posts == 20_000)
        // Redeliveries still in flight must not count twice.
        Thread.sleep(forTimeInterval: 4)
        let final = try overview(query)
        #expect(final.posts == 20_000)
        #expect(final.positive + final.neutral + final.negative + final.sentimentUnavailable == 20_000)
        #expect(final.uniqueAuthors == Int64(Set(posts.map(\.author.id)).count))
        let platforms = Dictionary(grouping: posts, by: { $0.platform.name }).mapValues { Int64($0.count) }
        #expect(Dictionary(uniqueKeysWithValues: final.platforms.map { ($0.label, $0.count) }) == platforms)
        let languages = final.languages.reduce(0) { $0 + $1.count }
        #expect(languages == 20_000)
    }

    /// With a small in-flight window, a worker killed while the window is full takes posts
    /// with it that hold the window's places; ingest must resend them, or no place ever frees.
    @Test func postsLostWithAFullWindowAreResent() throws {
        let running = try RunningStack(slot: 6, enrich: 1, score: 1,
                                       ingestArguments: ["--max-in-flight", "100", "--batch-size", "20", "--redelivery-ms", "1500"])
        defer { running.stack.stop() }
        let (stack, publisher, query) = (running.stack, running.publisher, running.query)
        var stream = SampleStream(seed: 7, expectedCount: 3_000)
        let posts = stream.next(3_000)
        // Once the worker takes posts (the first 100 are stored), stop it: it takes the next 100
        // (the whole window) and does nothing; killing it loses them all while the window is full.
        #expect(try publisher.publish(Array(posts.prefix(100))).accepted == 100)
        #expect(try waitForStored(100, query, timeoutSeconds: 60).posts == 100)
        let enrich = try #require(stack.member("enrich-1"))
        #expect(Glibc.kill(enrich.pid, SIGSTOP) == 0)
        #expect(try publisher.publish(Array(posts.dropFirst(100))).accepted == 2_900)
        Thread.sleep(forTimeInterval: 1)
        stack.kill(enrich)
        try stack.restart(enrich)
        let stored = try waitForStored(3_000, query, timeoutSeconds: 60)
        #expect(stored.posts == 3_000)
    }

    /// Insecure, so the garbage reaches the decoders (a secure stack refuses it in the handshake: SecurityPipelineTests).
    @Test func garbageOnEveryBoundSocketNeverBreaksAService() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(1), insecure: true)
        defer { stack.stop() }
        try stack.start(enrich: 1, score: 1)
        try stack.waitUntilHealthy()
        let ports = stack.ports
        let bound = [ports.ingestRPC, ports.dispatch, ports.relayIn, ports.relayOut, ports.acks, ports.collect, ports.queryRPC,
                     ports.workerControl(1), ports.workerControl(2)]
        var random = SplitMix64(seed: 9)
        let context = try Context()

        // 1. Raw TCP garbage (not even ZMTP) on every bound port.
        for endpoint in bound {
            for size in [1, 64, 100_000] {
                try sendRawTCP(endpoint, bytes: (0..<size).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) })
            }
        }
        // 2. Well-formed ZeroMQ messages whose content is garbage, to every receiving socket.
        for (kind, endpoint) in [(SocketKind.push, ports.relayIn), (.push, ports.acks), (.push, ports.collect)] {
            let socket = try Socket(kind, context: context)
            try socket.set(.linger(1_000))
            try socket.connect(endpoint)
            try socket.send([[0xFF, 0x00, 0x13], Array(repeating: 0xAB, count: 5_000)])
            try socket.send([[UInt8]()])
        }
        for endpoint in [ports.ingestRPC, ports.queryRPC, ports.workerControl(1)] {
            let dealer = try Socket(.dealer, context: context)
            try dealer.set([.linger(0), .receiveTimeout(5_000)])
            try dealer.connect(endpoint)
            try dealer.send([0x0A, 0xFF, 0xFF, 0xFF])
            let reply = try #require(try dealer.receive(), "\(endpoint) must answer a garbage envelope")
            #expect(try RpcResponse(serializedBytes: reply[reply.count - 1]).statusCode == StatusCode.invalidArgument.rawValue)
        }
        // 3. Frames over the 64 MiB limit: the connection is dropped, the service stays up.
        for endpoint in [ports.ingestRPC, ports.collect] {
            let socket = try Socket(endpoint == ports.collect ? .push : .dealer, context: context)
            try socket.set(.linger(2_000))
            try socket.connect(endpoint)
            try socket.send(Array(repeating: 1, count: (64 << 20) + 1))
        }
        Thread.sleep(forTimeInterval: 1)

        // Every service still answers, and the pipeline still works.
        try stack.waitUntilHealthy(timeoutSeconds: 10)
        #expect(stack.members.allSatisfy { $0.isRunning })
        let publisher = Publisher(client: try stack.ingestClient(context: context))
        var stream = SampleStream(seed: 5)
        #expect(try publisher.publish(stream.next(300)).accepted == 300)
        let query = try stack.queryClient(context: context)
        #expect(try waitForStored(300, query, timeoutSeconds: 60).posts == 300)
    }

    @Test func publishRejectsInvalidPostsWithTheirIndex() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(2))
        defer { stack.stop() }
        try stack.start(enrich: 0, score: 0)
        try stack.waitUntilHealthy()
        let client = try stack.ingestClient(context: try Context())
        var stream = SampleStream(seed: 1)
        var posts = stream.next(3)
        posts[1].id = ""
        do {
            _ = try client.call(IngestMethod.publishBatch, PublishBatchRequest(posts: posts), as: PublishBatchResponse.self)
            Issue.record("a post without id must be refused")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.hasPrefix("post 1: id is empty"))
        }
        let tooMany = PublishBatchRequest(posts: Array(repeating: posts[0], count: 10_001))
        #expect(throws: RPCError.self) { try client.call(IngestMethod.publishBatch, tooMany, as: PublishBatchResponse.self) }
        var single = PublishRequest()
        single.post = posts[0]
        #expect(try client.call(IngestMethod.publish, single, as: PublishResponse.self).duplicate == false)
        #expect(try client.call(IngestMethod.publish, single, as: PublishResponse.self).duplicate == true)
    }
}

/// Opens a plain TCP connection to a "tcp://host:port" endpoint, writes `bytes` and closes.
func sendRawTCP(_ endpoint: String, bytes: [UInt8]) throws {
    let parts = endpoint.dropFirst("tcp://".count).split(separator: ":")
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(parts[1])!).bigEndian
    inet_pton(AF_INET, String(parts[0]), &address.sin_addr)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    try #require(connected == 0, "connect to \(endpoint)")
    _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
}

@Suite struct StartupFailureTests {
    @Test func aServiceWhosePortIsTakenExitsWithAClearError() throws {
        let context = try Context()
        let squatter = try Socket(.router, context: context)
        let taken = try squatter.bind("tcp://127.0.0.1:*")
        let free = stackBasePort(9)
        let process = Process()
        process.executableURL = earshotBinary
        process.arguments = ["ingest", "--rpc", taken, "--journal", stackDirectory().appendingPathComponent("j.sqlite").path,
                             "--dispatch", "tcp://127.0.0.1:\(free)", "--relay-in", "tcp://127.0.0.1:\(free + 1)",
                             "--relay-out", "tcp://127.0.0.1:\(free + 2)", "--acks", "tcp://127.0.0.1:\(free + 3)"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!process.isRunning, "ingest must exit, not hang, when its RPC port is taken")
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("Address already in use"))
    }
}
