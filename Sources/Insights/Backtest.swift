import Dispatch
import Synchronization

/// Why a history could not be turned into buckets.
public enum BacktestError: Error, Equatable, CustomStringConvertible {
    /// The span from the first to the last point needs more buckets than allowed.
    case tooManyBuckets(needed: Int64, allowed: Int)
    /// Points are not in increasing time.
    case unsorted(index: Int)
    /// A sweep could not be read.
    case badSweep(String)
    /// A `NAME=VALUE` setting could not be read.
    case badSetting(String)

    /// A human-readable explanation.
    public var description: String {
        switch self {
        case .tooManyBuckets(let needed, let allowed):
            return "the history spans \(needed) buckets, more than \(allowed): use longer buckets or a shorter range"
        case .unsorted(let index):
            return "point \(index + 1) is earlier than the one before it"
        case .badSweep(let problem), .badSetting(let problem):
            return problem
        }
    }
}

/// A run of consecutive outage buckets (see `BucketVerdict.outage`).
public struct OutageRun: Sendable, Equatable, Codable {
    /// Start of the first silent bucket, in Unix milliseconds.
    public var start: Int64
    /// Number of silent buckets.
    public var buckets: Int
}

/// What a backtest found over a history.
public struct BacktestReport: Sendable, Equatable {
    /// Every alert the detectors raised, in time order (volume before sentiment within a bucket).
    public var alerts: [SpikeAlert]
    /// Runs of buckets flagged as collection outages.
    public var outages: [OutageRun]
    /// Buckets in the history.
    public var buckets: Int
    /// Length of the history in days.
    public var days: Double
    /// Alerts per day of history (0 for an empty history).
    public var alertsPerDay: Double { days > 0 ? Double(alerts.count) / days : 0 }
}

/// Runs the live detector (`SpikeDetector`, the same code the query service runs) over a history.
public enum Backtest {
    /// The most buckets a history may span (about 95 years of 5-minute buckets; 16 bytes each).
    public static let maximumBuckets = 10_000_000

    /// Sums `points` (in increasing time; `bucketStart` is the point's time) into buckets of
    /// `widthMs` aligned to the Unix epoch, with a zero bucket for every gap between the first and
    /// the last point.
    public static func buckets(_ points: [BucketCounts], widthMs: Int64) throws(BacktestError) -> [BucketCounts] {
        guard let first = points.first, let last = points.last else { return [] }
        if let unsorted = points.indices.dropFirst().first(where: { points[$0].bucketStart < points[$0 - 1].bucketStart }) {
            throw .unsorted(index: unsorted)
        }
        func floor(_ time: Int64) -> Int64 { time - ((time % widthMs) + widthMs) % widthMs }
        let origin = floor(first.bucketStart)
        let needed = (floor(last.bucketStart) - origin) / widthMs + 1
        guard needed <= maximumBuckets else { throw .tooManyBuckets(needed: needed, allowed: maximumBuckets) }
        var buckets = (0..<Int(needed)).map { BucketCounts(bucketStart: origin + Int64($0) * widthMs, total: 0) }
        for point in points {
            let slot = Int((floor(point.bucketStart) - origin) / widthMs)
            buckets[slot].total += point.total
            buckets[slot].negative += point.negative
        }
        return buckets
    }

    /// `run` for each of `configs` over the same `buckets`, the runs spread over the machine's
    /// cores; the reports in the order of `configs`.
    public static func runEach(_ buckets: [BucketCounts], kinds: [SpikeKind] = [.volume], configs: [SpikeDetectorConfig],
                               widthMs: Int64) -> [BacktestReport] {
        let reports = Mutex<[BacktestReport?]>(Array(repeating: nil, count: configs.count))
        DispatchQueue.concurrentPerform(iterations: configs.count) { index in
            let report = run(buckets, kinds: kinds, config: configs[index], widthMs: widthMs)
            reports.withLock { $0[index] = report }
        }
        return reports.withLock { $0.compactMap { $0 } }
    }

