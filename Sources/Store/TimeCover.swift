/// The bucket levels the store keeps aggregates at.
public enum BucketLevel: Int, Sendable, CaseIterable {
    case minute = 0, hour = 1, day = 2

    /// Bucket width in milliseconds.
    public var width: Int64 {
        switch self {
        case .minute: return 60_000
        case .hour: return 3_600_000
        case .day: return 86_400_000
        }
    }

    /// The start of the bucket holding `time` (floor, also for negative times).
    public func bucketStart(_ time: Int64) -> Int64 {
        let remainder = time % width
        return remainder >= 0 ? time - remainder : time - remainder - width
    }
}

/// A span of whole buckets at one level: [from, to).
public struct LevelSpan: Sendable, Equatable {
    public var level: BucketLevel
    public var from: Int64
    public var to: Int64
}

/// Covers a [from, to) range exactly: whole aggregate buckets inside (days in the
/// middle, hours beside them, minutes next), and at most two `edges` shorter than a
/// minute, where the range starts or ends inside a minute bucket. Aggregates are per
/// minute, so the edges are counted from the posts themselves (``PostStore`` does);
/// a minute-aligned range has no edges.
public struct TimeCover: Sendable, Equatable {
    /// Whole buckets inside the range, in time order.
    public let spans: [LevelSpan]
    /// The [from, to) parts of the range outside ``spans``, each within one minute (or two
    /// adjacent ones when the range holds no whole minute), in time order.
    public let edges: [TimeSpan]

    public init(from: Int64, to: Int64) {
        guard from < to else {
            spans = []
            edges = []
            return
        }
        let innerStart = -BucketLevel.minute.bucketStart(-from)  // ceiling
        let innerEnd = BucketLevel.minute.bucketStart(to)
        guard innerStart < innerEnd else {
            spans = []
            edges = [TimeSpan(from: from, to: to)]
            return
        }
        spans = Self.cover(innerStart, innerEnd, level: .day)
        edges = [TimeSpan(from: from, to: innerStart), TimeSpan(from: innerEnd, to: to)].filter { $0.from < $0.to }
    }

    private static func cover(_ start: Int64, _ end: Int64, level: BucketLevel) -> [LevelSpan] {
        guard start < end else { return [] }
        if level == .minute { return [LevelSpan(level: .minute, from: start, to: end)] }
        let finer = BucketLevel(rawValue: level.rawValue - 1)!
        let innerStart = -level.bucketStart(-start)  // ceiling to this level
        let innerEnd = level.bucketStart(end)
        guard innerStart < innerEnd else { return cover(start, end, level: finer) }
        return cover(start, innerStart, level: finer)
            + [LevelSpan(level: level, from: innerStart, to: innerEnd)]
            + cover(innerEnd, end, level: finer)
    }
}

/// A [from, to) span of Unix milliseconds.
public struct TimeSpan: Sendable, Equatable {
    public var from: Int64
    public var to: Int64

    public init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    /// `spans` without the empty ones, in order, with spans that touch or overlap joined into one:
    /// the fewest ranges that hold the same milliseconds.
    public static func joined(_ spans: [TimeSpan]) -> [TimeSpan] {
        var stretches: [TimeSpan] = []
        for span in spans.filter({ $0.from < $0.to }).sorted(by: { $0.from < $1.from }) {
            if let last = stretches.last, span.from <= last.to {
                stretches[stretches.count - 1].to = max(last.to, span.to)
            } else {
                stretches.append(span)
            }
        }
        return stretches
    }

    /// Reads never look past the year 9999; an open end means "until then".
    public static let endOfTime: Int64 = 253_402_300_800_000
    /// Every post: [0, ``endOfTime``).
    public static let allTime = TimeSpan(from: 0, to: endOfTime)

    /// The span of a request's `from_ms` / `to_ms` (query.proto: `to_ms` 0 is an open end),
    /// clipped to ``endOfTime``; INVALID_ARGUMENT for negative or inverted bounds.
    public static func requested(fromMs: Int64, toMs: Int64) throws(StoreError) -> TimeSpan {
        guard fromMs >= 0, toMs >= 0 else {
            throw .invalidArgument("time range bounds must be Unix milliseconds ≥ 0 (got from_ms \(fromMs), to_ms \(toMs))")
        }
        let span = TimeSpan(from: min(fromMs, endOfTime), to: toMs == 0 ? endOfTime : min(toMs, endOfTime))
        guard span.from < span.to else {
            throw .invalidArgument("inverted time range: from_ms \(fromMs) is not before to_ms \(toMs)")
        }
        return span
    }

    /// This span clipped to ``endOfTime``, as every read takes it; INVALID_ARGUMENT for
    /// negative or empty spans.
    public func checked() throws(StoreError) -> TimeSpan {
        guard to > 0 else { throw .invalidArgument("inverted time range: from_ms \(from) is not before to_ms \(to)") }
        return try .requested(fromMs: from, toMs: to)
    }
}
