import EarshotWire
import Foundation
import Launcher
import SampleData
import Testing

/// What the dashboard's browser test needs: Debian's chromium and chromium-driver (scripts/setup.sh --browser);
/// selenium comes from PyPI into .build/browser-venv (scripts/dashboard-browser-test.sh).
enum BrowserTest {
    static let chromium = "/usr/bin/chromium"
    static let driver = "/usr/bin/chromedriver"
    /// Set to 1 to make a missing browser a failure instead of a skip (CI sets it).
    static let requiredVariable = "EARSHOT_REQUIRE_BROWSER"
    static var isInstalled: Bool { [chromium, driver].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) } }
    static var shouldRun: Bool { isInstalled || ProcessInfo.processInfo.environment[requiredVariable] == "1" }
    static let skipReason = "dashboard browser test skipped: no \(chromium) or \(driver) (scripts/setup.sh --browser); \(requiredVariable)=1 makes this a failure"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Where the test leaves a screenshot of each page (named in the README).
    static let screenshots = repository.appendingPathComponent(".build/dashboard-screenshots")
}

/// The gateway's JSON for a post (the proto's lowerCamelCase fields).
private func gatewayJSON(_ post: Post) -> [String: Any] {
    ["id": post.id, "platform": post.platform.jsonName, "source": post.source, "text": post.text, "createdAtMs": post.createdAtMs,
     "author": ["id": post.author.id, "handle": post.author.handle, "followers": post.author.followers],
     "engagement": ["likes": post.engagement.likes, "reposts": post.engagement.reposts]]
}

/// The web dashboard in headless chromium (scripts/dashboard-browser-test.py) against a real
/// stack and gateway on loopback: sign-in, overview numbers against the API, post search and
/// escaping, a query with a marked mistake, a care claim, a live alert delivered to a webhook
/// made in the page, a revoked token.
@Suite(.serialized, .enabled(if: BrowserTest.shouldRun, Comment(rawValue: BrowserTest.skipReason)))
struct DashboardBrowserTests {
    @Test func theDashboardShowsWhatTheAPISays() async throws {
        #expect(BrowserTest.isInstalled, "\(BrowserTest.requiredVariable)=1 but no chromium: install it with scripts/setup.sh --browser")
        let slot = 23
        let running = try RunningStack(slot: slot, enrich: 1, score: 1, queryArguments: ["--alert-grace-minutes", "30", "--alert-interval-ms", "200"])
        defer { running.stack.stop() }
        let webhooks = running.stack.directory.appendingPathComponent("webhooks.sqlite").path
        let gateway = try RunningGateway(stack: running.stack, port: stackBasePort(slot) + 40,
                                         arguments: ["--alerts", running.stack.ports.alerts, "--webhooks", webhooks, "--webhook-timeout", "5"])
        defer { gateway.stop() }
        let alice = try gateway.tokens(["create", "--name", "alice", "--role", "editor"])
        let rita = try gateway.tokens(["create", "--name", "rita", "--role", "reader"])
        let feed = try gateway.tokens(["create", "--name", "feed", "--role", "publisher"])
        try await gateway.waitUntilReady(timeoutSeconds: 90)
        _ = try createBrandQueries(running.query)
        try await Task.sleep(nanoseconds: 1_500_000_000)  // the query set reaches the enrich worker

        // 22 hours of ordinary posts ending two hours ago, and one post that is markup.
        let minute: Int64 = 60_000
        let start = (Int64(Date().timeIntervalSince1970 * 1_000) / minute) * minute - 24 * hour
        var sample = SampleStream(seed: 17, startMs: start, spanMs: 23 * hour, expectedCount: 8_280, authorCount: 3_000)
        var history = sample.next(7_920)
        var markup = Post()
        markup.id = "xss:1"
        markup.platform = .mastodon
        markup.source = "dashboard-test"
        markup.author.id = "xss-author"
        markup.author.handle = #""><img src=x onerror=alert(1)>"#
        markup.text = "<script>"
        markup.createdAtMs = start + 20 * hour
        history.append(markup)
        for first in stride(from: 0, to: history.count, by: 500) {
            _ = try running.publisher.publish(Array(history[first..<min(first + 500, history.count)]))
        }
        #expect(try waitForStored(Int64(history.count), running.query, timeoutSeconds: 120).posts == Int64(history.count))

        // What the browser test publishes while the alerts page is open: 240 complaints at Acme
        // in ten minutes, then the next hour of ordinary posts (the alert monitor works in data time).
        let stormStart = start + 22 * hour + 5 * minute
        let later = (sample.next(360) + (0..<240).map { complaint($0, at: stormStart + Int64($0) * 2_500) }).sorted { $0.createdAtMs < $1.createdAtMs }
        let work = running.stack.directory
        let stormFile = work.appendingPathComponent("storm.json")
        try JSONSerialization.data(withJSONObject: ["posts": later.map(gatewayJSON)]).write(to: stormFile)

        let script = Process()
        script.executableURL = BrowserTest.repository.appendingPathComponent("scripts/dashboard-browser-test.sh")
        script.arguments = ["--base", gateway.base.absoluteString, "--editor", alice, "--reader", rita, "--publisher", feed,
                            "--storm", stormFile.path, "--screenshots", BrowserTest.screenshots.path,
                            "--revoke-reader", ([earshotBinary.path, "tokens", "revoke", "--name", "rita"] + running.stack.securityArguments).joined(separator: "\u{1F}")]
        let log = work.appendingPathComponent("browser-test.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        script.standardOutput = output
        script.standardError = output
        try script.run()
        script.waitUntilExit()
        let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(script.terminationStatus == 0, "dashboard browser test failed:\n\(printed.suffix(6_000))")
        print(printed.split(separator: "\n").filter { $0.hasPrefix("ok ") || $0.hasPrefix("page ") }.joined(separator: "\n"))
    }
}
