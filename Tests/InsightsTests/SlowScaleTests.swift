import Foundation
import Testing
@testable import Insights

/// The second, longer time scale (`slowBlockBuckets`): the last day against each of the seven days
/// before it, alerting at its own threshold, sharing the cooldown with the hourly blocks.
@Suite struct SlowScaleTests {
    static let width: Int64 = 300_000
    static let day = 288

    /// Eight days at about 50 posts a bucket, then a day at about 58: no hourly block of the rise
    /// reaches z 4.5 (the accumulated-excess tests use the same step), but the day
    /// holds 16 % more posts than every day before it.
    static let slowRise = (0..<(8 * day)).map { 48 + $0 % 5 } + (0..<day).map { 56 + $0 % 5 }

    /// The hourly blocks as before the slow scale (z 4.5 against the 12 hours before), with the
    /// slow scale on at `z`.
    static func withSlowScale(_ base: SpikeDetectorConfig = .hourlyOnly, z: Double = 3.5) -> SpikeDetectorConfig {
        var config = base
        config.slowBlockBuckets = day
        config.slowBaselineBlocks = 7
        config.slowZThreshold = z
        return config
    }

    @Test func aRiseNoHourShowsPagesOnTheSlowScaleOnly() throws {
        let buckets = SpikeDetectorTests.buckets(Self.slowRise)
        #expect(SpikeDetector.detect(kind: .volume, config: .hourlyOnly, buckets: buckets).isEmpty, "no hourly block reaches the threshold")
        let alerts = SpikeDetector.detect(kind: .volume, config: Self.withSlowScale(), buckets: buckets)
        let alert = try #require(alerts.first)
        #expect(alerts.count == 1, "one rise, one page: \(alerts.map { $0.bucketStart / Self.width })")
        let rise = 8 * Self.day
        #expect((rise..<(rise + 144)).contains(Int(alert.bucketStart / Self.width)), "within twelve hours of the rise")
        #expect(alert.zScore >= 3.5)
        #expect(alert.zScore < SpikeDetectorConfig.hourlyOnly.zThreshold, "a low alert: below the hourly threshold")
        #expect(alert.severity == .low)
        // The slow scale reports the day's posts against the days before it.
        #expect(alert.observed > alert.baselineMean)
        #expect(alert.baselineMean > 13_000)
        // A higher slow threshold pages later or not at all.
        let later = SpikeDetector.detect(kind: .volume, config: Self.withSlowScale(z: 6), buckets: buckets)
        #expect(later.allSatisfy { $0.bucketStart > alert.bucketStart })
    }

    @Test func theScalesShareTheCooldown() {
        // A week and a day of calm, one hour at three times the volume, then calm again: both
        // scales see it (the hour first), and with the cooldown of a day it pages once.
        let calm = (0..<(8 * Self.day)).map { 48 + $0 % 5 }
        let series = calm + (0..<12).map { 148 + $0 % 5 } + (0..<Self.day).map { 48 + $0 % 5 }
        let buckets = SpikeDetectorTests.buckets(series)
        let shared = SpikeDetector.detect(kind: .volume, config: Self.withSlowScale(), buckets: buckets)
        #expect(shared.count == 1)
        #expect(shared.first?.zScore ?? 0 >= SpikeDetectorConfig.hourlyOnly.zThreshold, "the hour pages first")
        var noCooldown = Self.withSlowScale()
        noCooldown.cooldownBuckets = 0
        let both = SpikeDetector.detect(kind: .volume, config: noCooldown, buckets: buckets)
        #expect(both.count == 2, "without the cooldown the day pages too: \(both.map { $0.bucketStart / Self.width })")
        #expect(both.first == shared.first)
    }

