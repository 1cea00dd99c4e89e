import EarshotSecurity
import EarshotWire
import Foundation
import Testing
import ZeroMQ

@Suite struct RoleTests {
    @Test func eachRoleReachesExactlyItsMethods() {
        #expect(Role.publisher.permits(method: IngestMethod.publishBatch))
        #expect(Role.publisher.permits(method: SourcesMethod.recordRejections))
        #expect(!Role.publisher.permits(method: QueryMethod.overview))
        #expect(Role.reader.permits(method: QueryMethod.searchPosts))
        #expect(Role.reader.permits(method: InsightsMethod.careQueue))
        #expect(!Role.reader.permits(method: ListeningMethod.deleteQuery))
        #expect(!Role.reader.permits(method: InsightsMethod.markHandled))
        #expect(!Role.reader.permits(method: IngestMethod.publish))
        #expect(Role.editor.permits(method: ListeningMethod.deleteQuery))
        #expect(Role.editor.permits(method: InsightsMethod.markHandled))
        #expect(!Role.editor.permits(method: IngestMethod.publishBatch))
        #expect(!Role.worker.permits(method: QueryMethod.overview))
        #expect(Role.worker.permits(method: SourcesMethod.list), "the query service's alert monitor reads source health")
        #expect(!Role.worker.permits(method: SourcesMethod.recordRejections))
        #expect(Role.admin.permits(method: IngestMethod.publishBatch))
        for role in Role.allCases { #expect(role.permits(method: HealthMethod.check)) }
    }

    @Test func aMethodNobodyClassifiedIsForAdminsOnly() {
        let method = "earshot.v1.Future/Something"
        #expect(Role.allCases.filter { $0.permits(method: method) } == [.admin])
    }

    @Test func socketKindsAreOpenOnlyToTheirRoles() {
        #expect(Role.worker.mayConnect(to: .pipeline))
        #expect(!Role.reader.mayConnect(to: .pipeline))
        #expect(!Role.publisher.mayConnect(to: .acknowledgements))
        #expect(Role.reader.mayConnect(to: .alerts))
        #expect(!Role.worker.mayConnect(to: .alerts))
        #expect(Role.worker.mayConnect(to: .querySet))
        #expect(!Role.publisher.mayConnect(to: .querySet))
    }
}

@Suite struct AllowListTests {
    let key = try! CurveKeyPair.generate().publicKey
    let other = try! CurveKeyPair.generate().publicKey

    @Test func readsEntriesAndSkipsComments() throws {
        let hashKey = "0#3X" + String(key.dropFirst(4))  // '#' is a Z85 character, not a comment inside a line
        let list = try AllowList(parsing: "# header\n  # indented comment\n\(hashKey) alice editor\n\n\(other)\tbot publisher\n", path: "a")
        #expect(list.entries.count == 2)
        #expect(list.entry(publicKey: hashKey)?.name == "alice")
        #expect(list.entry(named: "bot")?.role == .publisher)
        #expect(try AllowList(parsing: list.text, path: "b") == list)
    }

    @Test func namesTheLineOfEachMistake() {
        #expect(throws: AllowListError(path: "f", line: 2, message: "unknown role 'boss'; one of worker, publisher, reader, editor, admin, gateway")) {
            try AllowList(parsing: "\n\(key) alice boss\n", path: "f")
        }
        #expect(throws: AllowListError.self) { try AllowList(parsing: "notakey alice reader", path: "f") }
        #expect(throws: AllowListError.self) { try AllowList(parsing: "\(key) alice reader\n\(other) alice reader", path: "f") }
        #expect(throws: AllowListError.self) { try AllowList(parsing: "\(key) alice reader\n\(key) bob reader", path: "f") }
        #expect(throws: AllowListError.self) { try AllowList(parsing: "\(key) alice", path: "f") }
    }
}

@Suite struct KeyTests {
    @Test func keyPairsRoundTripAndNeverPrintTheSecret() throws {
        let pair = try CurveKeyPair.generate()
        #expect(CurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(!"\(pair)".contains(pair.secretKey))
        #expect(CurveKeyPair(secretKey: "too short") == nil)
        #expect(Z85.decode(pair.publicKey).flatMap(Z85.encode) == pair.publicKey)
    }

    @Test func theDefaultsAreCreatedOnceAndAgree() throws {
        let directory = KeyDirectory(path: FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID())").path)
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        try directory.prepareDefaults()
        let list = try directory.allowList()
        let cli = try directory.keyPair(KeyDirectory.commandLineKey)
        #expect(list.entry(publicKey: cli.publicKey)?.role == .admin)
        #expect(list.entry(named: KeyDirectory.queryKey)?.publicKey == (try directory.publicKey(KeyDirectory.queryKey)))
        #expect(list.entry(named: KeyDirectory.ingestKey)?.role == .worker)  // for its own health check only
        let kit = KeyDirectory(path: directory.path + "-worker")
        defer { try? FileManager.default.removeItem(atPath: kit.path) }
        try directory.share(KeyDirectory.workerKey, into: kit)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: kit.path))
                == ["worker.key", "worker.pub", "ingest.pub", "query.pub", "allow-list"])
        #expect(try kit.keyPair(KeyDirectory.workerKey) == (try directory.keyPair(KeyDirectory.workerKey)))
        try directory.prepareDefaults()
        #expect(try directory.keyPair(KeyDirectory.commandLineKey) == cli)
        let mode = try FileManager.default.attributesOfItem(atPath: directory.secretKeyPath("cli"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: KeyFileError.self) { try directory.generate(name: "../escape") }
    }
}

