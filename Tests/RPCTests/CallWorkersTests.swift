import EarshotWire
import Foundation
import Synchronization
import Testing
import ZeroMQ
@testable import EarshotRPC

/// An ``RPCServer`` whose calls run on a pool of worker threads (``RPCServer/runCallsOnWorkers(count:queueLimit:inline:)``).
@Suite struct CallWorkersTests {
    func client(_ server: EchoServer, _ name: String = "test") throws -> RPCClient {
        try RPCClient(endpoint: server.endpoint, context: try Context(), clientName: name)
    }

    /// Starts `call` on a thread of its own; wait for it with the semaphore.
    func inBackground(_ call: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        Thread {
            call()
            done.signal()
        }.start()
        return done
    }

    @Test func aLongCallDoesNotHoldUpAShortOne() throws {
        let server = try EchoServer(workers: (count: 2, queueLimit: 8))
        let endpoint = server.endpoint
        let slow = inBackground {
            let client = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "slow")
            let answer = try? client?.call("test.v1.Echo/Echo", LabeledCount(label: "slow", count: 3_000), as: LabeledCount.self)
            #expect(answer?.label == "SLOW")
        }
        let client = try client(server)
        while server.calls.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.005) }
        let started = Date()
        #expect(try client.call("test.v1.Echo/Echo", LabeledCount(label: "short", count: 0), as: LabeledCount.self).label == "SHORT")
        let waited = Date().timeIntervalSince(started)
        #expect(waited < 1.5, "the short call waited \(waited) s behind the 3 s one")
        slow.wait()
    }

    @Test func concurrentCallsGetTheirOwnAnswers() throws {
        let server = try EchoServer(workers: (count: 4, queueLimit: 64))
        let endpoint = server.endpoint
        let wrong = Atomic<Int>(0)
        let answered = Atomic<Int>(0)
        let clients = (0..<8).map { clientNumber in
            inBackground {
                guard let client = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "c\(clientNumber)") else { return }
                for call in 0..<25 {
                    let label = "client \(clientNumber) call \(call)"
                    // Uneven sleeps, so answers come back out of order across the workers.
                    let answer = try? client.call("test.v1.Echo/Echo", LabeledCount(label: label, count: Int64((clientNumber * 7 + call * 3) % 5)),
                                                  as: LabeledCount.self)
                    if answer?.label == label.uppercased() { answered.add(1, ordering: .relaxed) } else { wrong.add(1, ordering: .relaxed) }
                }
            }
        }
        for done in clients { done.wait() }
        #expect(wrong.load(ordering: .relaxed) == 0)
        #expect(answered.load(ordering: .relaxed) == 200)
    }

    @Test func aCallPastItsDeadlineEndsThereAndTheWorkerServesTheNext() throws {
        let server = try EchoServer(workers: (count: 1, queueLimit: 8))
        let client = try client(server)
        let started = Date()
        do {
            _ = try client.call("test.v1.Echo/UntilDeadline", LabeledCount(label: "long", count: 0), as: LabeledCount.self, timeoutMilliseconds: 200)
            Issue.record("a call past its deadline must not succeed")
        } catch {
            #expect(error.code == .deadlineExceeded)
        }
        // The only worker is free again at once: the next call is answered without waiting.
        #expect(try client.call("test.v1.Echo/Echo", LabeledCount(label: "next", count: 0), as: LabeledCount.self, timeoutMilliseconds: 2_000).label == "NEXT")
        #expect(Date().timeIntervalSince(started) < 2.5)
    }

    @Test func aFullQueueIsResourceExhaustedAndHealthIsAnsweredMeanwhile() throws {
        let server = try EchoServer(workers: (count: 1, queueLimit: 1))
        let endpoint = server.endpoint
        let busy = inBackground {
            let client = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "busy")
            _ = try? client?.call("test.v1.Echo/Echo", LabeledCount(label: "busy", count: 1_000), as: LabeledCount.self)
        }
        while server.calls.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.005) }
        let waiting = inBackground {
            let client = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "waiting")
            let answer = try? client?.call("test.v1.Echo/Echo", LabeledCount(label: "waiting", count: 0), as: LabeledCount.self)
            #expect(answer?.label == "WAITING")
        }
        Thread.sleep(forTimeInterval: 0.2)  // the waiting call is queued behind the busy one
        let client = try client(server)
        do {
            _ = try client.call("test.v1.Echo/Echo", LabeledCount(label: "one too many", count: 0), as: LabeledCount.self)
            Issue.record("a call beyond the queue limit must be refused")
        } catch {
            #expect(error.code == .resourceExhausted)
        }
        #expect(try client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMilliseconds: 300).status == .serving)
        busy.wait()
        waiting.wait()
    }

    @Test func aCachedAnswerIsServedWhileEveryWorkerIsBusy() throws {
        let server = try EchoServer(workers: (count: 1, queueLimit: 8))
        let endpoint = server.endpoint
        let client = try client(server)
        #expect(try client.call("test.v1.Echo/CachedEcho", LabeledCount(label: "a", count: 0), as: LabeledCount.self).label == "A")
        let busy = inBackground {
            let client = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "busy")
            _ = try? client?.call("test.v1.Echo/Echo", LabeledCount(label: "busy", count: 1_000), as: LabeledCount.self)
        }
        while server.calls.load(ordering: .relaxed) < 2 { Thread.sleep(forTimeInterval: 0.005) }
        #expect(try client.call("test.v1.Echo/CachedEcho", LabeledCount(label: "a", count: 0), as: LabeledCount.self, timeoutMilliseconds: 300).label == "A")
        #expect(server.cacheHits.load(ordering: .relaxed) == 1)
        busy.wait()
    }

    @Test func aDrainingServerAnswersTheQueuedCallsUnavailable() throws {
        let server = try EchoServer(workers: (count: 1, queueLimit: 8))
        let endpoint = server.endpoint
        let busy = inBackground {
            let client = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "busy")
            let answer = try? client?.call("test.v1.Echo/Echo", LabeledCount(label: "busy", count: 500), as: LabeledCount.self)
            #expect(answer?.label == "BUSY")  // a started call runs to its end
        }
        while server.calls.load(ordering: .relaxed) == 0 { Thread.sleep(forTimeInterval: 0.005) }
        let queued = inBackground {
            let client = try? RPCClient(endpoint: endpoint, context: try Context(), clientName: "queued")
            do {
                _ = try client?.call("test.v1.Echo/Echo", LabeledCount(label: "queued", count: 0), as: LabeledCount.self)
                Issue.record("a call queued when draining began must not run")
            } catch {
                #expect((error as? RPCError)?.code == .unavailable)
            }
        }
        Thread.sleep(forTimeInterval: 0.1)
        server.drain.store(true, ordering: .relaxed)
        busy.wait()
        queued.wait()
        #expect(server.calls.load(ordering: .relaxed) == 1)
    }
}
