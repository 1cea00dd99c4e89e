import EarshotWire
import Foundation
import Launcher
import SampleData
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A webhook receiver on 127.0.0.1 (port 0): records every request it reads and answers
/// as `mode` says: 200, 500, or never (it keeps the connection open without a word).
final class WebhookReceiver: Sendable {
    enum Mode { case ok, fail, hang }
    struct Received { let headers: [String: String]; let body: [UInt8] }
    let port: Int
    private let listener: Int32
    private let state: Mutex<(mode: Mode, received: [Received], open: Set<Int32>)>
    private let stopped = Atomic<Bool>(false)
    private let acceptorDone = DispatchSemaphore(value: 0)

    init(mode: Mode) throws {
        state = Mutex((mode, [], []))
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 16) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw StackError("the webhook receiver cannot listen")
        }
        listener = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        // Each descriptor is closed exactly once, by the thread that owns it: the listener by this
        // one when it stops, a connection by its serving thread. (A close from elsewhere could
        // hit a descriptor number another test has been given since, and take its connections.)
        Thread { [self] in
            while !stopped.load(ordering: .acquiring) {
                var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                guard poll(&ready, 1, 100) > 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                state.withLock { _ = $0.open.insert(connection) }
                Thread { [self] in
                    serve(connection)
                    state.withLock { _ = $0.open.remove(connection) }
                    close(connection)
                }.start()
            }
            close(listener)
            acceptorDone.signal()
        }.start()
    }

    var mode: Mode {
        get { state.withLock { $0.mode } }
        set { state.withLock { $0.mode = newValue } }
    }
    var received: [Received] { state.withLock { $0.received } }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Reads requests (headers, then Content-Length bytes) from one connection and answers them.
    private func serve(_ connection: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            while let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                guard buffer.count >= end.upperBound + length else { break }
                let body = Array(buffer[end.upperBound..<end.upperBound + length])
                buffer.removeFirst(end.upperBound + length)
                let mode = state.withLock { state in
                    state.received.append(Received(headers: headers, body: body))
                    return state.mode
                }
                if mode == .hang {  // never answers; the connection stays open until the gateway gives up or stop()
                    while recv(connection, &chunk, chunk.count, 0) > 0 {}
                    return
                }
                let answer = mode == .ok ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" : "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nnope"
                _ = Array(answer.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return }
            buffer += chunk[0..<count]
        }
    }

    /// Stops accepting (waiting until the listener is closed) and cuts every open connection.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        acceptorDone.wait()
        state.withLock { for connection in $0.open { shutdown(connection, Int32(SHUT_RDWR)) } }
    }
}

/// HMAC-SHA256 by `openssl dgst` (not the code under test), as lowercase hex.
func opensslHMAC(key: String, message: [UInt8]) throws -> String {
    let tool = Process()
    tool.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    tool.arguments = ["dgst", "-sha256", "-hmac", key, "-r"]
    let input = Pipe()
    let output = Pipe()
    tool.standardInput = input
    tool.standardOutput = output
    try tool.run()
    input.fileHandleForWriting.write(Data(message))
    try input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    tool.waitUntilExit()
    return String(text.prefix { $0 != " " })
}

