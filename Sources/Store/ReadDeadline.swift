import EarshotWire
import Foundation
import GRDB
import GRDBSQLite

/// The deadline of the reads a thread runs: a store read still running when it passes stops
/// at once with ``StoreError/deadlineExceeded(_:)``, so the thread is free for the next call
/// (the query service binds the RPC call's deadline around each read it serves).
public enum ReadDeadline {
    /// Unix milliseconds after which reads stop; nil: no deadline.
    @TaskLocal public static var unixMilliseconds: Int64?

    /// Runs `body` with its reads stopped at `deadline` (Unix ms; nil: none).
    public static func within<T>(_ deadline: Int64?, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try $unixMilliseconds.withValue(deadline) { Result { () throws(StoreError) in try body() } }.get()
    }

    /// SQLite virtual machine instructions between two looks at the clock (a few microseconds).
    static let instructionsBetweenChecks: Int32 = 10_000

    /// Runs `body` on `db` with a progress handler that interrupts it once `deadline` (Unix ms)
    /// has passed; SQLite then fails the running statement with SQLITE_INTERRUPT.
    static func interrupting<T>(_ db: Database, at deadline: Int64, _ body: () throws -> T) rethrows -> T {
        sqlite3_progress_handler(db.sqliteConnection, instructionsBetweenChecks, { deadline in
            wallClockMilliseconds() > Int64(Int(bitPattern: deadline)) ? 1 : 0
        }, UnsafeMutableRawPointer(bitPattern: Int(deadline)))
        defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
        return try body()
    }
}
