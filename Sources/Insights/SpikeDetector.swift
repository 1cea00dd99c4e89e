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

/// Tunables of `SpikeDetector`. Defaults suit 5-minute buckets of real social volume: they were
/// chosen on five labelled tweet-volume series (data/volume, scripts/eval-alerts.sh; see
/// docs/INSIGHTS.md): the last hour is judged every 5 minutes against the 24 hours before it, and
/// the last day against each of the seven days before it (the slow scale).
public struct SpikeDetectorConfig: Sendable, Codable, Equatable {
    /// Blocks (of `blockBuckets` buckets) in the trailing baseline window, 2 …
    /// ``maximumBaselineBuckets``. Default 24 (with the default blocks: 24 hours of 5-minute buckets).
    public var baselineBuckets: Int = 24
    /// The largest `baselineBuckets`: the trend's Theil–Sen slope takes time and memory quadratic
    /// in the window at every bucket (1,000 buckets: about 500,000 pairwise slopes).
    public static let maximumBaselineBuckets = 1_000
    /// The largest `blockBuckets` (a day of 5-minute buckets).
    public static let maximumBlockBuckets = 288
    /// The most buckets the window may span (`baselineBuckets × blockBuckets`): the state keeps
    /// each of them (two doubles).
    public static let maximumStoredBuckets = 20_000
    /// Blocks the baseline needs before any alert (warm-up). Default 6.
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
    /// Buckets after an alert during which the same series does not alert again. Default 288
    /// (a day of 5-minute buckets: one incident, one page).
    public var cooldownBuckets: Int = 288
    /// Multiplier of the count noise assumed by the tests: Poisson for volume, binomial for
    /// sentiment. Raise it for sources burstier than that. Default 1.
    public var noiseFloorFactor: Double = 1
    /// Whether the volume baseline follows a Theil–Sen line through the window (true) or is the
    /// window's median (false). The line removes the lag on daily rises of short windows; over the
    /// default 24-hour window the median did better on real series. Default false.
    public var linearTrend: Bool = false
    /// A run of empty buckets is a collection outage once the posts the baseline expected over the
    /// run reach this many: flagged, never alerted on and kept out of the baseline. Until then the
    /// empty buckets are held back and enter the baseline if posts return first. Default 50 (one
    /// empty bucket at 50 posts a bucket, ten at 5; a quiet series at 0.3 a bucket needs 14 hours).
    public var outageMinimumExpected: Double = 50
    /// Consecutive buckets above the threshold after which the detector takes the new level as
    /// normal (a level shift) and stops winsorising it; a run above the threshold alerts once
    /// whatever its length. Default 6.
    public var levelShiftBuckets: Int = 6
    /// Half-life, in buckets, of the series' burstiness: the running mean of the squared Poisson
    /// z (clipped at `zThreshold`), which divides the Poisson z when above 1, so sources burstier
    /// than Poisson are judged against their own noise. 0 = off. Default 288 (one day of 5-minute
    /// buckets).
    public var burstinessHalfLifeBuckets: Int = 288
    /// Buckets summed into the block that is judged: each bucket is judged as the sum of itself and
    /// the `blockBuckets − 1` before it, against the sums of the `baselineBuckets` blocks of
    /// `blockBuckets` buckets before that. 1 judges single buckets; 12 (with 5-minute buckets)
    /// judges the last hour every 5 minutes, which finds sustained rises that no single bucket
    /// shows. Default 12.
    public var blockBuckets: Int = 12
    /// Whether the volume z is also bounded by the window's own residual spread (the sample z of
    /// `SpikeDetector`), on top of the Poisson z scaled by the burstiness. Default true.
    public var windowSpread: Bool = true
    /// Whether the volume forecast follows a weekly profile once the two weeks before hold it:
    /// for each hour of the week, how far its buckets lay above or below the baseline's forecast
    /// in each of the last two weeks (a mean log ratio per week); the block's forecast is scaled by
    /// the mean factor of its buckets' hours, taking of the two weeks' values the one closer to
    /// no change, so a rise that came on both Monday mornings is expected, and a one-off spike
    /// teaches nothing. Default false.
    public var weeklySeasonality: Bool = false
    /// The accumulated excess (a one-sided CUSUM over the volume z) from which a slow rise alerts,
    /// in z·buckets; 0 = off. At every judged bucket outside a cooldown the excess grows by the
    /// block's z (at most `zThreshold`) less `cusumDrift` and never falls below 0, so a rise that
    /// keeps the z between the drift and the threshold for hours pages although no block reaches
    /// the threshold: with the default drift of 2, 48 is four hours at z 3 or two at z 4. Volume
    /// only. Default 0 (off).
    public var cusumThreshold: Double = 0
    /// The z the accumulated excess takes as ordinary (the CUSUM's reference value): blocks above
    /// it add to the excess, blocks below it drain it. Default 2.
    public var cusumDrift: Double = 2
    /// Buckets in a block of the second, longer time scale; 0 = off. When on, a second volume
    /// detector judges each bucket as the sum of itself and the `slowBlockBuckets − 1` before it
    /// against the `slowBaselineBlocks` blocks of that length before them (288 with 5-minute
    /// buckets: the last day against each of the days before, so the time of day cancels out), at
    /// `slowZThreshold`, and the series alerts when either scale does. A slow rise that no hour
    /// shows (a day of 1.5 times the usual volume) pages on that scale. The scales share the
    /// cooldown; the slow scale has its own run, winsorised window, burstiness and warm-up
    /// (`minimumBaselineBuckets` of its blocks, at most `slowBaselineBlocks`). Volume only.
    /// Default 288 (a day of 5-minute buckets).
    public var slowBlockBuckets: Int = 288
    /// Blocks of `slowBlockBuckets` in the slow scale's baseline window. Default 7 (a week of days).
    public var slowBaselineBlocks: Int = 7
    /// The slow scale's z-score threshold (its z is computed like the hourly block's). Default 4.
    public var slowZThreshold: Double = 4

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
        try InsightsConfigError.require("outageMinimumExpected", outageMinimumExpected, in: 0...1e9)
        try InsightsConfigError.require("levelShiftBuckets", Double(levelShiftBuckets), in: 1...100_000)
        try InsightsConfigError.require("blockBuckets", Double(blockBuckets), in: 1...Double(Self.maximumBlockBuckets))
        try InsightsConfigError.require("baselineBuckets × blockBuckets", Double(baselineBuckets * blockBuckets), in: 2...Double(Self.maximumStoredBuckets))
        try InsightsConfigError.require("burstinessHalfLifeBuckets", Double(burstinessHalfLifeBuckets), in: 0...1_000_000)
        try InsightsConfigError.require("cusumThreshold", cusumThreshold, in: 0...1_000_000)
        try InsightsConfigError.require("cusumDrift", cusumDrift, in: 0...1_000)
        try InsightsConfigError.require("slowBlockBuckets", Double(slowBlockBuckets), in: 0...Double(Self.maximumBlockBuckets))
        try InsightsConfigError.require("slowBaselineBlocks", Double(slowBaselineBlocks), in: 2...Double(Self.maximumBaselineBuckets))
        try InsightsConfigError.require("slowBaselineBlocks × slowBlockBuckets", Double(slowBaselineBlocks * slowBlockBuckets), in: 0...Double(Self.maximumStoredBuckets))
        try InsightsConfigError.require("slowZThreshold", slowZThreshold, in: 0.5...1_000)
    }

    /// The configuration of the slow scale's detector, nil when `slowBlockBuckets` is 0: these
    /// settings with the slow block, window and threshold, a median baseline, and no cooldown
    /// (the scales share this one's), weekly profile, accumulated excess or slow scale of its own.
    var slowScale: SpikeDetectorConfig? {
        guard slowBlockBuckets > 0 else { return nil }
        var slow = self
        slow.blockBuckets = slowBlockBuckets
        slow.baselineBuckets = slowBaselineBlocks
        slow.minimumBaselineBuckets = min(minimumBaselineBuckets, slowBaselineBlocks)
        slow.zThreshold = slowZThreshold
        slow.linearTrend = false
        slow.cooldownBuckets = 0
        slow.weeklySeasonality = false
        slow.cusumThreshold = 0
        slow.slowBlockBuckets = 0
        return slow
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
    /// Trailing buckets, oldest first (values above the threshold are stored winsorized): the
    /// `baselineBuckets` blocks of the baseline and the `blockBuckets − 1` buckets of the current
    /// block, and fewer than `blockBuckets` older ones (trimmed a block at a time).
    public var recent: [BaselineSample]
    /// Buckets left during which alerts are suppressed.
    public var cooldownRemaining: Int
    /// Consecutive buckets, up to the last one, above the threshold.
    public var runAboveThreshold: Int = 0
    /// Whether the current run above the threshold already alerted.
    public var runAlerted: Bool = false
    /// Empty buckets held back from the window while they may be an outage.
    public var emptyRun: Int = 0
    /// Running mean of the squared, clipped Poisson z (1 = Poisson noise); see
    /// `SpikeDetectorConfig.burstinessHalfLifeBuckets`.
    public var burstiness: Double = 1
    /// The weekly profile (`SpikeDetectorConfig.weeklySeasonality`), three weeks per hour of the
    /// week (168 hours from Thursday 00:00 UTC, the epoch's weekday; entry 3 × hour + week % 3):
    /// the mean of log((bucket + 1)/(forecast per bucket + 1)) over that hour's buckets that week.
    /// Empty until the detector learns one.
    public var weeklyOffsets: [Float] = []
    /// The week (since the epoch) of each entry of `weeklyOffsets`, −1 for none.
    public var weeklyWeeks: [Int] = []
    /// Buckets averaged into each entry of `weeklyOffsets`.
    public var weeklyUpdates: [Int] = []
    /// Start of the last bucket judged (Unix ms): with the next one, the bucket width.
    public var lastBucketStart: Int64?
    /// The accumulated excess of the volume z over `SpikeDetectorConfig.cusumDrift` (0 when off).
    public var accumulatedExcess: Double = 0
    /// Whether the excess is held at 0 after an alert until a block's z falls below the drift, so
    /// that one rise (or one level shift) pages once.
    public var excessHeld: Bool = false
    /// The slow scale's own state (`SpikeDetectorConfig.slowBlockBuckets`): one element once a
    /// volume detector with the slow scale on has judged a bucket, empty otherwise.
    public var slowScale: [SpikeDetectorState] = []

    /// A fresh state with no history.
    public init(recent: [BaselineSample] = [], cooldownRemaining: Int = 0) {
        self.recent = recent
        self.cooldownRemaining = cooldownRemaining
    }

    /// Decodes a saved state; fields added since it was saved take their fresh values.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        recent = try container.decode([BaselineSample].self, forKey: .recent)
        cooldownRemaining = try container.decode(Int.self, forKey: .cooldownRemaining)
        runAboveThreshold = try container.decodeIfPresent(Int.self, forKey: .runAboveThreshold) ?? 0
        runAlerted = try container.decodeIfPresent(Bool.self, forKey: .runAlerted) ?? false
        burstiness = try container.decodeIfPresent(Double.self, forKey: .burstiness) ?? 1
        emptyRun = try container.decodeIfPresent(Int.self, forKey: .emptyRun) ?? 0
        weeklyOffsets = try container.decodeIfPresent([Float].self, forKey: .weeklyOffsets) ?? []
        weeklyWeeks = try container.decodeIfPresent([Int].self, forKey: .weeklyWeeks) ?? []
        weeklyUpdates = try container.decodeIfPresent([Int].self, forKey: .weeklyUpdates) ?? []
        lastBucketStart = try container.decodeIfPresent(Int64.self, forKey: .lastBucketStart)
        accumulatedExcess = try container.decodeIfPresent(Double.self, forKey: .accumulatedExcess) ?? 0
        excessHeld = try container.decodeIfPresent(Bool.self, forKey: .excessHeld) ?? false
        slowScale = try container.decodeIfPresent([SpikeDetectorState].self, forKey: .slowScale) ?? []
        let entries = SpikeDetector.hoursPerWeek * SpikeDetector.weeksKept
        if weeklyOffsets.count != entries || weeklyWeeks.count != entries || weeklyUpdates.count != entries {
            (weeklyOffsets, weeklyWeeks, weeklyUpdates) = ([], [], [])
        }
    }
}

