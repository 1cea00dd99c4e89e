import Foundation
import GRDB

/// The ``PostJournal`` in a SQLite file: every accepted post, in arrival order, until the
/// query store acknowledges it.
///
/// SQLite in WAL mode with `synchronous = FULL`: ``append(_:)`` returns only
/// after the transaction is on disk, so an acknowledged Publish survives a
/// crash or power loss. The post id is UNIQUE, which is the deduplication;
/// once a post is acknowledged its payload is dropped and only the id is kept
/// for deduplication. Use from one thread.
public final class SQLiteJournal: PostJournal {
    public let path: String
    private let database: DatabaseQueue

    /// Opens (creating if needed) the journal at `path`.
    public init(path: String) throws(JournalError) {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(PostStore.busyTimeoutSeconds)  // a journal being closed by a process that is stopping
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS journal (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        post_id TEXT NOT NULL UNIQUE,
                        payload BLOB NOT NULL,
                        received_at_ms INTEGER NOT NULL,
                        acked INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX IF NOT EXISTS journal_pending ON journal(seq) WHERE acked = 0;
                    """)
            }
        } catch {
            throw JournalError(path: path, operation: "open", underlying: "\(error)")
        }
    }

    private func run<T>(_ operation: String, _ body: (Database) throws -> T) throws(JournalError) -> T {
        do { return try database.write(body) } catch {
            throw JournalError(path: path, operation: operation, underlying: "\(error)")
        }
    }

    public func append(_ posts: [(id: String, payload: [UInt8])], receivedAtMs: Int64) throws(JournalError) -> [Bool] {
        try run("append") { db in
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO journal (post_id, payload, received_at_ms) VALUES (?, ?, ?)")
            return try posts.map { post in
                try insert.execute(arguments: [post.id, Data(post.payload), receivedAtMs])
                return db.changesCount == 1
            }
        }
    }

    public func pending(after afterSeq: UInt64, limit: Int) throws(JournalError) -> [JournalEntry] {
        try run("read pending") { db in
            try Row.fetchAll(db, sql: "SELECT seq, payload, received_at_ms, post_id FROM journal WHERE acked = 0 AND seq > ? ORDER BY seq LIMIT ?",
                             arguments: [Int64(afterSeq), limit]).map(Self.entry)
        }
    }

    public func entries(_ seqs: [UInt64]) throws(JournalError) -> [JournalEntry] {
        guard !seqs.isEmpty else { return [] }
        return try run("read for redelivery") { db in
            let placeholders = Array(repeating: "?", count: seqs.count).joined(separator: ",")
            return try Row.fetchAll(db, sql: "SELECT seq, payload, received_at_ms, post_id FROM journal WHERE acked = 0 AND seq IN (\(placeholders)) ORDER BY seq",
                                    arguments: StatementArguments(seqs.map { Int64($0) })).map(Self.entry)
        }
    }

    private static func entry(_ row: Row) -> JournalEntry {
        JournalEntry(seq: UInt64(row[0] as Int64), payload: [UInt8](row[1] as Data), receivedAtMs: row[2], postID: row[3])
    }

    public func acknowledge(_ seqs: [UInt64]) throws(JournalError) -> Int {
        guard !seqs.isEmpty else { return 0 }
        return try run("acknowledge") { db in
            let update = try db.cachedStatement(sql: "UPDATE journal SET acked = 1, payload = x'' WHERE seq = ? AND acked = 0")
            var count = 0
            for seq in seqs {
                try update.execute(arguments: [Int64(seq)])
                count += db.changesCount
            }
            return count
        }
    }

    public func backlogCount() throws(JournalError) -> Int {
        try run("count backlog") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE acked = 0") ?? 0 }
    }
}
