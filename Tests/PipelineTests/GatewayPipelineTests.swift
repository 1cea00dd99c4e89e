import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import SampleData
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket connected to 127.0.0.1:`port`.
func connectToLoopback(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port)).bigEndian
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(fd)
        throw StackError("cannot connect to 127.0.0.1:\(port)")
    }
    return fd
}

/// An HTTP/1.1 GET on a plain TCP connection whose response is read as it arrives
/// (URLSession gives a body only once it ended, and an event stream never ends).
final class StreamingGet: Sendable {
    private let received = Mutex<[UInt8]>([])
    private let descriptor: Int32

    init(port: Int, path: String, token: String) throws {
        let fd = try connectToLoopback(port: port)
        descriptor = fd
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nAccept: text/event-stream\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count <= 0 { return }
                received.withLock { $0 += buffer[0..<count] }
            }
        }.start()
    }

    /// What arrived so far.
    var text: String { String(decoding: received.withLock { $0 }, as: UTF8.self) }

    func close() { shutdown(descriptor, Int32(SHUT_RDWR)) }
}

/// A client that sends a request a byte at a time (slowloris) on a plain TCP connection, and
/// notices when the server closes the connection.
struct DrippingClient {
    /// How many bytes went out before the server closed, and what it answered meanwhile.
    struct Outcome {
        var sent = 0
        var closed = false
        var answer = ""
    }

    /// Connects to 127.0.0.1:`port`, sends `prefix` at once, then `dripped` a byte every `interval`
    /// seconds until the server closes the connection or every byte is sent.
    static func send(port: Int, prefix: String, dripped: String, interval: Double) throws -> Outcome {
        let fd = try connectToLoopback(port: port)
        defer { close(fd) }
        var outcome = Outcome()
        var received: [UInt8] = []
        /// Reads what arrived; true once the server closed.
        func serverClosed() -> Bool {
            var buffer = [UInt8](repeating: 0, count: 4_096)
            while true {
                let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count > 0 { received += buffer[0..<count]; continue }
                return count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
            }
        }
        let head = Array(prefix.utf8)
        if !head.isEmpty { _ = head.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        for byte in Array(dripped.utf8) {
            var value = byte
            guard Glibc.send(fd, &value, 1, Int32(MSG_NOSIGNAL)) == 1 else { outcome.closed = true; break }
            outcome.sent += 1
            Thread.sleep(forTimeInterval: interval)
            if serverClosed() { outcome.closed = true; break }
        }
        outcome.answer = String(decoding: received, as: UTF8.self)
        return outcome
    }
}

/// An `earshot gateway` process in front of a running stack, with API tokens made by `earshot tokens create`.
struct RunningGateway {
    let process: Process
    let base: URL
    let tokensArguments: [String]
    /// Where the gateway's standard error goes.
    let logURL: URL

