import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Launcher
import PostgresTestSupport
import Testing
import ZeroMQ

/// A post of `source` whose text is `text`.
private func post(_ id: String, _ text: String, source: String = "test-feed") -> Post {
    var post = Post()
    post.id = id
    post.platform = .mastodon
    post.source = source
    post.author.id = "author-\(id)"
    post.author.handle = "author\(id.hashValue & 0xFFFF)"
    post.text = text
    post.createdAtMs = 1_767_225_600_000 + Int64(abs(id.hashValue) % 86_400_000)
    return post
}

/// `count` posts "<prefix>-<n>" with `text`.
private func posts(_ prefix: String, _ count: Int, _ text: String, source: String = "test-feed") -> [Post] {
    (1...count).map { post("\(prefix)-\($0)", text, source: source) }
}

/// Polls `condition` every 100 ms for up to `seconds`; returns its last value.
func poll(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        Thread.sleep(forTimeInterval: 0.1)
    }
}

/// A metric of the process answering at `endpoint`, nil when absent.
private func metric(_ name: String, at client: RPCClient) throws -> Double? {
    try client.call(StatsMethod.get, StatsRequest(), as: StatsResponse.self).metrics.first { $0.name == name }?.value
}

/// The stored posts whose text contains `marker`, with the listening queries they matched.
private func matchedQueries(_ marker: String, _ query: RPCClient) throws -> [[String]] {
    var request = SearchPostsRequest()
    request.textContains = marker
    request.pageSize = 500
    return try query.call(QueryMethod.searchPosts, request, as: SearchPostsResponse.self).posts.map(\.enrichment.matchedQueryIds)
}

/// Stored posts that matched listening query `id`.
private func queryVolume(_ id: String, _ query: RPCClient) throws -> Int64 {
    var request = OverviewRequest()
    request.queryId = id
    return try query.call(QueryMethod.overview, request, as: OverviewResponse.self).posts
}

@Suite(.serialized) struct ListeningPipelineTests {
    @Test func queryChangesReachRunningAndLateWorkersAndBackfillFindsThePast() throws {
        try queryChangesReachRunningAndLateWorkersAndBackfillFindsThePast(slot: 3)
    }

    /// The same on the PostgreSQL store (skipped without PostgreSQL 15, unless EARSHOT_REQUIRE_POSTGRES=1).
    @Test(.enabled(if: PostgresTestCluster.shouldRun, Comment(rawValue: PostgresTestCluster.skipReason)))
    func queryChangesReachRunningAndLateWorkersAndBackfillFindsThePastOnPostgres() throws {
        let store = try PostgresTestCluster.shared.get().newDatabase()
        try queryChangesReachRunningAndLateWorkersAndBackfillFindsThePast(slot: 19, queryArguments: ["--store", store])
    }

