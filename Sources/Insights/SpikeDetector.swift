import Foundation

/// What a spike alert is about.
public enum SpikeKind: String, Sendable, Codable, CaseIterable {
    /// The number of posts in the bucket is unusually high.
    case volume
    /// The share of negative posts in the bucket is unusually high.
    case negativeSentiment
    /// The share of angry posts among the bucket's posts with emotions is unusually high.
    case anger
}

/// How far a spike stands out, by z-score bands set in `SpikeDetectorConfig`.
public enum SpikeSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    /// z in [zThreshold, mediumZ).
    case low
    /// z in [mediumZ, highZ).
    case medium
    /// z in [highZ, criticalZ).
    case high
    /// z ≥ criticalZ.
    case critical

    /// Orders by increasing severity.
    public static func < (lhs: SpikeSeverity, rhs: SpikeSeverity) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .low: return 0
        case .medium: return 1
        case .high: return 2
        case .critical: return 3
        }
    }
}

/// Post counts of one time bucket of one series (a query, a group, …).
public struct BucketCounts: Sendable, Codable, Equatable {
    /// Start of the bucket, in Unix milliseconds.
    public var bucketStart: Int64
    /// All posts in the bucket.
    public var total: Int
    /// Negative posts in the bucket (ignored by volume detection).
    public var negative: Int
    /// Posts with emotions (English) in the bucket: the base of the anger share.
    public var withEmotions: Int
    /// Posts labelled anger in the bucket.
    public var anger: Int

    /// Creates the counts of one bucket.
    public init(bucketStart: Int64, total: Int, negative: Int = 0, withEmotions: Int = 0, anger: Int = 0) {
        self.bucketStart = bucketStart
        self.total = total
        self.negative = negative
        self.withEmotions = withEmotions
        self.anger = anger
    }
}

/// A detected spike.
public struct SpikeAlert: Sendable, Codable, Equatable {
    /// Start of the bucket that spiked, in Unix milliseconds.
    public var bucketStart: Int64
    /// What spiked.
    public var kind: SpikeKind
    /// The bucket's value: the post count for `.volume`, the negative share (0…1) for
    /// `.negativeSentiment`, the anger share (0…1) for `.anger`.
    public var observed: Double
    /// The expected value from the trailing baseline, in the same unit as `observed`.
    public var baselineMean: Double
    /// The standard deviation used for the z-score (sample or noise floor, whichever is larger).
    public var baselineStdDev: Double
    /// (observed − baselineMean) / baselineStdDev.
    public var zScore: Double
    /// The z-score band.
    public var severity: SpikeSeverity
}

/// Tunables of `SpikeDetector`. Defaults suit 5-minute buckets (see docs/INSIGHTS.md).
public struct SpikeDetectorConfig: Sendable, Codable, Equatable {
    /// Buckets in the trailing baseline window, 2 … ``maximumBaselineBuckets``. Default 12 (one
    /// hour of 5-minute buckets).
    public var baselineBuckets: Int = 12
    /// The largest `baselineBuckets`: the trend's Theil–Sen slope takes time and memory quadratic
    /// in the window at every bucket (1,000 buckets: about 500,000 pairwise slopes).
    public static let maximumBaselineBuckets = 1_000
    /// Buckets the baseline needs before any alert (warm-up). Default 6.
    public var minimumBaselineBuckets: Int = 6
    /// z-score from which a bucket is a spike. Default 3.5.
    public var zThreshold: Double = 3.5
    /// z-score from which a spike is `.medium`. Default 5.
    public var mediumZ: Double = 5
    /// z-score from which a spike is `.high`. Default 8.
    public var highZ: Double = 8
    /// z-score from which a spike is `.critical`. Default 12.
    public var criticalZ: Double = 12
    /// Smallest post count (volume), negative post count (sentiment) or angry post count (anger)
    /// that may alert. Default 10.
    public var minimumVolume: Int = 10
    /// Buckets after an alert during which the same series does not alert again. Default 6.
    public var cooldownBuckets: Int = 6
    /// Multiplier of the count noise assumed by the tests: Poisson for volume, binomial for
    /// sentiment. Raise it for sources burstier than that. Default 1.
    public var noiseFloorFactor: Double = 1
    /// Whether the volume baseline follows a least-squares line through the window (true) or is the
    /// window's mean (false). The line removes the lag of a plain mean on daily rises. Default true.
    public var linearTrend: Bool = true

    /// The documented defaults.
    public static let `default` = SpikeDetectorConfig()

    /// Creates the default configuration; change fields afterwards to tune.
    public init() {}

