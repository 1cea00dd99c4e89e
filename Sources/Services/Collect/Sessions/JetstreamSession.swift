import Collectors
import EarshotWire
import Foundation

/// A Bluesky source: subscribes to a Jetstream instance over WebSocket for new posts
/// (`wantedCollections=app.bsky.feed.post`), from its saved cursor less a short rewind, and
/// publishes them as they arrive. The cursor (a `time_us`) moves, after each acknowledged
/// batch, to the newest event the batch read, posts and events without a post alike.
struct JetstreamSession: SourceSession {
    let settings: SourceSettings
    private let endpoint: URL
    private var events: JetstreamEvents

    init(settings: SourceSettings) {
        self.settings = settings
        guard case .bluesky(let endpoint, let keywords) = settings.endpoint else { preconditionFailure("not a Bluesky source") }
        self.endpoint = endpoint
        events = JetstreamEvents(sourceName: settings.name, keywords: keywords)
    }

    mutating func run(_ runner: SourceRunner) throws -> SessionEnd {
        var cursor = runner.loadCursor()
        guard let url = endpoint.replacing(path: "", query: JetstreamCursor.query(position: cursor.position)) else {
            throw CollectError("cannot form the subscription address of \(endpoint)")
        }
        let stream = WebSocketStream(url: url, stop: { runner.isStopped })
        defer { stream.close() }
        try stream.connect(timeoutSeconds: Double(settings.silenceSeconds))
        runner.markConnected()
        return try runner.relay(stream, silenceSeconds: settings.silenceSeconds, decode: { (messages: [WebSocketMessage]) -> [JetstreamRecord] in
            var records: [JetstreamRecord] = []
            records.reserveCapacity(messages.count)
            var rejected: [String] = []
            for message in messages {
                switch message {
                case .data(let bytes):
                    let record = events.read(message: bytes)
                    if case .rejected(let reason) = record { rejected.append(reason) } else { records.append(record) }
                case .oversized(let bytes):
                    rejected.append("a message of \(bytes) bytes, over the \(WebSocketStream.maximumMessageBytes) bytes allowed")
                }
            }
            runner.reject(rejected.count, reason: rejected.first ?? "")
            return records
        }, acknowledge: { records in
            var posts: [Post] = []
            posts.reserveCapacity(records.count)
            var newest = Int64(cursor.position ?? "") ?? 0
            for record in records {
                if case .post(let post, _) = record { posts.append(post) }
                newest = max(newest, record.timeUs ?? 0)
            }
            try runner.publish(posts)
            cursor.position = String(newest)
            cursor.acknowledgedAtMs = wallClockMilliseconds()
            try runner.saveCursor(cursor)
        })
    }
}
