import Foundation
import GRDB
import Testing
@testable import EarshotStore

@Suite struct ReadDeadlineTests {
    /// A read that never ends on its own: SQLite counts up for ever.
    static let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

    static func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    @Test func aReadPastItsDeadlineStopsAndTheStoreServesTheNextRead() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        _ = try store.apply([item(1, minute: 0)])
        let started = Date()
        #expect(throws: StoreError.deadlineExceeded("endless stopped at the call's deadline")) {
            try ReadDeadline.within(Self.nowMilliseconds() + 200) { () throws(StoreError) in
                try store.read("endless") { db in try Int.fetchOne(db, sql: Self.endless) }
            }
        }
        let stoppedAfter = Date().timeIntervalSince(started)
        #expect(stoppedAfter >= 0.19 && stoppedAfter < 2, "stopped after \(stoppedAfter) s")
        // The same thread and connection serve the next read, with a deadline or without.
        #expect(try ReadDeadline.within(Self.nowMilliseconds() + 5_000) { () throws(StoreError) in try store.postCount() } == 1)
        #expect(try store.postCount() == 1)
    }

    @Test func aReadWithoutADeadlineIsNotInterrupted() throws {
        let store = try PostStore(path: temporaryPath("store.sqlite"), durable: false)
        let sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) SELECT count(*) FROM c"
        #expect(try store.read("counting") { db in try Int.fetchOne(db, sql: sql) } == 2_000_000)
        // A deadline far enough away lets it finish too.
        #expect(try ReadDeadline.within(Self.nowMilliseconds() + 60_000) { () throws(StoreError) in
            try store.read("counting") { db in try Int.fetchOne(db, sql: sql) }
        } == 2_000_000)
    }
}
