import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Launcher
import SampleData
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// How a connection attempt ended, as the connecting socket's monitor reports it.
private enum Handshake: Equatable {
    case succeeded
    /// The ZAP handler refused the key, with its status code (400).
    case refusedByZAP(UInt32)
    /// The handshake failed before ZAP (e.g. a client without CURVE on a CURVE socket).
    case failed
}

/// Connects a `kind` socket with `options` to `endpoint` and waits for the handshake's outcome;
/// returns the socket (to send on when it succeeded) and the outcome.
private func connect(_ kind: SocketKind, _ endpoint: String, options: [SocketOption], context: Context) throws -> (Socket, Handshake?) {
    let socket = try Socket(kind, context: context)
    try socket.set([.linger(2_000)] + options)
    let monitor = try socket.monitor([.handshakeSucceeded, .handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail])
    try socket.connect(endpoint)
    let deadline = Date().addingTimeInterval(5)
    while Date() < deadline {
        guard let event = try MonitorEvent.receive(from: monitor, timeoutMilliseconds: 500) else { continue }
        switch event.event {
        case .handshakeSucceeded: return (socket, .succeeded)
        case .handshakeFailedAuth: return (socket, .refusedByZAP(event.value))
        default: return (socket, .failed)
        }
    }
    return (socket, nil)
}

