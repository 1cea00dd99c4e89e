import Collectors
import EarshotWire
import Foundation

/// A Mastodon source: fills the gap since the cursor over REST (`min_id` paging), then reads
/// the streaming API, publishing as events arrive and saving the cursor after each
/// acknowledged batch. Ends with `.reconnect` when the stream closes or stays silent.
struct MastodonSession: SourceSession {
    let settings: SourceSettings
    private let instance: URL
    private let timeline: MastodonTimeline
    private var records: MastodonRecords


    init(settings: SourceSettings) {
        self.settings = settings
        guard case .mastodon(let instance, let timeline) = settings.endpoint else { preconditionFailure("not a Mastodon source") }
        self.instance = instance
        self.timeline = timeline
        records = MastodonRecords(sourceName: settings.name)
    }

    mutating func run(_ runner: SourceRunner) throws -> SessionEnd {
        let token = try runner.credential()
        var headers = ["Accept": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        var cursor = runner.loadCursor()
        // The stream is opened first, so nothing posted while the gap is filled is missed.
        let streaming = timeline.streaming
        guard let streamURL = instance.replacing(path: streaming.path, query: streaming.query) else { throw CollectError("cannot form the streaming address of \(instance)") }
        let stream = HTTPResponseStream(url: streamURL, headers: headers.merging(["Accept": "text/event-stream"]) { $1 }, stop: { runner.isStopped })
        defer { stream.cancel() }
        let head = try stream.head(timeoutSeconds: Double(settings.silenceSeconds))
        try HTTPResponseStream.check(head, what: "the streaming API")
        runner.markConnected()
        try fillGap(&cursor, headers: headers, runner)
        return try readStream(stream, cursor: &cursor, runner)
    }

    /// Publishes every status newer than the cursor, page by page.
    private mutating func fillGap(_ cursor: inout SourceCursor, headers: [String: String], _ runner: SourceRunner) throws(CollectError) {
        var gap = MastodonGapFill(cursor: cursor.position)
        let rest = timeline.timeline
        while !gap.isFinished, !runner.isStopped {
            guard let url = instance.replacing(path: rest.path, query: rest.query + gap.query) else { throw CollectError("cannot form the timeline address of \(instance)") }
            let body = try HTTPResponseStream.fetch(url, headers: headers, silenceSeconds: Double(settings.silenceSeconds), stop: { runner.isStopped }).body
            guard let page = records.read(page: body) else { throw CollectError("the timeline \(rest.path) did not answer with a JSON array") }
            let statuses = Self.accept(page, runner)
            try Self.acknowledge(statuses, cursor: &cursor, runner)
            gap.advance(pastIds: statuses.map(\.id), elementCount: page.count)
        }
    }

    /// Reads events until the stream ends, is silent too long, or the runner stops.
    private mutating func readStream(_ stream: HTTPResponseStream, cursor: inout SourceCursor, _ runner: SourceRunner) throws -> SessionEnd {
        var parser = ServerSentEventParser()
        return try runner.relay(stream, silenceSeconds: settings.silenceSeconds, decode: { (data: Data) -> [MastodonStatus] in
            var events: [ServerSentEvent] = []
            var rejected = 0
            for item in parser.append(data) {
                switch item {
                case .event(let event): events.append(event)
                case .oversized(let bytes):
                    rejected += 1
                    runner.logger.notice("oversized event skipped", metadata: ["bytes": "\(bytes)"])
                case .invalidText:
                    rejected += 1
                }
            }
            runner.reject(rejected, reason: "oversized or not UTF-8")
            return Self.accept(events.map { records.read($0) }, runner)
        }, acknowledge: { statuses in
            try Self.acknowledge(statuses, cursor: &cursor, runner)
        })
    }

    /// The statuses among `records`; the rejected ones are counted.
    private static func accept(_ records: [MastodonRecord], _ runner: SourceRunner) -> [MastodonStatus] {
        var statuses: [MastodonStatus] = []
        var rejected: [String] = []
        for record in records {
            switch record {
            case .status(let status): statuses.append(status)
            case .ignored: break
            case .rejected(let reason): rejected.append(reason)
            }
        }
        runner.reject(rejected.count, reason: rejected.first ?? "")
        return statuses
    }

    /// Publishes `statuses` and, once ingest acknowledged them, moves the cursor past them.
    private static func acknowledge(_ statuses: [MastodonStatus], cursor: inout SourceCursor, _ runner: SourceRunner) throws(CollectError) {
        guard !statuses.isEmpty else { return }
        try runner.publish(statuses.map(\.post))
        cursor.position = MastodonStatusID.newest(statuses.map(\.id), current: cursor.position)
        cursor.acknowledgedAtMs = wallClockMilliseconds()
        try runner.saveCursor(cursor)
    }
}
