import Collectors
import Foundation
import EarshotWire

/// An RSS or Atom feed: one conditional GET per poll (`If-None-Match`, `If-Modified-Since`
/// from the cursor); the entries are published, and the validators saved only after ingest
/// acknowledged them. Entries seen before are duplicates in ingest.
struct FeedSession: SourceSession {
    let settings: SourceSettings
    private let url: URL
    private let intervalSeconds: Int

    init(settings: SourceSettings) {
        self.settings = settings
        guard case .feed(let url, let intervalSeconds) = settings.endpoint else { preconditionFailure("not a feed source") }
        self.url = url
        self.intervalSeconds = intervalSeconds
    }

    mutating func run(_ runner: SourceRunner) throws -> SessionEnd {
        var headers = ["Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8"]
        if let token = try runner.credential() { headers["Authorization"] = "Bearer \(token)" }
        var cursor = runner.loadCursor()
        if let entityTag = cursor.entityTag { headers["If-None-Match"] = entityTag }
        if let lastModified = cursor.lastModified { headers["If-Modified-Since"] = lastModified }
        let response = try HTTPResponseStream.fetch(url, headers: headers, silenceSeconds: Double(settings.silenceSeconds), accepting: [200, 304], stop: { runner.isStopped })
        runner.markConnected()
        guard response.status == 200 else { return .pollAgain(afterSeconds: Double(intervalSeconds)) }
        let entries: (posts: [Post], rejected: [String])
        do {
            entries = try FeedEntries.posts(in: response.body, feedURL: url, sourceName: settings.name, nowMs: wallClockMilliseconds())
        } catch {
            runner.reject(1, reason: "the feed: \(error)")
            throw CollectError("\(url.absoluteString) is not a feed: \(error)")
        }
        runner.reject(entries.rejected.count, reason: entries.rejected.first ?? "")
        try runner.publish(entries.posts)
        cursor.entityTag = response.headers["etag"]
        cursor.lastModified = response.headers["last-modified"]
        cursor.acknowledgedAtMs = wallClockMilliseconds()
        try runner.saveCursor(cursor)
        return .pollAgain(afterSeconds: Double(intervalSeconds))
    }
}