/// What a `SpikeDetector` made of one bucket.
public enum BucketVerdict: Sendable, Equatable {
    /// The baseline is not warm yet.
    case warmingUp
    /// Nothing to report (including spikes inside a cooldown or an already reported run).
    case normal
    /// The bucket spiked.
    case alert(SpikeAlert)
    /// The bucket is empty and, with the empty buckets before it, makes a run where the baseline
    /// expected at least `outageMinimumExpected` posts: collection stopped. Not alerted on, kept
    /// out of the baseline. The run's earlier buckets were judged `.normal` while it was unsure.
    case outage
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
/// Each bucket is judged as the block of the last `blockBuckets` buckets (default 12: the last
/// hour of 5-minute buckets) against the `baselineBuckets` blocks before it: the volume against
/// the blocks' forecast, with a z-score that is the smaller of a Poisson z (scaled by the series'
/// own burstiness) and a sample z; the negative share against the blocks' pooled share with a
/// binomial z (details in docs/INSIGHTS.md). A bucket alerts when z ≥ `zThreshold`, the block
/// holds at least `minimumVolume`, the window is warm, no cooldown runs and the run of buckets
/// above the threshold has not alerted yet. Buckets above the threshold enter the window
/// winsorized at mean + zThreshold·σ, so one spike does not mask the next, until the run is
/// `levelShiftBuckets` long (a new level). With `cusumThreshold` set, a volume rise whose blocks
/// stay below the threshold alerts once their accumulated excess over `cusumDrift` reaches it
/// (a one-sided CUSUM). Empty buckets where many posts were expected are
/// outages (`BucketVerdict.outage`). Feed every bucket in order, empty ones as 0, so the window
/// spans real time.
public struct SpikeDetector: Sendable {
    /// What this detector watches.
    public let kind: SpikeKind
    /// Its tunables.
    public let config: SpikeDetectorConfig
    /// Its memory; persist it to resume later with `init(kind:config:state:)`.
    public private(set) var state: SpikeDetectorState
    /// The weight of the newest z² in the burstiness (from `burstinessHalfLifeBuckets`).
    private let burstinessWeight: Double

