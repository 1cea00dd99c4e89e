import Dispatch
import EarshotStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// The store on PostgreSQL 15: the same writer and read models as the SQLite ``PostStore``,
/// for deployments that outgrow one machine (schema: ``PostgresSchema``).
///
/// Connections on a dedicated event loop: the writer's (``apply(_:)`` and claims, one
/// transaction at a time) and the readers' (each read in one REPEATABLE READ transaction on a
/// connection of its own, so its roll-ups and edge posts are one snapshot, and up to
/// `readerConnections` reads run at once). Callers block; none runs on the event loop.
/// Failures are typed: ``StoreError/unavailable(_:)`` while the server cannot be reached (a
/// lost connection is opened again by the next call), ``StoreError/database(operation:message:)``
/// for the server's errors.
public final class PostgresStore: Sendable {
    public let location: PostgresLocation
    private let eventLoops: MultiThreadedEventLoopGroup
    let writer: PostgresSession
    /// The readers' connections (``read(_:_:)`` takes one for each read).
    let readers: ReaderSessions
    /// The health check's own connection, so that a long read never delays it.
    private let prober: PostgresSession
    /// Days whose partition of `posts` exists, and the retention's cutoff.
    let retention = NIOLockedValueBox(RetentionState())
    /// Whether to run the migrations (the writer) rather than only check the schema version (a reader).
    private let migrates: Bool
    /// Whether ``prepare()`` succeeded.
    private let isPrepared = NIOLockedValueBox(false)
    private let eventLoopsStopped = NIOLockedValueBox(false)

    /// A store at `location`, not connected yet: the first call (or ``prepare()``) connects and,
    /// with `migrate` (the writer), runs the missing migrations first.
    /// At most `readerConnections` reads run at once, each on a connection of its own.
    public init(location: PostgresLocation, migrate: Bool = true, readerConnections: Int = 1, logger: Logger = Logger(label: "earshot.store.postgres")) {
        self.location = location
        migrates = migrate
        eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        writer = PostgresSession(location: location, eventLoops: eventLoops, logger: logger)
        let loops = eventLoops
        readers = ReaderSessions((0..<max(1, readerConnections)).map { _ in PostgresSession(location: location, eventLoops: loops, logger: logger) })
        prober = PostgresSession(location: location, eventLoops: eventLoops, logger: logger)
    }

    deinit { close() }

    /// The connection of the read running on this thread (``read(_:_:)`` binds it), else the
    /// first reader connection (shared by the reads that hold it for a call, under its lock).
    var reader: PostgresSession { Self.boundReader ?? readers.first }

    /// The reader connection ``read(_:_:)`` holds on this thread.
    @TaskLocal static var boundReader: PostgresSession?

    /// Connects, runs the missing migrations (the writer) and checks the schema version. UNAVAILABLE
    /// while the server cannot be reached; a database failure when the schema is not this build's.
    /// Every call prepares the store first if this has not succeeded yet.
    public func prepare() throws(StoreError) {
        if migrates { try PostgresSchema.migrate(writer) }
        let version = try PostgresSchema.version(reader)
        let latest = PostgresSchema.migrations.last!.version
        guard version == latest else {
            throw .database(operation: "open \(location)",
                            message: "schema version \(version), this build needs \(latest): start the writer (query --role writer or all) first")
        }
        isPrepared.withLockedValue { $0 = true }
    }

    /// Whether the server answers now, on a connection of its own: UNAVAILABLE when it cannot be
    /// reached or has not answered `SELECT 1` within `timeoutMilliseconds`.
    public func checkReachable(timeoutMilliseconds: Int64 = 3_000) throws(StoreError) {
        try prober.exclusively { () throws(StoreError) in try prober.ping(timeout: .milliseconds(timeoutMilliseconds)) }
    }

    /// Prepares the store unless that succeeded before.
    func prepared() throws(StoreError) {
        if !isPrepared.withLockedValue({ $0 }) { try prepare() }
    }

