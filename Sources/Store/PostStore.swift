import Dispatch
import EarshotWire
import Emotions
import Foundation
import GRDB
import GRDBSQLite

/// A store failure: a bad request, or the database failing.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The request is invalid; the message says how to fix it.
    case invalidArgument(String)
    /// A query id, group or post the request names does not exist.
    case notFound(String)
    /// The database failed while doing `operation`.
    case database(operation: String, message: String)
    /// The database cannot be reached (a server store that is down or unreachable); try again later.
    case unavailable(String)
    /// The read ran past its caller's deadline (``ReadDeadline``) and was stopped.
    case deadlineExceeded(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message), .notFound(let message), .deadlineExceeded(let message): return message
        case .database(let operation, let message): return "store \(operation) failed: \(message)"
        case .unavailable(let message): return "store unavailable: \(message)"
        }
    }
}

/// What applying a batch did.
public struct ApplyResult: Sendable, Equatable {
    /// Posts stored for the first time.
    public var inserted: Int
    /// Posts that were already stored (redeliveries); nothing changed for them.
    public var duplicates: Int

    public init(inserted: Int, duplicates: Int) {
        self.inserted = inserted
        self.duplicates = duplicates
    }
}

/// The query service's store: scored posts plus per-bucket aggregates, in SQLite (WAL).
///
/// ``apply(_:)`` is idempotent per post id and atomic per batch: a post's
/// row, hashtags and its share of every aggregate are written in the same
/// transaction, and only when the post is new, so whatever arrives twice is
/// counted once. Reads run concurrently with writes (WAL readers).
public final class PostStore: PostWriter {
    public let path: String
    let database: DatabasePool
    /// The WAL checkpoints, run on ``checkpointer``'s thread instead of the writer's.
    private let checkpoints: BackgroundCheckpoints
    /// A second writable connection, for the checkpoints (its serial queue runs them in order).
    let checkpointer: DatabaseQueue
    /// The saved listening query ids: the only matches that ``apply(_:)`` records.
    let savedQueries = SavedQueryCache()

