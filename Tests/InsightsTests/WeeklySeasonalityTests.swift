import Foundation
import Testing
@testable import Insights

@Suite struct WeeklySeasonalityTests {
    static let width: Int64 = 300_000
    static let bucketsPerDay = 288

    /// Five weeks of 5-minute buckets from the epoch (a Thursday): Poisson volume around 40 a
    /// bucket, and every Monday (days 4, 11, 18, 25, 32) from 08:00 to 11:00 around 160.
    /// `spike` adds an hour of `spike.posts` a bucket more from bucket `spike.start` on.
    static func weeks(seed: UInt64 = 3, spike: (start: Int, posts: Int)? = nil) -> [BucketCounts] {
        var random = SplitMix64(seed: seed)
        return (0..<(35 * bucketsPerDay)).map { index in
            let day = index / bucketsPerDay, hour = index % bucketsPerDay / 12
            let monday = day % 7 == 4 && (8..<11).contains(hour)
            var total = random.poisson(monday ? 160 : 40)
            if let spike, (spike.start..<(spike.start + 12)).contains(index) { total += spike.posts }
            return BucketCounts(bucketStart: Int64(index) * width, total: total)
        }
    }

    /// Alerts on the Monday mornings (07:00–12:00) of `days`.
    static func mondayAlerts(_ alerts: [SpikeAlert], days: [Int]) -> [SpikeAlert] {
        alerts.filter { alert in
            let index = Int(alert.bucketStart / width)
            return days.contains(index / bucketsPerDay) && (7..<12).contains(index % bucketsPerDay / 12)
        }
    }

    static func config(weekly: Bool) -> SpikeDetectorConfig {
        var config = SpikeDetectorConfig.hourlyOnly
        config.weeklySeasonality = weekly
        return config
    }

    @Test func theSlotIsTheHourOfTheWeek() {
        #expect(SpikeDetector.weekSlot(0) == (0, 0))
        #expect(SpikeDetector.weekSlot(3_600_000 * 169 + 5) == (1, 1))
        #expect(SpikeDetector.weekSlot(-1) == (167, -1))
    }

    @Test func mondayMorningsPageWithoutTheProfileAndNotWithIt() {
        let buckets = Self.weeks()
        let without = SpikeDetector.detect(kind: .volume, config: Self.config(weekly: false), buckets: buckets)
        let with = SpikeDetector.detect(kind: .volume, config: Self.config(weekly: true), buckets: buckets)
        // Days 18, 25 and 32: the third to fifth Mondays, with the two weeks before them learned.
        #expect(Self.mondayAlerts(without, days: [18, 25, 32]).count == 3, "every Monday morning pages without the profile")
        #expect(Self.mondayAlerts(with, days: [18, 25, 32]).isEmpty, "\(Self.mondayAlerts(with, days: [18, 25, 32]))")
        #expect(Self.mondayAlerts(with, days: [4, 11]).count == 2, "the first two Mondays page: nothing learned yet")
        #expect(with.count <= without.count)
    }

    @Test func aRealSpikeOnAMondayMorningStillPages() throws {
        // Day 25 (a Monday), 09:00–10:00: three times the usual Monday morning.
        let start = 25 * Self.bucketsPerDay + 9 * 12
        let alerts = SpikeDetector.detect(kind: .volume, config: Self.config(weekly: true), buckets: Self.weeks(spike: (start, 320)))
        let alert = try #require(Self.mondayAlerts(alerts, days: [25]).first)
        #expect((start..<(start + 12)).contains(Int(alert.bucketStart / Self.width)))
        #expect(alert.baselineMean > 1_000, "the forecast includes the usual Monday rise")
    }

    @Test func aOneOffSpikeTeachesTheProfileNothing() {
        // Spikes on the Wednesdays (14:00) of the first and third weeks only: the third week's
        // profile holds one spiked and one normal Wednesday, and takes the normal one.
        let first = 6 * Self.bucketsPerDay + 14 * 12
        var buckets = Self.weeks(spike: (first, 120))
        let third = first + 14 * Self.bucketsPerDay
        for index in third..<(third + 12) { buckets[index].total += 120 }
        let alerts = SpikeDetector.detect(kind: .volume, config: Self.config(weekly: true), buckets: buckets)
        let wednesdays = Set(alerts.map { Int($0.bucketStart / Self.width) / Self.bucketsPerDay }).intersection([6, 13, 20])
        #expect(wednesdays == [6, 20])
    }

    @Test func resumesWithTheProfileExactly() throws {
        let buckets = Self.weeks()
        let uninterrupted = SpikeDetector.detect(kind: .volume, config: Self.config(weekly: true), buckets: buckets)
        let half = 20 * Self.bucketsPerDay
        var first = SpikeDetector(kind: .volume, config: Self.config(weekly: true))
        var alerts = buckets[..<half].compactMap { first.observe($0) }
        let saved = try JSONEncoder().encode(first.state)
        var resumed = SpikeDetector(kind: .volume, config: Self.config(weekly: true), state: try JSONDecoder().decode(SpikeDetectorState.self, from: saved))
        alerts += buckets[half...].compactMap { resumed.observe($0) }
        #expect(alerts == uninterrupted)
        #expect(saved.count < 16_000, "\(saved.count) bytes")
    }
}

@Suite struct DetectorSettingTextTests {
    @Test func settingsByNameApplyInOrderAndBadOnesAreNamed() throws {
        let config = try SpikeDetectorConfig.default.applying(settings: "z-threshold=6, block-buckets=6,weekly-seasonality=1,z-threshold=5.5")
        #expect(config.zThreshold == 5.5)
        #expect(config.blockBuckets == 6)
        #expect(config.weeklySeasonality)
        #expect(try !config.applying(settings: "weekly-seasonality=0").weeklySeasonality)
        #expect(try SpikeDetectorConfig.default.applying(settings: "") == .default)
        #expect(throws: BacktestError.self) { try SpikeDetectorConfig.default.applying(settings: "z=4") }
        let error = #expect(throws: BacktestError.self) { try SpikeDetectorConfig.default.applying(settings: "cooldown-buckets=soon") }
        #expect(error?.description == "setting \"cooldown-buckets=soon\": \"soon\" is not a number")
    }
}
