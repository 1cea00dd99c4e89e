import EarshotWire
import Foundation
import Logging
import Testing
@testable import ServiceRuntime

#if canImport(Glibc)
import Glibc
#endif

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

@Suite struct MetricsHTTPServerTests {
    /// A client that sends its request a byte every 100 ms must be cut off by the whole-request
    /// deadline (2 s), not kept as long as each byte arrives within the socket timeout.
    @Test func aDrippingClientIsCutOff() throws {
        let (server, shutdown) = try startServer()
        defer {
            shutdown.request()
            server.join()
        }
        let started = monotonicMilliseconds()
        let client = try connectToServer(port: server.port)
        defer { close(client) }
        let connectedAfter = monotonicMilliseconds() - started
        // The head is 400 bytes dripped at 0.1 s a byte (40 s). With the 2 s deadline the server closes
        // after about 20 bytes; it must close long before the whole head is sent, even when a loaded
        // machine accepts the connection late (the deadline starts at accept).
        let head = Array(("GET /metrics HTTP/1.1\r\nX-Slow: " + String(repeating: "y", count: 400)).utf8.prefix(400))
        var sentBeforeClose = 0
        for byte in head {
            var value = byte
            guard send(client, &value, 1, Int32(MSG_NOSIGNAL)) == 1 else { break }
            sentBeforeClose += 1
            Thread.sleep(forTimeInterval: 0.1)
            var probe = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            if poll(&probe, 1, 0) > 0 { break }  // the server closed (or answered)
        }
        #expect(sentBeforeClose < head.count, """
            the server kept reading all \(sentBeforeClose) bytes of a dripped head \
            (connected after \(connectedAfter) ms, \(monotonicMilliseconds() - started) ms in all; \
            the client's descriptor \(client) is now connected to port \(peerPort(of: client)), the server listens on \(server.port))
            """)
    }

    /// Clients that connect and say nothing do not keep a scrape waiting: it is answered while
    /// they still hold their connections (answered one at a time, it would wait 2 s for each).
    @Test func silentClientsDoNotDelayAScrape() throws {
        let (server, shutdown) = try startServer()
        defer {
            shutdown.request()
            server.join()
        }
        let silent = try (0..<3).map { _ in try connectToServer(port: server.port) }
        defer { silent.forEach { close($0) } }
        Thread.sleep(forTimeInterval: 0.2)  // the silent ones are accepted first
        let started = monotonicMilliseconds()
        let scraper = try connectToServer(port: server.port)
        defer { close(scraper) }
        let request = Array("GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n".utf8)
        #expect(request.withUnsafeBytes { send(scraper, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == request.count)
        var answer = [UInt8](repeating: 0, count: 4096)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(scraper, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let received = recv(scraper, &answer, answer.count, 0)
        let waited = monotonicMilliseconds() - started
        try #require(received > 0, "no answer to the scrape")
        #expect(String(decoding: answer[0..<received], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        #expect(waited < 1_500, "the scrape waited \(waited) ms behind 3 silent clients")
    }

    private func startServer() throws -> (MetricsHTTPServer, ShutdownSignal) {
        let shutdown = ShutdownSignal()
        let server = try MetricsHTTPServer(address: "127.0.0.1:0", metrics: MetricsRegistry(), shutdown: shutdown,
                                           logger: Logger(label: "test"))
        return (server, shutdown)
    }

    /// The port `descriptor` is connected to, or -1: a different port than the server's would mean
    /// the descriptor was closed by someone else and its number given to another socket.
    private func peerPort(of descriptor: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let found = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
        }
        return found == 0 ? Int(UInt16(bigEndian: address.sin_port)) : -1
    }

    private func connectToServer(port: Int) throws -> Int32 {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(client)
            throw MetricsHTTPServerError.socketCall(address: "127.0.0.1:\(port)", call: "connect", errno: code)
        }
        return client
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