    /// Opens or creates the store at `path`. With `durable`, each applied
    /// batch is fsynced before ``apply(_:)`` returns (acknowledged posts
    /// survive power loss); without, only process crashes are survived (no
    /// fsync at all, checkpoints included: `synchronous = OFF`).
    /// `writerCacheMegabytes` is the single writer's page cache: bigger
    /// speeds up applying to big stores (128 MB saves about 25 % of the apply
    /// time at 5 M posts) at the cost of resident memory; readers keep
    /// SQLite's default. At most `readerConnections` reads run at once (more wait for one).
    public init(path: String, durable: Bool = true, writerCacheMegabytes: Int = 32, readerConnections: Int = 5) throws(StoreError) {
        self.path = path
        let checkpoints = BackgroundCheckpoints()
        self.checkpoints = checkpoints
        do {
            var configuration = Configuration()
            configuration.maximumReaderCount = readerConnections
            configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = \(durable ? "FULL" : "OFF")")
                if !db.configuration.readonly {
                    try db.execute(sql: "PRAGMA page_size = \(Self.pageSize); PRAGMA cache_size = -\(writerCacheMegabytes * 1024)")
                    checkpoints.watch(db)
                }
            }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            database = try DatabasePool(path: path, configuration: configuration)
            try StoreSchema.migrator.migrate(database)
            var checkpointing = Configuration()
            checkpointing.label = "checkpointer"
            checkpointing.busyMode = .timeout(Self.busyTimeoutSeconds)
            checkpointing.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = \(durable ? "FULL" : "OFF")") }
            checkpointer = try DatabaseQueue(path: path, configuration: checkpointing)
            _ = try database.read { db in try savedQueries.ids(db) }
        } catch {
            throw StoreError.database(operation: "open \(path)", message: "\(error)")
        }
    }

    /// How long opening the store or writing to it waits for another connection's lock before
    /// failing: another process may hold the file for a moment, for example a store being closed
    /// (its last connection checkpoints the WAL into the file) while a restarted service opens it.
    static let busyTimeoutSeconds: TimeInterval = 10

    /// The page size of new stores (SQLite fixes it when the file is created; older stores keep
    /// theirs). 16 KB instead of the default 4 KB: a posts row is about 500 bytes, and bigger pages
    /// mean fewer page headers, splits and WAL frames per batch (apply 9 % faster at 400,000 posts).
    static let pageSize = 16_384

    /// Runs `body` on a reader connection; past the thread's ``ReadDeadline`` it is interrupted
    /// and fails with ``StoreError/deadlineExceeded(_:)``.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        let deadline = ReadDeadline.unixMilliseconds
        do {
            return try database.read { db in
                guard let deadline else { return try body(db) }
                return try ReadDeadline.interrupting(db, at: deadline) { try body(db) }
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT && deadline != nil {
            throw StoreError.deadlineExceeded("\(operation) stopped at the call's deadline")
        } catch {
            throw StoreError.database(operation: operation, message: "\(error)")
        }
    }

    // MARK: Writing

    /// Stores the new posts of a batch and adds them to the aggregates, in one transaction.
    ///
    /// Matches of listening queries that are not saved (deleted while the posts were
    /// in flight) are dropped: no `post_queries` rows, no aggregates for them.
    ///
    /// The aggregate and insight deltas are computed on a thread of their own while
    /// the writer inserts the rows, assuming every post is new and the saved queries
    /// unchanged since the last batch; when some posts were already stored or the
    /// queries changed, they are computed again from the new posts only.
    public func apply(_ posts: [ScoredPost]) throws(StoreError) -> ApplyResult {
        do {
            let deltas = BatchDeltas()
            let computing = DispatchGroup()
            let assumedQueries = savedQueries.latest ?? SavedQueryIDs(version: -1, ids: [])
            DispatchQueue.global().async(group: computing) { deltas.add(posts, countedIn: .allPostsAndMatches(saved: assumedQueries.ids)) }
            defer { computing.wait() }
            let prepared = PreparedPosts(posts)
            let applied = try database.write { db in
                let insertPost = try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO posts (id, created_at_ms, author_id, author_handle, platform, language,
                        sentiment, reach, engagement, priority, search_text, view, emotions)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                let insertTag = try db.cachedStatement(sql: "INSERT OR IGNORE INTO post_hashtags (tag, created_at_ms, post_rowid) VALUES (?1, ?2, ?3)")
                let insertMatch = try db.cachedStatement(sql: "INSERT OR IGNORE INTO post_queries (query_id, created_at_ms, post_rowid) VALUES (?1, ?2, ?3)")
                let saved = try savedQueries.ids(db)
                var result = ApplyResult(inserted: 0, duplicates: 0)
                var duplicateIndices: Set<Int> = []
                /// Inserts each distinct key of `keys` (hashtags or query ids) that `isIncluded`
                /// for the post at `createdAt` with `rowID`.
                func insertDistinct(_ keys: [String], with statement: Statement, createdAt: Int64, rowID: Int64,
                                    where isIncluded: (String) -> Bool = { _ in true }) throws {
                    for (position, key) in keys.enumerated() where isIncluded(key) && !keys[..<position].contains(key) {
                        try RawStatement(statement, db).run { bind in
                            bind.text(1, key)
                            bind.int(2, createdAt)
                            bind.int(3, rowID)
                        }
                    }
                }
                // Through the buffer, fields are read in place: no copy (and retains) of each whole post.
                try posts.withUnsafeBufferPointer { items in
                    for index in items.indices {
                        try RawStatement(insertPost, db).run { bind in
                            bind.text(1, items[index].id)
                            bind.int(2, items[index].createdAtMs)
                            bind.text(3, items[index].authorID)
                            bind.text(4, prepared.handles[index])
                            bind.int(5, Int64(Platform(name: items[index].platform)?.rawValue ?? 0))
                            bind.text(6, items[index].language)
                            bind.int(7, Int64(SentimentClass(items[index].sentiment).rawValue))
                            bind.double(8, items[index].reach)
                            bind.double(9, items[index].engagement)
                            bind.int(10, Int64(items[index].priority))
                            bind.text(11, prepared.searchTexts[index])
                            bind.blob(12, items[index].record)
                            bind.int(13, EmotionBits.of(items[index].emotions))
                        }
                        guard sqlite3_changes(db.sqliteConnection) == 1 else {
                            result.duplicates += 1
                            duplicateIndices.insert(index)
                            continue
                        }
                        result.inserted += 1
                        let rowID = sqlite3_last_insert_rowid(db.sqliteConnection)
                        let createdAt = items[index].createdAtMs
                        try insertDistinct(items[index].hashtags, with: insertTag, createdAt: createdAt, rowID: rowID)
                        try insertDistinct(items[index].matchedQueryIDs, with: insertMatch, createdAt: createdAt, rowID: rowID,
                                           where: saved.ids.contains)
                    }
                }
                computing.wait()
                if duplicateIndices.isEmpty && saved.version == assumedQueries.version {
                    try deltas.write(db)
                } else {
                    let fresh = BatchDeltas()
                    fresh.add(posts.indices.lazy.filter { !duplicateIndices.contains($0) }.map { posts[$0] },
                              countedIn: .allPostsAndMatches(saved: saved.ids))
                    try fresh.write(db)
                }
                return result
            }
            checkpoints.checkpointIfDue(on: checkpointer)
            return applied
        } catch {
            throw StoreError.database(operation: "apply batch of \(posts.count)", message: "\(error)")
        }
    }

    /// How many posts are stored.
    public func postCount() throws(StoreError) -> Int {
        try read("count") { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM posts") ?? 0 }
    }
}

/// Emotion labels as the store keeps them: bit `Emotion.rawValue` set for each label.
enum EmotionBits {
    /// The bits of `emotions`' labels; 0 when emotions are unavailable (nil).
    static func of(_ emotions: [String]?) -> Int64 {
        guard let emotions else { return 0 }
        return emotions.reduce(0) { bits, name in bits | (Emotion(name: name).map { 1 << $0.rawValue } ?? 0) }
    }
}

/// Sentiment as the store keeps it.
enum SentimentClass: Int {
    case unavailable = 0, negative = 1, neutral = 2, positive = 3

    init(_ label: SentimentLabel) {
        switch label {
        case .positive: self = .positive
        case .negative: self = .negative
        case .neutral: self = .neutral
        case .unavailable: self = .unavailable
        }
    }
}
