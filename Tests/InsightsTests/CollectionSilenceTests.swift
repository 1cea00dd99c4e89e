import Testing
@testable import Insights

@Suite struct CollectionSilenceTests {
    @Test func spansStartAtTheNewestPostAndEndAtTheLimit() {
        let silence = CollectionSilence(newestPostOfSilentSources: [1_000_000, 5_000_000], limitMs: 600_000)
        #expect(!silence.covers(bucketStart: 0, widthMs: 300_000))
        #expect(silence.covers(bucketStart: 900_000, widthMs: 300_000), "the bucket holding the newest post")
        #expect(silence.covers(bucketStart: 1_500_000, widthMs: 300_000))
        #expect(!silence.covers(bucketStart: 1_600_000, widthMs: 300_000), "silent longer than the limit: the new normal")
        #expect(silence.covers(bucketStart: 5_100_000, widthMs: 300_000))
        #expect(!CollectionSilence(newestPostOfSilentSources: [], limitMs: 600_000).covers(bucketStart: 0, widthMs: 300_000))
    }

    @Test func aSilentSourcesShortfallIsAnOutageAndStaysOutOfTheWindow() {
        // One of two sources stops: volume halves, far from the 50 posts an empty run must miss.
        var detector = SpikeDetector(kind: .volume, config: .singleBucket)
        for bucket in SpikeDetectorTests.buckets((0..<48).map { 40 + $0 % 5 }) { _ = detector.judge(bucket) }
        let before = detector.state.recent
        let halved = BucketCounts(bucketStart: 48 * 300_000, total: 21)
        var unaware = detector
        #expect(detector.judge(halved, collectionSilent: true) == .outage)
        #expect(detector.state.recent == before, "the short bucket is not learned")
        #expect(unaware.judge(halved) == .normal, "without source health a half-full bucket is just quiet")
        #expect(unaware.state.recent.last?.total == 21)
        // A spike while a source is silent still pages.
        guard case .alert = detector.judge(BucketCounts(bucketStart: 49 * 300_000, total: 200), collectionSilent: true) else {
            Issue.record("a spike during a silence must alert")
            return
        }
    }

    @Test func anEmptyBucketDuringASilenceIsAnOutageAtOnce() {
        // An empty bucket at 40 posts a bucket misses fewer than the 50 of an empty-run outage.
        var detector = SpikeDetector(kind: .volume, config: .singleBucket)
        let verdicts = SpikeDetectorTests.buckets((0..<48).map { 40 + $0 % 5 } + [0]).enumerated().map { index, bucket in
            detector.judge(bucket, collectionSilent: index == 48)
        }
        #expect(verdicts.last == .outage)
        var unaware = SpikeDetector(kind: .volume, config: .singleBucket)
        #expect(SpikeDetectorTests.buckets((0..<48).map { 40 + $0 % 5 } + [0]).map { unaware.judge($0) }.last == .normal)
    }
}