    /// Runs one fresh detector per kind in `kinds` over `buckets` (consecutive, `widthMs` apart).
    /// Outages are taken from the first kind's detector.
    public static func run(_ buckets: [BucketCounts], kinds: [SpikeKind] = [.volume], config: SpikeDetectorConfig, widthMs: Int64) -> BacktestReport {
        var detectors = kinds.map { SpikeDetector(kind: $0, config: config) }
        var alerts: [SpikeAlert] = []
        var outages: [OutageRun] = []
        for bucket in buckets {
            for index in detectors.indices {
                switch detectors[index].judge(bucket) {
                case .alert(let alert):
                    alerts.append(alert)
                case .outage where index == 0:
                    if let last = outages.last, last.start + Int64(last.buckets) * widthMs == bucket.bucketStart {
                        outages[outages.count - 1].buckets += 1
                    } else {
                        // The run's earlier empty buckets were held while it was unsure.
                        let run = max(1, detectors[0].state.emptyRun)
                        outages.append(OutageRun(start: bucket.bucketStart - Int64(run - 1) * widthMs, buckets: run))
                    }
                default:
                    break
                }
            }
        }
        return BacktestReport(alerts: alerts, outages: outages, buckets: buckets.count,
                              days: Double(buckets.count) * Double(widthMs) / 86_400_000)
    }
}

/// A labelled incident: from `start` to `end`, inclusive, in Unix milliseconds.
public struct IncidentWindow: Sendable, Equatable, Codable {
    /// Start of the window.
    public var start: Int64
    /// End of the window (inclusive).
    public var end: Int64

    /// Creates a window.
    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }
}

/// Alerts scored against labelled incident windows, with the metric of data/volume/README.md:
/// alerts on consecutive buckets count once (one page, inside a window if any of its buckets
/// is); alerts in the first `warmUpBuckets` buckets
/// are not scored; window recall = windows with at least one alert / windows; false alerts per
/// day = pages outside every window / scored days; precision = pages inside a window / pages.
public struct IncidentScore: Sendable, Equatable, Codable {
    /// Labelled windows.
    public var windows: Int
    /// Windows with at least one scored alert.
    public var windowsFound: Int
    /// Scored pages (alerts on consecutive buckets merged) inside a window.
    public var pagesInside: Int
    /// Scored pages outside every window.
    public var pagesOutside: Int
    /// Days after the warm-up.
    public var scoredDays: Double

    /// Pages outside every window per scored day.
    public var falseAlertsPerDay: Double { scoredDays > 0 ? Double(pagesOutside) / scoredDays : 0 }
    /// Pages inside a window / all pages (1 when there are none).
    public var precision: Double { pagesInside + pagesOutside > 0 ? Double(pagesInside) / Double(pagesInside + pagesOutside) : 1 }

    /// Sums the counts of several series.
    public static func + (lhs: IncidentScore, rhs: IncidentScore) -> IncidentScore {
        IncidentScore(windows: lhs.windows + rhs.windows, windowsFound: lhs.windowsFound + rhs.windowsFound,
                      pagesInside: lhs.pagesInside + rhs.pagesInside, pagesOutside: lhs.pagesOutside + rhs.pagesOutside,
                      scoredDays: lhs.scoredDays + rhs.scoredDays)
    }

    /// No windows, no pages, no days.
    public static let zero = IncidentScore(windows: 0, windowsFound: 0, pagesInside: 0, pagesOutside: 0, scoredDays: 0)

    /// Scores the buckets that alerted (`alertStarts`, bucket starts) of a history of `buckets`
    /// buckets starting at `firstBucket`, `widthMs` apart. A bucket is inside a window when the two
    /// overlap (the bucket spans [start, start + width)).
    public init(alertStarts: [Int64], windows: [IncidentWindow], firstBucket: Int64, buckets: Int, widthMs: Int64, warmUpBuckets: Int = 750) {
        let scoredFrom = firstBucket + Int64(warmUpBuckets) * widthMs
        let scored = Array(Set(alertStarts.filter { $0 >= scoredFrom })).sorted()
        func isInside(_ start: Int64) -> Bool { windows.contains { start + widthMs > $0.start && start <= $0.end } }
        // Pages: runs of consecutive alerted buckets; a page is inside when any of its buckets is.
        var inside = 0, outside = 0
        var pageInside = false
        for (index, start) in scored.enumerated() {
            pageInside = pageInside || isInside(start)
            guard index + 1 == scored.count || scored[index + 1] != start + widthMs else { continue }
            if pageInside { inside += 1 } else { outside += 1 }
            pageInside = false
        }
        self.windows = windows.count
        windowsFound = windows.filter { window in scored.contains { $0 + widthMs > window.start && $0 <= window.end } }.count
        pagesInside = inside
        pagesOutside = outside
        scoredDays = Double(max(0, buckets - warmUpBuckets)) * Double(widthMs) / 86_400_000
    }

    private init(windows: Int, windowsFound: Int, pagesInside: Int, pagesOutside: Int, scoredDays: Double) {
        self.windows = windows
        self.windowsFound = windowsFound
        self.pagesInside = pagesInside
        self.pagesOutside = pagesOutside
        self.scoredDays = scoredDays
    }
}
