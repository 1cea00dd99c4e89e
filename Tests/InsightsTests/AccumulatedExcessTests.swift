import Foundation
import Testing
@testable import Insights

/// The accumulated excess (`cusumThreshold`, a one-sided CUSUM over the volume z): slow rises
/// that no hourly block lifts to the threshold.
@Suite struct AccumulatedExcessTests {
    static let width: Int64 = 300_000

    /// Two days at about 50 posts a bucket, then twelve hours at about 58: every hourly block of the
    /// rise stays below the default z 4.5 (about 3.5 at first), until the median baseline takes
    /// the new level.
    static let slowRise = (0..<576).map { 48 + $0 % 5 } + (0..<144).map { 56 + $0 % 5 }

    static func withExcess(_ threshold: Double, _ base: SpikeDetectorConfig = .hourlyOnly) -> SpikeDetectorConfig {
        var config = base
        config.cusumThreshold = threshold
        return config
    }

    @Test func aSlowRisePagesOnceWithTheExcessAndNeverWithoutIt() throws {
        let buckets = SpikeDetectorTests.buckets(Self.slowRise)
        #expect(SpikeDetector.detect(kind: .volume, config: .hourlyOnly, buckets: buckets).isEmpty, "no block reaches the threshold")
        let alerts = SpikeDetector.detect(kind: .volume, config: Self.withExcess(48), buckets: buckets)
        let alert = try #require(alerts.first)
        #expect(alerts.count == 1, "one rise, one page: \(alerts.map { $0.bucketStart / Self.width })")
        #expect((576..<(576 + 72)).contains(alert.bucketStart / Self.width), "within six hours of the rise")
        #expect(alert.zScore < SpikeDetectorConfig.hourlyOnly.zThreshold, "the block itself is below the threshold")
        #expect(alert.observed > alert.baselineMean)
        // A higher threshold needs a longer rise: later, or not at all.
        let later = SpikeDetector.detect(kind: .volume, config: Self.withExcess(96), buckets: buckets)
        #expect(later.allSatisfy { $0.bucketStart > alert.bucketStart })
    }

    @Test func ordinaryNoiseDoesNotAccumulate() {
        var random = SplitMix64(seed: 17)
        let calm = (0..<2_016).map { _ in random.poisson(40) }
        #expect(SpikeDetector.detect(kind: .volume, config: Self.withExcess(24), buckets: SpikeDetectorTests.buckets(calm)).isEmpty)
    }

    @Test func aLevelShiftStillPagesOnce() {
        // A jump from about 50 to about 200 that stays: the threshold test pages, and the excess is
        // held until the new level is the baseline, so it does not page again.
        let calm = (0..<48).map { 48 + $0 % 5 }
        let shifted = (0..<400).map { 198 + $0 % 5 }
        var config = Self.withExcess(24, .singleBucket)
        config.cooldownBuckets = 2
        let alerts = SpikeDetector.detect(kind: .volume, config: config, buckets: SpikeDetectorTests.buckets(calm + shifted))
        #expect(alerts.map { $0.bucketStart / Self.width } == [48])
        var hourly = Self.withExcess(24)
        hourly.cooldownBuckets = 12
        let days = (0..<576).map { 48 + $0 % 5 } + (0..<576).map { 198 + $0 % 5 }
        #expect(SpikeDetector.detect(kind: .volume, config: hourly, buckets: SpikeDetectorTests.buckets(days)).count == 1)
    }

    @Test func anOutageIsNeitherAccumulatedNorAlerted() {
        // Steady volume, six hours of nothing, then the same volume.
        let steady = (0..<576).map { 45 + $0 % 7 }
        let series = steady + [Int](repeating: 0, count: 72) + steady
        let report = Backtest.run(SpikeDetectorTests.buckets(series), config: Self.withExcess(24), widthMs: Self.width)
        #expect(report.alerts.isEmpty)
        #expect(report.outages == [OutageRun(start: 576 * Self.width, buckets: 72)])
    }

    @Test func resumesMidRiseExactly() throws {
        let buckets = SpikeDetectorTests.buckets(Self.slowRise)
        let config = Self.withExcess(48)
        let uninterrupted = SpikeDetector.detect(kind: .volume, config: config, buckets: buckets)
        // Stop 20 buckets into the rise, with excess accumulated but no alert yet.
        let stop = 596
        var first = SpikeDetector(kind: .volume, config: config)
        var alerts = buckets[..<stop].compactMap { first.observe($0) }
        #expect(first.state.accumulatedExcess > 0)
        let saved = try JSONEncoder().encode(first.state)
        var resumed = SpikeDetector(kind: .volume, config: config, state: try JSONDecoder().decode(SpikeDetectorState.self, from: saved))
        alerts += buckets[stop...].compactMap { resumed.observe($0) }
        #expect(!uninterrupted.isEmpty)
        #expect(alerts == uninterrupted)
    }

    @Test func sharesDoNotAccumulate() {
        var detector = SpikeDetector(kind: .negativeSentiment, config: Self.withExcess(24))
        let totals = Array(repeating: 50, count: 720)
        let negatives = (0..<576).map { _ in 5 } + (0..<144).map { _ in 9 }
        for bucket in SpikeDetectorTests.buckets(totals, negatives: negatives) { _ = detector.judge(bucket) }
        #expect(detector.state.accumulatedExcess == 0)
    }

    @Test func settingsByNameAndRanges() throws {
        let config = try SpikeDetectorConfig.default.applying(settings: "cusum-threshold=48,cusum-drift=2.5")
        #expect(config.cusumThreshold == 48)
        #expect(config.cusumDrift == 2.5)
        try config.validate()
        #expect(throws: InsightsConfigError.outOfRange(field: "cusumThreshold", value: -1, allowed: "0.0...1000000.0")) {
            try Self.withExcess(-1).validate()
        }
    }
}