    /// Creates a detector, optionally resuming from a saved state.
    public init(kind: SpikeKind, config: SpikeDetectorConfig = .default, state: SpikeDetectorState = SpikeDetectorState()) {
        self.kind = kind
        self.config = config
        self.state = state
        burstinessWeight = config.burstinessHalfLifeBuckets > 0 ? 1 - pow(0.5, 1 / Double(config.burstinessHalfLifeBuckets)) : 0
    }

    /// Feeds the next bucket and returns an alert if it spiked.
    public mutating func observe(_ bucket: BucketCounts) -> SpikeAlert? {
        if case .alert(let alert) = judge(bucket) { return alert }
        return nil
    }

    /// Feeds the next bucket and says what it was: warm-up, normal, an alert or an outage.
    ///
    /// A bucket above the threshold alerts when the run of buckets above it has not alerted yet, no
    /// cooldown runs and it holds at least `minimumVolume`; it enters the window winsorised until
    /// the run is `levelShiftBuckets` long, then as it is (the new level becomes the baseline).
    ///
    /// `collectionSilent` says that a source of the series was reported silent over this bucket
    /// (the ingest service's source health): then a bucket below its share of the forecast is an
    /// outage at once, whatever the posts it misses, and stays out of the window; a bucket above
    /// it is judged as usual, so a spike still pages.
    public mutating func judge(_ bucket: BucketCounts, collectionSilent: Bool = false) -> BucketVerdict {
        let slowAlert = judgeSlowScale(bucket, collectionSilent: collectionSilent)
        let cooling = state.cooldownRemaining > 0
        let verdict = judgeOneScale(bucket, collectionSilent: collectionSilent)
        guard case .normal = verdict, !cooling, var slowAlert else { return verdict }
        slowAlert.severity = config.severity(zScore: slowAlert.zScore)
        state.cooldownRemaining = config.cooldownBuckets
        return .alert(slowAlert)
    }

