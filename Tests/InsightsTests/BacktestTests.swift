import Foundation
import Testing
@testable import Insights

@Suite struct BacktestTests {
    static let width: Int64 = 300_000

    @Test func bucketsSumPointsAndFillGapsWithEmptyBuckets() throws {
        let points = [BucketCounts(bucketStart: 60_000, total: 2, negative: 1), BucketCounts(bucketStart: 120_000, total: 3),
                      BucketCounts(bucketStart: 960_000, total: 5)]
        let buckets = try Backtest.buckets(points, widthMs: Self.width)
        #expect(buckets.map(\.bucketStart) == [0, 300_000, 600_000, 900_000])
        #expect(buckets.map(\.total) == [5, 0, 0, 5])
        #expect(buckets.map(\.negative) == [1, 0, 0, 0])
        #expect(try Backtest.buckets([], widthMs: Self.width).isEmpty)
        #expect(throws: BacktestError.unsorted(index: 1)) {
            try Backtest.buckets([BucketCounts(bucketStart: 600_000, total: 1), BucketCounts(bucketStart: 0, total: 1)], widthMs: Self.width)
        }
        #expect(throws: BacktestError.tooManyBuckets(needed: 20_000_001, allowed: Backtest.maximumBuckets)) {
            try Backtest.buckets([BucketCounts(bucketStart: 0, total: 1), BucketCounts(bucketStart: 20_000_000 * 300_000, total: 1)], widthMs: Self.width)
        }
    }

    @Test func emptyHistoryHasNoAlertsAndNoRate() {
        let report = Backtest.run([], config: .default, widthMs: Self.width)
        #expect(report.alerts.isEmpty)
        #expect(report.alertsPerDay == 0)
        #expect(report.buckets == 0)
    }

    @Test func collectionOutageIsFlaggedNotAlertedNorLearned() {
        // Steady volume, two hours of nothing, then the same volume again.
        let steady = (0..<48).map { 45 + $0 % 7 }
        let series = steady + [Int](repeating: 0, count: 24) + steady
        let buckets = SpikeDetectorTests.buckets(series)
        let report = Backtest.run(buckets, config: .singleBucket, widthMs: Self.width)
        #expect(report.alerts.isEmpty, "the return of normal volume after an outage is not a spike")
        #expect(report.outages == [OutageRun(start: 48 * Self.width, buckets: 24)])
        var detector = SpikeDetector(kind: .volume, config: .singleBucket)
        let verdicts = buckets.map { detector.judge($0) }
        #expect(verdicts[50] == .outage)
        #expect(detector.state.recent.allSatisfy { $0.total > 0 }, "outage buckets stay out of the baseline")
    }

    @Test func aShortSilenceOnAQuietSeriesIsNoOutageAndEntersTheBaseline() {
        // At about 5 posts a bucket, three empty buckets miss 15 expected posts: no outage (50).
        let steady = (0..<48).map { 4 + $0 % 3 }
        var detector = SpikeDetector(kind: .volume, config: .singleBucket)
        let verdicts = SpikeDetectorTests.buckets(steady + [0, 0, 0, 5]).map { detector.judge($0) }
        #expect(!verdicts.contains(.outage))
        #expect(Array(detector.state.recent.suffix(4).map(\.total)) == [0, 0, 0, 5])
        #expect(detector.state.emptyRun == 0)
    }

    @Test func quietSeriesZerosAreNotOutages() {
        // Expecting about one post a bucket, an empty bucket is normal.
        let series = (0..<100).map { $0 % 3 == 0 ? 0 : 1 }
        #expect(Backtest.run(SpikeDetectorTests.buckets(series), config: .singleBucket, widthMs: Self.width).outages.isEmpty)
    }

    @Test func levelShiftAlertsOnceThenBecomesTheBaseline() {
        let calm = (0..<48).map { 48 + $0 % 5 }
        let shifted = (0..<200).map { 198 + $0 % 5 }
        var config = SpikeDetectorConfig.singleBucket
        config.cooldownBuckets = 2
        let alerts = SpikeDetector.detect(kind: .volume, config: config, buckets: SpikeDetectorTests.buckets(calm + shifted))
        #expect(alerts.map { $0.bucketStart / Self.width } == [48])
        var detector = SpikeDetector(kind: .volume, config: config)
        for bucket in SpikeDetectorTests.buckets(calm + shifted) { _ = detector.judge(bucket) }
        #expect(detector.state.recent.allSatisfy { $0.total >= 198 }, "the new level is the baseline")
    }

    @Test func blocksFindASustainedRiseNoSingleBucketShows() {
        // About 5 posts a bucket for a day, then an hour at 12 a bucket: each bucket is within
        // noise of the one before, the hour is not.
        var random = SplitMix64(seed: 11)
        let series = (0..<288).map { _ in random.poisson(5) } + (0..<12).map { _ in random.poisson(12) }
        let buckets = SpikeDetectorTests.buckets(series)
        let alerts = SpikeDetector.detect(kind: .volume, config: .hourlyOnly, buckets: buckets)
        #expect(alerts.count == 1)
        #expect((alerts.first?.bucketStart ?? 0) / Self.width >= 288)
        #expect((alerts.first?.observed ?? 0) > 60, "the block's posts: the hour")
        var single = SpikeDetectorConfig.singleBucket
        single.zThreshold = SpikeDetectorConfig.hourlyOnly.zThreshold
        #expect(SpikeDetector.detect(kind: .volume, config: single, buckets: buckets).isEmpty)
    }

    @Test func burstinessLowersZOnBurstySourcesOnly() {
        var random = SplitMix64(seed: 7)
        let calm = (0..<2_000).map { _ in random.poisson(40) }
        let bursty = (0..<2_000).map { _ in random.poisson(random.next() % 4 == 0 ? 90 : 30) }
        func finalBurstiness(_ series: [Int]) -> Double {
            var detector = SpikeDetector(kind: .volume, config: .hourlyOnly)
            for bucket in SpikeDetectorTests.buckets(series) { _ = detector.judge(bucket) }
            return detector.state.burstiness
        }
        #expect(finalBurstiness(calm) < 1.6)
        #expect(finalBurstiness(bursty) > 3)
    }

    @Test func scoreMergesConsecutiveAlertsAndSkipsTheWarmUp() {
        let windows = [IncidentWindow(start: 1_000 * Self.width + 53_000, end: 1_010 * Self.width)]
        // 999–1001: one page, inside (1000 overlaps the window); 1200: outside; 100: in the
        // warm-up, not scored.
        let starts = [100, 999, 1_000, 1_001, 1_200].map { Int64($0) * Self.width }
        let score = IncidentScore(alertStarts: starts, windows: windows, firstBucket: 0, buckets: 1_038, widthMs: Self.width, warmUpBuckets: 750)
        #expect(score.windowsFound == 1)
        #expect(score.pagesInside == 1)
        #expect(score.pagesOutside == 1)
        #expect(abs(score.scoredDays - 1) < 1e-9)
        #expect(score.falseAlertsPerDay == 1)
        #expect(score.precision == 0.5)
        let missed = IncidentScore(alertStarts: [Int64(1_200) * Self.width], windows: windows, firstBucket: 0, buckets: 1_038, widthMs: Self.width)
        #expect(missed.windowsFound == 0)
        #expect((score + missed).windows == 2)
    }

    @Test func sweepParsing() throws {
        let range = try SpikeDetectorSweep(parsing: "z-threshold=3:6:0.5")
        #expect(range.setting == .zThreshold)
        #expect(range.values == [3, 3.5, 4, 4.5, 5, 5.5, 6])
        #expect(try SpikeDetectorSweep(parsing: "cooldown-buckets=6,12,24").values == [6, 12, 24])
        #expect(throws: BacktestError.self) { try SpikeDetectorSweep(parsing: "z=3:6:0.5") }
        #expect(throws: BacktestError.self) { try SpikeDetectorSweep(parsing: "z-threshold=6:3:0.5") }
        #expect(throws: BacktestError.self) { try SpikeDetectorSweep(parsing: "z-threshold=3:6:0") }
        #expect(throws: BacktestError.self) { try SpikeDetectorSweep(parsing: "z-threshold=a,b") }
        // A swept threshold above the severity bands moves them up, so the setting validates.
        let high = SpikeDetectorSetting.zThreshold.applied(20, to: .default)
        #expect(throws: Never.self) { try high.validate() }
        #expect(SpikeDetectorSetting.baselineBuckets.applied(4, to: .default).minimumBaselineBuckets == 4)
        for setting in SpikeDetectorSetting.allCases {
            let value = setting.value(in: .default)
            #expect(setting.applied(value, to: .default) == .default, "\(setting)")
        }
    }

    @Test func stateSavedBeforeTheNewFieldsStillLoads() throws {
        let saved = Data(#"{"recent":[{"total":5,"negative":1}],"cooldownRemaining":2}"#.utf8)
        let state = try JSONDecoder().decode(SpikeDetectorState.self, from: saved)
        #expect(state.recent.count == 1)
        #expect(state.cooldownRemaining == 2)
        #expect(state.burstiness == 1)
        #expect(state.runAboveThreshold == 0)
    }

    @Test func runEachGivesEachSettingItsOwnRunInOrder() {
        var random = SplitMix64(seed: 13)
        let buckets = (0..<864).map { index in
            BucketCounts(bucketStart: Int64(index) * Self.width, total: random.poisson((600..<624).contains(index) ? 60 : 20))
        }
        let configs = [3.0, 4.5, 8, 20].map { SpikeDetectorSetting.zThreshold.applied($0, to: .default) }
        let each = Backtest.runEach(buckets, configs: configs, widthMs: Self.width)
        #expect(each == configs.map { Backtest.run(buckets, config: $0, widthMs: Self.width) })
        #expect(each[1].alerts.contains { (600..<624).contains(Int($0.bucketStart / Self.width)) }, "\(each[1].alerts)")
        #expect(each[0].alerts.count >= each[3].alerts.count)
        #expect(Backtest.runEach(buckets, configs: [], widthMs: Self.width).isEmpty)
    }
}