    @Test func ordinaryDaysAddNoSlowAlert() {
        // Two weeks of Poisson noise around a smooth daily cycle (20 at night to 60 by day): the
        // slow scale adds no alert to the hourly blocks'.
        var random = SplitMix64(seed: 23)
        let days = (0..<(14 * Self.day)).map { index in
            random.poisson(40 - 20 * cos(2 * Double.pi * Double(index % Self.day) / Double(Self.day)))
        }
        let buckets = SpikeDetectorTests.buckets(days)
        let both = SpikeDetector.detect(kind: .volume, config: Self.withSlowScale(), buckets: buckets)
        #expect(both == SpikeDetector.detect(kind: .volume, config: .hourlyOnly, buckets: buckets))
        #expect(both.allSatisfy { $0.zScore >= SpikeDetectorConfig.hourlyOnly.zThreshold })
    }

    @Test func anOutageIsNotASlowAlert() {
        // Eight days of steady volume, twelve hours of nothing, then the same volume.
        let steady = (0..<(8 * Self.day)).map { 45 + $0 % 7 }
        let series = steady + [Int](repeating: 0, count: 144) + (0..<(2 * Self.day)).map { 45 + $0 % 7 }
        let report = Backtest.run(SpikeDetectorTests.buckets(series), config: Self.withSlowScale(), widthMs: Self.width)
        #expect(report.alerts.isEmpty, "\(report.alerts.map { $0.bucketStart / Self.width })")
        #expect(report.outages == [OutageRun(start: Int64(8 * Self.day) * Self.width, buckets: 144)])
    }

    @Test func resumesMidRiseExactly() throws {
        let buckets = SpikeDetectorTests.buckets(Self.slowRise)
        let config = Self.withSlowScale()
        let uninterrupted = SpikeDetector.detect(kind: .volume, config: config, buckets: buckets)
        let stop = 8 * Self.day + 10
        var first = SpikeDetector(kind: .volume, config: config)
        var alerts = buckets[..<stop].compactMap { first.observe($0) }
        #expect(first.state.slowScale.count == 1)
        let stored = try #require(first.state.slowScale.first).recent.count
        #expect((8 * Self.day - 1..<9 * Self.day - 1).contains(stored), "a week of days and the current day, and less than a day more: \(stored)")
        let saved = try JSONEncoder().encode(first.state)
        #expect(saved.count < 120_000, "\(saved.count) bytes")
        var resumed = SpikeDetector(kind: .volume, config: config, state: try JSONDecoder().decode(SpikeDetectorState.self, from: saved))
        alerts += buckets[stop...].compactMap { resumed.observe($0) }
        #expect(!uninterrupted.isEmpty)
        #expect(alerts == uninterrupted)
        // A state saved before the slow scale existed resumes with a fresh slow scale.
        let old = try JSONDecoder().decode(SpikeDetectorState.self, from: Data(#"{"recent":[],"cooldownRemaining":0}"#.utf8))
        #expect(old.slowScale.isEmpty)
    }

    @Test func sharesHaveNoSlowScale() {
        var detector = SpikeDetector(kind: .negativeSentiment, config: Self.withSlowScale())
        for bucket in SpikeDetectorTests.buckets(Array(repeating: 50, count: 600), negatives: Array(repeating: 5, count: 600)) {
            _ = detector.judge(bucket)
        }
        #expect(detector.state.slowScale.isEmpty)
    }

    @Test func settingsByNameAndRanges() throws {
        let config = try SpikeDetectorConfig.default.applying(settings: "slow-block-buckets=288,slow-baseline-blocks=14,slow-z-threshold=4")
        #expect(config.slowBlockBuckets == 288)
        #expect(config.slowBaselineBlocks == 14)
        #expect(config.slowZThreshold == 4)
        try config.validate()
        var tooLong = config
        tooLong.slowBlockBuckets = 289
        #expect(throws: InsightsConfigError.outOfRange(field: "slowBlockBuckets", value: 289, allowed: "0.0...288.0")) {
            try tooLong.validate()
        }
        var tooWide = config
        tooWide.slowBaselineBlocks = 100
        #expect(throws: (any Error).self) { try tooWide.validate() }
    }
}
