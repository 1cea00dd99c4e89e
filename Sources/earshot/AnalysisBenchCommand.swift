import ArgumentParser
import EarshotRPC
import EarshotWire
import EnrichService
import Foundation
import SampleData
import ServiceRuntime
import TextAnalysis

/// `earshot bench analysis`: throughput of the full text analysis (the enrich
/// stage's work: language, sentiment, entities, listening matching) on one
/// thread and on every core, through the same function the enrich service calls.
struct AnalysisBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis", abstract: "Posts/s of the enrich stage's analysis on 1 thread and on --threads threads.")

    @Option(help: "Posts to analyse per measurement") var posts = 200_000
    @Option(help: "Threads for the parallel measurement (default: all cores)") var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        try requirePositive(["posts": posts, "threads": threads])
    }

    func run() throws {
        var stream = SampleStream(seed: 8, expectedCount: 10_000)
        let batchSize = 256
        let batches = (0..<max(1, posts / batchSize)).map { _ in
            PipelineBatch(posts: stream.next(batchSize).map { post in
                var item = PipelinePost()
                item.post = post
                return item
            })
        }
        let analyzer = TextAnalyzer()
        _ = analyzer.analyze("warm up the tables once :)")
        var rows: [[String]] = []
        for threadCount in Set([1, max(1, threads)]).sorted() {
            let started = monotonicNanoseconds()
            DispatchQueue.concurrentPerform(iterations: threadCount) { worker in
                for index in stride(from: worker, to: batches.count, by: threadCount) {
                    var batch = batches[index]
                    EnrichService.enrich(&batch, analyzer: analyzer)
                }
            }
            let seconds = Double(monotonicNanoseconds() - started) / 1e9
            let total = batches.count * batchSize
            rows.append(["\(threadCount)", "\(total)", String(format: "%.2f s", seconds), "\(Int(Double(total) / seconds)) posts/s"])
        }
        print("enrich-stage analysis (TextAnalyzer via EnrichService.enrich), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(table(["threads", "posts", "time", "rate"], rows))
    }
}
