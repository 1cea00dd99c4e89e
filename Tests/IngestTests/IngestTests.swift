import Foundation
import Testing
import EarshotStore
import EarshotWire
@testable import IngestService
import ServiceRuntime

func journalPath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("earshot-test-\(UUID().uuidString)/journal.sqlite").path
}

@Suite struct JournalTests {
    @Test func appendDeduplicatesAcrossCallsAndWithinOne() throws {
        let journal = try SQLiteJournal(path: journalPath())
        #expect(try journal.append([("a", [1]), ("b", [2]), ("a", [3])], receivedAtMs: 1) == [true, true, false])
        #expect(try journal.append([("b", [4]), ("c", [5])], receivedAtMs: 2) == [false, true])
        #expect(try journal.backlogCount() == 3)
        let pending = try journal.pending(after: 0, limit: 10)
        #expect(pending.map(\.payload) == [[1], [2], [5]])
        #expect(try journal.pending(after: pending[0].seq, limit: 1).map(\.payload) == [[2]])
    }

    @Test func acknowledgedEntriesLeaveTheBacklogButStillDeduplicate() throws {
        let journal = try SQLiteJournal(path: journalPath())
        _ = try journal.append([("a", [1]), ("b", [2])], receivedAtMs: 1)
        let seqs = try journal.pending(after: 0, limit: 10).map(\.seq)
        #expect(try journal.acknowledge([seqs[0], seqs[0], 999]) == 1)
        #expect(try journal.backlogCount() == 1)
        #expect(try journal.entries(seqs).map(\.seq) == [seqs[1]])
        #expect(try journal.append([("a", [9])], receivedAtMs: 3) == [false])
    }

    @Test func entriesSurviveReopening() throws {
        let path = journalPath()
        do {
            let journal = try SQLiteJournal(path: path)
            _ = try journal.append([("a", [1, 2, 3])], receivedAtMs: 42)
        }
        let reopened = try SQLiteJournal(path: path)
        let entry = try #require(try reopened.pending(after: 0, limit: 1).first)
        #expect(entry.payload == [1, 2, 3])
        #expect(entry.receivedAtMs == 42)
    }

    @Test func anUnwritablePathIsATypedError() {
        #expect(throws: JournalError.self) { try SQLiteJournal(path: "/proc/earshot/journal.sqlite") }
    }
}

@Suite struct InFlightWindowTests {
    @Test func windowBoundsDispatchAndForgetsAcknowledged() {
        var window = InFlightWindow(capacity: 3, redeliveryTimeoutMs: 1_000)
        for seq in 1...3 { window.dispatched(UInt64(seq), at: 0) }
        #expect(window.freeSlots == 0)
        #expect(window.acknowledged([2, 7]) == 1)
        #expect(window.freeSlots == 1)
    }

    @Test func aFullWindowStillLetsRedeliveriesOut() {
        var window = InFlightWindow(capacity: 4, redeliveryTimeoutMs: 1_000)
        for seq in 1...4 { window.dispatched(UInt64(seq), at: 0) }
        // All four were lost downstream: no ack will ever free a slot.
        #expect(window.batchLimit(batchSize: 100, redelivering: false) == 0)
        #expect(window.batchLimit(batchSize: 100, redelivering: true) == 100)
        #expect(window.acknowledged([1]) == 1)
        #expect(window.batchLimit(batchSize: 100, redelivering: false) == 1)
    }

    @Test func overdueEntriesAreRedeliveredWithAHigherAttempt() {
        var window = InFlightWindow(capacity: 10, redeliveryTimeoutMs: 1_000)
        window.dispatched(1, at: 0)
        window.dispatched(2, at: 500)
        #expect(window.overdue(at: 999, limit: 10) == [])
        #expect(window.overdue(at: 1_000, limit: 10) == [1])
        #expect(window.overdue(at: 1_600, limit: 1) == [1])
        #expect(window.dispatched(1, at: 1_600) == 2)
        #expect(window.attempt(of: 1) == 2)
        #expect(window.overdue(at: 1_600, limit: 10) == [2])
    }
}

@Suite struct DispatchBudgetTests {
    @Test func batchesAreCutAtTheByteBudgetWithOnePostAtLeast() {
        let budget = PipelineLimits.dispatchBudgetBytes
        let perPost = PipelineLimits.dispatchCost(payloadBytes: 1_000)
        #expect(IngestService.withinDispatchBudget(Array(repeating: 1_000, count: 10)) == 10)
        #expect(IngestService.withinDispatchBudget(Array(repeating: 1_000, count: 5_000)) == budget / perPost)
        #expect(IngestService.withinDispatchBudget([PostLimits.maxEncodedBytes, 1]) == 2)
        #expect(IngestService.withinDispatchBudget([budget, 1]) == 1)  // a post over the budget travels alone
        #expect(IngestService.withinDispatchBudget([]) == 0)
    }

    /// The frame limit of the batch sockets follows from the limits ingest enforces,
    /// and refuses the 20 MiB frame of issue #14.
    @Test func theLargestLegalBatchFitsTheSocketLimitAndTwentyMiBDoesNot() {
        let largestDispatch = PipelineLimits.dispatchBudgetBytes + PostLimits.maxEncodedBytes + PipelineLimits.wrappingBytesPerPost
        #expect(PipelineLimits.maxDispatchBytes > largestDispatch)
        #expect(PipelineLimits.maxBatchBytes >= Int64(PipelineLimits.maxDispatchBytes * PipelineLimits.enrichmentGrowth))
        #expect(PipelineLimits.maxBatchBytes < 20 << 20)
        #expect(PipelineLimits.maxAckBytes >= Int64(PipelineLimits.maxAckedPerMessage * 10))
    }
}