    /// Closes the connections and stops the event loop.
    public func close() {
        writer.close()
        readers.close()
        prober.close()
        guard !eventLoopsStopped.withLockedValue({ stopped in defer { stopped = true }; return stopped }) else { return }
        try? eventLoops.syncShutdownGracefully()
    }
}

extension PostgresStore: PostWriter {
    /// Stores the new posts of a batch and adds them to the roll-ups, in one transaction;
    /// posts already stored (same id and creation time) change nothing. Matches of listening
    /// queries that are not saved are dropped. Posts older than the retention's cutoff
    /// (``dropPartitions(before:)``) are not stored again: they count as duplicates.
    public func apply(_ batch: [ScoredPost]) throws(StoreError) -> ApplyResult {
        guard !batch.isEmpty else { return ApplyResult(inserted: 0, duplicates: 0) }
        try prepared()
        let operation = "apply batch of \(batch.count)"
        return try writer.exclusively { () throws(StoreError) in
            let cutoff = retention.withLockedValue { $0.cutoffMs }
            let posts = batch.allSatisfy { $0.createdAtMs >= cutoff } ? batch : batch.filter { $0.createdAtMs >= cutoff }
            guard !posts.isEmpty else { return ApplyResult(inserted: 0, duplicates: batch.count) }
            try createPartitions(days: Set(posts.map { BucketLevel.day.bucketStart($0.createdAtMs) / BucketLevel.day.width }))
            return try writer.transaction(operation) { () throws(StoreError) in
                let savedRows = try writer.rows(operation, "SELECT id FROM listening_queries")
                var saved: Set<String> = []
                for row in savedRows { saved.insert(try PostgresSession.decode(row, String.self, operation)) }
                // The usual batch is all new: its posts go in plain inserts (no conflict checks), in
                // chunks each prepared while the server inserts the one before, after a savepoint to
                // go back to when a post was stored already.
                var rows: [PostRow] = []
                var matches: [[String]] = []
                rows.reserveCapacity(posts.count)
                matches.reserveCapacity(posts.count)
                var sent = [try writer.send(operation, "SAVEPOINT new_posts")]
                for chunkRange in Self.insertChunks(posts: posts.count) {
                    let chunk = posts[chunkRange].map(PostRow.init)
                    let chunkMatches = chunk.map { row in PostRow.distinct(row.post.matchedQueryIDs.filter(saved.contains)) }
                    sent.append(try writer.send(operation, Self.insertPosts, Self.insertBinds(chunk, matches: chunkMatches)))
                    rows += chunk
                    matches += chunkMatches
                }
                // Their roll-up upserts are summed and encoded while the server inserts them.
                let assumingAllNew = PendingUpserts(rows: rows, matches: matches)
                defer { _ = assumingAllNew.value() }
                if try writer.completedWithoutUniqueViolation(sent) {
                    try assumingAllNew.value().run(on: writer, operation: operation)
                    let inserted = rows.count
                    Self.freeInBackground(consume rows)
                    return ApplyResult(inserted: inserted, duplicates: batch.count - inserted)
                }
                // A redelivery: back to the savepoint, and only the posts not stored yet count.
                try writer.rows(operation, "ROLLBACK TO SAVEPOINT new_posts")
                let inserted = try insertNew(rows, matches: matches, operation: operation)
                var delta = RollupDelta()
                var counted: Set<PostKey> = []
                for (index, row) in rows.enumerated() {
                    let key = PostKey(id: PostRow.storable(row.post.id), createdAtMs: row.post.createdAtMs)
                    guard inserted.contains(key), counted.insert(key).inserted else { continue }
                    delta.add(row, scopes: [""] + matches[index])
                }
                try write(delta, operation: operation)
                return ApplyResult(inserted: counted.count, duplicates: batch.count - counted.count)
            }
        }
    }

