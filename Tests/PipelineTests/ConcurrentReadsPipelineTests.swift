import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import Synchronization
import Testing
import ZeroMQ

/// The query service's read threads (`--read-threads`) in a real stack: many clients asking
/// different questions at once each get the answer to their own question, the same as when
/// asked one at a time.
@Suite(.serialized) struct ConcurrentReadsPipelineTests {
    /// 400 posts by 23 authors with uneven reach, 10 minutes apart.
    private func posts() -> [Post] {
        (0..<400).map { index in
            var post = Post()
            post.id = "concurrent-\(index)"
            post.platform = .mastodon
            post.source = "concurrency-test"
            post.author.id = "author-\(index % 23)"
            post.author.handle = "author\(index % 23)"
            post.author.followers = Int64((index % 23) * 1_000 + index)
            post.text = index % 3 == 0 ? "a great launch #launch" : "a terrible delay #delay"
            post.createdAtMs = 1_767_225_600_000 + Int64(index) * 600_000
            return post
        }
    }

    /// A read and its method: each range start gives a different answer.
    private struct Read: Sendable {
        let method: String
        let payload: [UInt8]
    }

    private func reads() throws -> [Read] {
        var reads: [Read] = []
        for step in 0..<8 {
            let range = TimeRange(fromMs: 1_767_225_600_000 + Int64(step) * 7_200_000, toMs: 1_767_225_600_000 + 400 * 600_000)
            var overview = OverviewRequest()
            overview.range = range
            reads.append(Read(method: QueryMethod.overview, payload: try overview.serializedBytes()))
            var authors = TopAuthorsRequest()
            authors.range = range
            authors.limit = Int32(3 + step)
            reads.append(Read(method: InsightsMethod.topAuthors, payload: try authors.serializedBytes()))
            var series = TimeSeriesRequest()
            series.range = range
            series.granularity = .hour
            reads.append(Read(method: QueryMethod.timeSeries, payload: try series.serializedBytes()))
        }
        return reads
    }

    @Test func clientsAskingAtOnceEachGetTheirOwnAnswer() throws {
        // No answer cache: every call reads the store, on four threads at once.
        let running = try RunningStack(slot: 30, enrich: 1, score: 1, queryArguments: ["--read-threads", "4", "--answer-cache-mb", "0"])
        defer { running.stack.stop() }
        _ = try running.publisher.publish(posts())
        #expect(try waitForStored(400, running.query, timeoutSeconds: 60).posts == 400)
        let reads = try reads()
        // One at a time first: the answers to compare with.
        let expected = try reads.map { read in try running.query.callRaw(read.method, payload: read.payload) }
        #expect(Set(expected).count == reads.count, "every question has an answer of its own")

        let clients = OneClientPerThread(try (0..<6).map { number in
            try running.stack.queryClient(context: try Context(), clientName: "concurrent-\(number)")
        })
        let mismatches = Mutex<[String]>([])
        let answered = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 6) { clientNumber in
            let client = clients.list[clientNumber]
            do {
                for round in 0..<3 {
                    // Each client in its own order, so that different questions overlap.
                    for offset in reads.indices {
                        let index = (offset * (clientNumber + 1) + round * 5) % reads.count
                        let answer = try client.callRaw(reads[index].method, payload: reads[index].payload, timeoutMilliseconds: 30_000)
                        if answer == expected[index] { answered.add(1, ordering: .relaxed) } else {
                            mismatches.withLock { $0.append("client \(clientNumber) read \(index) (\(reads[index].method))") }
                        }
                    }
                }
            } catch {
                mismatches.withLock { $0.append("client \(clientNumber) failed: \(error)") }
            }
        }
        #expect(mismatches.withLock { $0 } == [])
        #expect(answered.load(ordering: .relaxed) == 6 * 3 * reads.count)
    }
}

/// Clients handed to threads, each used by its one thread only.
private final class OneClientPerThread: @unchecked Sendable {
    let list: [RPCClient]
    init(_ list: [RPCClient]) { self.list = list }
}
