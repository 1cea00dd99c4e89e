import GRDB
import GRDBSQLite
import Synchronization

/// WAL checkpoints off the writer's thread. SQLite's automatic checkpoint copies the WAL
/// into the database file inside the commit that takes the WAL past 1,000 pages, so the
/// writer waits for it (about a third of a 20,000-post batch's commit). Here the writer's
/// WAL hook only notes that a checkpoint is due, and ``checkpointIfDue(on:)``, called after
/// the transaction, runs it on a second connection's thread: a passive checkpoint, which
/// neither the writer nor readers wait for. Should those fall behind (the WAL past
/// ``writerLimitPages``), the writer checkpoints inside its commit as SQLite would.
final class BackgroundCheckpoints: Sendable {
    /// A checkpoint is due once the WAL holds this many pages (SQLite's automatic threshold).
    static let duePages: Int32 = 1_000
    /// Past this many WAL pages, the writer checkpoints by itself.
    static let writerLimitPages: Int32 = 4_096

    /// Set by the writer's WAL hook, taken by ``checkpointIfDue(on:)``.
    private let due = Atomic<Bool>(false)

    /// Installs the WAL hook on the writer connection, in place of SQLite's automatic checkpoint.
    /// `self` must outlive the connection: call it from the pool's `prepareDatabase` closure,
    /// which captures `self` and lives as long as the pool's connections.
    func watch(_ writer: Database) {
        sqlite3_wal_hook(writer.sqliteConnection, { context, connection, schema, pages in
            if pages >= BackgroundCheckpoints.writerLimitPages {
                sqlite3_wal_checkpoint(connection, schema)
            } else if pages >= BackgroundCheckpoints.duePages, let context {
                Unmanaged<BackgroundCheckpoints>.fromOpaque(context).takeUnretainedValue().due.store(true, ordering: .releasing)
            }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// When a checkpoint is due, runs it on `connection`'s thread and returns at once. A
    /// failed or partial checkpoint (a reader still on older pages) leaves the rest to the next.
    func checkpointIfDue(on connection: DatabaseQueue) {
        guard due.exchange(false, ordering: .acquiring) else { return }
        connection.asyncWriteWithoutTransaction { db in _ = try? db.checkpoint(.passive) }
    }
}