    /// Feeds the bucket to the slow scale's detector (`SpikeDetectorConfig.slowBlockBuckets`) and
    /// returns its alert, if any; nil when the slow scale is off or this is not a volume detector.
    private mutating func judgeSlowScale(_ bucket: BucketCounts, collectionSilent: Bool) -> SpikeAlert? {
        guard kind == .volume, let slowConfig = config.slowScale else { return nil }
        // Moved out of the state and back, so that its window is never copied.
        var slow = SpikeDetector(kind: .volume, config: slowConfig, state: state.slowScale.popLast() ?? SpikeDetectorState())
        let verdict = slow.judge(bucket, collectionSilent: collectionSilent)
        state.slowScale.append(slow.state)
        guard case .alert(let alert) = verdict else { return nil }
        return alert
    }

    /// `judge` on the block scale alone.
    private mutating func judgeOneScale(_ bucket: BucketCounts, collectionSilent: Bool) -> BucketVerdict {
        // For a share, `BaselineSample.negative` holds the posts counted in it (negative or angry).
        let (base, counted) = kind == .anger ? (bucket.withEmotions, bucket.anger) : (bucket.total, bucket.negative)
        let total = Double(max(0, base))
        let sample = BaselineSample(total: total, negative: min(Double(max(0, counted)), total))
        let previousStart = state.lastBucketStart
        state.lastBucketStart = bucket.bucketStart
        let baseline = baselineBlocks()
        guard baseline.count >= config.minimumBaselineBuckets else {
            remember(sample)
            return .warmingUp
        }
        if collectionSilent,
           total < Forecast(baseline.map(\.total), linearTrend: config.linearTrend).value / Double(config.blockBuckets) {
            state.cooldownRemaining = max(0, state.cooldownRemaining - 1)
            state.runAboveThreshold = 0
            state.runAlerted = false
            return .outage
        }
        if total == 0 {
            let expectedPerBucket = Forecast(baseline.map(\.total), linearTrend: config.linearTrend).value / Double(config.blockBuckets)
            if expectedPerBucket > 0 {
                state.emptyRun += 1
                state.cooldownRemaining = max(0, state.cooldownRemaining - 1)
                state.runAboveThreshold = 0
                state.runAlerted = false
                return Double(state.emptyRun) * expectedPerBucket >= config.outageMinimumExpected ? .outage : .normal
            }
        }
        if total > 0, state.emptyRun > 0 {
            releaseEmptyRun(baseline)
            // Judged again with the held buckets in the window (the source-health check ran above).
            return judgeOneScale(bucket, collectionSilent: false)
        }
        let block = state.recent.withUnsafeBufferPointer { recent in
            recent[max(0, recent.count - (config.blockBuckets - 1))...].reduce(sample) {
                BaselineSample(total: $0.total + $1.total, negative: $0.negative + $1.negative)
            }
        }
        guard let test = test(block, against: baseline, at: bucket.bucketStart, widthMs: previousStart.map { bucket.bucketStart - $0 }) else {
            remember(sample)
            return .normal
        }
        let exceeds = test.zScore >= config.zThreshold
        if kind == .volume, config.weeklySeasonality {
            learnWeeklyProfile(at: bucket.bucketStart, bucket: sample.total, forecast: test.unseasonedMean / Double(config.blockBuckets))
        }
        state.runAboveThreshold = exceeds ? state.runAboveThreshold + 1 : 0
        if !exceeds { state.runAlerted = false }
        let levelShift = state.runAboveThreshold > config.levelShiftBuckets
        remember(exceeds && !levelShift ? winsorized(sample, in: block, test) : sample)
        if state.cooldownRemaining > 0 {
            state.cooldownRemaining -= 1
            return .normal
        }
        let volume = kind == .volume ? block.total : block.negative
        let sustained = accumulateExcess(test.zScore)
        guard (exceeds && !state.runAlerted) || sustained, volume >= Double(config.minimumVolume) else { return .normal }
        state.cooldownRemaining = config.cooldownBuckets
        state.runAlerted = true
        (state.accumulatedExcess, state.excessHeld) = (0, true)
        return .alert(SpikeAlert(
            bucketStart: bucket.bucketStart, kind: kind, observed: test.observed, baselineMean: test.mean,
            baselineStdDev: test.stdDev, zScore: test.zScore, severity: config.severity(zScore: test.zScore)
        ))
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
        /// The baseline's expected value before the weekly profile (volume; `mean` otherwise).
        var unseasonedMean: Double
        /// The noise scale reported with an alert.
        let stdDev: Double
        /// The normal-equivalent surprise of `observed` (see `volumeTest` and `sentimentTest`).
        let zScore: Double
    }

