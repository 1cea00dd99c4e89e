import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation
import Insights
import SourceFormats

/// `earshot alerts backtest`: the live spike detector run over a history.
struct AlertsBacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run the spike detector over a history: every alert it would have raised, alerts per day, a sweep of a setting.",
        discussion: """
        History: --series FILE.csv (columns timestamp,value and optionally negative; RFC 3339 or \
        YYYY-MM-DD HH:MM:SS in UTC; gaps become empty buckets), or the stored posts of --query ID / \
        --group NAME between --from and --to, through the query service. With --labels (a JSON \
        object mapping --label-key to [[start, end], …]) alerts are scored against incident windows.
        """)

    @OptionGroup var endpoints: EndpointOptions
    @Option(help: "A count series CSV") var series: String?
    @Option(name: .customLong("query-id"), help: "Or: a listening query id (stored posts; --query is the query service endpoint)") var queryId: String?
    @Option(help: "Or: a group of listening queries (stored posts)") var group: String?
    @OptionGroup var range: RangeOptions
    @Option(help: "Bucket length in minutes (1-1440)") var bucketMinutes = 5
    @OptionGroup var settings: DetectorSettingOptions
    @Option(help: "Sweep one setting: NAME=FROM:TO:STEP or NAME=V1,V2,… (e.g. z-threshold=3:6:0.5)") var sweep: String?
    @Option(help: "Incident windows, JSON: {\"KEY\": [[start, end], …]}") var labels: String?
    @Option(help: "The series' key in --labels (default: the --series file name)") var labelKey: String?
    @Option(help: "Buckets at the start that are not scored against --labels") var warmUpBuckets = 750
    @Flag(help: "Print JSON") var json = false
    @Flag(help: "Print how long reading and detecting took (standard error)") var timing = false

    func validate() throws {
        let sources = [series != nil, queryId != nil, group != nil].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of --series, --query-id, --group") }
        guard (1...1_440).contains(bucketMinutes) else { throw ValidationError("--bucket-minutes must be 1-1440") }
        guard warmUpBuckets >= 0 else { throw ValidationError("--warm-up-buckets must be ≥ 0") }
        if series == nil, range.from == nil { throw ValidationError("--query-id and --group need --from (and optionally --to)") }
        if labels == nil, labelKey != nil { throw ValidationError("--label-key needs --labels") }
    }

    func run() throws {
        let widthMs = Int64(bucketMinutes) * 60_000
        let clock = ContinuousClock()
        let readStart = clock.now
        let history = try readHistory(widthMs: widthMs)
        let readTime = clock.now - readStart
        let windows = try labels.map { try readWindows($0) }
        let config = try settings.configuration()
        let kinds: [SpikeKind] = history.hasNegatives ? [.volume, .negativeSentiment] : [.volume]

        if let sweep {
            let plan: SpikeDetectorSweep
            do { plan = try SpikeDetectorSweep(parsing: sweep) } catch { throw ValidationError("\(error)") }
            let configs = try plan.values.map { value in
                let swept = plan.setting.applied(value, to: config)
                do { try swept.validate() } catch { throw ValidationError("\(plan.setting.rawValue) = \(value): \(error)") }
                return swept
            }
            let detectStart = clock.now
            // One pass per setting over the same parsed buckets, the passes spread over the cores.
            let reports = Backtest.runEach(history.buckets, kinds: kinds, configs: configs, widthMs: widthMs)
            let rows = zip(plan.values, reports).map { value, report in
                SweepRow(value: value, report: report, score: windows.map { scored(report, $0, history, widthMs) })
            }
            if timing { printError(timingLine(history, read: readTime, detect: clock.now - detectStart, runs: plan.values.count)) }
            print(json ? sweepJSON(plan, rows) : sweepTable(plan, rows))
            return
        }
        let detectStart = clock.now
        let report = Backtest.run(history.buckets, kinds: kinds, config: config, widthMs: widthMs)
        let detectTime = clock.now - detectStart
        if timing { printError(timingLine(history, read: readTime, detect: detectTime, runs: 1)) }
        let score = windows.map { scored(report, $0, history, widthMs) }
        print(json ? reportJSON(report, score) : reportText(report, score, history))
    }

    // MARK: - History

    /// Buckets of the history and whether it carries negative counts.
    private struct History {
        var buckets: [BucketCounts]
        var hasNegatives: Bool
        var source: String
    }

    private func readHistory(widthMs: Int64) throws -> History {
        if let series {
            guard let data = FileManager.default.contents(atPath: series), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("cannot read \(series) as UTF-8 text")
            }
            let read: CountSeries
            do { read = try CountSeriesCSV.read(text) } catch { throw ValidationError("\(series): \(error)") }
            let points = read.rows.map { BucketCounts(bucketStart: $0.timestampMs, total: $0.value, negative: $0.negative) }
            return History(buckets: try bucketed(points, widthMs: widthMs), hasNegatives: read.hasNegativeColumn, source: series)
        }
        let rangeValue = try range.range()
        let to = rangeValue.toMs > 0 ? rangeValue.toMs : wallClockMilliseconds()
        guard to > rangeValue.fromMs else { throw ValidationError("--to must be after --from") }
        var points = [BucketCounts(bucketStart: rangeValue.fromMs, total: 0)]
        let chunkMs: Int64 = 50_000 * 60_000
        var chunkStart = rangeValue.fromMs
        while chunkStart < to {
            var request = TimeSeriesRequest()
            request.range = TimeRange(fromMs: chunkStart, toMs: min(to, chunkStart + chunkMs))
            request.granularity = .minute
            request.queryId = queryId ?? ""
            request.group = group ?? ""
            let response = try call(endpoints.query, QueryMethod.timeSeries, request, as: TimeSeriesResponse.self, timeoutMs: endpoints.timeoutMs)
            points += response.buckets.map { BucketCounts(bucketStart: $0.startMs, total: Int($0.posts), negative: Int($0.negative)) }
            chunkStart += chunkMs
        }
        points.append(BucketCounts(bucketStart: to - 1, total: 0))
        let scope = queryId.map { "query \($0)" } ?? "group \(group ?? "")"
        return History(buckets: try bucketed(points, widthMs: widthMs), hasNegatives: true, source: scope)
    }

    private func bucketed(_ points: [BucketCounts], widthMs: Int64) throws -> [BucketCounts] {
        do { return try Backtest.buckets(points, widthMs: widthMs) } catch { throw ValidationError("\(error)") }
    }

    /// The windows of this series in the labels file.
    private func readWindows(_ path: String) throws -> [IncidentWindow] {
        let key = labelKey ?? series.map { URL(fileURLWithPath: $0).lastPathComponent } ?? ""
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read \(path)") }
        let all: [String: [[String]]]
        do { all = try JSONDecoder().decode([String: [[String]]].self, from: data) } catch {
            throw ValidationError("\(path): expected {\"KEY\": [[start, end], …]}: \(error)")
        }
        guard let pairs = all[key] else {
            throw ValidationError("\(path) has no key \"\(key)\" (keys: \(all.keys.sorted().joined(separator: ", "))); use --label-key")
        }
        return try pairs.enumerated().map { index, pair in
            guard pair.count == 2, let start = Timestamp.iso8601Milliseconds(pair[0]), let end = Timestamp.iso8601Milliseconds(pair[1]), start <= end else {
                throw ValidationError("\(path): window \(index + 1) of \"\(key)\" is not [start, end] with start ≤ end: \(pair)")
            }
            return IncidentWindow(start: start, end: end)
        }
    }

    private func scored(_ report: BacktestReport, _ windows: [IncidentWindow], _ history: History, _ widthMs: Int64) -> IncidentScore {
        IncidentScore(alertStarts: report.alerts.filter { $0.kind == .volume }.map(\.bucketStart), windows: windows,
                      firstBucket: history.buckets.first?.bucketStart ?? 0, buckets: history.buckets.count,
                      widthMs: widthMs, warmUpBuckets: warmUpBuckets)
    }

    // MARK: - Output

    private struct SweepRow {
        var value: Double
        var report: BacktestReport
        var score: IncidentScore?
    }

    private func timingLine(_ history: History, read: Duration, detect: Duration, runs: Int) -> String {
        func milliseconds(_ duration: Duration) -> String {
            String(format: "%.1f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
        }
        return "timing: \(history.buckets.count) buckets read in \(milliseconds(read)), detected in \(milliseconds(detect))"
            + (runs > 1 ? " (\(runs) settings)" : "")
    }

    private func reportText(_ report: BacktestReport, _ score: IncidentScore?, _ history: History) -> String {
        var lines: [String] = []
        if history.buckets.isEmpty {
            return "\(history.source): the history is empty: no buckets, no alerts."
        }
        lines.append("\(history.source): \(report.buckets) buckets of \(bucketMinutes) min (\(String(format: "%.1f", report.days)) days)")
        if report.alerts.isEmpty {
            lines.append("no alerts")
        } else {
            lines.append(table(["bucket start", "kind", "observed", "baseline", "z", "severity"], report.alerts.map { alert in
                [formatTime(alert.bucketStart), alert.kind.rawValue, number(alert.observed), number(alert.baselineMean),
                 String(format: "%.1f", alert.zScore), alert.severity.rawValue]
            }))
        }
        for outage in report.outages {
            lines.append("outage: \(formatTime(outage.start)), \(outage.buckets) empty buckets where posts were expected (not alerted on, kept out of the baseline)")
        }
        lines.append(String(format: "%d alerts, %.2f per day; %d outages", report.alerts.count, report.alertsPerDay, report.outages.count))
        if let score { lines.append(scoreLine(score)) }
        return lines.joined(separator: "\n")
    }

    private func scoreLine(_ score: IncidentScore) -> String {
        String(format: "labels: %d/%d windows found, %.2f false alerts/day, precision %.1f %% (%d pages inside, %d outside, %.1f scored days)",
               score.windowsFound, score.windows, score.falseAlertsPerDay, score.precision * 100,
               score.pagesInside, score.pagesOutside, score.scoredDays)
    }

    private func number(_ value: Double) -> String {
        value == value.rounded() ? String(format: "%.0f", value) : String(format: value < 1 ? "%.3f" : "%.1f", value)
    }

    private func reportJSON(_ report: BacktestReport, _ score: IncidentScore?) -> String {
        var object: [String: Any] = [
            "alerts": report.alerts.map(alertJSON),
            "outages": report.outages.map { ["start": formatTime($0.start), "buckets": $0.buckets] },
            "buckets": report.buckets,
            "days": report.days,
            "alerts_per_day": report.alertsPerDay,
        ]
        if report.buckets == 0 { object["note"] = "the history is empty: no buckets, no alerts" }
        if let score { object["score"] = scoreJSON(score) }
        return serialized(object)
    }

    private func sweepTable(_ plan: SpikeDetectorSweep, _ rows: [SweepRow]) -> String {
        let scored = rows.first?.score != nil
        let header = [plan.setting.rawValue, "alerts", "alerts/day"] + (scored ? ["recall", "false/day", "precision"] : [])
        return table(header, rows.map { row in
            [number(row.value), "\(row.report.alerts.count)", String(format: "%.2f", row.report.alertsPerDay)]
                + (row.score.map { ["\($0.windowsFound)/\($0.windows)", String(format: "%.2f", $0.falseAlertsPerDay), String(format: "%.1f %%", $0.precision * 100)] } ?? [])
        })
    }

    private func sweepJSON(_ plan: SpikeDetectorSweep, _ rows: [SweepRow]) -> String {
        serialized(["setting": plan.setting.rawValue, "runs": rows.map { row -> [String: Any] in
            var object: [String: Any] = ["value": row.value, "alerts": row.report.alerts.count, "alerts_per_day": row.report.alertsPerDay]
            if let score = row.score { object["score"] = scoreJSON(score) }
            return object
        }])
    }

    private func alertJSON(_ alert: SpikeAlert) -> [String: Any] {
        ["bucket_start": formatTime(alert.bucketStart), "kind": alert.kind.rawValue, "observed": alert.observed,
         "baseline": alert.baselineMean, "z_score": alert.zScore, "severity": alert.severity.rawValue]
    }

    private func scoreJSON(_ score: IncidentScore) -> [String: Any] {
        ["windows": score.windows, "windows_found": score.windowsFound, "pages_inside": score.pagesInside,
         "pages_outside": score.pagesOutside, "scored_days": score.scoredDays,
         "false_alerts_per_day": score.falseAlertsPerDay, "precision": score.precision]
    }

    private func serialized(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// Every `SpikeDetectorConfig` setting as an option (`--z-threshold 4`, …); unset ones keep the
/// detector's defaults.
struct DetectorSettingOptions: ParsableArguments {
    @Option(help: "z-score that raises an alert") var zThreshold: Double?
    @Option(help: "Buckets in the trailing baseline window") var baselineBuckets: Int?
    @Option(help: "Buckets the baseline needs before any alert") var minimumBaselineBuckets: Int?
    @Option(help: "Buckets after an alert without another") var cooldownBuckets: Int?
    @Option(help: "Smallest count that may alert") var minimumVolume: Int?
    @Option(help: "Multiplier of the assumed Poisson/binomial noise") var noiseFloorFactor: Double?
    @Option(help: "Expected posts from which an empty bucket is an outage") var outageMinimumExpected: Double?
    @Option(help: "Buckets above the threshold after which the new level is the baseline") var levelShiftBuckets: Int?
    @Option(help: "Half-life in buckets of the burstiness estimate (0 = off)") var burstinessHalfLifeBuckets: Int?
    @Option(help: "1 = the z is also bounded by the window's own spread, 0 = not") var windowSpread: Int?
    @Option(help: "Buckets summed into the judged block (1 = single buckets)") var blockBuckets: Int?
    @Option(help: "1 = the baseline follows a Theil–Sen line, 0 = the median") var linearTrend: Int?
    @Option(help: "1 = the forecast follows a weekly profile after two weeks, 0 = not") var weeklySeasonality: Int?
    @Option(help: "Accumulated z above the drift (CUSUM) from which a slow rise alerts (0 = off)") var cusumThreshold: Double?
    @Option(help: "z the accumulated excess takes as ordinary (CUSUM reference value)") var cusumDrift: Double?
    @Option(help: "Buckets in a block of the second, longer time scale (288 = a day of 5-minute buckets; 0 = off)") var slowBlockBuckets: Int?
    @Option(help: "Blocks in the slow scale's baseline window") var slowBaselineBlocks: Int?
    @Option(help: "z-score from which the slow scale alerts") var slowZThreshold: Double?

    /// The default configuration with the given settings applied, validated.
    func configuration() throws -> SpikeDetectorConfig {
        let given: [(SpikeDetectorSetting, Double?)] = [
            (.zThreshold, zThreshold), (.baselineBuckets, baselineBuckets.map(Double.init)),
            (.minimumBaselineBuckets, minimumBaselineBuckets.map(Double.init)), (.cooldownBuckets, cooldownBuckets.map(Double.init)),
            (.minimumVolume, minimumVolume.map(Double.init)), (.noiseFloorFactor, noiseFloorFactor),
            (.outageMinimumExpected, outageMinimumExpected), (.levelShiftBuckets, levelShiftBuckets.map(Double.init)),
            (.burstinessHalfLifeBuckets, burstinessHalfLifeBuckets.map(Double.init)), (.windowSpread, windowSpread.map(Double.init)),
            (.blockBuckets, blockBuckets.map(Double.init)), (.linearTrend, linearTrend.map(Double.init)),
            (.weeklySeasonality, weeklySeasonality.map(Double.init)), (.cusumThreshold, cusumThreshold), (.cusumDrift, cusumDrift),
            (.slowBlockBuckets, slowBlockBuckets.map(Double.init)), (.slowBaselineBlocks, slowBaselineBlocks.map(Double.init)),
            (.slowZThreshold, slowZThreshold),
        ]
        let config = given.reduce(SpikeDetectorConfig.default) { config, setting in
            setting.1.map { setting.0.applied($0, to: config) } ?? config
        }
        do { try config.validate() } catch { throw ValidationError("detector settings: \(error)") }
        return config
    }
}