    /// Listening queries through the pipeline, with the query service started with `queryArguments` in port `slot`.
    private func queryChangesReachRunningAndLateWorkersAndBackfillFindsThePast(slot: Int, queryArguments: [String] = []) throws {
        let running = try RunningStack(slot: slot, enrich: 1, score: 1, ingestArguments: ["--redelivery-ms", "2000"], queryArguments: queryArguments)
        defer { running.stack.stop() }
        let (stack, context, publisher, query) = (running.stack, running.context, running.publisher, running.query)
        let worker = try stack.client(stack.ports.workerControl(1), server: KeyDirectory.workerKey, context: context)

        // History from before any query: 40 posts mention gronk.
        _ = try publisher.publish(posts("past", 40, "the gronk launch was yesterday") + posts("noise", 20, "unrelated chatter"))
        #expect(try waitForStored(60, query, timeoutSeconds: 60).posts == 60)

        // Validation and error codes.
        var validate = ValidateQueryRequest()
        validate.query = #"acme AND "new phone"#
        let verdict = try query.call(ListeningMethod.validateQuery, validate, as: ValidateQueryResponse.self)
        #expect(!verdict.valid && verdict.position == 10 && verdict.message == "unclosed quote")
        var create = CreateQueryRequest()
        create.name = "Zorblax"
        create.group = "brands"
        create.query = validate.query
        #expect(throws: RPCError(.invalidArgument, "unclosed quote at 10")) {
            try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        }
        create.query = "zorblax OR #zorblax"
        let zorblax = try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        #expect(throws: RPCError(.alreadyExists, "group 'brands' already has a query named 'Zorblax'")) {
            try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        }

        // 1. A new query reaches the running worker (bound: 2 s; polled with slack).
        #expect(try poll(seconds: 5) { try metric("earshot_enrich_listening_queries", at: worker) == 1 })
        _ = try publisher.publish(posts("live", 30, "loving my new zorblax") + posts("other", 30, "loving my new phone"))
        #expect(try waitForStored(120, query, timeoutSeconds: 60).posts == 120)
        #expect(try queryVolume(zorblax.id, query) == 30)
        #expect(try matchedQueries("new zorblax", query).allSatisfy { $0 == [zorblax.id] })
        #expect(try matchedQueries("new phone", query).allSatisfy(\.isEmpty))

        // 2. An update reaches it: the query now listens for quuxly instead.
        let version = try #require(try metric("earshot_enrich_query_set_version", at: worker))
        var update = UpdateQueryRequest()
        update.id = zorblax.id
        update.query = "quuxly"
        #expect(try query.call(ListeningMethod.updateQuery, update, as: SavedQuery.self).query == "quuxly")
        #expect(try poll(seconds: 5) { try metric("earshot_enrich_query_set_version", at: worker) ?? 0 > version })
        _ = try publisher.publish(posts("after-update-old", 10, "zorblax again") + posts("after-update-new", 10, "quuxly rocks"))
        #expect(try waitForStored(140, query, timeoutSeconds: 60).posts == 140)
        #expect(try queryVolume(zorblax.id, query) == 40)
        #expect(try matchedQueries("zorblax again", query).allSatisfy(\.isEmpty))

        // 3. A delete reaches it.
        var delete = DeleteQueryRequest()
        delete.id = zorblax.id
        _ = try query.call(ListeningMethod.deleteQuery, delete, as: DeleteQueryResponse.self)
        #expect(throws: RPCError(.notFound, "no listening query with id '\(zorblax.id)'")) {
            try query.call(ListeningMethod.deleteQuery, delete, as: DeleteQueryResponse.self)
        }
        #expect(try poll(seconds: 5) { try metric("earshot_enrich_listening_queries", at: worker) == 0 })
        _ = try publisher.publish(posts("after-delete", 10, "quuxly forever"))
        #expect(try waitForStored(150, query, timeoutSeconds: 60).posts == 150)
        #expect(try matchedQueries("quuxly forever", query).allSatisfy(\.isEmpty))

        // 4. A worker started after a change matches from its first post.
        create.name = "Flumph"
        create.query = "flumph"
        let flumph = try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        stack.kill(try #require(stack.member("enrich-1")))
        try stack.addWorker("enrich")
        _ = try publisher.publish(posts("late", 25, "a flumph appeared"))
        #expect(try waitForStored(175, query, timeoutSeconds: 60).posts == 175)
        #expect(try queryVolume(flumph.id, query) == 25)

        // 5. Backfill gives a new query its past mentions, once.
        create.name = "Gronk"
        create.query = "gronk"
        create.backfill = true
        let gronk = try query.call(ListeningMethod.createQuery, create, as: SavedQuery.self)
        #expect(gronk.backfillState == "pending")
        var list = ListQueriesRequest()
        list.group = "brands"
        #expect(try poll(seconds: 60) {
            try query.call(ListeningMethod.listQueries, list, as: ListQueriesResponse.self).queries.first { $0.id == gronk.id }?.backfillState == "done"
        })
        #expect(try queryVolume(gronk.id, query) == 40)
        let names = try query.call(ListeningMethod.listQueries, list, as: ListQueriesResponse.self).queries.map(\.name)
        #expect(names == ["Flumph", "Gronk"])
    }

    @Test func sourceHealthCountsAndFlagsASilentSource() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(4))
        defer { stack.stop() }
        try stack.start(enrich: 0, score: 0, ingestArguments: ["--silence-factor", "2", "--silence-floor-ms", "1000"])
        try stack.waitUntilHealthy()
        let ingest = try stack.ingestClient(context: try Context())
        let publisher = Publisher(client: ingest)

        for round in 0..<3 {
            _ = try publisher.publish(posts("a\(round)", 10, "from a", source: "feed-a"))
            _ = try publisher.publish(posts("b\(round)", 5, "from b", source: "feed-b"))
            Thread.sleep(forTimeInterval: 0.1)
        }
        _ = try publisher.publish(posts("a0", 10, "from a", source: "feed-a"))  // 10 duplicates
        var invalid = post("", "no id", source: "feed-b")
        invalid.id = ""
        #expect(throws: RPCError.self) { try ingest.call(IngestMethod.publishBatch, PublishBatchRequest(posts: [invalid]), as: PublishBatchResponse.self) }
        var rejections = RecordRejectionsRequest()
        rejections.source = "feed-b"
        rejections.count = 4
        _ = try ingest.call(SourcesMethod.recordRejections, rejections, as: RecordRejectionsResponse.self)

        // feed-b keeps delivering every 200 ms; feed-a stops.
        var health: [String: SourceHealth] = [:]
        var round = 3
        let flagged = try poll(seconds: 6) {
            _ = try publisher.publish(posts("b\(round)", 5, "from b", source: "feed-b"))
            round += 1
            Thread.sleep(forTimeInterval: 0.1)
            let response = try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self)
            health = Dictionary(uniqueKeysWithValues: response.sources.map { ($0.source, $0) })
            return health["feed-a"]?.silent == true
        }
        #expect(flagged)
        let a = try #require(health["feed-a"])
        let b = try #require(health["feed-b"])
        #expect(a.accepted == 30 && a.duplicates == 10 && a.rejected == 0)
        #expect(a.silentForMs > 1_000)
        #expect(!b.silent)
        #expect(b.accepted == Int64(5 * round) && b.rejected == 5)
        #expect(b.usualGapMs > 0 && b.postsPerMinute > 0)
    }
}