    /// Compares the current block with the baseline blocks; nil when the block carries no
    /// information (a sentiment block without posts).
    private mutating func test(_ block: BaselineSample, against baseline: [BaselineSample], at bucketStart: Int64, widthMs: Int64?) -> BaselineTest? {
        switch kind {
        case .volume:
            guard config.weeklySeasonality, !state.weeklyOffsets.isEmpty else {
                return volumeTest(block, against: baseline, baselineFactors: nil, weeklyFactor: 1)
            }
            // Stored bucket `index` started `recent.count − index` buckets before this one.
            let baselineFactors = (0..<baseline.count).map { block in
                let end = state.recent.count - (config.blockBuckets - 1) - (baseline.count - 1 - block) * config.blockBuckets
                return weeklyFactor(blockEndingAt: bucketStart - Int64(state.recent.count - (end - 1)) * (widthMs ?? 0), widthMs: widthMs)
            }
            return volumeTest(block, against: baseline, baselineFactors: baselineFactors,
                              weeklyFactor: weeklyFactor(blockEndingAt: bucketStart, widthMs: widthMs))
        case .negativeSentiment, .anger: return sentimentTest(block, against: baseline)
        }
    }

    /// The sums of the blocks of `blockBuckets` stored buckets before the current block, oldest
    /// first, at most `baselineBuckets` of them.
    private func baselineBlocks() -> [BaselineSample] {
        let width = config.blockBuckets
        let stored = state.recent.count - (width - 1)
        guard width > 1 else { return state.recent.suffix(config.baselineBuckets) }
        let count = min(config.baselineBuckets, max(0, stored) / width)
        var blocks: [BaselineSample] = []
        blocks.reserveCapacity(count)
        state.recent.withUnsafeBufferPointer { recent in
            for end in stride(from: stored - (count - 1) * width, through: stored, by: width) {
                var block = BaselineSample(total: 0, negative: 0)
                if kind == .volume {
                    // Volume reads only the totals; four running sums, so that the adds of a
                    // day-long block do not each wait for the one before.
                    var sums = (0.0, 0.0, 0.0, 0.0)
                    var index = end - width
                    while index + 4 <= end {
                        sums.0 += recent[index].total
                        sums.1 += recent[index + 1].total
                        sums.2 += recent[index + 2].total
                        sums.3 += recent[index + 3].total
                        index += 4
                    }
                    for rest in index..<end { sums.0 += recent[rest].total }
                    block.total = (sums.0 + sums.1) + (sums.2 + sums.3)
                } else {
                    for index in (end - width)..<end {
                        block.total += recent[index].total
                        block.negative += recent[index].negative
                    }
                }
                blocks.append(block)
            }
        }
        return blocks
    }

