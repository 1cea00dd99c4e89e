import Testing
@testable import ServiceRuntime

@Suite struct MetricsRegistryTests {
    @Test func countersAndGaugesAreReportedSorted() {
        let metrics = MetricsRegistry()
        metrics.increment("b_total", help: "B")
        metrics.increment("b_total", by: 2)
        metrics.set("a_gauge", 7)
        #expect(metrics.value("b_total") == 3)
        #expect(metrics.snapshot().map(\.name) == ["a_gauge", "b_total"])
        let text = metrics.prometheusText()
        #expect(text.contains("# HELP b_total B\n# TYPE b_total counter\nb_total 3.0\n"))
        #expect(text.contains("# TYPE a_gauge gauge\na_gauge 7.0\n"))
    }

    @Test func histogramsAreCumulativeWithSumAndCount() {
        let metrics = MetricsRegistry()
        for value in [0.5, 3, 3, 70, 100_000] { metrics.observe("latency_ms", value, help: "L") }
        let series = Dictionary(uniqueKeysWithValues: metrics.snapshot().map { ($0.name, $0.value) })
        #expect(series["latency_ms_bucket{le=\"1\"}"] == 1)
        #expect(series["latency_ms_bucket{le=\"5\"}"] == 3)
        #expect(series["latency_ms_bucket{le=\"100\"}"] == 4)
        #expect(series["latency_ms_bucket{le=\"+Inf\"}"] == 5)
        #expect(series["latency_ms_count"] == 5)
        #expect(series["latency_ms_sum"] == 100_076.5)
        #expect(metrics.prometheusText().contains("# TYPE latency_ms histogram\n"))
    }
}

@Suite struct MetricsHTTPTests {
    @Test func metricsPathIsServedAndOthersRefused() {
        let ok = MetricsHTTP.response(toRequestHead: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", metricsText: { "x 1\n" })
        #expect(ok.hasPrefix("HTTP/1.1 200"))
        #expect(ok.hasSuffix("x 1\n"))
        #expect(MetricsHTTP.response(toRequestHead: "GET /other HTTP/1.1\r\n\r\n", metricsText: { "" }).hasPrefix("HTTP/1.1 404"))
        #expect(MetricsHTTP.response(toRequestHead: "POST /metrics HTTP/1.1\r\n\r\n", metricsText: { "" }).hasPrefix("HTTP/1.1 405"))
        #expect(MetricsHTTP.response(toRequestHead: "garbage", metricsText: { "" }).hasPrefix("HTTP/1.1 400"))
    }
}

@Suite struct ShutdownSignalTests {
    @Test func aRequestIsSeen() {
        let signal = ShutdownSignal()
        #expect(!signal.isRequested)
        signal.request()
        #expect(signal.isRequested)
    }
}
