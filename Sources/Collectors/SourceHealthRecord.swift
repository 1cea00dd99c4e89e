/// Whether a source is receiving.
public enum ConnectionState: String, Sendable, Equatable {
    case connecting
    case connected
    case backingOff = "backing_off"
    case stopped
}

/// One source's health as its collector sees it: fed by the collector, read by /metrics.
public struct SourceHealthRecord: Sendable, Equatable {
    public var state: ConnectionState = .connecting
    /// Posts acknowledged by ingest since the collector started.
    public private(set) var posts: Int64 = 0
    /// Creation time of the newest post acknowledged (Unix ms), 0 before any.
    public private(set) var lastPostCreatedAtMs: Int64 = 0
    /// Connections lost or refused and tried again.
    public var reconnects: Int64 = 0
    /// Records that were not posts (malformed, oversized, invalid text).
    public var rejected: Int64 = 0
    /// When the cursor was last saved after an acknowledgement (Unix ms), 0 before.
    public var cursorAcknowledgedAtMs: Int64 = 0
    /// Why the last connection failed, if it did (shown as is; never holds a credential).
    public var lastError: String = ""
    /// Acknowledged batches of the last ``window`` ms: (time, posts).
    private var recent: [(atMs: Int64, posts: Int)] = []

    /// The span posts per minute are measured over.
    public static let windowMs: Int64 = 5 * 60_000

    public init() {}

    public static func == (lhs: SourceHealthRecord, rhs: SourceHealthRecord) -> Bool {
        lhs.state == rhs.state && lhs.posts == rhs.posts && lhs.lastPostCreatedAtMs == rhs.lastPostCreatedAtMs
            && lhs.reconnects == rhs.reconnects && lhs.rejected == rhs.rejected
            && lhs.cursorAcknowledgedAtMs == rhs.cursorAcknowledgedAtMs && lhs.lastError == rhs.lastError
            && lhs.recent.elementsEqual(rhs.recent) { $0 == $1 }
    }

    /// Records `count` posts acknowledged at `nowMs`, the newest created at `newestCreatedAtMs`.
    public mutating func recordAcknowledged(_ count: Int, newestCreatedAtMs: Int64, nowMs: Int64) {
        guard count > 0 else { return }
        posts += Int64(count)
        lastPostCreatedAtMs = max(lastPostCreatedAtMs, newestCreatedAtMs)
        recent.append((nowMs, count))
        recent.removeAll { $0.atMs <= nowMs - Self.windowMs }
    }

    /// Posts per minute over the last five minutes (or since the start, if shorter).
    public func postsPerMinute(nowMs: Int64, startedAtMs: Int64) -> Double {
        let since = max(startedAtMs, nowMs - Self.windowMs)
        let count = recent.filter { $0.atMs > nowMs - Self.windowMs }.reduce(0) { $0 + $1.posts }
        let minutes = max(Double(nowMs - since) / 60_000, 1.0 / 60)
        return Double(count) / minutes
    }
}

/// The health of every source in the Prometheus text format, one series per source.
public enum SourceHealthExposition {
    /// The text for `sources` (name, record), `startedAtMs` the collector's start.
    public static func text(_ sources: [(name: String, record: SourceHealthRecord)], nowMs: Int64, startedAtMs: Int64) -> String {
        let families: [(name: String, help: String, type: String, value: (SourceHealthRecord) -> Double)] = [
            ("earshot_collect_connected", "1 while the source is connected (receiving or polling on schedule)", "gauge", { $0.state == .connected ? 1 : 0 }),
            ("earshot_collect_backing_off", "1 while the source waits to reconnect", "gauge", { $0.state == .backingOff ? 1 : 0 }),
            ("earshot_collect_posts_total", "posts acknowledged by ingest", "counter", { Double($0.posts) }),
            ("earshot_collect_posts_per_minute", "posts acknowledged per minute over the last 5 minutes", "gauge", { $0.postsPerMinute(nowMs: nowMs, startedAtMs: startedAtMs) }),
            ("earshot_collect_last_post_created_ms", "creation time of the newest acknowledged post (Unix ms)", "gauge", { Double($0.lastPostCreatedAtMs) }),
            ("earshot_collect_reconnects_total", "connections lost or refused and tried again", "counter", { Double($0.reconnects) }),
            ("earshot_collect_rejected_total", "records that were not posts", "counter", { Double($0.rejected) }),
            ("earshot_collect_cursor_acknowledged_ms", "when the cursor was last saved after ingest acknowledged (Unix ms)", "gauge", { Double($0.cursorAcknowledgedAtMs) }),
        ]
        var text = ""
        for family in families {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
            for (name, record) in sources {
                text += "\(family.name){source=\"\(escaped(name))\"} \(family.value(record))\n"
            }
        }
        return text
    }

    private static func escaped(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