    /// Checks every parameter's range and that the severity bands increase.
    public func validate() throws(InsightsConfigError) {
        try InsightsConfigError.require("baselineBuckets", Double(baselineBuckets), in: 2...Double(Self.maximumBaselineBuckets))
        try InsightsConfigError.require("minimumBaselineBuckets", Double(minimumBaselineBuckets), in: 2...Double(baselineBuckets))
        try InsightsConfigError.require("zThreshold", zThreshold, in: 0.5...1_000)
        try InsightsConfigError.require("mediumZ", mediumZ, in: zThreshold...1_000)
        try InsightsConfigError.require("highZ", highZ, in: mediumZ...1_000)
        try InsightsConfigError.require("criticalZ", criticalZ, in: highZ...1_000)
        try InsightsConfigError.require("minimumVolume", Double(minimumVolume), in: 0...Double(Int32.max))
        try InsightsConfigError.require("cooldownBuckets", Double(cooldownBuckets), in: 0...100_000)
        try InsightsConfigError.require("noiseFloorFactor", noiseFloorFactor, in: 0.01...100)
    }

    /// The severity band of `zScore`.
    public func severity(zScore: Double) -> SpikeSeverity {
        if zScore >= criticalZ { return .critical }
        if zScore >= highZ { return .high }
        if zScore >= mediumZ { return .medium }
        return .low
    }
}

/// Everything a `SpikeDetector` remembers between buckets: small and `Codable`, so a service can
/// persist it and resume after a restart without replaying history.
public struct SpikeDetectorState: Sendable, Codable, Equatable {
    /// Trailing buckets, oldest first (values above the threshold are stored winsorized).
    public var recent: [BaselineSample]
    /// Buckets left during which alerts are suppressed.
    public var cooldownRemaining: Int

    /// A fresh state with no history.
    public init(recent: [BaselineSample] = [], cooldownRemaining: Int = 0) {
        self.recent = recent
        self.cooldownRemaining = cooldownRemaining
    }
}

/// One bucket as kept in the baseline window.
public struct BaselineSample: Sendable, Codable, Equatable {
    /// Posts in the bucket.
    public var total: Double
    /// Negative posts in the bucket.
    public var negative: Double

    /// Creates a sample.
    public init(total: Double, negative: Double) {
        self.total = total
        self.negative = negative
    }
}

/// Detects upward spikes in one series, bucket after bucket.
///
/// Each bucket is compared with the trailing `baselineBuckets` buckets before it: the volume
/// against the window's forecast, with a z-score that is the smaller of a Poisson z and a
/// sample z; the negative share against the window's pooled share with a binomial z
/// (details in docs/INSIGHTS.md). A bucket alerts when z ≥ `zThreshold`, the volume is at least
/// `minimumVolume`, the window is warm and no cooldown runs. Buckets that exceed the threshold enter
/// the window winsorized at mean + zThreshold·σ, so one spike does not mask the next.
/// Feed every bucket in order, empty ones as 0, so the window spans real time.
public struct SpikeDetector: Sendable {
    /// What this detector watches.
    public let kind: SpikeKind
    /// Its tunables.
    public let config: SpikeDetectorConfig
    /// Its memory; persist it to resume later with `init(kind:config:state:)`.
    public private(set) var state: SpikeDetectorState

    /// Creates a detector, optionally resuming from a saved state.
    public init(kind: SpikeKind, config: SpikeDetectorConfig = .default, state: SpikeDetectorState = SpikeDetectorState()) {
        self.kind = kind
        self.config = config
        self.state = state
    }

    /// Feeds the next bucket and returns an alert if it spiked.
    public mutating func observe(_ bucket: BucketCounts) -> SpikeAlert? {
        // For a share, `BaselineSample.negative` holds the posts counted in it (negative or angry).
        let (base, counted) = kind == .anger ? (bucket.withEmotions, bucket.anger) : (bucket.total, bucket.negative)
        let total = Double(max(0, base))
        let sample = BaselineSample(total: total, negative: min(Double(max(0, counted)), total))
        guard state.recent.count >= config.minimumBaselineBuckets, let test = test(sample) else {
            remember(sample)
            return nil
        }
        let exceeds = test.zScore >= config.zThreshold
        remember(exceeds ? winsorized(sample, test) : sample)
        if state.cooldownRemaining > 0 {
            state.cooldownRemaining -= 1
            return nil
        }
        let volume = kind == .volume ? sample.total : sample.negative
        guard exceeds, volume >= Double(config.minimumVolume) else { return nil }
        state.cooldownRemaining = config.cooldownBuckets
        return SpikeAlert(
            bucketStart: bucket.bucketStart, kind: kind, observed: test.observed, baselineMean: test.mean,
            baselineStdDev: test.stdDev, zScore: test.zScore, severity: config.severity(zScore: test.zScore)
        )
    }

