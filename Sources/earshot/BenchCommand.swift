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
        subcommands: [Pipeline.self, StoreBench.self, CodecBenchCommand.self, AnalysisBenchCommand.self, RPCBenchCommand.self, CollectBenchCommand.self]
    )

    struct Pipeline: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pipeline",
            abstract: "Throughput, publish-to-queryable latency and memory of the whole stack on this machine.",
            discussion: "Starts the four services as separate processes with a durable journal and store, pushes a generated stream through them as fast as ingest accepts it, then at a fixed rate, and prints posts/s, latency percentiles and each service's peak RSS, secure (CURVE, the default) and --insecure side by side: several rounds on fresh stacks in alternating order, compared by their medians."
        )

        @Option(help: "Posts for the throughput run") var posts = 200_000
        @Option(help: "Rate (posts/s) of the latency run") var rate = 5_000
        @Option(help: "Seconds of the latency run") var seconds = 10
        @Option(help: "Enrich worker processes") var enrich = 1
        @Option(help: "Score worker processes") var score = 1
        @Option(help: "First TCP port of the stack") var basePort = 26_550
        @Option(help: "Rounds of the pair (secure, --insecure); the medians are compared") var rounds = 3

        func validate() throws {
            try requirePositive(["posts": posts, "rate": rate, "seconds": seconds, "rounds": rounds, "enrich": enrich, "score": score])
        }

        func run() throws {
            // Secure (the default) and --insecure on fresh stacks, alternating the order each round
            // (S I, I S, S I, …) so that a machine slowing down or speeding up weighs on both alike.
            var secureRuns: [StackRun] = [], insecureRuns: [StackRun] = []
            for round in 1...rounds {
                for insecure in round.isMultiple(of: 2) ? [true, false] : [false, true] {
                    print("== round \(round) of \(rounds), \(insecure ? "--insecure" : "CURVE (default)"): \(posts) posts, \(enrich) enrich, \(score) score process(es)")
                    let run = try measure(insecure: insecure)
                    print("   end-to-end throughput \(Int(run.throughput)) posts/s")
                    if insecure { insecureRuns.append(run) } else { secureRuns.append(run) }
                }
            }
            let secure = medianRun(secureRuns), insecure = medianRun(insecureRuns)
            print()
            print("The round with the median throughput of each mode:")
            print(table(["measure", "CURVE (default)", "--insecure"], secure.figures.indices.map { index in
                [secure.figures[index].measure, secure.figures[index].value, insecure.figures[index].value]
            }))
            print(table(["round", "CURVE posts/s", "--insecure posts/s"], zip(secureRuns, insecureRuns).enumerated().map { round, pair in
                ["\(round + 1)", "\(Int(pair.0.throughput))", "\(Int(pair.1.throughput))"]
            }))
            let cost = 1 - secure.throughput / insecure.throughput
            print(String(format: "CURVE costs %.1f%% of end-to-end throughput (medians of %d rounds)", cost * 100, rounds))
            let cpuCost = secure.cpuSecondsPerPost / insecure.cpuSecondsPerPost - 1
            print(String(format: "CURVE costs %.1f%% more CPU per post, all services together (%.1f vs %.1f µs per post)",
                         cpuCost * 100, secure.cpuSecondsPerPost * 1e6, insecure.cpuSecondsPerPost * 1e6))
            for (run, label) in [(secure, "CURVE (default)"), (insecure, "--insecure")] {
                print()
                print(label)
                print(table(["service", "peak RSS", "CPU s (whole run)"], run.members))
            }
        }

        /// The run whose end-to-end throughput is the median of `runs` (the lower middle for an even count).
        private func medianRun(_ runs: [StackRun]) -> StackRun {
            runs.sorted { $0.throughput < $1.throughput }[(runs.count - 1) / 2]
        }

        /// One stack's figures: (measure, value) rows, end-to-end posts/s, each service's memory and CPU,
        /// and the CPU all services spent per post over the whole run.
        private struct StackRun {
            var figures: [(measure: String, value: String)]
            var throughput: Double
            var members: [[String]]
            var cpuSecondsPerPost: Double
        }

        private func measure(insecure: Bool) throws -> StackRun {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-bench-\(getpid())-\(insecure ? "insecure" : "curve")")
            defer { try? FileManager.default.removeItem(at: folder) }
            let stack = try LocalStack(executable: LocalStack.currentExecutable, directory: folder, basePort: basePort, insecure: insecure)
            try stack.start(enrich: enrich, score: score)
            defer { stack.stop() }
            try stack.waitUntilHealthy()
            let context = try Context()
            let publisher = Publisher(client: try stack.ingestClient(context: context, clientName: "bench"))
            let query = try stack.queryClient(context: context, clientName: "bench")
            var stream = SampleStream(seed: 11, startMs: wallClockMilliseconds() - 86_400_000)
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
            let cpuSeconds = stack.members.compactMap { stack.cpuSeconds($0) }.reduce(0, +)
            return StackRun(figures: figures, throughput: throughput, members: members, cpuSecondsPerPost: cpuSeconds / Double(posts + total))
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