private func expectStatus<T>(_ code: StatusCode, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
    do {
        _ = try body()
        Issue.record("expected \(code)", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

private func stat(_ client: RPCClient, _ name: String) throws -> Double {
    try client.call(StatsMethod.get, StatsRequest(), as: StatsResponse.self).metrics.first { $0.name == name }?.value ?? 0
}

private func invented(_ count: Int, prefix: String) -> [Post] {
    var stream = SampleStream(seed: 77)
    return stream.next(count).enumerated().map { index, post in
        var forged = post
        forged.id = "\(prefix)-\(index)"
        return forged
    }
}

/// The probe of issue #14, row by row, against a secure stack of real processes:
/// each attempt is refused with the status or handshake failure named.
@Suite(.serialized) struct SecurityPipelineTests {
    @Test func everyRowOfTheAttackTableIsRefused() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(10))
        defer { stack.stop() }
        // No enrich worker yet: published posts wait in ingest's journal, not yet dispatched.
        try stack.start(enrich: 0, score: 1, ingestArguments: ["--redelivery-ms", "3000"])
        try stack.waitUntilHealthy()
        let keys = try #require(stack.keys)
        let context = try Context()
        let admin = try stack.queryClient(context: context)
        let ingestAdmin = try stack.ingestClient(context: context)
        try stack.addClientKey("feeder", role: .publisher)
        try stack.addClientKey("dashboard", role: .reader)
        try stack.addClientKey("alice", role: .editor)
        let stranger = try CurveKeyPair.generate()
        let strangerOptions = { (server: String) in SocketSecurity.clientOptions(ownKey: stranger, serverKey: try keys.publicKey(server)) }

        // Positive control: the publisher's key publishes.
        let feeder = Publisher(client: try stack.ingestClient(key: "feeder", context: context))
        #expect(try feeder.publish(invented(300, prefix: "real")).accepted == 300)

        // Row 5: a forged AckBatch for the 300 published, not yet stored posts.
        let forgedAck = try AckBatch(deliverySeqs: Array(1...300)).serializedBytes()
        #expect(try connect(.push, stack.ports.acks, options: [], context: context).1 == .failed)  // no key
        #expect(try connect(.push, stack.ports.acks, options: strangerOptions(KeyDirectory.ingestKey), context: context).1 == .refusedByZAP(400))
        let workerAck = try stack.clientOptions(stack.ports.acks, server: KeyDirectory.ingestKey, key: KeyDirectory.workerKey)
        #expect(try connect(.push, stack.ports.acks, options: workerAck, context: context).1 == .refusedByZAP(400))  // only query's key
        // Even the query service's own key cannot acknowledge posts that are not in flight.
        let queryAck = try stack.clientOptions(stack.ports.acks, server: KeyDirectory.ingestKey, key: KeyDirectory.queryKey)
        let (ackSocket, ackHandshake) = try connect(.push, stack.ports.acks, options: queryAck, context: context)
        #expect(ackHandshake == .succeeded)
        try ackSocket.send(forgedAck)
        var ignored = 0.0
        for _ in 0..<50 where ignored < 300 {
            Thread.sleep(forTimeInterval: 0.1)
            ignored = try stat(ingestAdmin, "earshot_ingest_acks_not_in_flight_total")
        }
        #expect(ignored == 300)
        #expect(try stat(ingestAdmin, "earshot_ingest_acknowledged_total") == 0)
        // Nothing was lost: once a worker runs, all 300 are stored.
        try stack.addWorker("enrich")
        #expect(try waitForStored(300, admin, timeoutSeconds: 60).posts == 300)

        // Row 1: PublishBatch of 100 invented posts.
        let plainIngest = try RPCClient(endpoint: stack.ports.ingestRPC, context: context)
        expectStatus(.unavailable) { try Publisher(client: plainIngest, timeoutMilliseconds: 1_000).publish(invented(100, prefix: "fake"), maxAttempts: 1) }
        let strangerIngest = try RPCClient(endpoint: stack.ports.ingestRPC, context: context,
                                           socketOptions: strangerOptions(KeyDirectory.ingestKey))
        expectStatus(.unavailable) { try Publisher(client: strangerIngest, timeoutMilliseconds: 1_000).publish(invented(100, prefix: "fake"), maxAttempts: 1) }
        #expect(try connect(.dealer, stack.ports.ingestRPC, options: strangerOptions(KeyDirectory.ingestKey), context: context).1 == .refusedByZAP(400))
        let dashboardIngest = try stack.ingestClient(key: "dashboard", context: context)
        expectStatus(.permissionDenied) { try Publisher(client: dashboardIngest).publish(invented(100, prefix: "fake"), maxAttempts: 1) }

        // Row 2: DeleteQuery of a brand's query.
        let alice = try stack.queryClient(key: "alice", context: context)
        let dashboard = try stack.queryClient(key: "dashboard", context: context)
        var create = CreateQueryRequest()
        create.name = "Acme"
        create.query = "acme"
        let saved = try alice.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        var delete = DeleteQueryRequest()
        delete.id = saved.id
        expectStatus(.permissionDenied) { try dashboard.call(ListeningMethod.deleteQuery, delete, as: DeleteQueryResponse.self) }
        let strangerQuery = try RPCClient(endpoint: stack.ports.queryRPC, context: context, socketOptions: strangerOptions(KeyDirectory.queryKey))
        expectStatus(.unavailable) { try strangerQuery.call(ListeningMethod.deleteQuery, delete, as: DeleteQueryResponse.self, timeoutMilliseconds: 1_000) }
        #expect(try dashboard.call(ListeningMethod.listQueries, ListQueriesRequest(), as: ListQueriesResponse.self).queries.map(\.id) == [saved.id])

        // Row 3: MarkHandled with agent "attacker".
        var care = CareQueueRequest()
        care.pageSize = 1
        let target = try #require(try dashboard.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self).posts.first).post.id
        let attempt = MarkHandledRequest(postId: target, agent: "attacker")
        expectStatus(.permissionDenied) { try dashboard.call(InsightsMethod.markHandled, attempt, as: MarkHandledResponse.self) }
        let claim = try alice.call(InsightsMethod.markHandled, attempt, as: MarkHandledResponse.self)
        #expect(claim.claimed && claim.handledBy == "alice")

        // Row 4: a forged PipelineBatch (5 invented posts, reach 1e12, priority 100) pushed to query's collector.
        var forged = PipelineBatch()
        forged.posts = invented(5, prefix: "forged").enumerated().map { index, post in
            var item = PipelinePost()
            item.deliverySeq = UInt64(10_000 + index)
            item.post = post
            item.scores.reach = 1e12
            item.scores.priority = 100
            return item
        }
        forged.dispatchSeal = Array(repeating: 7, count: 32)
        #expect(try connect(.push, stack.ports.collect, options: [], context: context).1 == .failed)
        #expect(try connect(.push, stack.ports.collect, options: strangerOptions(KeyDirectory.queryKey), context: context).1 == .refusedByZAP(400))
        let readerPush = try stack.clientOptions(stack.ports.collect, server: KeyDirectory.queryKey, key: "dashboard")
        #expect(try connect(.push, stack.ports.collect, options: readerPush, context: context).1 == .refusedByZAP(400))
        // A worker's key connects, but the batch ingest never sealed is dropped and counted.
        let workerPush = try stack.clientOptions(stack.ports.collect, server: KeyDirectory.queryKey, key: KeyDirectory.workerKey)
        let (pushSocket, pushHandshake) = try connect(.push, stack.ports.collect, options: workerPush, context: context)
        #expect(pushHandshake == .succeeded)
        try pushSocket.send(forged.serializedBytes())
        var unsealed = 0.0
        for _ in 0..<50 where unsealed < 1 {
            Thread.sleep(forTimeInterval: 0.1)
            unsealed = try stat(admin, "earshot_query_unsealed_total")
        }
        #expect(unsealed == 1)
        #expect(try overview(admin).posts == 300)
        let top = try admin.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self).posts.first?.post.id ?? ""
        #expect(!top.hasPrefix("forged"))

        // Refusals are logged with the key's fingerprint; no secret key is in any log.
        let fingerprint = KeyFingerprint.of(try #require(Z85.decode(stranger.publicKey)))
        let logs = try stack.members.map { try String(contentsOf: stack.directory.appendingPathComponent("\($0.name).log"), encoding: .utf8) }
        #expect(logs.contains { $0.contains("unknown key") && $0.contains(fingerprint) })
        let secrets = try FileManager.default.contentsOfDirectory(atPath: keys.path).filter { $0.hasSuffix(".key") }
            .map { try keys.keyPair(String($0.dropLast(4))).secretKey }
        #expect(!secrets.isEmpty)
        for secret in secrets { #expect(!logs.contains { $0.contains(secret) }) }
    }

    @Test func aRevokedKeyOpensNoNewConnectionWithinTwoSeconds() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(11))
        defer { stack.stop() }
        try stack.start(enrich: 0, score: 0)
        try stack.waitUntilHealthy()
        let keys = try #require(stack.keys)
        let context = try Context()
        // `earshot keys generate --allow` writes the key and the allow-list line.
        let generated = try runEarshot(["keys", "generate", "--name", "kiosk", "--role", "reader", "--allow", "--keys", keys.path])
        #expect(generated.status == 0, "\(generated.errors)")
        #expect(generated.output == (try keys.allowList().entry(named: "kiosk")?.line ?? "-") + "\n")
        Thread.sleep(forTimeInterval: 1)
        let open = try stack.queryClient(key: "kiosk", context: context)
        #expect(try open.call(QueryMethod.overview, OverviewRequest(), as: OverviewResponse.self).posts == 0)
        // The same key works from Python (pyzmq, curve_secretkey/publickey/serverkey), within its role.
        func python(_ method: String) throws -> String { try pythonClient(stack, key: "kiosk", method: method) }
        #expect(try python(QueryMethod.overview) == "status 0 \nposts 0\n")
        #expect(try python(ListeningMethod.deleteQuery).hasPrefix("status 7 'kiosk' (role reader) may not call"))

        try keys.updateAllowList { $0.removeAll { $0.name == "kiosk" } }
        Thread.sleep(forTimeInterval: 2)
        #expect(try python(QueryMethod.overview) == "no answer\n")
        let options = try stack.clientOptions(stack.ports.queryRPC, server: KeyDirectory.queryKey, key: "kiosk")
        #expect(try connect(.dealer, stack.ports.queryRPC, options: options, context: context).1 == .refusedByZAP(400))
        // The connection opened before stays open, but its calls are refused.
        expectStatus(.unauthenticated) { try open.call(QueryMethod.overview, OverviewRequest(), as: OverviewResponse.self) }

        // An unreadable allow-list keeps the previous one.
        try Data("not an allow-list\n".utf8).write(to: URL(fileURLWithPath: keys.allowListPath))
        Thread.sleep(forTimeInterval: 1)
        #expect(try stack.queryClient(context: context).call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self).status == .serving)
    }

    @Test func insecureIsRefusedOffLoopback() throws {
        let result = try runEarshot(["ingest", "--insecure", "--rpc", "tcp://0.0.0.0:1", "--journal", "/nonexistent/j.sqlite"])
        #expect(result.status != 0)
        #expect(result.errors.contains("--insecure is refused on tcp://0.0.0.0:1"))
    }
}

