import ArgumentParser
import Dispatch
import EarshotRPC
import EarshotWire
import Foundation
import Synchronization
import ZeroMQ

/// `earshot bench rpc`: the read wrk measures on the gateway (`GET /v1/overview`), made over the
/// ZeroMQ RPC by as many concurrent clients, so scripts/bench-gateway.sh prints the two side by side.
struct RPCBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpc", abstract: "Requests/s and latency percentiles of Query/Overview over the ZeroMQ RPC from concurrent clients.",
        discussion: "Each connection is one thread with its own RPC client (the command's key), calling Overview of all posts back to back for --seconds; the figures are those wrk prints for the gateway (scripts/bench-gateway.sh runs both).")

    @OptionGroup var endpoints: EndpointOptions
    @Option(help: "Concurrent clients, each a thread with its own connection") var connections = 32
    @Option(help: "Seconds of calls") var seconds = 10

    func validate() throws {
        try requirePositive(["connections": connections, "seconds": seconds])
    }

    func run() throws {
        let payload = try OverviewRequest().serializedBytes()
        let context = try Context()
        let endpoint = endpoints.query
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds) * 1_000_000_000
        let outcome = Outcome()
        let group = DispatchGroup()
        for index in 0..<connections {
            group.enter()
            Thread {
                defer { group.leave() }
                var mine: [Double] = []
                do {
                    let client = try CommandLineSecurity.client(endpoint, context: context, clientName: "bench-rpc-\(index)")
                    _ = try client.callRaw(QueryMethod.overview, payload: payload, timeoutMilliseconds: 10_000)  // connected and warm
                    while DispatchTime.now().uptimeNanoseconds < end {
                        let started = DispatchTime.now().uptimeNanoseconds
                        _ = try client.callRaw(QueryMethod.overview, payload: payload, timeoutMilliseconds: 10_000)
                        mine.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                    }
                } catch {
                    outcome.failures.withLock { $0.append("\(error)") }
                }
                outcome.latencies.withLock { $0 += mine }
            }.start()
        }
        group.wait()
        let sorted = outcome.latencies.withLock { $0 }.sorted()
        let failures = outcome.failures.withLock { $0 }
        if let failure = failures.first {
            printError("earshot bench rpc: \(failures.count) of \(connections) connections failed, e.g. \(failure)")
            throw ExitCode(1)
        }
        guard !sorted.isEmpty else {
            printError("earshot bench rpc: no call completed in \(seconds) s")
            throw ExitCode(1)
        }
        func percentile(_ share: Double) -> String {
            String(format: "%.2f", sorted[min(sorted.count - 1, Int((Double(sorted.count) * share).rounded(.up)) - 1)])
        }
        print("Query/Overview over the ZeroMQ RPC at \(endpoint): \(connections) connections, \(seconds) s")
        print(table(["calls", "requests/s", "p50 ms", "p90 ms", "p99 ms", "max ms"], [[
            "\(sorted.count)", String(format: "%.0f", Double(sorted.count) / Double(seconds)),
            percentile(0.50), percentile(0.90), percentile(0.99), String(format: "%.2f", sorted.last!),
        ]]))
    }

    /// What the client threads found: each call's latency in ms, and the errors that stopped a thread.
    private final class Outcome: Sendable {
        let latencies = Mutex<[Double]>([])
        let failures = Mutex<[String]>([])
    }
}
