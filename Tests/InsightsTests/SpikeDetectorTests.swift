import Foundation
import Testing
@testable import Insights

@Suite struct SpikeDetectorTests {
    /// Buckets 5 minutes apart with the given totals (and negatives).
    static func buckets(_ totals: [Int], negatives: [Int]? = nil) -> [BucketCounts] {
        totals.enumerated().map { index, total in
            BucketCounts(bucketStart: Int64(index) * 300_000, total: total, negative: negatives?[index] ?? 0)
        }
    }

    /// A flat-ish series alternating around 50.
    static let calm = (0..<24).map { 48 + ($0 % 5) }

    @Test func alertsOnAClearVolumeSpike() throws {
        let alerts = SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets(Self.calm + [150]))
        let alert = try #require(alerts.first)
        #expect(alerts.count == 1)
        #expect(alert.bucketStart == 24 * 300_000)
        #expect(alert.kind == .volume)
        #expect(alert.observed == 150)
        #expect(abs(alert.baselineMean - 50) < 3)
        #expect(alert.zScore > 8)
        #expect(alert.severity >= .high)
    }

    @Test func staysQuietOnACalmOrEmptySeries() {
        #expect(SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets(Self.calm + Self.calm)).isEmpty)
        #expect(SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets([Int](repeating: 0, count: 50))).isEmpty)
        #expect(SpikeDetector.detect(kind: .negativeSentiment, config: .singleBucket, buckets: Self.buckets([Int](repeating: 0, count: 50))).isEmpty)
    }

    @Test func needsAWarmBaseline() {
        // Only five buckets of history before the jump: fewer than minimumBaselineBuckets (6).
        #expect(SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets([50, 50, 50, 50, 50, 500])).isEmpty)
        #expect(SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets([50, 50, 50, 50, 50, 50, 500])).count == 1)
    }

    @Test func respectsMinimumVolume() {
        // 0 → 8 posts is a huge z but below the minimum volume of 10.
        let quiet = [Int](repeating: 0, count: 12)
        #expect(SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets(quiet + [8])).isEmpty)
        #expect(SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets(quiet + [12])).count == 1)
    }

    @Test func cooldownSuppressesRepeatsThenReleases() {
        var config = SpikeDetectorConfig.singleBucket
        config.cooldownBuckets = 8
        // One run above the threshold pages once, however long; the cooldown then holds back a
        // second spike right after the run and releases later ones.
        let series = Self.calm + [300, 300, 300, 300, 300, 50, 400, 50, 50, 50, 50, 50, 50, 50, 50, 50, 400]
        let alerts = SpikeDetector.detect(kind: .volume, config: config, buckets: Self.buckets(series))
        #expect(alerts.map { $0.bucketStart / 300_000 } == [24, 40])
    }

    @Test func severityBands() {
        let config = SpikeDetectorConfig.default
        #expect(config.severity(zScore: 3.5) == .low)
        #expect(config.severity(zScore: 5) == .medium)
        #expect(config.severity(zScore: 8) == .high)
        #expect(config.severity(zScore: 12) == .critical)
        #expect(SpikeSeverity.low < .critical)
    }

    @Test func detectsANegativeShareSpikeWithoutVolumeChange() throws {
        let totals = [Int](repeating: 60, count: 25)
        let negatives = [Int](repeating: 6, count: 24) + [30]
        let alerts = SpikeDetector.detect(kind: .negativeSentiment, config: .singleBucket, buckets: Self.buckets(totals, negatives: negatives))
        let alert = try #require(alerts.first)
        #expect(alert.kind == .negativeSentiment)
        #expect(alert.observed == 0.5)
        #expect(abs(alert.baselineMean - 0.1) < 0.01)
        // The same buckets do not spike in volume.
        #expect(SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: Self.buckets(totals, negatives: negatives)).isEmpty)
    }

    @Test func detectsAnAngerShareSpikeAmongPostsWithEmotions() throws {
        // 100 posts a bucket, 50 with emotions (English), 5 of them angry; then 25 angry.
        let calm = (0..<24).map { BucketCounts(bucketStart: Int64($0) * 300_000, total: 100, negative: 10, withEmotions: 50, anger: 5) }
        let spike = BucketCounts(bucketStart: 24 * 300_000, total: 100, negative: 10, withEmotions: 50, anger: 25)
        let alert = try #require(SpikeDetector.detect(kind: .anger, config: .singleBucket, buckets: calm + [spike]).first)
        #expect(alert.kind == .anger)
        #expect(alert.observed == 0.5)
        #expect(abs(alert.baselineMean - 0.1) < 0.01)
        // Negative sentiment did not move, and no anger spike without emotions.
        #expect(SpikeDetector.detect(kind: .negativeSentiment, config: .singleBucket, buckets: calm + [spike]).isEmpty)
        let withoutEmotions = (calm + [spike]).map { BucketCounts(bucketStart: $0.bucketStart, total: $0.total, negative: $0.negative) }
        #expect(SpikeDetector.detect(kind: .anger, config: .singleBucket, buckets: withoutEmotions).isEmpty)
    }

    @Test func garbageCountsAreClamped() {
        let series = Self.buckets(Self.calm + [-40]) + [BucketCounts(bucketStart: 0, total: 10, negative: 99)]
        var config = SpikeDetectorConfig.singleBucket
        config.outageMinimumExpected = 1e9  // an empty bucket after steady volume would be an outage
        var detector = SpikeDetector(kind: .volume, config: config)
        for bucket in series { _ = detector.observe(bucket) }
        // The empty bucket was held (a possible outage) and entered when posts came back.
        #expect(Array(detector.state.recent.suffix(2)) == [BaselineSample(total: 0, negative: 0), BaselineSample(total: 10, negative: 10)])
    }

    @Test func spikesEnterTheBaselineWinsorized() {
        var detector = SpikeDetector(kind: .volume, config: .singleBucket)
        for bucket in Self.buckets(Self.calm + [10_000]) { _ = detector.observe(bucket) }
        let stored = detector.state.recent.last?.total ?? 0
        #expect(stored < 100)
        #expect(stored > 50)
        #expect(detector.state.recent.count == SpikeDetectorConfig.singleBucket.baselineBuckets)
    }

    @Test func resumesFromASavedStateExactly() throws {
        let stream = SyntheticStream(seed: 9)
        let uninterrupted = SpikeDetector.detect(kind: .volume, config: .singleBucket, buckets: stream.buckets)
        let half = stream.buckets.count / 2
        var first = SpikeDetector(kind: .volume, config: .singleBucket)
        var alerts = stream.buckets[..<half].compactMap { first.observe($0) }
        let saved = try JSONEncoder().encode(first.state)
        var resumed = SpikeDetector(kind: .volume, config: .singleBucket, state: try JSONDecoder().decode(SpikeDetectorState.self, from: saved))
        alerts += stream.buckets[half...].compactMap { resumed.observe($0) }
        #expect(!uninterrupted.isEmpty)
        #expect(alerts == uninterrupted)
        #expect(saved.count < 2_000)
    }

    @Test func defaultStateStaysSmall() throws {
        // The default window spans 24 blocks of 12 buckets plus the current block: 299 buckets; the
        // slow scale's, 7 days of 288 buckets plus the current day: 2,303. Each keeps less than a
        // block more, trimmed a block at a time.
        var detector = SpikeDetector(kind: .volume)
        for bucket in Self.buckets((0..<2_600).map { 40 + $0 % 9 }) { _ = detector.judge(bucket) }
        #expect((299..<311).contains(detector.state.recent.count), "\(detector.state.recent.count)")
        #expect(detector.state.slowScale.count == 1)
        #expect(detector.state.slowScale.allSatisfy { (2_303..<2_591).contains($0.recent.count) })
        // The weekly profile, when on, adds three weeks of 168 hours (learned from the first judged bucket).
        let size = try JSONEncoder().encode(detector.state).count
        #expect(size < (SpikeDetectorConfig.default.weeklySeasonality ? 98_000 : 90_000), "\(size) bytes")
        var hourly = SpikeDetector(kind: .volume, config: .hourlyOnly)
        for bucket in Self.buckets((0..<400).map { 40 + $0 % 9 }) { _ = hourly.judge(bucket) }
        #expect(try JSONEncoder().encode(hourly.state).count < 8_000, "without the slow scale")
    }

    @Test func defaultConfigIsValidAndBadOnesNameTheField() throws {
        try SpikeDetectorConfig.default.validate()
        var config = SpikeDetectorConfig.default
        config.mediumZ = 2
        #expect(throws: InsightsConfigError.outOfRange(field: "mediumZ", value: 2, allowed: "3.5...1000.0")) {
            try config.validate()
        }
        config = .default
        config.minimumBaselineBuckets = 40
        #expect(throws: InsightsConfigError.outOfRange(field: "minimumBaselineBuckets", value: 40, allowed: "2.0...24.0")) {
            try config.validate()
        }
        config = .default
        config.zThreshold = .nan
        #expect(throws: InsightsConfigError.self) { try config.validate() }
    }

    @Test func baselineWindowIsCappedBecauseTheTrendIsQuadraticInIt() throws {
        var config = SpikeDetectorConfig.default
        config.baselineBuckets = SpikeDetectorConfig.maximumBaselineBuckets
        try config.validate()
        config.baselineBuckets = 100_000
        let error = #expect(throws: InsightsConfigError.outOfRange(field: "baselineBuckets", value: 100_000, allowed: "2.0...1000.0")) {
            try config.validate()
        }
        #expect(error?.description == "insights parameter baselineBuckets = 100000.0 is outside 2.0...1000.0")
    }
}

@Suite struct ForecastTests {
    @Test func followsALinearTrendExactly() {
        let forecast = Forecast([10, 12, 14, 16, 18, 20], linearTrend: true)
        #expect(abs(forecast.value - 22) < 1e-9)
        #expect(forecast.residualStdDev == 0)
        #expect(forecast.uncertainty > 1)
    }

    @Test func medianLevelWithoutTrend() {
        let forecast = Forecast([10, 12, 14, 16, 18, 20], linearTrend: false)
        #expect(forecast.value == 15)
        #expect(abs(forecast.uncertainty - (1 + Double.pi / 12)) < 1e-12)
    }

    @Test func oneOutlierAtTheEndBarelyMovesTheForecast() {
        let clean = Forecast([20, 21, 19, 20, 22, 20, 21, 19, 20, 21, 20, 20], linearTrend: true)
        let spiked = Forecast([20, 21, 19, 20, 22, 20, 21, 19, 20, 21, 20, 60], linearTrend: true)
        #expect(abs(spiked.value - clean.value) < 2)
        #expect(spiked.residualStdDev < 2.5)
    }

    @Test func neverForecastsBelowZero() {
        #expect(Forecast([50, 40, 30, 20, 10, 0], linearTrend: true).value == 0)
    }
}
