import Collectors
import EarshotWire
import Foundation
import SourceFormats

/// The X API v2 filtered stream: brings the source's rules (tagged `earshot:NAME`) in line with
/// the configuration, then reads the stream, one JSON envelope a line (blank lines are the
/// keep-alives), read by the X reader of `SourceFormats`. There is no cursor to resume from:
/// posts sent while disconnected are lost unless `backfill_minutes` (Pro and Enterprise
/// access) asks X to resend the last minutes on reconnect.
struct XStreamSession: SourceSession {
    let settings: SourceSettings
    private let rules: [String]
    private let apiURL: URL
    private let backfillMinutes: Int
    private var reader: SourceReader
    private var lineNumber = 0

    /// Fields asked for, so the X reader finds author, metrics, language and references.
    static let streamQuery = [("tweet.fields", "created_at,author_id,public_metrics,lang,referenced_tweets,conversation_id,entities"),
                              ("expansions", "author_id"), ("user.fields", "username,name,public_metrics,verified")]
    /// The longest line kept; longer ones are rejected (bounded memory).
    static let maximumLineBytes = 1 << 20

    init(settings: SourceSettings) {
        self.settings = settings
        guard case .x(let rules, let apiURL, let backfillMinutes) = settings.endpoint else { preconditionFailure("not an X source") }
        self.rules = rules
        self.apiURL = apiURL
        self.backfillMinutes = backfillMinutes
        reader = SourceReader(format: .x, sourceName: settings.name)
    }

    mutating func run(_ runner: SourceRunner) throws -> SessionEnd {
        guard let token = try runner.credential() else { throw CollectError("an x source needs its bearer token in token_file or token_env") }
        let headers = ["Authorization": "Bearer \(token)", "Accept": "application/json"]
        try synchroniseRules(headers: headers, runner)
        let query = Self.streamQuery + (backfillMinutes > 0 ? [("backfill_minutes", String(backfillMinutes))] : [])
        guard let url = apiURL.replacing(path: "/2/tweets/search/stream", query: query) else { throw CollectError("cannot form the stream address") }
        let stream = HTTPResponseStream(url: url, headers: headers, stop: { runner.isStopped })
        defer { stream.cancel() }
        let head = try stream.head(timeoutSeconds: Double(settings.silenceSeconds))
        do { try HTTPResponseStream.check(head, what: "the filtered stream") } catch {
            // X's documented back-off when the server names no wait: HTTP errors from 5 s, 429 from a minute.
            var failure = error
            failure.retryAfterSeconds = error.retryAfterSeconds ?? (head.status == 429 ? 60 : 5)
            throw failure
        }
        runner.markConnected()
        var lines = LineSplitter(maximumLineBytes: Self.maximumLineBytes)
        return try runner.relay(stream, silenceSeconds: settings.silenceSeconds, decode: { (data: Data) -> [Post] in
            lines.append(data)
            var posts: [Post] = []
            var rejected: [String] = []
            while let line = lines.nextLine(atEnd: false) {
                lineNumber += 1
                switch line {
                case .text(let bytes):
                    guard bytes.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
                    switch reader.read(line: String(decoding: bytes, as: UTF8.self), lineNumber: lineNumber) {
                    case .success(let found): posts += found
                    case .failure(let rejection): rejected.append(rejection.reason)
                    }
                case .tooLong(let count):
                    rejected.append(LineSplitter.tooLongReason(bytes: count, limit: Self.maximumLineBytes))
                }
            }
            runner.reject(rejected.count, reason: rejected.first ?? "")
            return posts
        }, acknowledge: { posts in
            try runner.publish(posts)
            runner.updateHealth { $0.cursorAcknowledgedAtMs = wallClockMilliseconds() }
        })
    }

    /// Adds the configured rules that are missing and deletes this source's others.
    private func synchroniseRules(headers: [String: String], _ runner: SourceRunner) throws(CollectError) {
        guard let rulesURL = apiURL.replacing(path: "/2/tweets/search/stream/rules", query: []) else { throw CollectError("cannot form the rules address") }
        let timeout = Double(settings.silenceSeconds)
        let listed = try HTTPResponseStream.fetch(rulesURL, headers: headers, silenceSeconds: timeout, stop: { runner.isStopped })
        guard let existing = XStreamRule.rules(in: listed.body) else { throw CollectError("the rules endpoint did not answer with rules") }
        let tag = XStreamRules.tag(source: settings.name)
        let changes = XStreamRules.changes(existing: existing, wanted: rules, tag: tag)
        var postHeaders = headers
        postHeaders["Content-Type"] = "application/json"
        if !changes.delete.isEmpty {
            _ = try HTTPResponseStream.fetch(rulesURL, headers: postHeaders, silenceSeconds: timeout, method: "POST", body: XStreamRules.deleteBody(changes.delete), stop: { runner.isStopped })
        }
        if !changes.add.isEmpty {
            _ = try HTTPResponseStream.fetch(rulesURL, headers: postHeaders, silenceSeconds: timeout, accepting: [200, 201],
                                             method: "POST", body: XStreamRules.addBody(changes.add, tag: tag), stop: { runner.isStopped })
        }
    }
}
