/// Tunables of `TrendScorer` (see docs/INSIGHTS.md).
public struct TrendScorerConfig: Sendable, Codable, Equatable {
    /// α of the smoothed lift (current + α) / (baseline + α): damps lifts of rare items. Default 5.
    public var smoothing: Double = 5
    /// Smallest count in the current window for an item to rank by lift. Default 5.
    public var minimumCount: Int = 5
    /// Smallest smoothed lift for an item to rank by lift. Default 1.5.
    public var minimumLift: Double = 1.5
    /// Items per ranking. Default 20.
    public var limit: Int = 20

    /// The documented defaults.
    public static let `default` = TrendScorerConfig()

    /// Creates the default configuration; change fields afterwards to tune.
    public init() {}

    /// Checks every parameter's range.
    public func validate() throws(InsightsConfigError) {
        try InsightsConfigError.require("smoothing", smoothing, in: 0.001...1_000_000)
        try InsightsConfigError.require("minimumCount", Double(minimumCount), in: 0...Double(Int32.max))
        try InsightsConfigError.require("minimumLift", minimumLift, in: 0...1_000_000)
        try InsightsConfigError.require("limit", Double(limit), in: 0...1_000_000)
    }
}

/// One item (hashtag, term, domain, mention…) with its current count and its own baseline.
public struct TrendItem: Sendable, Codable, Equatable {
    /// The item.
    public var key: String
    /// Count in the current window.
    public var count: Int
    /// Average count per window over the baseline windows.
    public var baselineCount: Double
    /// Smoothed lift (count + α) / (baselineCount + α).
    public var lift: Double
    /// Whether the item never appeared in the baseline.
    public var isNew: Bool { baselineCount == 0 }
}

/// Items ranked by volume and by lift.
public struct TrendRanking: Sendable, Codable, Equatable {
    /// Most frequent items in the current window (count, then key).
    public var byVolume: [TrendItem]
    /// Items growing most against their own baseline (lift, then count, then key), filtered by
    /// `minimumCount` and `minimumLift`.
    public var byLift: [TrendItem]
}

/// Ranks items by volume and by lift against their own rolling baseline.
public struct TrendScorer: Sendable {
    /// The tunables in use.
    public let config: TrendScorerConfig

    /// Creates a scorer.
    public init(config: TrendScorerConfig = .default) {
        self.config = config
    }

    /// Ranks the items of the current window against `baseline`, the counts summed over
    /// `baselineWindows` windows of the same length as the current one.
    public func rank(current: [String: Int], baseline: [String: Int], baselineWindows: Double) -> TrendRanking {
        let windows = baselineWindows.isFinite && baselineWindows > 0 ? baselineWindows : 0
        let items = current.compactMap { key, count -> TrendItem? in
            guard count > 0 else { return nil }
            let baselineCount = windows > 0 ? Double(max(0, baseline[key] ?? 0)) / windows : 0
            let lift = (Double(count) + config.smoothing) / (baselineCount + config.smoothing)
            return TrendItem(key: key, count: count, baselineCount: baselineCount, lift: lift)
        }
        let byVolume = items.sorted { lhs, rhs in
            lhs.count != rhs.count ? lhs.count > rhs.count : lhs.key < rhs.key
        }
        let byLift = items
            .filter { $0.count >= config.minimumCount && $0.lift >= config.minimumLift }
            .sorted { lhs, rhs in
                if lhs.lift != rhs.lift { return lhs.lift > rhs.lift }
                return lhs.count != rhs.count ? lhs.count > rhs.count : lhs.key < rhs.key
            }
        let limit = max(0, config.limit)
        return TrendRanking(byVolume: Array(byVolume.prefix(limit)), byLift: Array(byLift.prefix(limit)))
    }

    /// Rolling-window form: `buckets` are per-item counts per time bucket, oldest first; the last
    /// `currentBuckets` form the current window and all earlier ones the baseline.
    public func rank(buckets: [[String: Int]], currentBuckets: Int) -> TrendRanking {
        let split = max(0, buckets.count - max(1, currentBuckets))
        let current = Self.sum(buckets[split...])
        let baseline = Self.sum(buckets[..<split])
        let windows = Double(split) / Double(max(1, min(currentBuckets, buckets.count)))
        return rank(current: current, baseline: baseline, baselineWindows: windows)
    }

    private static func sum(_ buckets: ArraySlice<[String: Int]>) -> [String: Int] {
        buckets.reduce(into: [:]) { total, bucket in
            total.merge(bucket, uniquingKeysWith: +)
        }
    }
}
