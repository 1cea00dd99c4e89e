import EarshotRPC
import EarshotWire
@testable import IngestService
import Testing

@Suite struct CollectorReportTests {
    private func report(_ source: String, state: String, lastError: String = "") -> CollectorSourceReport {
        var report = CollectorSourceReport()
        report.source = source
        report.state = state
        report.lastError = lastError
        report.reconnects = 3
        report.cursorAcknowledgedAtMs = 1_796_000_000_000
        return report
    }

    /// A collector's report shows in the source's health next to ingest's own counts, and a
    /// later report replaces it.
    @Test func aReportShowsInTheSourcesHealth() throws {
        var tracker = SourceHealthTracker()
        var request = ReportCollectorRequest()
        request.sources = [report("news", state: "backing_off", lastError: "SSL connect error")]
        for (source, status) in try SourceHealthMonitor.statuses(request, nowMs: 5_000) {
            tracker.recordCollector(source: source, status: status, nowMs: 5_000)
        }
        var health = try #require(tracker.report(nowMs: 6_000, policy: SourceHealthPolicy()).sources.first)
        #expect(health.source == "news" && health.collectorState == "backing_off" && health.collectorLastError == "SSL connect error")
        #expect(health.collectorReconnects == 3 && health.collectorCursorAcknowledgedAtMs == 1_796_000_000_000 && health.collectorReportedMs == 5_000)
        #expect(health.accepted == 0)

        request.sources = [report("news", state: "connected")]
        for (source, status) in try SourceHealthMonitor.statuses(request, nowMs: 7_000) {
            tracker.recordCollector(source: source, status: status, nowMs: 7_000)
        }
        health = try #require(tracker.report(nowMs: 8_000, policy: SourceHealthPolicy()).sources.first)
        #expect(health.collectorState == "connected" && health.collectorLastError.isEmpty && health.collectorReportedMs == 7_000)
    }

    /// A bad report is refused whole, naming what is wrong.
    @Test func aBadReportIsRefusedWhole() {
        func refusal(_ sources: [CollectorSourceReport]) -> String? {
            var request = ReportCollectorRequest()
            request.sources = sources
            do {
                _ = try SourceHealthMonitor.statuses(request, nowMs: 1)
                return nil
            } catch {
                return error.code == .invalidArgument ? error.message : "\(error.code)"
            }
        }
        #expect(refusal([report("news", state: "connected"), report("other", state: "asleep")])?.contains("state of other") == true)
        #expect(refusal([report("", state: "connected")])?.contains("source must be") == true)
        #expect(refusal([report("news", state: "connected", lastError: String(repeating: "x", count: 2_001))])?.contains("last_error") == true)
        #expect(refusal(Array(repeating: report("news", state: "connected"), count: 1_001))?.contains("at most 1000") == true)
        #expect(refusal([report("news", state: "stopped")]) == nil)
    }
}
