import Testing
@testable import Insights

/// The acceptance test of the spike detector on simulated weeks with known spikes.
@Suite struct SpikeDetectorStreamTests {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]

    @Test(arguments: seeds)
    func findsVolumeSpikesInASimulatedWeek(seed: UInt64) {
        let stream = SyntheticStream(seed: seed)
        let score = stream.score(SpikeDetector.detect(kind: .volume, buckets: stream.buckets))
        print("volume seed \(seed): \(score.detected)/\(score.injected) spikes, \(score.falseAlerts) false alerts over \(score.days) days")
        #expect(score.injected >= 14)
        #expect(score.recall >= 0.95)
        #expect(score.falseAlertsPerDay <= 1)
    }

    @Test(arguments: seeds)
    func findsNegativeSentimentSpikesInASimulatedWeek(seed: UInt64) {
        var parameters = SyntheticStream.Parameters()
        parameters.kind = .negativeSentiment
        let stream = SyntheticStream(seed: seed, parameters: parameters)
        let score = stream.score(SpikeDetector.detect(kind: .negativeSentiment, buckets: stream.buckets))
        print("sentiment seed \(seed): \(score.detected)/\(score.injected) spikes, \(score.falseAlerts) false alerts over \(score.days) days")
        #expect(score.injected >= 14)
        #expect(score.recall >= 0.95)
        #expect(score.falseAlertsPerDay <= 1)
    }

    @Test func findsVolumeSpikesAtMinuteBuckets() {
        var parameters = SyntheticStream.Parameters()
        parameters.bucketMinutes = 1
        parameters.meanRate = 12
        parameters.spikeSpacingBuckets = 120
        var config = SpikeDetectorConfig.default
        config.baselineBuckets = 30
        config.minimumBaselineBuckets = 15
        config.cooldownBuckets = 15
        let stream = SyntheticStream(seed: 42, parameters: parameters)
        let score = stream.score(SpikeDetector.detect(kind: .volume, config: config, buckets: stream.buckets))
        print("volume minute buckets: \(score.detected)/\(score.injected) spikes, \(score.falseAlerts) false alerts over \(score.days) days")
        #expect(score.recall >= 0.95)
        #expect(score.falseAlertsPerDay <= 1)
    }
}
