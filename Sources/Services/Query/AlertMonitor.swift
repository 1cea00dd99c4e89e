import EarshotRPC
import EarshotStore
import EarshotWire
import Foundation
import Insights
import EarshotSecurity
import ServiceRuntime
import ZeroMQ

/// Settings of the spike alert monitor in the query process.
public struct AlertMonitorConfiguration: Sendable {
    /// The counter (Stats, `/metrics`) of the monitor's completed alert checks: at 1, it has judged
    /// every minute stored when it started, the one-off catch-up of a service's start.
    public static let checksMetric = "earshot_query_alert_checks_total"

    /// PUB socket (bound) on which alerts are published; "" = do not publish.
    public var publishEndpoint = "tcp://127.0.0.1:5562"
    /// Width of the detection buckets in minutes (1…60).
    public var bucketMinutes = 5
    /// How often the monitor looks for completed buckets, in milliseconds.
    public var intervalMilliseconds = 1_000
    /// A bucket is judged once the newest stored post is this many minutes past its end,
    /// so posts still on their way through the pipeline are counted.
    public var graceMinutes = 1
    /// k (`zThreshold`), window (`baselineBuckets`), `minimumVolume`, `cooldownBuckets`…
    public var detector = SpikeDetectorConfig.default
    /// Terms and authors named in an alert's explanation.
    public var explanationLimit = 5
    /// The ingest service's RPC endpoint, asked for source health (`Sources/List`) at every check:
    /// while a source is silent, buckets after its newest post that fall short of the forecast are
    /// outages, not learned. "" = do not ask (only empty runs are outages then).
    public var sourcesEndpoint = "tcp://127.0.0.1:5550"
    /// A source silent for longer than this many minutes stops counting (`CollectionSilence`).
    public var sourceSilenceLimitMinutes = 1_440

    public init() {}

    /// Checks the ranges; the message names the bad setting.
    public func validate() throws(InsightsConfigError) {
        try detector.validate()
        for (field, value, range) in [("bucketMinutes", bucketMinutes, 1...60), ("intervalMilliseconds", intervalMilliseconds, 10...3_600_000),
                                      ("graceMinutes", graceMinutes, 0...1_440), ("explanationLimit", explanationLimit, 0...100),
                                      ("sourceSilenceLimitMinutes", sourceSilenceLimitMinutes, 1...100_000)]
        where !range.contains(value) {
            throw .outOfRange(field: field, value: Double(value), allowed: "\(range)")
        }
    }
}

/// Watches every scope (all posts and each listening query) for volume and negative-sentiment
/// spikes, bucket by bucket in data time, and stores and publishes what it finds. Empty buckets
/// where the baseline expected many posts are collection outages: counted in a metric, never
/// alerted on, kept out of the baseline (see `BucketVerdict.outage`).
///
/// Data time: a bucket is complete when the newest stored post is `graceMinutes` past its end,
/// so a replayed history is judged like a live stream. Alerts are stored with a unique id per
/// scope, kind and bucket; only newly stored alerts are published, so a restarted monitor, which
/// re-reads each scope from its first bucket, repeats nothing.
///
/// PUB messages have two frames: the topic `alert.<query_id or *>.<volume|negative>` and an
/// encoded `earshot.v1.Alert`.
final class AlertMonitor {
    private struct Track {
        var nextBucket: Int64
        var volume: SpikeDetector
        var negative: SpikeDetector
        var anger: SpikeDetector
    }

    /// Post counts of one detection bucket.
    private struct BucketTally {
        var posts = 0
        var positive = 0
        var neutral = 0
        var negative = 0
        var angry = 0
    }

    private let configuration: AlertMonitorConfiguration
    private let store: any AlertStore
    /// Advanced for every alert stored.
    private let generation: StoreGeneration
    private let service: ServiceContext
    private let publisher: Socket?
    private var tracks: [String: Track] = [:]
    private var sources: RPCClient?
    private var sourceHealthFailed = false
    private var width: Int64 { Int64(configuration.bucketMinutes) * 60_000 }