    /// Runs a fresh detector over `buckets` (in time order) and returns every alert.
    public static func detect(kind: SpikeKind, config: SpikeDetectorConfig = .default, buckets: [BucketCounts]) -> [SpikeAlert] {
        var detector = SpikeDetector(kind: kind, config: config)
        return buckets.compactMap { detector.observe($0) }
    }

    // MARK: - Baseline

    /// The comparison of one bucket with the baseline.
    private struct BaselineTest {
        /// The bucket's value (count or negative share).
        let observed: Double
        /// The baseline's expected value.
        let mean: Double
        /// The noise scale reported with an alert.
        let stdDev: Double
        /// The normal-equivalent surprise of `observed` (see `volumeTest` and `sentimentTest`).
        let zScore: Double
    }

    /// Compares `sample` with the window; nil when the bucket carries no information
    /// (a sentiment bucket without posts).
    private func test(_ sample: BaselineSample) -> BaselineTest? {
        switch kind {
        case .volume: return volumeTest(sample)
        case .negativeSentiment, .anger: return sentimentTest(sample)
        }
    }

    /// Count against the window's forecast (linear trend or mean).
    ///
    /// The z-score is the smaller of a Poisson z on the Anscombe scale
    /// 2(√(x + 3/8) − √(m + 3/8)), which stays honest for small counts where the Poisson tail is
    /// skewed, and the plain z against the window's residual standard deviation, which catches
    /// sources noisier than Poisson. Both are divided by the forecast's own uncertainty factor.
    private func volumeTest(_ sample: BaselineSample) -> BaselineTest {
        let forecast = Forecast(state.recent.map(\.total), linearTrend: config.linearTrend)
        let spread = forecast.uncertainty.squareRoot()
        let poissonZ = 2 * ((sample.total + 0.375).squareRoot() - (forecast.value + 0.375).squareRoot())
            / (config.noiseFloorFactor * spread)
        let sampleZ = forecast.residualStdDev > 0
            ? (sample.total - forecast.value) / (forecast.residualStdDev * spread) : .infinity
        let stdDev = max(forecast.residualStdDev, config.noiseFloorFactor * max(forecast.value, 1).squareRoot()) * spread
        return BaselineTest(observed: sample.total, mean: forecast.value, stdDev: stdDev, zScore: min(poissonZ, sampleZ))
    }

    /// Negative (or angry) share against the window's pooled share (Laplace-smoothed), on the arcsine scale
    /// 2√n(asin√p̂ − asin√p₀) that makes binomial noise near-normal even for small buckets; the
    /// pooled share's own uncertainty widens the test by √(1 + n/N).
    private func sentimentTest(_ sample: BaselineSample) -> BaselineTest? {
        guard sample.total > 0 else { return nil }
        let pooledNegative = state.recent.reduce(0) { $0 + $1.negative }
        let pooledTotal = state.recent.reduce(0) { $0 + $1.total }
        let baselineShare = (pooledNegative + 1) / (pooledTotal + 2)
        let adjustedShare = (sample.negative + 0.375) / (sample.total + 0.75)
        let spread = (1 + sample.total / (pooledTotal + 2)).squareRoot() * config.noiseFloorFactor
        let zScore = 2 * sample.total.squareRoot() * (asin(adjustedShare.squareRoot()) - asin(baselineShare.squareRoot())) / spread
        let stdDev = (baselineShare * (1 - baselineShare) / sample.total).squareRoot() * spread
        return BaselineTest(observed: sample.negative / sample.total, mean: baselineShare, stdDev: stdDev, zScore: zScore)
    }

    /// `sample` capped at mean + zThreshold·σ, for storage in the window.
    private func winsorized(_ sample: BaselineSample, _ test: BaselineTest) -> BaselineSample {
        let cap = test.mean + config.zThreshold * test.stdDev
        switch kind {
        case .volume:
            return BaselineSample(total: min(sample.total, cap), negative: sample.negative)
        case .negativeSentiment, .anger:
            return BaselineSample(total: sample.total, negative: min(sample.negative, sample.total * min(cap, 1)))
        }
    }

    private mutating func remember(_ sample: BaselineSample) {
        state.recent.append(sample)
        if state.recent.count > config.baselineBuckets {
            state.recent.removeFirst(state.recent.count - config.baselineBuckets)
        }
    }
}
