import Foundation
import Testing

/// `earshot alerts backtest --series FILE.csv`, the real command on files (no services; the
/// stored-posts source is run in InsightsPipelineTests and AlertPipelineTests).
@Suite struct AlertsBacktestCommandTests {
    /// A directory of its own for one test's files.
    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-backtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func json(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
    }

    /// Three days of 5-minute rows from 2015-03-01 00:00 UTC at about 50 posts, an hour at 200
    /// from bucket 600, and no rows for the hour from bucket 300 (a gap: empty buckets). Even rows
    /// are written `YYYY-MM-DD HH:MM:SS` (UTC), odd ones RFC 3339 an hour ahead (+01:00).
    static var seriesCSV: String {
        let start = Date(timeIntervalSince1970: 1_425_168_000)
        let plain = DateFormatter()
        plain.locale = Locale(identifier: "en_US_POSIX")
        plain.timeZone = TimeZone(identifier: "UTC")
        plain.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let offset = ISO8601DateFormatter()
        offset.timeZone = TimeZone(secondsFromGMT: 3_600)
        var lines = ["timestamp,value"]
        for index in 0..<864 where !(300..<312).contains(index) {
            let time = start.addingTimeInterval(Double(index) * 300)
            let value = (600..<612).contains(index) ? 200 : 48 + index % 5
            lines.append("\(index.isMultiple(of: 2) ? plain.string(from: time) : offset.string(from: time)),\(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aSeriesGivesItsAlertsOutagesAndRateAsJSONAndAsATable() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let series = try Self.write(Self.seriesCSV, "volume.csv", in: folder)
        let result = try runEarshot(["alerts", "backtest", "--series", series, "--json"])
        #expect(result.status == 0, "\(result.errors)")
        let report = try Self.json(result.output)
        #expect(report["buckets"] as? Int == 864, "the gap's 12 buckets are filled")
        let alerts = try #require(report["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1, "\(alerts)")
        let alert = try #require(alerts.first)
        // Bucket 600 starts at 2015-03-03 02:00 UTC; the hour at 200 posts alerts within it.
        let start = try #require(alert["bucket_start"] as? String)
        #expect(start.hasPrefix("2015-03-03T02:") && start.hasSuffix("Z"), "\(start)")
        #expect(alert["kind"] as? String == "volume")
        #expect((alert["observed"] as? Double ?? 0) > (alert["baseline"] as? Double ?? .infinity))
        #expect((alert["z_score"] as? Double ?? 0) >= 4.5)
        #expect(["low", "medium", "high", "critical"].contains(alert["severity"] as? String ?? ""))
        #expect(abs((report["alerts_per_day"] as? Double ?? 0) - 1.0 / 3) < 1e-9)
        let outages = try #require(report["outages"] as? [[String: Any]])
        #expect(outages.count == 1)
        #expect(outages.first?["start"] as? String == "2015-03-02T01:00:00.000Z" || outages.first?["start"] as? String == "2015-03-02T01:00:00Z",
                "\(outages)")
        #expect(outages.first?["buckets"] as? Int == 12)

        let table = try runEarshot(["alerts", "backtest", "--series", series])
        #expect(table.status == 0, "\(table.errors)")
        #expect(table.output.contains("1 alerts, 0.33 per day; 1 outages"), "\(table.output)")
        #expect(table.output.contains("outage: "))

        // Hourly buckets: the rows are summed into 72.
        let hourly = try Self.json(try runEarshot(["alerts", "backtest", "--series", series, "--json", "--bucket-minutes", "60"]).output)
        #expect(hourly["buckets"] as? Int == 72)

        // Every setting is an option; a setting out of range is named.
        let quiet = try Self.json(try runEarshot(["alerts", "backtest", "--series", series, "--json", "--z-threshold", "40"]).output)
        #expect((quiet["alerts"] as? [Any])?.isEmpty == true)
        let excess = try runEarshot(["alerts", "backtest", "--series", series, "--json", "--cusum-threshold", "48", "--cusum-drift", "2"])
        #expect(excess.status == 0, "\(excess.errors)")
        let refused = try runEarshot(["alerts", "backtest", "--series", series, "--cusum-threshold=-1"])
        #expect(refused.status != 0)
        #expect(refused.errors.contains("cusumThreshold"), "\(refused.errors)")
    }

    @Test func aSweepPrintsTheRateAtEachValue() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let series = try Self.write(Self.seriesCSV, "volume.csv", in: folder)
        let result = try runEarshot(["alerts", "backtest", "--series", series, "--json", "--sweep", "z-threshold=3:6:0.5"])
        #expect(result.status == 0, "\(result.errors)")
        let sweep = try Self.json(result.output)
        #expect(sweep["setting"] as? String == "z-threshold")
        let runs = try #require(sweep["runs"] as? [[String: Any]])
        #expect(runs.map { $0["value"] as? Double ?? 0 } == [3, 3.5, 4, 4.5, 5, 5.5, 6])
        #expect(runs.allSatisfy { ($0["alerts"] as? Int ?? 0) >= 1 && $0["alerts_per_day"] is Double }, "\(runs)")
        let table = try runEarshot(["alerts", "backtest", "--series", series, "--sweep", "cusum-threshold=0,48"])
        #expect(table.status == 0, "\(table.errors)")
        #expect(table.output.contains("alerts/day"))
        let bad = try runEarshot(["alerts", "backtest", "--series", series, "--sweep", "z=3:6:0.5"])
        #expect(bad.status != 0)
        #expect(bad.errors.contains("cusum-threshold"), "the message lists the settings: \(bad.errors)")
    }

    @Test func anEmptySeriesGivesNoAlertsAndANote() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let series = try Self.write("timestamp,value\n", "empty.csv", in: folder)
        let json = try runEarshot(["alerts", "backtest", "--series", series, "--json"])
        #expect(json.status == 0, "\(json.errors)")
        let report = try Self.json(json.output)
        #expect((report["alerts"] as? [Any])?.isEmpty == true)
        #expect(report["note"] as? String == "the history is empty: no buckets, no alerts")
        let text = try runEarshot(["alerts", "backtest", "--series", series])
        #expect(text.output.contains("the history is empty: no buckets, no alerts"), "\(text.output)")
    }

    @Test func badRowsAreRefusedWithTheirLine() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let header = "timestamp,value\n"
        let cases: [(String, String)] = [
            (header + "2015-03-01 00:00:00,5\n2015-03-01 00:10:00,5\n2015-03-01 00:05:00,5\n", "line 4"),
            (header + "2015-03-01 00:00:00,5\n2015-03-01 00:00:00,6\n", "line 3"),
            (header + "2015-03-01 00:00:00,5\nnot a time,6\n", "line 3"),
            (header + "2015-03-01 00:00:00,5\n2015-03-01 00:05:00,-2\n", "line 3: negative count -2"),
            ("timestamp,count\n2015-03-01 00:00:00,5\n", "line 1: missing column \"value\""),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let series = try Self.write(text, "bad-\(index).csv", in: folder)
            let result = try runEarshot(["alerts", "backtest", "--series", series, "--json"])
            #expect(result.status != 0, "case \(index)")
            #expect(result.output.isEmpty, "case \(index): nothing printed on standard output")
            #expect(result.errors.contains(expected) && result.errors.contains("bad-\(index).csv"), "case \(index): \(result.errors)")
        }
    }
}
