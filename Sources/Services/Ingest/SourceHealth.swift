import EarshotRPC
import EarshotWire
import Foundation
import Logging

/// When a source counts as silent.
public struct SourceHealthPolicy: Sendable, Equatable {
    /// A source is silent when quiet for longer than this multiple of its usual gap …
    public var silenceFactor = 5.0
    /// … and longer than this, whatever its usual gap.
    public var silenceFloorMs: Int64 = 60_000
    /// Deliveries needed before the usual gap is trusted (a source seen once is "new", never silent).
    public var minimumDeliveries = 3
    /// Posts per minute are averaged over this window.
    public var rateWindowMs: Int64 = 300_000

    public init() {}
}

/// Counters and timing of one source.
struct SourceStats: Codable, Equatable {
    var accepted: Int64 = 0
    var duplicates: Int64 = 0
    var rejected: Int64 = 0
    var firstSeenMs: Int64 = 0
    var lastSeenMs: Int64 = 0
    var lastCreatedAtMs: Int64 = 0
    /// Publish calls that carried posts of this source.
    var deliveries: Int64 = 0
    /// Exponentially weighted mean of the time between deliveries.
    var usualGapMs = 0.0
    /// Posts per minute bucket (bucket start ms) inside the rate window.
    var recentPosts: [Int64: Int64] = [:]
    /// The collector's last report of the source's connection, if a collector reports it.
    var collector: CollectorStatus?
}

/// A source's connection as its collector last reported it (`Sources/ReportCollector`).
struct CollectorStatus: Codable, Equatable {
    /// The states a collector reports.
    static let states: Set<String> = ["connecting", "connected", "backing_off", "stopped"]

    var state: String
    var lastError: String
    var reconnects: Int64
    var cursorAcknowledgedAtMs: Int64
    /// When ingest received the report (wall time, Unix ms).
    var reportedMs: Int64
}

/// Per-source health: the pure bookkeeping behind `earshot.v1.Sources/List`.
///
/// A delivery is one Publish call carrying posts of a source; the usual gap
/// between deliveries is an EWMA (weight 0.2 for the newest gap), so it
/// follows a source whose pace changes within a few deliveries and is not
/// fooled by one burst. Times are passed in, so the logic is testable.
struct SourceHealthTracker: Codable, Equatable {
    static let unnamed = "unnamed"
    private static let gapWeight = 0.2
    private static let minuteMs: Int64 = 60_000

    private(set) var sources: [String: SourceStats] = [:]

    private static func key(_ source: String) -> String { source.isEmpty ? unnamed : source }

    /// Records one Publish call: `fresh[i]` says whether `posts[i]` was new.
    mutating func recordDelivery(_ posts: [Post], fresh: [Bool], nowMs: Int64, policy: SourceHealthPolicy) {
        for (source, indices) in Dictionary(grouping: posts.indices, by: { Self.key(posts[$0].source) }) {
            var stats = sources[source] ?? SourceStats(firstSeenMs: nowMs)
            let accepted = Int64(indices.filter { fresh[$0] }.count)
            stats.accepted += accepted
            stats.duplicates += Int64(indices.count) - accepted
            stats.lastCreatedAtMs = max(stats.lastCreatedAtMs, indices.map { posts[$0].createdAtMs }.max() ?? 0)
            if stats.deliveries > 0 {
                let gap = Double(max(0, nowMs - stats.lastSeenMs))
                stats.usualGapMs = stats.deliveries == 1 ? gap : (1 - Self.gapWeight) * stats.usualGapMs + Self.gapWeight * gap
            }
            stats.deliveries += 1
            stats.lastSeenMs = nowMs
            let minute = nowMs - nowMs % Self.minuteMs
            stats.recentPosts[minute, default: 0] += Int64(indices.count)
            stats.recentPosts = stats.recentPosts.filter { $0.key > nowMs - policy.rateWindowMs - Self.minuteMs }
            sources[source] = stats
        }
    }

    /// Counts `count` refused posts or unparseable lines against `source`.
    mutating func recordRejected(source: String, count: Int64, nowMs: Int64) {
        sources[Self.key(source), default: SourceStats(firstSeenMs: nowMs)].rejected += count
    }

    /// Records a collector's report of `source`'s connection at `nowMs`.
    mutating func recordCollector(source: String, status: CollectorStatus, nowMs: Int64) {
        sources[Self.key(source), default: SourceStats(firstSeenMs: nowMs)].collector = status
    }

    /// The health of every source at `nowMs`: silent ones first, then by name.
    func report(nowMs: Int64, policy: SourceHealthPolicy) -> ListSourcesResponse {
        var response = ListSourcesResponse()
        response.silenceFactor = policy.silenceFactor
        response.silenceFloorMs = policy.silenceFloorMs
        response.sources = sources.map { name, stats in
            var health = SourceHealth()
            health.source = name
            health.lastSeenMs = stats.lastSeenMs
            health.lastCreatedAtMs = stats.lastCreatedAtMs
            health.accepted = stats.accepted
            health.duplicates = stats.duplicates
            health.rejected = stats.rejected
            health.usualGapMs = stats.deliveries >= 2 ? stats.usualGapMs : 0
            health.silentForMs = stats.deliveries > 0 ? max(0, nowMs - stats.lastSeenMs) : 0
            let threshold = max(Double(policy.silenceFloorMs), policy.silenceFactor * stats.usualGapMs)
            health.silent = stats.deliveries >= Int64(policy.minimumDeliveries) && Double(health.silentForMs) > threshold
            let windowStart = nowMs - policy.rateWindowMs
            let recent = stats.recentPosts.filter { $0.key >= windowStart - windowStart % Self.minuteMs }.values.reduce(0, +)
            let observedMs = max(Self.minuteMs, min(policy.rateWindowMs, nowMs - stats.firstSeenMs))
            health.postsPerMinute = Double(recent) * Double(Self.minuteMs) / Double(observedMs)
            if let collector = stats.collector {
                health.collectorState = collector.state
                health.collectorLastError = collector.lastError
                health.collectorReconnects = collector.reconnects
                health.collectorCursorAcknowledgedAtMs = collector.cursorAcknowledgedAtMs
                health.collectorReportedMs = collector.reportedMs
            }
            return health
        }.sorted { ($0.silent ? 0 : 1, $0.source) < ($1.silent ? 0 : 1, $1.source) }
        return response
    }
}