@Suite(.serialized) struct WebhookPipelineTests {
    /// The issue's end to end: publish over HTTP, read the overview, create a query, and a
    /// spike reaches a local receiver as a signed webhook (checked with openssl), while a
    /// receiver that answers 500 and one that never answers do not hold it up; the 500 one's
    /// delivery fails, is listed, and replays with its idempotency key.
    @Test func aSpikeArrivesAsASignedWebhookDespiteBrokenReceivers() async throws {
        let running = try RunningStack(slot: 21, enrich: 1, score: 1, queryArguments: ["--alert-grace-minutes", "30", "--alert-interval-ms", "200"])
        defer { running.stack.stop() }
        let webhookDatabase = running.stack.directory.appendingPathComponent("webhooks.sqlite").path
        let gateway = try RunningGateway(stack: running.stack, port: stackBasePort(21) + 40, arguments: [
            "--alerts", running.stack.ports.alerts, "--webhooks", webhookDatabase, "--webhook-timeout", "2", "--webhook-retry-window", "4",
        ])
        defer { gateway.stop() }
        let feed = try gateway.tokens(["create", "--name", "feed", "--role", "publisher"])
        let alice = try gateway.tokens(["create", "--name", "alice", "--role", "editor"])
        let rita = try gateway.tokens(["create", "--name", "rita", "--role", "reader"])
        try await gateway.waitUntilReady(timeoutSeconds: 90)
        let good = try WebhookReceiver(mode: .ok)
        let broken = try WebhookReceiver(mode: .fail)
        let silent = try WebhookReceiver(mode: .hang)
        defer { [good, broken, silent].forEach { $0.stop() } }

        // A listening query and three subscriptions to its alerts.
        let created = try await gateway.request("POST", "/v1/queries", token: alice, json: ["name": "Acme", "group": "brands", "query": "Acme"])
        #expect(created.status == 201, "\(created.text)")
        let acme = try #require(created.json["id"] as? String)
        let secret = "whsec_end-to-end-test-secret"
        let subscribed = try await gateway.request("POST", "/v1/webhooks", token: alice, json: ["url": good.url, "queryId": acme, "secret": secret])
        #expect(subscribed.status == 201 && subscribed.json["secret"] as? String == secret, "\(subscribed.text)")
        let brokenHook = try await gateway.request("POST", "/v1/webhooks", token: alice, json: ["url": broken.url, "queryId": acme])
        #expect((brokenHook.json["secret"] as? String)?.hasPrefix("whsec_") == true, "\(brokenHook.text)")
        _ = try await gateway.request("POST", "/v1/webhooks", token: alice, json: ["url": silent.url, "queryId": acme, "format": "slack"])
        let readerSubscribes = try await gateway.request("POST", "/v1/webhooks", token: rita, json: ["url": good.url])
        #expect(readerSubscribes.status == 403)
        let badURL = try await gateway.request("POST", "/v1/webhooks", token: alice, json: ["url": "ftp://x/"])
        #expect(badURL.status == 400 && (badURL.json["message"] as? String ?? "").contains("url"), "\(badURL.text)")
        let listed = try await gateway.request("GET", "/v1/webhooks", token: alice)
        let hooks = listed.json["webhooks"] as? [[String: Any]] ?? []
        #expect(hooks.count == 3 && hooks.allSatisfy { $0["secret"] == nil }, "\(listed.text)")

        // Publish a day with a storm of complaints at Acme over HTTP, then read the overview.
        let stormStart = dayStart + 15 * hour
        var sample = SampleStream(seed: 31, startMs: dayStart, spanMs: 24 * hour, expectedCount: 8_640, authorCount: 3_000)
        let day = (sample.next(8_640) + (0..<240).map { complaint($0, at: stormStart + Int64($0) * 2_500) }).sorted { $0.createdAtMs < $1.createdAtMs }
        for start in stride(from: 0, to: day.count, by: 500) {
            let batch = "{\"posts\":[" + day[start..<min(start + 500, day.count)].map { ProtoJSON.encode($0) }.joined(separator: ",") + "]}"
            let published = try await gateway.request("POST", "/v1/posts/batch", token: feed, body: Data(batch.utf8))
            #expect(published.status == 200, "\(published.text.prefix(500))")
        }
        var overview = try await gateway.request("GET", "/v1/overview", token: rita)
        let storedDeadline = Date().addingTimeInterval(120)
        while (overview.json["posts"] as? Int ?? 0) < day.count && Date() < storedDeadline {
            try await Task.sleep(nanoseconds: 500_000_000)
            overview = try await gateway.request("GET", "/v1/overview", token: rita)
        }
        #expect(overview.json["posts"] as? Int == day.count, "\(overview.text)")

        // The good receiver gets the spike, signed; the others do not hold it up.
        let deadline = Date().addingTimeInterval(120)
        while good.received.isEmpty && Date() < deadline { try await Task.sleep(nanoseconds: 250_000_000) }
        let delivery = try #require(good.received.first, "no webhook arrived; gateway log: \(gatewayLog(running))")
        let signature = try #require(delivery.headers["earshot-signature"])
        let parts = Dictionary(signature.split(separator: ",").map { ($0.split(separator: "=", maxSplits: 1)[0], String($0.split(separator: "=", maxSplits: 1)[1])) },
                               uniquingKeysWith: { first, _ in first })
        let timestamp = try #require(parts["t"].flatMap { Int64($0) })
        #expect(abs(timestamp - Int64(Date().timeIntervalSince1970)) < 300)
        #expect(parts["v1"] == (try opensslHMAC(key: secret, message: Array("\(timestamp).".utf8) + delivery.body)), "\(signature)")
        #expect(parts["v1"] != (try opensslHMAC(key: "another secret!!", message: Array("\(timestamp).".utf8) + delivery.body)))
        let idempotencyKey = try #require(delivery.headers["idempotency-key"])
        #expect(idempotencyKey.hasPrefix("whd_"))
        let body = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body)) as? [String: Any])
        #expect(body["type"] as? String == "alert")
        #expect((body["data"] as? [String: Any])?["queryId"] as? String == acme, "\(body)")
        #expect(delivery.headers["earshot-event"] == body["id"] as? String)
        #expect(!broken.received.isEmpty && !silent.received.isEmpty)
        let slackText = try #require(try silent.received.first.map { try JSONSerialization.jsonObject(with: Data($0.body)) } as? [String: Any])
        #expect((slackText["text"] as? String)?.contains("spike on query \(acme)") == true, "\(slackText)")

        // The 500 receiver's delivery fails (the window is 4 s here), is listed, and replays to it once it answers.
        var failed: [[String: Any]] = []
        let failedDeadline = Date().addingTimeInterval(60)
        repeat {
            try await Task.sleep(nanoseconds: 500_000_000)
            let listing = try await gateway.request("GET", "/v1/webhook-deliveries?state=failed&webhookId=\(brokenHook.json["id"] as? String ?? "")", token: alice)
            failed = listing.json["deliveries"] as? [[String: Any]] ?? []
        } while failed.isEmpty && Date() < failedDeadline
        let failure = try #require(failed.first, "no failed delivery listed")
        #expect(failure["lastStatus"] as? Int == 500 && (failure["attempts"] as? Int ?? 0) >= 1, "\(failure)")
        broken.mode = .ok
        let attemptsBefore = broken.received.count
        let replayed = try await gateway.request("POST", "/v1/webhook-deliveries/\(failure["id"] as? String ?? "")/replay", token: alice)
        #expect(replayed.status == 200 && replayed.json["state"] as? String == "pending", "\(replayed.text)")
        let replayDeadline = Date().addingTimeInterval(30)
        func replayArrived() -> Bool { broken.received.dropFirst(attemptsBefore).contains { $0.headers["idempotency-key"] == failure["id"] as? String } }
        while !replayArrived() && Date() < replayDeadline { try await Task.sleep(nanoseconds: 200_000_000) }
        #expect(replayArrived())
        let missing = try await gateway.request("POST", "/v1/webhook-deliveries/whd_nothing/replay", token: alice)
        #expect(missing.status == 404)
        #expect(gateway.process.isRunning)
    }
}

private func gatewayLog(_ running: RunningStack) -> String {
    String((try? String(contentsOf: running.stack.directory.appendingPathComponent("gateway.log"), encoding: .utf8))?.suffix(3_000) ?? "")
}