    /// Count against the window's forecast (linear trend or mean).
    ///
    /// The z-score is the smaller of a Poisson z on the Anscombe scale
    /// 2(√(x + 3/8) − √(m + 3/8)), which stays honest for small counts where the Poisson tail is
    /// skewed, and the plain z against the window's residual standard deviation, which catches
    /// sources noisier than Poisson. Both are divided by the forecast's own uncertainty factor.
    /// With a weekly profile each baseline block + 1 is divided by its own `baselineFactors` (its
    /// buckets' mean factor) and the forecast + 1 and the window's spread are multiplied by the
    /// current block's `weeklyFactor` (nil and 1 without a profile).
    private mutating func volumeTest(_ sample: BaselineSample, against baseline: [BaselineSample], baselineFactors: [Double]?,
                                     weeklyFactor: Double) -> BaselineTest {
        var values = baseline.map(\.total)
        if let baselineFactors {
            for index in values.indices { values[index] = (values[index] + 1) / baselineFactors[index] - 1 }
        }
        let forecast = Forecast(values, linearTrend: config.linearTrend)
        let expected = max(0, (forecast.value + 1) * weeklyFactor - 1)
        let residualStdDev = forecast.residualStdDev * weeklyFactor
        let spread = forecast.uncertainty.squareRoot()
        let anscombeZ = 2 * ((sample.total + 0.375).squareRoot() - (expected + 0.375).squareRoot()) / spread
        let burstiness = max(1, state.burstiness)
        let poissonZ = anscombeZ / (config.noiseFloorFactor * burstiness.squareRoot())
        updateBurstiness(anscombeZ)
        let sampleZ = config.windowSpread && residualStdDev > 0
            ? (sample.total - expected) / (residualStdDev * spread) : .infinity
        let stdDev = max(residualStdDev, config.noiseFloorFactor * (burstiness * max(expected, 1)).squareRoot()) * spread
        return BaselineTest(observed: sample.total, mean: expected, unseasonedMean: forecast.value, stdDev: stdDev,
                            zScore: min(poissonZ, sampleZ))
    }

