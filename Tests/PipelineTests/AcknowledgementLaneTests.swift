@testable import CollectService
import Foundation
import Synchronization
import Testing

/// The collector's acknowledgement lane: batches acknowledged in order on their own thread,
/// one batch at most waiting, and the first failure rethrown.
@Suite struct AcknowledgementLaneTests {
    struct Refused: Error, Equatable { let batch: Int }

    /// What the lane acknowledged, in order.
    final class Acknowledged: Sendable {
        private let items = Mutex<[Int]>([])
        func add(_ batch: [Int]) { items.withLock { $0 += batch } }
        var all: [Int] { items.withLock { $0 } }
    }

    @Test func acknowledgesEveryBatchInOrderBeforeFinishReturns() throws {
        let seen = Acknowledged()
        let lane = AcknowledgementLane<Int>(name: "test-acks") { batch in
            Thread.sleep(forTimeInterval: 0.002)
            seen.add(batch)
        }
        for start in stride(from: 0, to: 100, by: 10) { try lane.submit(Array(start..<start + 10)) }
        try lane.finish()
        #expect(seen.all == Array(0..<100))
        lane.close()  // a second close returns at once
    }

    @Test func holdsOneBatchAtMostBehindTheOneBeingAcknowledged() throws {
        let release = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        let lane = AcknowledgementLane<Int>(name: "test-acks") { batch in
            if batch == [1] {
                started.signal()
                release.wait()
            }
        }
        try lane.submit([1])
        started.wait()
        try lane.submit([2])  // waits behind batch 1
        let thirdHandedOver = DispatchSemaphore(value: 0)
        Thread {
            try? lane.submit([3])
            thirdHandedOver.signal()
        }.start()
        #expect(thirdHandedOver.wait(timeout: .now() + 0.2) == .timedOut)
        release.signal()
        #expect(thirdHandedOver.wait(timeout: .now() + 5) == .success)
        try lane.finish()
    }

    @Test func rethrowsTheFirstFailureAndAcknowledgesNothingAfterIt() throws {
        let seen = Acknowledged()
        let lane = AcknowledgementLane<Int>(name: "test-acks") { batch in
            if batch == [2] { throw Refused(batch: 2) }
            seen.add(batch)
        }
        try lane.submit([1])
        try lane.submit([2])
        var thrown: (any Error)?
        for n in 3...50 {
            do { try lane.submit([n]) } catch {
                thrown = error
                break
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(thrown as? Refused == Refused(batch: 2))
        #expect(throws: Refused(batch: 2)) { try lane.finish() }
        #expect(seen.all == [1])
    }
}