/// What the Python client of docs/PROTOCOL.md (scripts/python-client-check.py, pyzmq with CURVE)
/// prints when it calls `method` of the stack's query service with an empty request and `key`.
func pythonClient(_ stack: LocalStack, key: String, method: String) throws -> String {
    let keys = try #require(stack.keys)
    let result = try runProgram(URL(fileURLWithPath: "/usr/bin/python3"), [
        packageRoot.appendingPathComponent("scripts/python-client-check.py").path, stack.ports.queryRPC,
        keys.secretKeyPath(key), keys.publicKeyPath(KeyDirectory.queryKey), method,
    ])
    return result.output + result.errors
}

/// GET /metrics of a service serving it at `address` (host:port), as text.
private func metricsText(_ address: String) throws -> String {
    try runProgram(URL(fileURLWithPath: "/usr/bin/python3"), ["-c", "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())",
                                                             "http://\(address)/metrics"]).output
}

/// The value of the series `name` in Prometheus text, 0 when absent.
private func metricValue(_ text: String, _ name: String) -> Double {
    text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) } ?? 0
}

/// Whether this process can mount a tmpfs (tried once, on a scratch folder).
private let canMountTmpfs: Bool = {
    guard geteuid() == 0 else { return false }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-tmpfs-probe-\(UUID().uuidString)")
    guard (try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)) != nil else { return false }
    defer { try? FileManager.default.removeItem(at: folder) }
    guard mount("tmpfs", folder.path, "tmpfs", 0, "size=64k") == 0 else { return false }
    umount(folder.path)
    return true
}()