    /// Hours in the weekly profile.
    static let hoursPerWeek = 168
    /// Weeks kept per hour of the weekly profile: the two before the current one, and it.
    static let weeksKept = 3
    private static let hourMs: Int64 = 3_600_000

    /// A bucket's hour of the week, counted from Thursday 00:00 UTC, and its week since the epoch.
    static func weekSlot(_ bucketStart: Int64) -> (hour: Int, week: Int) {
        let hours = (bucketStart - ((bucketStart % hourMs) + hourMs) % hourMs) / hourMs
        let week = hours >= 0 ? hours / Int64(hoursPerWeek) : (hours + 1) / Int64(hoursPerWeek) - 1
        return (Int(hours - week * Int64(hoursPerWeek)), Int(week))
    }

    /// The profile's factor for the bucket at `bucketStart`: exp of the offset of its hour in the
    /// week before or the one before that, whichever is closer to 0; nil unless both weeks have it.
    private func weeklyFactor(bucketAt bucketStart: Int64) -> Double? {
        let (hour, week) = Self.weekSlot(bucketStart)
        var found: (Float, Float?)?
        for entry in (hour * Self.weeksKept)..<((hour + 1) * Self.weeksKept) where (week - 2..<week).contains(state.weeklyWeeks[entry]) {
            let offset = state.weeklyOffsets[entry]
            found = found.map { ($0.0, offset) } ?? (offset, nil)
        }
        guard let (first, second) = found, let second else { return nil }
        return exp(Double(abs(first) < abs(second) ? first : second))
    }

    /// The mean weekly factor of the `blockBuckets` buckets of the block ending with the bucket at
    /// `bucketStart` (1 without a profile for each of them, or before the bucket width is known).
    private func weeklyFactor(blockEndingAt bucketStart: Int64, widthMs: Int64?) -> Double {
        guard kind == .volume, config.weeklySeasonality, !state.weeklyOffsets.isEmpty, let widthMs, widthMs > 0 else { return 1 }
        var sum = 0.0
        for index in 0..<config.blockBuckets {
            guard let factor = weeklyFactor(bucketAt: bucketStart - Int64(index) * widthMs) else { return 1 }
            sum += factor
        }
        return sum / Double(config.blockBuckets)
    }

    /// Adds log((bucket + 1)/(forecast + 1)) to this week's mean for the bucket's hour.
    private mutating func learnWeeklyProfile(at bucketStart: Int64, bucket: Double, forecast: Double) {
        let entries = Self.hoursPerWeek * Self.weeksKept
        if state.weeklyOffsets.isEmpty {
            (state.weeklyOffsets, state.weeklyWeeks, state.weeklyUpdates) = (Array(repeating: 0, count: entries), Array(repeating: -1, count: entries), Array(repeating: 0, count: entries))
        }
        let (hour, week) = Self.weekSlot(bucketStart)
        let entry = hour * Self.weeksKept + ((week % Self.weeksKept) + Self.weeksKept) % Self.weeksKept
        if state.weeklyWeeks[entry] != week {
            (state.weeklyOffsets[entry], state.weeklyWeeks[entry], state.weeklyUpdates[entry]) = (0, week, 0)
        }
        state.weeklyUpdates[entry] += 1
        let offset = log((bucket + 1) / (forecast + 1))
        state.weeklyOffsets[entry] += Float((offset - Double(state.weeklyOffsets[entry])) / Double(state.weeklyUpdates[entry]))
    }

