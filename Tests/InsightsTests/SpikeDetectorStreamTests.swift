import Foundation
import Testing
@testable import Insights

/// The acceptance tests of the spike detector on simulated weeks with known spikes of one to
/// four buckets, judged bucket by bucket (`singleBucket`; the defaults judge hourly blocks and are
/// measured on real series in `RealVolumeTests`).
@Suite struct SpikeDetectorStreamTests {
    static let seeds: [UInt64] = Array(1...8)

    /// Runs the default detector of `kind` over one simulated week and scores it.
    static func evaluate(kind: SpikeKind, seed: UInt64, config: SpikeDetectorConfig = .singleBucket) -> SyntheticStream.Score {
        var parameters = SyntheticStream.Parameters()
        parameters.kind = kind
        let stream = SyntheticStream(seed: seed, parameters: parameters)
        return stream.score(SpikeDetector.detect(kind: kind, config: config, buckets: stream.buckets))
    }

    @Test(arguments: SpikeKind.allCases, seeds)
    func findsSpikesInASimulatedWeek(kind: SpikeKind, seed: UInt64) {
        let score = Self.evaluate(kind: kind, seed: seed)
        #expect(score.injected >= 14)
        #expect(score.recall >= 0.95, "\(kind) seed \(seed): \(score.detected)/\(score.injected)")
        #expect(score.falseAlertsPerDay <= 1, "\(kind) seed \(seed): \(score.falseAlerts) false alerts")
    }

    @Test func findsVolumeSpikesAtMinuteBuckets() {
        var parameters = SyntheticStream.Parameters()
        parameters.bucketMinutes = 1
        parameters.meanRate = 12
        parameters.spikeSpacingBuckets = 120
        var config = SpikeDetectorConfig.singleBucket
        config.baselineBuckets = 30
        config.minimumBaselineBuckets = 15
        config.cooldownBuckets = 15
        let stream = SyntheticStream(seed: 42, parameters: parameters)
        let score = stream.score(SpikeDetector.detect(kind: .volume, config: config, buckets: stream.buckets))
        #expect(score.injected >= 14)
        #expect(score.recall >= 0.95, "\(score.detected)/\(score.injected)")
        #expect(score.falseAlertsPerDay <= 1, "\(score.falseAlerts) false alerts")
    }

    /// The measurement behind docs/INSIGHTS.md: 50 simulated weeks per kind, printed.
    /// Run with `EARSHOT_BENCH=1 swift test --filter measuresFiftyWeeks`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EARSHOT_BENCH"] == "1"), arguments: SpikeKind.allCases)
    func measuresFiftyWeeks(kind: SpikeKind) {
        let scores = (UInt64(1)...50).map { Self.evaluate(kind: kind, seed: $0) }
        let detected = scores.reduce(0) { $0 + $1.detected }
        let injected = scores.reduce(0) { $0 + $1.injected }
        let falseAlerts = scores.reduce(0) { $0 + $1.falseAlerts }
        let days = scores.reduce(0) { $0 + $1.days }
        let worstRecall = scores.map(\.recall).min() ?? 0
        let worstWeek = scores.map(\.falseAlerts).max() ?? 0
        print("\(kind): recall \(detected)/\(injected) = \(Double(detected) / Double(injected)), worst week \(worstRecall); false alerts \(falseAlerts) in \(days) days = \(Double(falseAlerts) / days)/day, worst week \(worstWeek)")
        #expect(Double(detected) / Double(injected) >= 0.95)
        #expect(Double(falseAlerts) / days <= 1)
    }
}