    /// The posts of each insert statement when ``apply(_:)`` stores `count` posts: 1,000 first, so
    /// that the server starts inserting soon, then each chunk up to 2.5 times the one before, as
    /// it is prepared while the server inserts that one (which takes two to three times as long;
    /// chunks of 500 then doubling left the server idle longer, waiting for their binds).
    static func insertChunks(posts count: Int) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        var size = 1_000
        while chunks.last?.upperBound ?? 0 < count {
            let start = chunks.last?.upperBound ?? 0
            chunks.append(start..<min(count, start + size))
            size = size * 5 / 2
        }
        return chunks
    }

    /// Frees a batch's rows on another thread, so that freeing them does not delay the commit.
    private static func freeInBackground(_ rows: consuming [PostRow]) {
        let rows = rows
        DispatchQueue.global(qos: .utility).async { withExtendedLifetime(rows) {} }
    }

    /// A batch's roll-up upserts, summed as if every row were new and encoded, on another thread
    /// while the writer's thread waits for the inserts; used when no insert broke the primary key
    /// (every row was new, and none was repeated).
    private final class PendingUpserts: @unchecked Sendable {
        private var upserts: RollupUpserts?  // written by the summing thread, read after `built`
        private let built = DispatchGroup()

        init(rows: [PostRow], matches: [[String]]) {
            DispatchQueue.global().async(group: built) { [self] in
                var delta = RollupDelta()
                for (index, row) in rows.enumerated() { delta.add(row, scopes: [""] + matches[index]) }
                upserts = RollupUpserts(delta)
            }
        }

        /// The upserts, once built.
        func value() -> RollupUpserts {
            built.wait()
            return upserts!
        }
    }

    /// The days whose partition exists (as far as this store created them) and the cutoff before
    /// which posts were dropped by the retention.
    struct RetentionState {
        var partitionedDays: Set<Int64> = []
        var cutoffMs: Int64 = 0
    }

    /// A stored post's primary key.
    struct PostKey: Hashable {
        var id: String
        var createdAtMs: Int64
    }

    /// Creates the missing day partitions of `posts`, each in its own short statement (it locks `posts`).
    private func createPartitions(days: Set<Int64>) throws(StoreError) {
        let known = retention.withLockedValue { $0.partitionedDays }
        for day in days.subtracting(known).sorted() {
            let from = day * BucketLevel.day.width
            try writer.rows("create partition for day \(day)", """
                CREATE TABLE IF NOT EXISTS \(PostgresSchema.partitionName(day: day)) PARTITION OF posts
                FOR VALUES FROM (\(from)) TO (\(from + BucketLevel.day.width))
                """)
            retention.withLockedValue { _ = $0.partitionedDays.insert(day) }
        }
    }

    /// Inserts `rows` (`matches[i]`: the saved queries row i matched), skipping those stored
    /// already, and returns the keys of the new ones.
    private func insertNew(_ rows: [PostRow], matches: [[String]], operation: String) throws(StoreError) -> Set<PostKey> {
        var keys: Set<PostKey> = []
        for row in try writer.rows(operation, Self.insertPosts + " ON CONFLICT DO NOTHING RETURNING id, created_at_ms",
                                   Self.insertBinds(rows, matches: matches)) {
            let (id, createdAtMs) = try PostgresSession.decode(row, (String, Int64).self, operation)
            keys.insert(PostKey(id: id, createdAtMs: createdAtMs))
        }
        return keys
    }

    /// The insert of posts rows from the arrays of ``insertBinds(_:matches:)``. The arrays are
    /// unnested in the select list, row by row, rather than by `unnest(…) AS batch(…)` in FROM,
    /// which first copies all of them into tuple stores (a 20,000-row insert of six such columns
    /// took 25–31 ms against 44–63 ms in psql).
    private static let insertPosts = """
        INSERT INTO posts (id, created_at_ms, author_id, author_handle, platform, language, sentiment, reach, engagement,
                           priority, search_text, emotions, hashtags, terms, domains, mentions, query_ids, record)
        SELECT id, created_at_ms, author_id, author_handle, platform, language, sentiment, reach, engagement, priority,
               search_text, CASE WHEN has_emotions THEN string_to_array(emotions, chr(31)) END,
               string_to_array(hashtags, chr(31)), string_to_array(terms, chr(31)), string_to_array(domains, chr(31)),
               string_to_array(mentions, chr(31)), string_to_array(query_ids, chr(31)), record
        FROM (SELECT unnest($1::text[]) AS id, unnest($2::int8[]) AS created_at_ms, unnest($3::text[]) AS author_id,
                     unnest($4::text[]) AS author_handle, unnest($5::text[]) AS platform, unnest($6::text[]) AS language,
                     unnest($7::text[]) AS sentiment, unnest($8::float8[]) AS reach, unnest($9::float8[]) AS engagement,
                     unnest($10::int4[]) AS priority, unnest($11::text[]) AS search_text, unnest($12::bool[]) AS has_emotions,
                     unnest($13::text[]) AS emotions, unnest($14::text[]) AS hashtags, unnest($15::text[]) AS terms,
                     unnest($16::text[]) AS domains, unnest($17::text[]) AS mentions, unnest($18::text[]) AS query_ids,
                     unnest($19::bytea[]) AS record) AS batch
        """

    /// The columns of `rows` as arrays, one bind each (`matches[i]`: the saved queries row i matched).
    private static func insertBinds(_ rows: [PostRow], matches: [[String]]) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(rows.map { PostRow.storable($0.post.id) })
        binds.append(rows.map(\.post.createdAtMs))
        binds.append(rows.map { PostRow.storable($0.post.authorID) })
        binds.append(rows.map(\.handle))
        binds.append(rows.map { PostRow.storable($0.post.platform) })
        binds.append(rows.map { PostRow.storable($0.post.language) })
        binds.append(rows.map(\.post.sentiment.rawValue))
        binds.append(rows.map(\.post.reach))
        binds.append(rows.map(\.post.engagement))
        binds.append(rows.map { Int32(clamping: $0.post.priority) })
        binds.append(rows.map(\.searchText))
        binds.append(rows.map { $0.emotions != nil })
        binds.append(rows.map { PostRow.joined($0.emotions ?? []) })
        binds.append(rows.map { PostRow.joined($0.hashtags) })
        binds.append(rows.map { PostRow.joined($0.terms) })
        binds.append(rows.map { PostRow.joined($0.domains) })
        binds.append(rows.map { PostRow.joined($0.mentions) })
        binds.append(matches.map(PostRow.joined))
        binds.append(rows.map { ByteBuffer(bytes: $0.post.record) })
        return binds
    }

    /// Adds `delta` to the roll-ups (``RollupUpserts``), on the writer's connection inside its transaction.
    func write(_ delta: RollupDelta, operation: String) throws(StoreError) {
        try RollupUpserts(delta).run(on: writer, operation: operation)
    }

    /// How many posts are stored.
    public func postCount() throws(StoreError) -> Int {
        try prepared()
        return try reader.exclusively { () throws(StoreError) in
            let rows = try reader.rows("count", "SELECT count(*) FROM posts")
            return Int(try PostgresSession.decode(rows[0], Int64.self, "count"))
        }
    }

    /// Claims a post for `agent`: the first claim wins, a repeat by the same agent is a success,
    /// and the post leaves the care queue. NOT_FOUND for an unknown post.
    public func markHandled(postID: String, agent: String, now: Int64) throws(StoreError) -> CareClaim {
        try ReadArguments.checkClaim(postID: postID, agent: agent)
        let operation = "mark handled"
        try prepared()
        return try writer.exclusively { () throws(StoreError) in
            try writer.transaction(operation) { () throws(StoreError) in
                var post = PostgresBindings()
                post.append(postID)
                guard try !writer.rows(operation, "SELECT 1 FROM posts WHERE id = $1 LIMIT 1", post).isEmpty else {
                    throw .notFound("no stored post with id '\(postID)'")
                }
                var claim = PostgresBindings()
                claim.append(postID)
                claim.append(agent)
                claim.append(now)
                try writer.rows(operation, "INSERT INTO care_handled (post_id, agent, handled_at_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", claim)
                let rows = try writer.rows(operation, "SELECT agent, handled_at_ms FROM care_handled WHERE post_id = $1", post)
                let (handledBy, handledAt) = try PostgresSession.decode(rows[0], (String, Int64).self, operation)
                return CareClaim(claimed: handledBy == agent, handledBy: handledBy, handledAtMs: handledAt)
            }
        }
    }
}