    init(configuration: AlertMonitorConfiguration, store: any AlertStore, generation: StoreGeneration, service: ServiceContext) throws {
        self.configuration = configuration
        self.store = store
        self.generation = generation
        self.service = service
        if configuration.publishEndpoint.isEmpty {
            publisher = nil
        } else {
            let socket = try Socket(.pub, context: service.zmq)
            try socket.set([.linger(1_000), .sendHighWaterMark(10_000)])
            try service.bind(socket, configuration.publishEndpoint, as: .alerts)
            publisher = socket
        }
        if !configuration.sourcesEndpoint.isEmpty {
            sources = try RPCClient(endpoint: configuration.sourcesEndpoint, context: service.zmq, clientName: "query-alerts",
                                    socketOptions: service.clientOptions(server: KeyDirectory.ingestKey, endpoint: configuration.sourcesEndpoint))
        }
    }

    /// Starts the monitor on its own thread; it stops with the service's shutdown signal.
    static func start(configuration: AlertMonitorConfiguration, store: any AlertStore, generation: StoreGeneration,
                      service: ServiceContext) -> ServiceThread {
        ServiceThread(name: "alerts") {
            do {
                let monitor = try AlertMonitor(configuration: configuration, store: store, generation: generation, service: service)
                defer { monitor.publisher?.close() }
                var failureLog = RefusalLog()
                while !service.shutdown.isRequested {
                    // A failed check (a full disk when recording an alert, say) is tried
                    // again next interval from the same bucket: the service stays up.
                    do {
                        try monitor.checkOnce()
                        service.metrics.increment(AlertMonitorConfiguration.checksMetric, help: "Alert checks completed (the first catches up with every stored minute)")
                    } catch {
                        service.metrics.increment("earshot_query_alert_check_failures_total", help: "Alert checks that failed and were tried again")
                        if let suppressed = failureLog.shouldLog(fingerprint: "check", nowMs: wallClockMilliseconds()) {
                            service.logger.error("alert check failed; trying again", metadata: ["error": "\(error)", "failures_since_last": "\(suppressed)"])
                        }
                    }
                    monitor.sleep()
                }
            } catch {
                service.logger.critical("alert monitor stopped", metadata: ["error": "\(error)"])
                service.shutdown.requestAfterFailure()
            }
        }
    }