    init(stack: LocalStack, port: Int, arguments: [String] = []) throws {
        tokensArguments = stack.securityArguments
        process = Process()
        process.executableURL = earshotBinary
        process.arguments = ["gateway", "--listen", "127.0.0.1:\(port)", "--ingest", stack.ports.ingestRPC, "--query", stack.ports.queryRPC]
            + stack.securityArguments + arguments
        logURL = stack.directory.appendingPathComponent("gateway.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
        base = URL(string: "http://127.0.0.1:\(port)")!
    }

    /// `earshot tokens …` against the stack's keys folder; its standard output.
    func tokens(_ arguments: [String]) throws -> String {
        let tool = Process()
        tool.executableURL = earshotBinary
        tool.arguments = ["tokens"] + arguments + tokensArguments
        let output = Pipe()
        tool.standardOutput = output
        try tool.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        tool.waitUntilExit()
        guard tool.terminationStatus == 0 else { throw StackError("earshot tokens \(arguments) exited with \(tool.terminationStatus)") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Reply {
        let status: Int
        let headers: [AnyHashable: Any]
        let body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: String, _ path: String, token: String? = nil, body: Data? = nil, contentType: String = "application/json") async throws -> Reply {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return Reply(status: http.statusCode, headers: http.allHeaderFields, body: data)
    }

    func request(_ method: String, _ path: String, token: String? = nil, json: Any) async throws -> Reply {
        try await request(method, path, token: token, body: try JSONSerialization.data(withJSONObject: json))
    }

    /// Waits until /readyz answers 200 (ingest and query serving); the error says what /readyz
    /// answered last and how the gateway's log ends.
    func waitUntilReady(timeoutSeconds: Double) async throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var last = "no answer yet"
        while Date() < deadline {
            guard process.isRunning else {
                last = "the gateway exited with status \(process.terminationStatus)"
                break
            }
            do {
                let reply = try await request("GET", "/readyz")
                if reply.status == 200 { return }
                last = "/readyz answered \(reply.status): \(reply.text)"
            } catch {
                last = "/readyz failed: \(error)"
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        let log = (try? String(contentsOf: logURL, encoding: .utf8)).map { String($0.suffix(3_000)) } ?? "(no log)"
        throw StackError("the gateway at \(base) did not get ready within \(timeoutSeconds) s; last: \(last); its log ends:\n\(log)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

@Suite(.serialized) struct GatewayPipelineTests {
    @Test func publishReadCreateAndRefuseOverHTTP() async throws {
        let running = try RunningStack(slot: 16, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let gateway = try RunningGateway(stack: running.stack, port: stackBasePort(16) + 40, arguments: ["--max-body", "65536"])
        defer { gateway.stop() }
        let feed = try gateway.tokens(["create", "--name", "feed", "--role", "publisher"])
        let alice = try gateway.tokens(["create", "--name", "alice", "--role", "editor"])
        let rita = try gateway.tokens(["create", "--name", "rita", "--role", "reader"])
        try await gateway.waitUntilReady(timeoutSeconds: 90)

        // Publish over HTTP, with RFC 3339 times.
        let posts: [[String: Any]] = (1...5).map { index in
            ["id": "gw:\(index)", "platform": "mastodon", "source": "gateway-test", "author": ["id": "a\(index)", "handle": "fan\(index)"],
             "text": "I love the new red shoes #shoes \(index)", "createdAtMs": "2026-12-06T10:0\(index):00Z"]
        }
        let published = try await gateway.request("POST", "/v1/posts/batch", token: feed, json: ["posts": posts])
        #expect(published.status == 200, "\(published.text)")
        #expect(published.json["accepted"] as? Int == 5)
        let one = try await gateway.request("POST", "/v1/posts", token: feed, json: ["post": posts[0]])
        #expect(one.status == 200 && one.json["duplicate"] as? Bool == true, "\(one.text)")

        // Read the overview until the pipeline stored them.
        var overview = try await gateway.request("GET", "/v1/overview?from=2026-12-06T00:00:00Z", token: rita)
        let deadline = Date().addingTimeInterval(30)
        while (overview.json["posts"] as? Int ?? 0) < 5 && Date() < deadline {
            try await Task.sleep(nanoseconds: 250_000_000)
            overview = try await gateway.request("GET", "/v1/overview?from=2026-12-06T00:00:00Z", token: rita)
        }
        #expect(overview.status == 200 && overview.json["posts"] as? Int == 5, "\(overview.text)")
        let search = try await gateway.request("GET", "/v1/posts?pageSize=2&hashtag=shoes", token: rita)
        let page = search.json["posts"] as? [[String: Any]] ?? []
        #expect(page.count == 2 && !(search.json["nextPageToken"] as? String ?? "").isEmpty, "\(search.text)")
        #expect(((page.first?["post"] as? [String: Any])?["createdAtMs"] as? String)?.hasPrefix("2026-12-06T10:0") == true)

        // Create a listening query; the errors of the query service map to HTTP.
        let created = try await gateway.request("POST", "/v1/queries", token: alice, json: ["name": "shoes", "group": "brand", "query": "\"red shoes\""])
        #expect(created.status == 201, "\(created.text)")
        #expect((created.json["id"] as? String)?.hasPrefix("q-") == true)
        #expect((created.json["createdAtMs"] as? String)?.hasSuffix("Z") == true)
        let again = try await gateway.request("POST", "/v1/queries", token: alice, json: ["name": "shoes", "group": "brand", "query": "shoes"])
        #expect(again.status == 409 && again.json["status"] as? String == "ALREADY_EXISTS", "\(again.text)")
        let unparsable = try await gateway.request("POST", "/v1/queries", token: alice, json: ["name": "broken", "query": "\"unclosed"])
        #expect(unparsable.status == 400 && unparsable.json["status"] as? String == "INVALID_ARGUMENT", "\(unparsable.text)")
        let missing = try await gateway.request("DELETE", "/v1/queries/q-999", token: alice)
        #expect(missing.status == 404 && missing.json["code"] as? Int == 404, "\(missing.text)")
        let listed = try await gateway.request("GET", "/v1/queries", token: rita)
        #expect((listed.json["queries"] as? [[String: Any]])?.count == 1)

        // A care claim is recorded for the token's holder, through the gateway's key.
        let claim = try await gateway.request("POST", "/v1/care/gw:1/claim", token: alice)
        #expect(claim.status == 200 && claim.json["handledBy"] as? String == "alice@gateway", "\(claim.text)")

        // Tokens and roles.
        let anonymous = try await gateway.request("GET", "/v1/overview")
        #expect(anonymous.status == 401 && anonymous.json["status"] as? String == "UNAUTHENTICATED")
        let forged = try await gateway.request("GET", "/v1/overview", token: rita + "0")
        #expect(forged.status == 401)
        let readerWrites = try await gateway.request("POST", "/v1/queries", token: rita, json: ["name": "x", "query": "x"])
        #expect(readerWrites.status == 403 && readerWrites.json["status"] as? String == "PERMISSION_DENIED")
        let editorPublishes = try await gateway.request("POST", "/v1/posts", token: alice, json: ["post": posts[0]])
        #expect(editorPublishes.status == 403)

        // Bad input.
        let malformed = try await gateway.request("POST", "/v1/queries", token: alice, body: Data("{\"name\":".utf8))
        #expect(malformed.status == 400 && malformed.json["message"] as? String ?? "" != "", "\(malformed.text)")
        let unknownField = try await gateway.request("POST", "/v1/queries", token: alice, json: ["nmae": "x", "query": "x"])
        #expect(unknownField.status == 400 && (unknownField.json["message"] as? String ?? "").contains("nmae"), "\(unknownField.text)")
        let wrongType = try await gateway.request("GET", "/v1/posts?pageSize=many", token: rita)
        #expect(wrongType.status == 400, "\(wrongType.text)")
        let oversized = try await gateway.request("POST", "/v1/posts/batch", token: feed, body: Data(repeating: 0x20, count: 100_000))
        #expect(oversized.status == 413, "\(oversized.text)")
        let form = try await gateway.request("POST", "/v1/queries", token: alice, body: Data("a=b".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        let nowhere = try await gateway.request("GET", "/v1/nowhere", token: rita)
        #expect(nowhere.status == 404)

        // Revoking takes effect without a restart.
        _ = try gateway.tokens(["revoke", "--name", "rita"])
        let revoked = try await gateway.request("GET", "/v1/overview", token: rita)
        #expect(revoked.status == 401)
        #expect(try gateway.tokens(["list"]).contains("alice\teditor"))

        // Exports stream every page: 1,205 posts are three pages of the query service.
        let more: [[String: Any]] = (6...1_205).map { index in
            ["id": "gw:\(index)", "platform": "reddit", "author": ["handle": "fan\(index % 50)"], "text": "export me \(index)",
             "createdAtMs": 1_796_558_400_000 + index]
        }
        for start in stride(from: 0, to: more.count, by: 200) {  // batches under the gateway's --max-body of 64 KiB
            let bulk = try await gateway.request("POST", "/v1/posts/batch", token: feed, json: ["posts": Array(more[start..<start + 200])])
            #expect(bulk.json["accepted"] as? Int == 200, "\(bulk.text)")
        }
        var stored = 0
        let exportDeadline = Date().addingTimeInterval(60)
        repeat {
            try await Task.sleep(nanoseconds: 250_000_000)
            stored = try await gateway.request("GET", "/v1/overview", token: alice).json["posts"] as? Int ?? 0
        } while stored < 1_205 && Date() < exportDeadline
        let jsonl = try await gateway.request("GET", "/v1/export.jsonl", token: alice)
        let lines = jsonl.text.split(separator: "\n")
        #expect(jsonl.status == 200 && lines.count == 1_205, "\(jsonl.text.prefix(300))")
        #expect(Set(lines.compactMap { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]).flatMap { ($0["post"] as? [String: Any])?["id"] as? String }
        }).count == 1_205)
        let csv = try await gateway.request("GET", "/v1/export.csv?platform=mastodon", token: alice)
        #expect(csv.status == 200 && csv.text.hasPrefix("id,created_at,") && csv.text.split(separator: "\n").count == 6, "\(csv.text.prefix(300))")
        let paged = try await gateway.request("GET", "/v1/export.csv?pageSize=3", token: alice)
        #expect(paged.status == 400)

        let metrics = try await gateway.request("GET", "/metrics")
        #expect(metrics.status == 200 && metrics.text.contains("earshot_gateway_requests_total{route=\"POST /v1/queries\",status=\"201\"} 1"), "\(metrics.text.prefix(2000))")
        let contract = try await gateway.request("GET", "/openapi.json")
        #expect(contract.status == 200 && contract.json["openapi"] as? String == "3.1.0")
        #expect(gateway.process.isRunning)
    }

    /// POST /v1/queries/test (Listening/TestQuery): the newest matches of an unsaved query among
    /// the stored posts, their count, the bounds, the errors, and nothing saved; and the same
    /// expression as a search (GET /v1/posts?query=), paged to its last match.
    @Test func testingAnUnsavedQueryPreviewsItsMatches() async throws {
        let running = try RunningStack(slot: 24, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let gateway = try RunningGateway(stack: running.stack, port: stackBasePort(24) + 40)
        defer { gateway.stop() }
        let feed = try gateway.tokens(["create", "--name", "feed", "--role", "publisher"])
        let rita = try gateway.tokens(["create", "--name", "rita", "--role", "reader"])
        try await gateway.waitUntilReady(timeoutSeconds: 90)

        // 30 posts a minute apart from 10:00; every third (0, 3, …, 27) about red shoes.
        let posts: [[String: Any]] = (0..<30).map { (index: Int) -> [String: Any] in
            let text: String = index % 3 == 0 ? "Those red shoes again, number \(index)" : "A blue hat, number \(index)"
            let createdAtMs: Int64 = 1_796_551_200_000 + Int64(index) * 60_000
            let author: [String: Any] = ["handle": "fan\(index)"]
            return ["id": "tq:\(index)", "platform": "x", "author": author, "text": text, "createdAtMs": createdAtMs]
        }
        let published = try await gateway.request("POST", "/v1/posts/batch", token: feed, json: ["posts": posts])
        #expect(published.json["accepted"] as? Int == 30, "\(published.text)")
        var stored = 0
        let deadline = Date().addingTimeInterval(30)
        repeat {
            try await Task.sleep(nanoseconds: 250_000_000)
            stored = try await gateway.request("GET", "/v1/overview", token: rita).json["posts"] as? Int ?? 0
        } while stored < 30 && Date() < deadline
        #expect(stored == 30)

        func ids(_ reply: RunningGateway.Reply) -> [String] {
            (reply.json["posts"] as? [[String: Any]] ?? []).compactMap { ($0["post"] as? [String: Any])?["id"] as? String }
        }
        let all = try await gateway.request("POST", "/v1/queries/test", token: rita, json: ["query": "\"red shoes\"", "limit": 3])
        #expect(all.status == 200, "\(all.text)")
        #expect(ids(all) == ["tq:27", "tq:24", "tq:21"], "the newest three matches, newest first: \(all.text)")
        #expect(all.json["matched"] as? Int == 10 && all.json["scanned"] as? Int == 30 && all.json["complete"] as? Bool == true, "\(all.text)")

        // Bounded: the newest 7 posts (29…23) hold two matches (27, 24), and the answer says it stopped.
        let bounded = try await gateway.request("POST", "/v1/queries/test", token: rita, json: ["query": "shoes", "maxScanned": 7])
        #expect(bounded.json["matched"] as? Int == 2 && bounded.json["scanned"] as? Int == 7 && bounded.json["complete"] as? Bool == false, "\(bounded.text)")
        // A range: 10:00 to 10:10 holds posts 0…9, matches 0, 3, 6, 9.
        let ranged = try await gateway.request("POST", "/v1/queries/test", token: rita,
                                               json: ["query": "shoes", "range": ["fromMs": "2026-12-06T10:00:00Z", "toMs": "2026-12-06T10:10:00Z"]])
        #expect(ids(ranged) == ["tq:9", "tq:6", "tq:3", "tq:0"] && ranged.json["scanned"] as? Int == 10, "\(ranged.text)")

        // A bad query: INVALID_ARGUMENT naming the first mistake's position, as validate reports it.
        let broken = "shoes AND (red OR"
        let verdict = try await gateway.request("POST", "/v1/queries/validate", token: rita, json: ["query": broken])
        let position = try #require(verdict.json["position"] as? Int, "\(verdict.text)")
        let refused = try await gateway.request("POST", "/v1/queries/test", token: rita, json: ["query": broken])
        #expect(refused.status == 400 && refused.json["status"] as? String == "INVALID_ARGUMENT", "\(refused.text)")
        #expect((refused.json["message"] as? String ?? "").hasSuffix(" at \(position)"), "\(refused.text)")
        let tooMany = try await gateway.request("POST", "/v1/queries/test", token: rita, json: ["query": "shoes", "limit": 101])
        #expect(tooMany.status == 400 && (tooMany.json["message"] as? String ?? "").contains("limit"), "\(tooMany.text)")

        // The same expression in a search (SearchPosts' `query`): every match, a page at a time,
        // newest first, with the other filters; a bad expression names its mistake.
        var searched: [String] = []
        var pageToken = ""
        var pages = 0
        repeat {
            let page = try await gateway.request("GET", "/v1/posts?query=%22red%20shoes%22&pageSize=4&pageToken=\(pageToken)", token: rita)
            #expect(page.status == 200, "\(page.text)")
            searched += ids(page)
            pageToken = page.json["nextPageToken"] as? String ?? ""
            pages += 1
        } while !pageToken.isEmpty && pages < 10
        #expect(searched == stride(from: 27, through: 0, by: -3).map { "tq:\($0)" } && pages == 3, "\(searched) in \(pages) pages")
        let filtered = try await gateway.request("GET", "/v1/posts?query=shoes%20OR%20hat&authorHandle=fan7", token: rita)
        #expect(ids(filtered) == ["tq:7"], "\(filtered.text)")
        let badSearch = try await gateway.request("GET", "/v1/posts?query=shoes%20AND%20(red%20OR", token: rita)
        #expect(badSearch.status == 400 && (badSearch.json["message"] as? String ?? "").hasPrefix("query:"), "\(badSearch.text)")
        let hugePage = try await gateway.request("GET", "/v1/posts?query=shoes&pageSize=501", token: rita)
        #expect(hugePage.status == 400 && (hugePage.json["message"] as? String ?? "").contains("page_size"), "\(hugePage.text)")

        // Roles as for reads; nothing was saved.
        let publisher = try await gateway.request("POST", "/v1/queries/test", token: feed, json: ["query": "shoes"])
        #expect(publisher.status == 403, "\(publisher.text)")
        let listed = try await gateway.request("GET", "/v1/queries", token: rita)
        #expect(listed.status == 200 && (listed.json["queries"] as? [[String: Any]] ?? []).isEmpty, "\(listed.text)")
    }

    /// Slow clients (slowloris) on real sockets: a head or a body dripped a byte every 0.1 s is cut
    /// off (the head by the idle timeout, the body after its 408, a body the gateway answered
    /// without reading by the request deadline) long before the whole request is sent, and the
    /// gateway goes on answering. The drips would last
    /// 40 s; the timeouts are 2 s and 1 s, so a loaded machine has plenty of slack.
    @Test func slowClientsAreCutOff() async throws {
        let directory = stackDirectory()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = stackBasePort(24) + 45
        let tokenFile = directory.appendingPathComponent("api-tokens").path
        let tool = Process()
        tool.executableURL = earshotBinary
        tool.arguments = ["tokens", "create", "--name", "slow", "--role", "editor", "--tokens", tokenFile]
        let output = Pipe()
        tool.standardOutput = output
        try tool.run()
        let token = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        tool.waitUntilExit()
        #expect(tool.terminationStatus == 0 && token.hasPrefix("est_"), "\(token)")

        let gateway = Process()
        gateway.executableURL = earshotBinary
        gateway.arguments = ["gateway", "--listen", "127.0.0.1:\(port)", "--insecure", "--alerts", "", "--tokens", tokenFile,
                             "--ingest", "tcp://127.0.0.1:\(port + 1)", "--query", "tcp://127.0.0.1:\(port + 2)",
                             "--idle-timeout", "2", "--body-timeout-ms", "1000"]
        let log = directory.appendingPathComponent("gateway.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        gateway.standardError = try FileHandle(forWritingTo: log)
        try gateway.run()
        defer {
            gateway.terminate()
            gateway.waitUntilExit()
        }
        func healthy() async -> Bool {
            guard let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!) else { return false }
            return (response as? HTTPURLResponse)?.statusCode == 200
        }
        let deadline = Date().addingTimeInterval(30)
        while !(await healthy()) && Date() < deadline { try await Task.sleep(nanoseconds: 200_000_000) }
        try #require(await healthy(), "the gateway did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")

        let slowHead = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + String(repeating: "y", count: 400) + "\r\n\r\n"
        let head = try DrippingClient.send(port: port, prefix: "", dripped: String(slowHead.prefix(400)), interval: 0.1)
        #expect(head.closed && head.sent < 400, "a dripped head was read for \(head.sent) bytes without a cut")

        let body = String(repeating: " ", count: 399) + "{"
        let slowBody = try DrippingClient.send(
            port: port, prefix: "POST /v1/queries HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n",
            dripped: body, interval: 0.1)
        #expect(slowBody.closed && slowBody.sent < body.utf8.count, "a dripped body was read for \(slowBody.sent) bytes without a cut")
        #expect(slowBody.answer.isEmpty || slowBody.answer.hasPrefix("HTTP/1.1 408"), "\(slowBody.answer)")
        // Answered without its body being read (401: no token), the request's body is still read to
        // its end by Hummingbird, a byte at a time: the request deadline cuts it off.
        let unread = try DrippingClient.send(
            port: port, prefix: "POST /v1/queries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n",
            dripped: body, interval: 0.1)
        #expect(unread.closed && unread.sent < body.utf8.count, "an unread dripped body was read for \(unread.sent) bytes without a cut")
        #expect(unread.answer.hasPrefix("HTTP/1.1 401"), "\(unread.answer)")
        #expect(await healthy() && gateway.isRunning)
    }

    /// Many HTTP requests at once share the gateway's one socket per service (``RPCMultiplexer``)
    /// and each gets its own answer. With the query service killed, reads answer 503 (UNAVAILABLE)
    /// within the RPC timeout; once it is restarted, they answer 200 again, without a gateway restart.
    @Test func concurrentRequestsGetTheirOwnAnswersAndSurviveAQueryRestart() async throws {
        let running = try RunningStack(slot: 29, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let gateway = try RunningGateway(stack: running.stack, port: stackBasePort(29) + 40, arguments: ["--timeout-ms", "1500"])
        defer { gateway.stop() }
        let rita = try gateway.tokens(["create", "--name", "rita", "--role", "reader"])
        try await gateway.waitUntilReady(timeoutSeconds: 90)
        var sample = SampleStream(seed: 29, expectedCount: 60)
        _ = try running.publisher.publish(sample.next(60))
        var stored = 0
        let deadline = Date().addingTimeInterval(60)
        while stored < 60 && Date() < deadline {
            try await Task.sleep(nanoseconds: 250_000_000)
            stored = try await gateway.request("GET", "/v1/overview", token: rita).json["posts"] as? Int ?? 0
        }
        try #require(stored == 60)

        // 150 searches at once, of 1 to 50 posts: each answer has the size its own request asked for.
        let wrong = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<150 {
                let size = index % 50 + 1
                group.addTask {
                    let reply = try await gateway.request("GET", "/v1/posts?pageSize=\(size)", token: rita)
                    let count = (reply.json["posts"] as? [Any])?.count
                    return reply.status == 200 && count == size ? nil : "pageSize=\(size): \(reply.status), \(String(describing: count)) posts"
                }
            }
            return try await group.reduce(into: [String]()) { if let problem = $1 { $0.append(problem) } }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of 150 answers were not their request's: \(wrong.prefix(5))")

        // A call sent just before the gateway's socket noticed the end of the connection gets no
        // answer (504); once it noticed, calls wait for a connection and get 503 at their deadline.
        let query = try #require(running.stack.member("query"))
        running.stack.kill(query)
        var down = try await gateway.request("GET", "/v1/overview", token: rita)
        let downDeadline = Date().addingTimeInterval(30)
        while down.status == 504 && Date() < downDeadline {
            down = try await gateway.request("GET", "/v1/overview", token: rita)
        }
        #expect(down.status == 503 && down.json["status"] as? String == "UNAVAILABLE", "\(down.status) \(down.text)")
        #expect(try await gateway.request("GET", "/readyz").status == 503)

        try running.stack.restart(query)
        var back = down
        let restartDeadline = Date().addingTimeInterval(60)
        while back.status != 200 && Date() < restartDeadline {
            try await Task.sleep(nanoseconds: 250_000_000)
            back = try await gateway.request("GET", "/v1/overview", token: rita)
        }
        #expect(back.status == 200 && back.json["posts"] as? Int == 60, "\(back.status) \(back.text)")
    }

    @Test func aSpikeAlertArrivesOnTheEventStream() async throws {
        let running = try RunningStack(slot: 17, enrich: 1, score: 1, queryArguments: ["--alert-grace-minutes", "30", "--alert-interval-ms", "200"])
        defer { running.stack.stop() }
        let port = stackBasePort(17) + 40
        let gateway = try RunningGateway(stack: running.stack, port: port, arguments: ["--alerts", running.stack.ports.alerts])
        defer { gateway.stop() }
        let rita = try gateway.tokens(["create", "--name", "rita", "--role", "reader"])
        try await gateway.waitUntilReady(timeoutSeconds: 90)
        let brands = try createBrandQueries(running.query)
        let unfiltered = try await gateway.request("GET", "/v1/alerts/stream?kind=sideways", token: rita)
        #expect(unfiltered.status == 400)
        let stream = try StreamingGet(port: port, path: "/v1/alerts/stream?queryId=\(brands.acme)", token: rita)
        defer { stream.close() }
        try await Task.sleep(nanoseconds: 1_500_000_000)  // the query set reaches the enrich worker; the subscription the publisher
        #expect(stream.text.hasPrefix("HTTP/1.1 200") && stream.text.contains("text/event-stream"), "\(stream.text)")

        // The storm of InsightsPipelineTests: a day of posts and 240 complaints at Acme between 15:00 and 15:10.
        let stormStart = dayStart + 15 * hour
        var sample = SampleStream(seed: 31, startMs: dayStart, spanMs: 24 * hour, expectedCount: 8_640, authorCount: 3_000)
        let day = (sample.next(8_640) + (0..<240).map { complaint($0, at: stormStart + Int64($0) * 2_500) }).sorted { $0.createdAtMs < $1.createdAtMs }
        for start in stride(from: 0, to: day.count, by: 500) {
            _ = try running.publisher.publish(Array(day[start..<min(start + 500, day.count)]))
        }
        let deadline = Date().addingTimeInterval(180)
        while !stream.text.contains("event: alert") && Date() < deadline {
            try await Task.sleep(nanoseconds: 250_000_000)
        }
        try await Task.sleep(nanoseconds: 500_000_000)  // the rest of the event
        let events = stream.text.components(separatedBy: "\n\n").filter { $0.contains("event: alert") }
        let data = try #require(events.first?.split(separator: "\n").first { $0.hasPrefix("data: ") }, "\(stream.text.suffix(2000))")
        let alert = try #require(try JSONSerialization.jsonObject(with: Data(data.dropFirst("data: ".count).utf8)) as? [String: Any])
        #expect(alert["queryId"] as? String == brands.acme)
        #expect((alert["bucketStartMs"] as? String)?.hasSuffix("Z") == true)
        #expect(events.allSatisfy { $0.contains("\"queryId\":\"\(brands.acme)\"") })
    }
}
