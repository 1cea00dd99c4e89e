import Foundation

/// Acknowledges a stream's batches (publish to ingest, then move the cursor) on a thread of its
/// own, in the order they were handed over, so the source's thread reads and decodes the next
/// batch while ingest acknowledges the last one. One batch at most waits behind the one being
/// acknowledged (``submit(_:)`` blocks until it can hand over), so memory stays bounded; the
/// first failure stops the lane and is rethrown by the next ``submit(_:)`` or by ``finish()``.
/// The cursor only moves in `acknowledge`, after ingest's acknowledgement, as before.
final class AcknowledgementLane<Record>: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [Record]?
    private var failure: (any Error)?
    private var closing = false
    private let ended = DispatchSemaphore(value: 0)
    /// Dropped when the thread ends, so a closure lent by `withoutActuallyEscaping` is let go by
    /// the time ``close()`` returns.
    private var acknowledge: (([Record]) throws -> Void)?

    /// Starts the lane's thread, named `name`.
    init(name: String, acknowledge: @escaping ([Record]) throws -> Void) {
        self.acknowledge = acknowledge
        let thread = Thread { [self] in
            work()
            ended.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Hands `records` over once the batch before them is being acknowledged; throws the
    /// failure of an earlier batch instead.
    func submit(_ records: [Record]) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting != nil, failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting = records
        condition.broadcast()
    }

    /// Waits until every batch handed over is acknowledged, and throws the first failure.
    func finish() throws {
        close()
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
    }

    /// Lets the thread acknowledge what it has (unless a batch failed) and waits for it to end.
    func close() {
        condition.lock()
        let wasClosing = closing
        closing = true
        condition.broadcast()
        condition.unlock()
        if !wasClosing { ended.wait() }
    }

    private func work() {
        condition.lock()
        while true {
            while waiting == nil, !closing { condition.wait() }
            guard failure == nil, let batch = waiting else { break }
            waiting = nil
            condition.broadcast()
            condition.unlock()
            var caught: (any Error)?
            do { try acknowledge?(batch) } catch { caught = error }
            condition.lock()
            if let caught {
                failure = caught
                condition.broadcast()
            }
        }
        acknowledge = nil
        condition.unlock()
    }
}