/// Runs `earshot` with `arguments`, feeding `input` on standard input; returns (status, stdout, stderr).
func runEarshot(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String, errors: String) {
    try runProgram(earshotBinary, arguments, input: input)
}

/// The repository's root (for its scripts), from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs `executable` with `arguments` and `input` on standard input; returns its status and outputs.
func runProgram(_ executable: URL, _ arguments: [String], input: String = "") throws -> (status: Int32, output: String, errors: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let errors = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
}

@Suite struct ImportSourceHealthTests {
    @Test func importCountsRejectedLinesAgainstTheSource() throws {
        let stack = try LocalStack(executable: earshotBinary, directory: stackDirectory(), basePort: stackBasePort(5))
        defer { stack.stop() }
        try stack.start(enrich: 0, score: 0)
        try stack.waitUntilHealthy()
        let status = #"{"id":"ID","created_at":"2026-01-01T10:00:00.000Z","url":"https://mastodon.social/@a/ID","content":"<p>hello</p>","account":{"id":"1","acct":"a"}}"#
        let input = [status.replacingOccurrences(of: "ID", with: "101"), "{broken", status.replacingOccurrences(of: "ID", with: "102")]
        let result = try runEarshot(["import", "--format", "mastodon", "--source", "masto-feed", "--ingest", stack.ports.ingestRPC, "-"] + stack.securityArguments,
                                    input: input.joined(separator: "\n") + "\n")
        #expect(result.status == 2)
        #expect(result.errors.contains("line 2: rejected"))
        let ingest = try stack.ingestClient(context: try Context())
        let sources = try ingest.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self).sources
        let feed = try #require(sources.first { $0.source == "masto-feed" })
        #expect(feed.accepted == 2 && feed.rejected == 1 && !feed.silent)
    }
}

@Suite struct QueriesCommandTests {
    @Test func validatePointsAtTheMistake() throws {
        let bad = try runEarshot(["queries", "validate", #"acme AND "new phone"#])
        #expect(bad.status == 1)
        #expect(bad.errors == "acme AND \"new phone\n         ^\nunclosed quote at 10\n")
        #expect(try runEarshot(["queries", "validate", "#acme OR site:acme.com"]).output == "valid\n")
    }

    @Test func testPrintsTheMatchingLinesOfPostsAndDocuments() throws {
        let lines = [
            #"{"id":"m:1","platform":"mastodon","text":"<p>Loving the new <b>#Acme</b> phone</p>","textIsHtml":true,"createdAtMs":1767225600000}"#,
            #"{"id":"m:2","platform":"mastodon","text":"nothing to see","createdAtMs":1767225600000}"#,
            #"{"text":"short document about acme","followers":5000}"#,
            #"{"text":"acme, but too small","followers":10}"#,
            "not json",
        ]
        let result = try runEarshot(["queries", "test", "(#acme OR acme) followers:>100 OR platform:mastodon #acme"],
                                    input: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0)
        #expect(result.output == lines[0] + "\n" + lines[2] + "\n")
        #expect(result.errors.contains("line 5: skipped: not JSON"))
        #expect(result.errors.contains("2 of 5 lines match (1 unreadable)"))
    }

    @Test func testReadsEveryImportFormat() throws {
        let mastodon = [
            #"{"id":"111","uri":"https://m.example/@a/111","created_at":"2026-01-01T00:00:00.000Z","language":"en","content":"<p>my phone is new, from <a href=\"https://m.example/tags/acme\">#acme</a></p>","account":{"id":"1","acct":"a","username":"a","followers_count":10}}"#,
            #"{"id":"112","uri":"https://m.example/@a/112","created_at":"2026-01-01T00:00:00.000Z","language":"en","content":"<p>nothing here</p>","account":{"id":"1","acct":"a","username":"a","followers_count":10}}"#,
        ]
        let fromMastodon = try runEarshot(["queries", "test", "--format", "mastodon", #""new phone"~3 #acme"#],
                                          input: mastodon.joined(separator: "\n") + "\n")
        #expect(fromMastodon.status == 0)
        #expect(fromMastodon.output == mastodon[0] + "\n")
        #expect(fromMastodon.errors.contains("1 of 2 lines match"))

        let csv = "id,text,created_at\n1,phone new from acme,2026-01-01T00:00:00Z\n2,new old phone,2026-01-01T00:00:00Z\n"
        let fromCSV = try runEarshot(["queries", "test", #""new phone"~2"#], input: csv)
        #expect(fromCSV.status == 0)
        #expect(fromCSV.output == "1,phone new from acme,2026-01-01T00:00:00Z\n2,new old phone,2026-01-01T00:00:00Z\n")
        #expect(fromCSV.errors.contains("2 of 2 lines match"))
        #expect(try runEarshot(["queries", "test", #""new phone"~1"#], input: csv).output == "2,new old phone,2026-01-01T00:00:00Z\n")
    }
}