/// Source health in the ingest process: the tracker, its RPCs and its file.
///
/// Kept in memory (updated by the ingest loop on every Publish) and written
/// as JSON next to the journal (`<journal>.sources.json`) at most every
/// 10 seconds and at shutdown, so counters survive restarts; at worst the
/// last 10 seconds of counts are lost in a crash. Use from the ingest thread only.
final class SourceHealthMonitor {
    private let path: String
    private let policy: SourceHealthPolicy
    private let logger: Logger
    private var tracker = SourceHealthTracker()
    private var dirty = false
    private var nextSaveMs: Int64 = 0
    private static let saveIntervalMs: Int64 = 10_000

    init(path: String, policy: SourceHealthPolicy, logger: Logger) {
        self.path = path
        self.policy = policy
        self.logger = logger
        guard let data = FileManager.default.contents(atPath: path) else { return }
        do { tracker = try JSONDecoder().decode(SourceHealthTracker.self, from: data) } catch {
            logger.warning("ignoring unreadable source health file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }

    /// Registers `earshot.v1.Sources/List`, `RecordRejections` and `ReportCollector`.
    func register(on server: RPCServer) {
        server.register(SourcesMethod.list) { [unowned self] (_: ListSourcesRequest, _) in
            tracker.report(nowMs: wallClockMilliseconds(), policy: policy)
        }
        server.register(SourcesMethod.recordRejections) { [unowned self] (request: RecordRejectionsRequest, _) throws(RPCError) in
            guard (1...1_000_000_000).contains(request.count) else {
                throw .invalidArgument("count must be between 1 and 1000000000, got \(request.count)")
            }
            recordRejected(source: request.source, count: request.count)
            return RecordRejectionsResponse()
        }
        server.register(SourcesMethod.reportCollector) { [unowned self] (request: ReportCollectorRequest, _) throws(RPCError) in
            let nowMs = wallClockMilliseconds()
            let statuses = try Self.statuses(request, nowMs: nowMs)
            for (source, status) in statuses { tracker.recordCollector(source: source, status: status, nowMs: nowMs) }
            dirty = true
            return ReportCollectorResponse()
        }
    }

    /// The statuses of a collector's report, checked whole before any is recorded.
    static func statuses(_ request: ReportCollectorRequest, nowMs: Int64) throws(RPCError) -> [(String, CollectorStatus)] {
        guard request.sources.count <= 1_000 else { throw .invalidArgument("at most 1000 sources a report, got \(request.sources.count)") }
        var statuses: [(String, CollectorStatus)] = []
        for report in request.sources {
            guard (1...200).contains(report.source.utf8.count) else { throw .invalidArgument("source must be 1 to 200 bytes") }
            guard CollectorStatus.states.contains(report.state) else {
                throw .invalidArgument("state of \(report.source) must be one of \(CollectorStatus.states.sorted().joined(separator: ", ")), not '\(report.state.prefix(50))'")
            }
            guard report.lastError.utf8.count <= 2_000 else { throw .invalidArgument("last_error of \(report.source) is over 2000 bytes") }
            guard report.reconnects >= 0, report.cursorAcknowledgedAtMs >= 0 else {
                throw .invalidArgument("reconnects and cursor_acknowledged_at_ms of \(report.source) must not be negative")
            }
            statuses.append((report.source, CollectorStatus(state: report.state, lastError: report.lastError, reconnects: report.reconnects,
                                                            cursorAcknowledgedAtMs: report.cursorAcknowledgedAtMs, reportedMs: nowMs)))
        }
        return statuses
    }

    /// Records a Publish call that was made durable.
    func recordDelivery(_ posts: [Post], fresh: [Bool]) {
        tracker.recordDelivery(posts, fresh: fresh, nowMs: wallClockMilliseconds(), policy: policy)
        dirty = true
    }

    /// Records posts refused as invalid (or lines a client could not parse).
    func recordRejected(source: String, count: Int64) {
        tracker.recordRejected(source: source, count: count, nowMs: wallClockMilliseconds())
        dirty = true
    }

    /// Writes the file when something changed and the last write is old enough (or `force`).
    func save(force: Bool = false) {
        let now = monotonicMilliseconds()
        guard dirty, force || now >= nextSaveMs else { return }
        nextSaveMs = now + Self.saveIntervalMs
        do {
            try JSONEncoder().encode(tracker).write(to: URL(fileURLWithPath: path), options: .atomic)
            dirty = false
        } catch {
            logger.error("cannot save source health", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
