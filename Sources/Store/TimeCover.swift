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

/// Covers a time range with as few aggregate buckets as possible: whole days
/// in the middle, whole hours beside them, minutes at the edges.
///
/// The range is first widened to whole minutes (aggregates are per minute:
/// a query from 10:00:30 counts the whole 10:00 minute), so the spans are
/// exact for minute-aligned ranges.
public enum TimeCover {
    public static func spans(from: Int64, to: Int64) -> [LevelSpan] {
        let start = BucketLevel.minute.bucketStart(from)
        let end = -BucketLevel.minute.bucketStart(-to)  // ceiling
        guard start < end else { return [] }
        return cover(start, end, level: .day)
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