@Suite struct LoopbackTests {
    @Test func onlyLoopbackEndpointsPass() {
        for endpoint in ["tcp://127.0.0.1:5550", "tcp://127.1.2.3:1", "tcp://localhost:5550", "tcp://[::1]:5550", "inproc://x", "ipc:///tmp/s"] {
            #expect(SocketSecurity.isLoopback(endpoint), "\(endpoint)")
        }
        for endpoint in ["tcp://*:5550", "tcp://0.0.0.0:5550", "tcp://10.0.0.4:5550", "tcp://ingest:5550", "tcp://127.0.0.1.evil:1", "tcp://eth0:5550"] {
            #expect(!SocketSecurity.isLoopback(endpoint), "\(endpoint)")
        }
        #expect(throws: SecurityError.self) { try SocketSecurity.insecure.serverOptions(domain: .rpc, endpoint: "tcp://*:5550") }
    }
}

@Suite struct RefusalLogTests {
    @Test func logsEachKeyAtMostOncePerIntervalAndCountsTheRest() {
        var log = RefusalLog()
        #expect(log.shouldLog(fingerprint: "a", nowMs: 0) == 0)
        #expect(log.shouldLog(fingerprint: "a", nowMs: 1_000) == nil)
        #expect(log.shouldLog(fingerprint: "a", nowMs: 2_000) == nil)
        #expect(log.shouldLog(fingerprint: "a", nowMs: RefusalLog.perKeyIntervalMs) == 2)
    }

    @Test func aFloodOfNewKeysIsCappedPerWindow() {
        var log = RefusalLog()
        let logged = (0..<1_000).filter { log.shouldLog(fingerprint: "k\($0)", nowMs: Int64($0)) != nil }.count
        #expect(logged == RefusalLog.burst)
        #expect(log.shouldLog(fingerprint: "late", nowMs: RefusalLog.windowMs + 1) == 1_000 - RefusalLog.burst)
    }
}

@Suite struct DispatchSealTests {
    let items = [DispatchSeal.Item(deliverySeq: 7, postID: "x:1", ingestedAtMs: 1_700_000_000_000),
                 DispatchSeal.Item(deliverySeq: 8, postID: "x:2", ingestedAtMs: 1_700_000_000_001)]

    @Test func aTagVerifiesOnlyForItsItemsAndKey() throws {
        let seal = try #require(DispatchSeal(key: DispatchSeal.generateKey()))
        let tag = seal.tag(items)
        #expect(seal.verify(tag, items))
        var changed = items
        changed[1].deliverySeq = 9
        #expect(!seal.verify(tag, changed))
        changed = items
        changed[0].postID = "x:3"
        #expect(!seal.verify(tag, changed))
        #expect(!seal.verify(tag, Array(items.prefix(1))))
        #expect(!seal.verify([], items))
        let otherSeal = try #require(DispatchSeal(key: DispatchSeal.generateKey()))
        #expect(!otherSeal.verify(tag, items))
        #expect(DispatchSeal(key: [1, 2, 3]) == nil)
    }

    /// The relay's check on the encoded bytes agrees with the check on the decoded
    /// batch, for the bytes ingest sends and for the bytes a worker re-encodes.
    @Test func theCheckOnEncodedBytesAgreesWithTheDecodedOne() throws {
        let seal = try #require(DispatchSeal(key: DispatchSeal.generateKey()))
        var post = Post()
        post.text = "enriched on the way"
        let spliced = WireSplice.pipelineBatch(try items.map { item in
            post.id = item.postID
            return WireSplice.Item(deliverySeq: item.deliverySeq, post: try post.serializedBytes(), ingestedAtMs: item.ingestedAtMs, deliveryAttempt: 2)
        }, seal: seal.tag(items))
        #expect(seal.verifies(encodedBatch: spliced))
        var batch = try PipelineBatch(serializedBytes: spliced)
        #expect(seal.verifies(batch))
        batch.posts[0].enrichment.language = "en"
        batch.posts[1].scores.priority = 40
        #expect(seal.verifies(encodedBatch: try batch.serializedBytes()))

        var forged = batch
        forged.posts[1].post.id = "x:9"
        #expect(!seal.verifies(encodedBatch: try forged.serializedBytes()) && !seal.verifies(forged))
        forged = batch
        forged.posts.removeLast()
        #expect(!seal.verifies(encodedBatch: try forged.serializedBytes()) && !seal.verifies(forged))
        forged = batch
        forged.dispatchSeal = []
        #expect(!seal.verifies(encodedBatch: try forged.serializedBytes()))
        let encoded = try batch.serializedBytes()
        #expect(!seal.verifies(encodedBatch: Array(encoded.dropLast())))
        #expect(!seal.verifies(encodedBatch: [0xff, 0xff, 0xff]))
    }
}