    /// Negative (or angry) share against the window's pooled share (Laplace-smoothed), on the arcsine scale
    /// 2√n(asin√p̂ − asin√p₀) that makes binomial noise near-normal even for small buckets; the
    /// pooled share's own uncertainty widens the test by √(1 + n/N).
    private func sentimentTest(_ sample: BaselineSample, against baseline: [BaselineSample]) -> BaselineTest? {
        guard sample.total > 0 else { return nil }
        let pooledNegative = baseline.reduce(0) { $0 + $1.negative }
        let pooledTotal = baseline.reduce(0) { $0 + $1.total }
        let baselineShare = (pooledNegative + 1) / (pooledTotal + 2)
        let adjustedShare = (sample.negative + 0.375) / (sample.total + 0.75)
        let spread = (1 + sample.total / (pooledTotal + 2)).squareRoot() * config.noiseFloorFactor
        let zScore = 2 * sample.total.squareRoot() * (asin(adjustedShare.squareRoot()) - asin(baselineShare.squareRoot())) / spread
        let stdDev = (baselineShare * (1 - baselineShare) / sample.total).squareRoot() * spread
        return BaselineTest(observed: sample.negative / sample.total, mean: baselineShare, unseasonedMean: baselineShare,
                            stdDev: stdDev, zScore: zScore)
    }

    /// Moves the burstiness toward z² (clipped at zThreshold², so spikes do not teach the detector
    /// that spikes are normal) with the configured half-life.
    private mutating func updateBurstiness(_ zScore: Double) {
        state.burstiness += burstinessWeight * (min(zScore * zScore, config.zThreshold * config.zThreshold) - state.burstiness)
    }

    /// Adds the block's `zScore` (at most `zThreshold`) less `cusumDrift` to the accumulated excess
    /// (never below 0) and says whether it reached `cusumThreshold`. After an alert the excess is
    /// held at 0 until a block's z falls below the drift. Volume only; false when off.
    private mutating func accumulateExcess(_ zScore: Double) -> Bool {
        guard kind == .volume, config.cusumThreshold > 0 else { return false }
        if state.excessHeld {
            guard zScore < config.cusumDrift else { return false }
            state.excessHeld = false
        }
        state.accumulatedExcess = max(0, state.accumulatedExcess + min(zScore, config.zThreshold) - config.cusumDrift)
        return state.accumulatedExcess >= config.cusumThreshold
    }

    /// `sample`, the last bucket of `block`, capped so that the block stays under
    /// mean + zThreshold·σ (and at least at its share of that cap), for storage in the window.
    private func winsorized(_ sample: BaselineSample, in block: BaselineSample, _ test: BaselineTest) -> BaselineSample {
        let cap = test.mean + config.zThreshold * test.stdDev
        switch kind {
        case .volume:
            let earlier = block.total - sample.total
            return BaselineSample(total: min(sample.total, max(cap - earlier, cap / Double(config.blockBuckets))), negative: sample.negative)
        case .negativeSentiment, .anger:
            return BaselineSample(total: sample.total, negative: min(sample.negative, sample.total * min(cap, 1)))
        }
    }

    /// Posts came back: the held empty buckets were an outage (dropped) or a quiet spell (they
    /// enter the window now, in order).
    private mutating func releaseEmptyRun(_ baseline: [BaselineSample]) {
        let expectedPerBucket = Forecast(baseline.map(\.total), linearTrend: config.linearTrend).value / Double(config.blockBuckets)
        let wasOutage = Double(state.emptyRun) * expectedPerBucket >= config.outageMinimumExpected
        let held = min(state.emptyRun, config.baselineBuckets * config.blockBuckets + config.blockBuckets)
        state.emptyRun = 0
        guard !wasOutage else { return }
        for _ in 0..<held { remember(BaselineSample(total: 0, negative: 0)) }
    }

    private mutating func remember(_ sample: BaselineSample) {
        state.recent.append(sample)
        let kept = config.baselineBuckets * config.blockBuckets + config.blockBuckets - 1
        // Trimmed a block at a time rather than at every bucket (the window is read from its end),
        // so that a day-long window is not moved at every bucket.
        if state.recent.count >= kept + config.blockBuckets {
            state.recent.removeFirst(state.recent.count - kept)
        }
    }
}