/// Polls `read` until it returns at least `target` (or 5 s passed); returns the last value.
private func waitFor(_ target: Double, _ read: () throws -> Double) rethrows -> Double {
    var value = try read()
    for _ in 0..<50 where value < target {
        Thread.sleep(forTimeInterval: 0.1)
        value = try read()
    }
    return value
}

/// Item 8 of issue #14 and the key reloads, against real processes: frames a
/// peer with a valid key may still send, a full disk under the query store, SIGHUP.
@Suite(.serialized) struct HardeningPipelineTests {
    @Test func oversizedFramesAreRefusedAndBadFramesCountedAndLoggedOnce() throws {
        let base = stackBasePort(12)
        let metricsAddress = "127.0.0.1:\(base + 45)"
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: base)
        defer { stack.stop() }
        try stack.start(enrich: 0, score: 0, queryArguments: ["--metrics", metricsAddress])
        try stack.waitUntilHealthy()
        let context = try Context()
        let ingest = try #require(stack.member("ingest")), query = try #require(stack.member("query"))
        let peaksBefore = [stack.peakResidentBytes(ingest) ?? 0, stack.peakResidentBytes(query) ?? 0]

        // 20 MiB on each PULL port, from keys allowed there: the peer is dropped before the frame is kept.
        let huge = [UInt8](repeating: 0x2a, count: 20 << 20)
        for (endpoint, server, key) in [(stack.ports.collect, KeyDirectory.queryKey, KeyDirectory.workerKey),
                                        (stack.ports.relayIn, KeyDirectory.ingestKey, KeyDirectory.workerKey),
                                        (stack.ports.acks, KeyDirectory.ingestKey, KeyDirectory.queryKey)] {
            let (socket, handshake) = try connect(.push, endpoint, options: stack.clientOptions(endpoint, server: server, key: key), context: context)
            #expect(handshake == .succeeded, "\(endpoint)")
            try socket.send(huge)
            socket.close()
        }
        Thread.sleep(forTimeInterval: 2)
        let peaksAfter = [stack.peakResidentBytes(ingest) ?? .max, stack.peakResidentBytes(query) ?? .max]
        for (before, after) in zip(peaksBefore, peaksAfter) {
            #expect(after - before < 8 << 20, "peak RSS grew from \(before >> 20) to \(after >> 20) MiB")
        }
        #expect(ingest.isRunning && query.isRunning)