    private func sleep() {
        let until = monotonicMilliseconds() + Int64(configuration.intervalMilliseconds)
        while !service.shutdown.isRequested && monotonicMilliseconds() < until {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Judges every bucket completed since the last call, in every scope.
    func checkOnce() throws {
        guard let newest = try store.newestMinute() else { return }
        let watermark = newest + 60_000 - Int64(configuration.graceMinutes) * 60_000
        let completeEnd = floor(watermark)
        let silence = collectionSilence()
        for scope in try store.alertScopes() {
            if tracks[scope] == nil {
                guard let oldest = try store.oldestMinute(scope: scope) else { continue }
                tracks[scope] = Track(nextBucket: floor(oldest),
                                      volume: SpikeDetector(kind: .volume, config: configuration.detector),
                                      negative: SpikeDetector(kind: .negativeSentiment, config: configuration.detector),
                                      anger: SpikeDetector(kind: .anger, config: configuration.detector))
            }
            try advance(scope, to: completeEnd, silence: silence)
        }
    }

    private func floor(_ time: Int64) -> Int64 { time - ((time % width) + width) % width }

    /// The spans where sources are silent, from ingest's source health; none when not configured
    /// or when ingest does not answer (logged once per failure spell).
    private func collectionSilence() -> CollectionSilence {
        let none = CollectionSilence(newestPostOfSilentSources: [], limitMs: 0)
        guard let sources else { return none }
        do {
            let health = try sources.call(SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self, timeoutMilliseconds: 1_000)
            sourceHealthFailed = false
            return CollectionSilence(newestPostOfSilentSources: health.sources.filter(\.silent).map(\.lastCreatedAtMs),
                                     limitMs: Int64(configuration.sourceSilenceLimitMinutes) * 60_000)
        } catch {
            if !sourceHealthFailed {
                service.logger.warning("cannot read source health: outages are found from empty buckets only",
                                       metadata: ["endpoint": "\(configuration.sourcesEndpoint)", "error": "\(error)"])
            }
            sourceHealthFailed = true
            return none
        }
    }

    private func advance(_ scope: String, to end: Int64, silence: CollectionSilence) throws {
        guard var track = tracks[scope], track.nextBucket < end else { return }
        var buckets: [Int64: BucketTally] = [:]
        for minute in try store.minuteCounts(scope: scope, from: track.nextBucket, to: end) {
            var bucket = buckets[floor(minute.bucketMs)] ?? BucketTally()
            bucket.posts += minute.posts
            bucket.positive += minute.positive
            bucket.neutral += minute.neutral
            bucket.negative += minute.negative
            bucket.angry += minute.anger
            buckets[floor(minute.bucketMs)] = bucket
        }
        var start = track.nextBucket
        while start < end {
            let counts = buckets[start] ?? BucketTally()
            // The anger share's base is the posts with a sentiment: emotions are given to those
            // scored in English, so a shift of language mix moves it a little (docs/EMOTIONS.md).
            let observed = BucketCounts(bucketStart: start, total: counts.posts, negative: counts.negative,
                                        withEmotions: counts.positive + counts.neutral + counts.negative, anger: counts.angry)
            let silent = silence.covers(bucketStart: start, widthMs: width)
            let verdicts = [track.volume.judge(observed, collectionSilent: silent), track.negative.judge(observed, collectionSilent: silent),
                            track.anger.judge(observed, collectionSilent: silent)]
            for case .alert(let spike) in verdicts {
                try report(spike, scope: scope, counts: counts)
            }
            if verdicts[0] == .outage {
                service.metrics.increment("earshot_query_alert_outage_buckets_total",
                                          help: "Buckets without posts where the baseline expected many: collection outages, not alerted on")
            }
            start += width
        }
        track.nextBucket = end
        tracks[scope] = track
    }

    private func report(_ spike: SpikeAlert, scope: String, counts: BucketTally) throws {
        var alert = Alert()
        alert.queryId = scope
        alert.kind = AlertKind(spike.kind)
        alert.id = "\(scope.isEmpty ? "*" : scope)/\(alert.kind.topicName)/\(spike.bucketStart)"
        alert.severity = AlertSeverity(spike.severity)
        alert.bucketStartMs = spike.bucketStart
        alert.bucketEndMs = spike.bucketStart + width
        alert.observed = spike.observed
        alert.baselineMean = spike.baselineMean
        alert.baselineStdDev = spike.baselineStdDev
        alert.zScore = spike.zScore
        alert.posts = Int64(counts.posts)
        alert.negative = Int64(counts.negative)
        alert.angry = Int64(counts.angry)
        let sentiments = [("negative", counts.negative), ("neutral", counts.neutral), ("positive", counts.positive)]
        alert.dominantSentiment = sentiments.max { $0.1 < $1.1 }?.0 ?? ""
        // The judged block (the last `blockBuckets` buckets) against the baseline blocks before it.
        let blockMs = Int64(configuration.detector.blockBuckets) * width
        let blockFrom = max(0, alert.bucketEndMs - blockMs)
        let baselineBlocks = configuration.detector.baselineBuckets
        let baselineFrom = max(0, blockFrom - Int64(baselineBlocks) * blockMs)
        let explanation = SpikeExplanation(
            spikeTerms: try store.termCounts(scope: scope, from: blockFrom, to: alert.bucketEndMs),
            baselineTerms: try store.termCounts(scope: scope, from: baselineFrom, to: blockFrom),
            spikeAuthors: try store.authorCounts(scope: scope, from: blockFrom, to: alert.bucketEndMs),
            baselineAuthors: try store.authorCounts(scope: scope, from: baselineFrom, to: blockFrom),
            baselineBuckets: baselineBlocks, limit: configuration.explanationLimit)
        alert.terms = explanation.terms.map { AlertContributor(key: $0.key, observed: Int64($0.observed), expected: $0.expected) }
        alert.authors = explanation.authors.map { AlertContributor(key: $0.key, observed: Int64($0.observed), expected: $0.expected) }
        alert.detectedAtMs = wallClockMilliseconds()
        let record = try alert.serializedBytes()
        guard try store.insertAlert(StoredAlert(id: alert.id, scope: scope, kind: spike.kind, severity: spike.severity,
                                                bucketStartMs: spike.bucketStart, record: record)) else { return }
        generation.advance()
        service.metrics.increment("earshot_query_alerts_total", help: "Spike alerts raised")
        service.logger.info("alert", metadata: ["id": "\(alert.id)", "severity": "\(alert.severity.name)", "z": "\(alert.zScore)"])
        _ = try publisher?.send([Array(alert.topic.utf8), record], wait: false)
    }
}
