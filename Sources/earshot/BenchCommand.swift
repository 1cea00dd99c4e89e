import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import SampleData
import ServiceRuntime
import ZeroMQ

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks that print figures (build with -c release).",
        subcommands: [Pipeline.self, StoreBench.self, CodecBenchCommand.self, AnalysisBenchCommand.self]
    )

    struct Pipeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pipeline",
            abstract: "Throughput, publish-to-queryable latency and memory of the whole stack on this machine.",
            discussion: "Starts the four services as separate processes with a durable journal and store, pushes a generated stream through them as fast as ingest accepts it, then at a fixed rate, and prints posts/s, latency percentiles and each service's peak RSS: once secure (CURVE, the default) and once --insecure, side by side."
        )

        @Option(help: "Posts for the throughput run") var posts = 200_000
        @Option(help: "Rate (posts/s) of the latency run") var rate = 5_000
        @Option(help: "Seconds of the latency run") var seconds = 10
        @Option(help: "Enrich worker processes") var enrich = 1
        @Option(help: "Score worker processes") var score = 1
        @Option(help: "First TCP port of the stack") var basePort = 26_550

        func validate() throws {
            try requirePositive(["posts": posts, "rate": rate, "seconds": seconds, "enrich": enrich, "score": score])
        }

        func run() throws {
            // The same run twice, on fresh stacks: secure (the default) and --insecure, to show what CURVE costs.
            let runs = try [false, true].map { insecure in
                print("== \(insecure ? "--insecure" : "CURVE (default)"): \(posts) posts, \(enrich) enrich, \(score) score process(es)")
                return try measure(insecure: insecure)
            }
            print()
            print(table(["measure", "CURVE (default)", "--insecure"], runs[0].figures.indices.map { index in
                [runs[0].figures[index].measure, runs[0].figures[index].value, runs[1].figures[index].value]
            }))
            let cost = 1 - runs[0].throughput / runs[1].throughput
            print(String(format: "CURVE costs %.1f%% of end-to-end throughput in this run", cost * 100))
            for (run, label) in zip(runs, ["CURVE (default)", "--insecure"]) {
                print()
                print(label)
                print(table(["service", "peak RSS", "CPU s (whole run)"], run.members))
            }
        }

        /// One stack's figures: (measure, value) rows, end-to-end posts/s, and each service's memory and CPU.
        private func measure(insecure: Bool) throws -> (figures: [(measure: String, value: String)], throughput: Double, members: [[String]]) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-bench-\(getpid())-\(insecure ? "insecure" : "curve")")
            defer { try? FileManager.default.removeItem(at: folder) }
            let stack = try LocalStack(executable: LocalStack.currentExecutable, directory: folder, basePort: basePort, insecure: insecure)
            try stack.start(enrich: enrich, score: score)
            defer { stack.stop() }
            try stack.waitUntilHealthy()
            let context = try Context()
            let publisher = Publisher(client: try stack.ingestClient(context: context, clientName: "bench"))
            let query = try stack.queryClient(context: context, clientName: "bench")
            var stream = SampleStream(seed: 11, startMs: Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000)
            let batches = stride(from: 0, to: posts, by: 1_000).map { stream.next(min(1_000, posts - $0)) }

            // 1. Throughput: publish as fast as ingest accepts, until all are stored.
            let started = Date()
            for batch in batches { _ = try publisher.publish(batch) }
            let publishSeconds = Date().timeIntervalSince(started)
            try waitForStored(posts, query: query, timeoutSeconds: 600)
            let throughputSeconds = Date().timeIntervalSince(started)

            // 2. Latency at a fixed rate.
            let before = try latencyHistogram(query)
            let total = rate * seconds
            let perTick = max(1, rate / 50)
            let latencyStart = Date()
            var sent = 0
            while sent < total {
                let batch = stream.next(min(perTick, total - sent))
                _ = try publisher.publish(batch)
                sent += batch.count
                let due = latencyStart.addingTimeInterval(Double(sent) / Double(rate))
                if due > Date() { Thread.sleep(until: due) }
            }
            let achievedRate = Double(sent) / Date().timeIntervalSince(latencyStart)
            try waitForStored(posts + total, query: query, timeoutSeconds: 300)
            let after = try latencyHistogram(query)
            let counts = zip(after, before).map { $0 - $1 }
            let throughput = Double(posts) / throughputSeconds
            let figures = [
                ("publish rate (ingest, durable)", "\(Int(Double(posts) / publishSeconds)) posts/s"),
                ("end-to-end throughput", "\(Int(throughput)) posts/s"),
                ("latency run rate", "\(Int(achievedRate)) posts/s for \(seconds) s"),
                ("publish-to-queryable p50", "≤ \(percentile(counts, 0.50)) ms"),
                ("publish-to-queryable p99", "≤ \(percentile(counts, 0.99)) ms"),
            ]
            let members = stack.members.map { member in
                [member.name, stack.peakResidentBytes(member).map { String(format: "%.1f MB", Double($0) / 1e6) } ?? "?",
                 stack.cpuSeconds(member).map { String(format: "%.1f", $0) } ?? "?"]
            }
            return (figures, throughput, members)
        }

        private func waitForStored(_ count: Int, query: RPCClient, timeoutSeconds: Double) throws {
            let deadline = Date().addingTimeInterval(timeoutSeconds)
            while try query.call(QueryMethod.overview, OverviewRequest(), as: OverviewResponse.self).posts < count {
                guard Date() < deadline else { throw StackError("fewer than \(count) posts stored after \(timeoutSeconds) s") }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }

        /// Cumulative bucket counts of the query service's latency histogram.
        private func latencyHistogram(_ query: RPCClient) throws -> [Double] {
            let stats = try query.call(StatsMethod.get, StatsRequest(), as: StatsResponse.self)
            return stats.metrics.filter { $0.name.hasPrefix("earshot_query_publish_to_stored_ms_bucket") }.map(\.value)
        }

        /// The bucket bound under which `fraction` of observations fall.
        private func percentile(_ cumulative: [Double], _ fraction: Double) -> String {
            guard let total = cumulative.last, total > 0 else { return "n/a" }
            let bounds = MetricsRegistry.histogramBounds
            for (index, count) in cumulative.enumerated() where count >= total * fraction {
                return index < bounds.count ? String(format: "%g", bounds[index]) : "∞"
            }
            return "∞"
        }
    }
}