        // Undecodable frames, five in a row on query's collector and on ingest's relay: each
        // counted (Stats and /metrics), one log line each (rate-limited), nothing stored.
        let garbage = [UInt8](repeating: 0xff, count: 16)
        for (endpoint, server) in [(stack.ports.collect, KeyDirectory.queryKey), (stack.ports.relayIn, KeyDirectory.ingestKey)] {
            let (socket, handshake) = try connect(.push, endpoint, options: stack.clientOptions(endpoint, server: server, key: KeyDirectory.workerKey), context: context)
            #expect(handshake == .succeeded)
            for _ in 0..<5 { try socket.send(garbage) }
        }
        let admin = try stack.queryClient(context: context), ingestAdmin = try stack.ingestClient(context: context)
        #expect(try waitFor(5) { try stat(admin, "earshot_query_rejected_total") } == 5)
        #expect(try waitFor(5) { try stat(ingestAdmin, "earshot_relay_rejected_total") } == 5)
        #expect(metricValue(try metricsText(metricsAddress), "earshot_query_rejected_total") == 5)
        #expect(try overview(admin).posts == 0)
        func logLines(_ member: LocalStack.Member, containing text: String) throws -> Int {
            try String(contentsOf: stack.directory.appendingPathComponent("\(member.name).log"), encoding: .utf8)
                .split(separator: "\n").filter { $0.contains(text) }.count
        }
        #expect(try logLines(query, containing: "dropped a pipeline message: undecodable scored batch") == 1)
        #expect(try logLines(ingest, containing: "dropped a pipeline message: enriched batch without a valid dispatch seal") == 1)
    }

    /// A real full disk: the query store on an 8 MiB tmpfs, filled up (skipped where
    /// this process may not mount one: not root, or a container without CAP_SYS_ADMIN).
    @Test(.enabled(if: canMountTmpfs, "mounting a tmpfs needs root (and CAP_SYS_ADMIN in a container)"))
    func queryOutlivesAFullDiskAndResumesByItself() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(13))
        let storeFolder = stack.directory.appendingPathComponent("query")
        try FileManager.default.createDirectory(at: storeFolder, withIntermediateDirectories: true)
        let mount = try runProgram(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=8m", "tmpfs", storeFolder.path])
        try #require(mount.status == 0, "mount: \(mount.errors)")
        defer { _ = try? runProgram(URL(fileURLWithPath: "/bin/umount"), ["-l", storeFolder.path]) }
        defer { stack.stop() }
        try stack.start(enrich: 1, score: 1, ingestArguments: ["--redelivery-ms", "3000"])
        try stack.waitUntilHealthy()
        let context = try Context()
        let admin = try stack.queryClient(context: context), ingestAdmin = try stack.ingestClient(context: context)
        let publisher = Publisher(client: try stack.ingestClient(context: context))
        #expect(try publisher.publish(invented(200, prefix: "before")).accepted == 200)
        #expect(try waitForStored(200, admin, timeoutSeconds: 60).posts == 200)

        // Fill the disk: the next group commit fails.
        let filler = storeFolder.appendingPathComponent("filler")
        _ = try runProgram(URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=\(filler.path)", "bs=64k"])
        #expect(try publisher.publish(invented(1_500, prefix: "during")).accepted == 1_500)
        func health() throws -> HealthCheckResponse.ServingStatus {
            try admin.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self).status
        }
        var status = try health()
        for _ in 0..<100 where status != .notServing {
            Thread.sleep(forTimeInterval: 0.1)
            status = try health()
        }
        #expect(status == .notServing)
        #expect(try stat(admin, "earshot_query_store_failures_total") >= 1)
        let acknowledged = try stat(ingestAdmin, "earshot_ingest_acknowledged_total")
        Thread.sleep(forTimeInterval: 4)  // past a redelivery: still nothing acknowledged, reads answered
        #expect(try stat(ingestAdmin, "earshot_ingest_acknowledged_total") == acknowledged)
        #expect(try overview(admin).posts < 1_700)
        #expect(try stack.member("query")?.isRunning == true)

        // Space again: query resumes by itself, and every post is stored.
        try FileManager.default.removeItem(at: filler)
        #expect(try waitForStored(1_700, admin, timeoutSeconds: 60).posts == 1_700)
        #expect(try health() == .serving)
        #expect(try waitFor(1_700) { try stat(ingestAdmin, "earshot_ingest_acknowledged_total") } == 1_700)
        let log = try String(contentsOf: stack.directory.appendingPathComponent("query.log"), encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains("cannot store; NOT_SERVING") }.count <= 2)
    }

    /// SIGHUP reloads the allow-list even when the file watch cannot see the change
    /// (same inode, size and modification time): a revoked key opens no new connection
    /// within 2 s; a connection already open stays open and its calls get UNAUTHENTICATED.
    @Test func sighupReloadsTheAllowList() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(12))
        defer { stack.stop() }
        try stack.start(enrich: 0, score: 0)
        try stack.waitUntilHealthy()
        let keys = try #require(stack.keys)
        let context = try Context()
        try stack.addClientKey("kiosk", role: .reader)
        let open = try stack.queryClient(key: "kiosk", context: context)
        #expect(try open.call(QueryMethod.overview, OverviewRequest(), as: OverviewResponse.self).posts == 0)
        let options = try stack.clientOptions(stack.ports.queryRPC, server: KeyDirectory.queryKey, key: "kiosk")

        // Comment the kiosk line out in place, then put the modification time back.
        let path = keys.allowListPath
        var before = Glibc.stat()
        #expect(lstat(path, &before) == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let revoked = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix(" kiosk reader") ? "#" + $0.dropFirst() : String($0) }.joined(separator: "\n")
        #expect(revoked.utf8.count == text.utf8.count && revoked != text)
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try file.write(contentsOf: Data(revoked.utf8))
        try file.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        Thread.sleep(forTimeInterval: 1)
        #expect(try connect(.dealer, stack.ports.queryRPC, options: options, context: context).1 == .succeeded,
                "the file watch saw the change: this test would not show SIGHUP's reload")

        kill(try #require(stack.member("query")).pid, SIGHUP)
        let signalled = Date()
        var handshake = try connect(.dealer, stack.ports.queryRPC, options: options, context: context).1
        while handshake == .succeeded && Date().timeIntervalSince(signalled) < 2 {
            Thread.sleep(forTimeInterval: 0.1)
            handshake = try connect(.dealer, stack.ports.queryRPC, options: options, context: context).1
        }
        #expect(handshake == .refusedByZAP(400))
        #expect(Date().timeIntervalSince(signalled) < 2)
        expectStatus(.unauthenticated) { try open.call(QueryMethod.overview, OverviewRequest(), as: OverviewResponse.self) }
    }
}
