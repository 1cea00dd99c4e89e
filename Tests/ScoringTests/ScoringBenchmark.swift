import Foundation
import Testing
import Scoring

/// Throughput benchmark, run only with `EARSHOT_BENCH=1 swift test --filter ScoringBenchmark`.
/// It prints posts per second and asserts nothing about time (shared CI cores make timing flaky).
@Suite struct ScoringBenchmark {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["EARSHOT_BENCH"] == "1"))
    func scoresManyPosts() {
        let model = ScoringModel()
        let texts = [
            "@acme I was charged twice and I'm still waiting for a refund, this is unacceptable!!",
            "Loving the new update, the dark mode looks great #design https://acme.example/blog",
            "How do I cancel my subscription? The app keeps crashing on login 😡",
            "buy now buy now cheap followers #a #b #c #d #e #f @x @y @z @w @v",
        ]
        let now: Int64 = 1_800_000_000_000
        let posts = (0..<100_000).map { (index: Int) -> ScoringInput in
            let step = Int64(index)
            let sentiment: Double = Double(index % 21) / 10 - 1
            return ScoringInput(
                followers: step % 50_000, following: 300, likes: step % 97, reposts: step % 13,
                createdAtMillis: now - step * 1000, nowMillis: now,
                sentimentCompound: sentiment, text: texts[index % texts.count]
            )
        }
        let start = Date()
        var prioritySum = 0
        for post in posts { prioritySum += model.score(post).priority }
        let seconds = Date().timeIntervalSince(start)
        print("ScoringBenchmark: \(posts.count) posts in \(seconds) s = \(Int(Double(posts.count) / seconds)) posts/s (priority sum \(prioritySum))")
        #expect(prioritySum > posts.count)
    }
}
