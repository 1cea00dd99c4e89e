import EarshotStore
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations. The writer runs the missing ones on start,
/// each in its own transaction, holding an advisory lock so two writers never migrate at once;
/// `earshot_migrations` records which ran.
///
/// - `posts` is partitioned by day of `created_at_ms` (declarative range partitions
///   `posts_d<day number>`, created by the writer for the days a batch holds); retention drops
///   whole partitions. Its primary key (id, created_at_ms) makes applying idempotent per post
///   (a redelivered post carries the same creation time). The facets a post counts in (hashtags,
///   terms, domains, mentions, emotions, matched listening queries) are arrays on the row, so the
///   edges of a range are counted from the posts in SQL.
/// - `rollup_totals` (with a count per emotion label) and `rollup_facets` hold the aggregates per scope ("" = every post, else a
///   listening query id), level (0 minute, 1 hour, 2 day) and bucket, updated in the apply's
///   transaction; `rollup_facets` only for hours and days: the minute facet counts are packed in
///   `rollup_minute_facets`, one row per scope, pack (``RollupFacet/minutePack``) and minute with
///   parallel arrays of facet, value and count, so an apply upserts a row per scope-minute rather
///   than one per value. `author_sketches` holds a HyperLogLog sketch of the authors per scope and
///   hour or day (``AuthorSketches``).
/// - Indexes: (created_at_ms, seq), carrying author_id and query_ids, for search and export
///   paging and for unique authors read from the index alone; (priority, created_at_ms, seq)
///   for the care queue; GIN on `query_ids` for listening-query scopes and on `hashtags`; `seq`
///   for backfills, which walk the posts in the order they were stored.
/// - `listening_queries` (with a backfill's state) and `alerts` (the encoded `Alert`, by id).
enum PostgresSchema {
    /// Migrations by version, oldest first; never edited once released, only appended to.
    /// Statements are separated by ";" (which they never hold otherwise).
    static let migrations: [(version: Int, sql: String)] = [
        (1, """
            CREATE TABLE listening_queries (
                id text PRIMARY KEY,
                name text NOT NULL,
                group_name text NOT NULL,
                query text NOT NULL,
                created_at_ms bigint NOT NULL,
                UNIQUE (group_name, name)
            );
            CREATE SEQUENCE listening_query_numbers;
            CREATE TABLE listening_state (
                singleton integer PRIMARY KEY CHECK (singleton = 1),
                version bigint NOT NULL
            );
            INSERT INTO listening_state (singleton, version) VALUES (1, 1);
            CREATE SEQUENCE post_seq;
            CREATE TABLE posts (
                id text NOT NULL,
                created_at_ms bigint NOT NULL,
                seq bigint NOT NULL DEFAULT nextval('post_seq'),
                author_id text NOT NULL,
                author_handle text NOT NULL,
                platform text NOT NULL,
                language text NOT NULL,
                sentiment text NOT NULL,
                reach double precision NOT NULL,
                engagement double precision NOT NULL,
                priority integer NOT NULL,
                search_text text NOT NULL,
                emotions text[],
                hashtags text[] NOT NULL,
                terms text[] NOT NULL,
                domains text[] NOT NULL,
                mentions text[] NOT NULL,
                query_ids text[] NOT NULL,
                record bytea NOT NULL,
                PRIMARY KEY (id, created_at_ms)
            ) PARTITION BY RANGE (created_at_ms);
            CREATE INDEX posts_by_time ON posts (created_at_ms, seq);
            CREATE INDEX posts_by_care ON posts (priority, created_at_ms, seq);
            CREATE INDEX posts_by_query ON posts USING gin (query_ids);
            CREATE INDEX posts_by_hashtag ON posts USING gin (hashtags);
            CREATE TABLE care_handled (
                post_id text PRIMARY KEY,
                agent text NOT NULL,
                handled_at_ms bigint NOT NULL
            );
            CREATE TABLE rollup_totals (
                scope text NOT NULL,
                level smallint NOT NULL,
                bucket_ms bigint NOT NULL,
                posts bigint NOT NULL,
                reach double precision NOT NULL,
                engagement double precision NOT NULL,
                positive bigint NOT NULL,
                neutral bigint NOT NULL,
                negative bigint NOT NULL,
                unavailable bigint NOT NULL,
                PRIMARY KEY (scope, level, bucket_ms)
            );
            CREATE TABLE rollup_facets (
                scope text NOT NULL,
                facet smallint NOT NULL,
                level smallint NOT NULL,
                bucket_ms bigint NOT NULL,
                value text NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (scope, facet, level, bucket_ms, value)
            );
            """),
        (2, """
            ALTER TABLE listening_queries ADD COLUMN updated_at_ms bigint NOT NULL DEFAULT 0;
            UPDATE listening_queries SET updated_at_ms = created_at_ms;
            ALTER TABLE listening_queries ADD COLUMN backfill_state text NOT NULL DEFAULT '';
            CREATE INDEX posts_by_seq ON posts (seq);
            CREATE TABLE alerts (
                id text PRIMARY KEY,
                scope text NOT NULL,
                kind smallint NOT NULL,
                severity smallint NOT NULL,
                bucket_ms bigint NOT NULL,
                alert bytea NOT NULL
            );
            CREATE INDEX alerts_by_bucket ON alerts (bucket_ms)
            """),
        // Minute facet counts packed one row per scope, pack and minute (they were most of the
        // rows an apply upserted), and author sketches (filled from the posts by `fillAuthorSketches`).
        (3, """
            CREATE TABLE rollup_minute_facets (
                scope text NOT NULL,
                pack smallint NOT NULL,
                bucket_ms bigint NOT NULL,
                facets smallint[] NOT NULL,
                vals text[] NOT NULL,
                counts bigint[] NOT NULL,
                PRIMARY KEY (scope, pack, bucket_ms)
            );
            INSERT INTO rollup_minute_facets (scope, pack, bucket_ms, facets, vals, counts)
                SELECT scope, CASE WHEN facet IN (0, 1, 2) THEN 0 ELSE 1 END, bucket_ms, array_agg(facet), array_agg(value), array_agg(count)
                FROM rollup_facets WHERE level = 0 GROUP BY 1, 2, 3;
            DELETE FROM rollup_facets WHERE level = 0;
            CREATE TABLE author_sketches (
                scope text NOT NULL,
                level smallint NOT NULL,
                bucket_ms bigint NOT NULL,
                registers bytea NOT NULL,
                PRIMARY KEY (scope, level, bucket_ms)
            )
            """),
        // The time index carries the author and the matched queries, so that unique authors of a
        // range (exact counts, and the minutes and edges of sketch estimates) are read from the
        // index alone (an index-only scan) rather than from the posts' wide rows.
        (4, """
            DROP INDEX posts_by_time;
            CREATE INDEX posts_by_time ON posts (created_at_ms, seq) INCLUDE (author_id, query_ids)
            """),
        // Emotion counts move from the facet rows (code 2) to columns of the totals, which minute
        // time series, overviews and the alert monitor read anyway (``EmotionCounts``).
        (5, """
            ALTER TABLE rollup_totals
                ADD COLUMN emotion_anger bigint NOT NULL DEFAULT 0,
                ADD COLUMN emotion_disgust bigint NOT NULL DEFAULT 0,
                ADD COLUMN emotion_fear bigint NOT NULL DEFAULT 0,
                ADD COLUMN emotion_joy bigint NOT NULL DEFAULT 0,
                ADD COLUMN emotion_neutral bigint NOT NULL DEFAULT 0,
                ADD COLUMN emotion_sadness bigint NOT NULL DEFAULT 0,
                ADD COLUMN emotion_surprise bigint NOT NULL DEFAULT 0;
            UPDATE rollup_totals t SET
                emotion_anger = f.anger, emotion_disgust = f.disgust, emotion_fear = f.fear, emotion_joy = f.joy,
                emotion_neutral = f.neutral, emotion_sadness = f.sadness, emotion_surprise = f.surprise
                FROM (SELECT scope, level, bucket_ms,
                             COALESCE(SUM(count) FILTER (WHERE value = 'anger'), 0) AS anger,
                             COALESCE(SUM(count) FILTER (WHERE value = 'disgust'), 0) AS disgust,
                             COALESCE(SUM(count) FILTER (WHERE value = 'fear'), 0) AS fear,
                             COALESCE(SUM(count) FILTER (WHERE value = 'joy'), 0) AS joy,
                             COALESCE(SUM(count) FILTER (WHERE value = 'neutral'), 0) AS neutral,
                             COALESCE(SUM(count) FILTER (WHERE value = 'sadness'), 0) AS sadness,
                             COALESCE(SUM(count) FILTER (WHERE value = 'surprise'), 0) AS surprise
                      FROM rollup_facets WHERE facet = 2 GROUP BY scope, level, bucket_ms) AS f
                WHERE t.scope = f.scope AND t.level = f.level AND t.bucket_ms = f.bucket_ms;
            UPDATE rollup_totals t SET
                emotion_anger = f.anger, emotion_disgust = f.disgust, emotion_fear = f.fear, emotion_joy = f.joy,
                emotion_neutral = f.neutral, emotion_sadness = f.sadness, emotion_surprise = f.surprise
                FROM (SELECT m.scope, m.bucket_ms,
                             COALESCE(SUM(u.count) FILTER (WHERE u.value = 'anger'), 0) AS anger,
                             COALESCE(SUM(u.count) FILTER (WHERE u.value = 'disgust'), 0) AS disgust,
                             COALESCE(SUM(u.count) FILTER (WHERE u.value = 'fear'), 0) AS fear,
                             COALESCE(SUM(u.count) FILTER (WHERE u.value = 'joy'), 0) AS joy,
                             COALESCE(SUM(u.count) FILTER (WHERE u.value = 'neutral'), 0) AS neutral,
                             COALESCE(SUM(u.count) FILTER (WHERE u.value = 'sadness'), 0) AS sadness,
                             COALESCE(SUM(u.count) FILTER (WHERE u.value = 'surprise'), 0) AS surprise
                      FROM rollup_minute_facets m CROSS JOIN LATERAL unnest(m.facets, m.vals, m.counts) AS u(facet, value, count)
                      WHERE m.pack = 0 AND u.facet = 2 GROUP BY m.scope, m.bucket_ms) AS f
                WHERE t.level = 0 AND t.scope = f.scope AND t.bucket_ms = f.bucket_ms;
            DELETE FROM rollup_facets WHERE facet = 2;
            UPDATE rollup_minute_facets SET (facets, vals, counts) = (
                SELECT COALESCE(array_agg(u.facet), '{}'), COALESCE(array_agg(u.value), '{}'), COALESCE(array_agg(u.count), '{}')
                FROM unnest(facets, vals, counts) AS u(facet, value, count) WHERE u.facet <> 2)
                WHERE pack = 0 AND 2 = ANY(facets)
            """),
    ]

    /// Steps of a migration that SQL alone cannot do, run after its statements in its transaction.
    static func followUp(ofMigration version: Int, _ session: PostgresSession) throws(StoreError) {
        if version == 3 { try AuthorSketches.fill(session) }
    }

    /// The advisory lock key writers hold while they merge author sketches (``AuthorSketches``).
    static let sketchLock: Int64 = migrationLock + 1

    /// The advisory lock key writers take to migrate ("Earshot" in ASCII, as a number).
    static let migrationLock: Int64 = 0x45_61_72_73_68_6F_74

    /// Runs the migrations the database lacks, under the advisory lock; returns the versions run.
    @discardableResult
    static func migrate(_ session: PostgresSession) throws(StoreError) -> [Int] {
        try session.exclusively { () throws(StoreError) in
            var lock = PostgresBindings()
            lock.append(migrationLock)
            try session.rows("migration lock", "SELECT pg_advisory_lock($1)", lock)
            defer { _ = try? session.rows("migration unlock", "SELECT pg_advisory_unlock($1)", lock) }
            try session.rows("migrations table", """
                CREATE TABLE IF NOT EXISTS earshot_migrations (
                    version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = try session.rows("read migrations", "SELECT version FROM earshot_migrations").map {
                (row) throws(StoreError) in Int(try PostgresSession.decode(row, Int32.self, "read migrations"))
            }
            var ran: [Int] = []
            for migration in migrations where !applied.contains(migration.version) {
                try session.transaction("migration \(migration.version)") { () throws(StoreError) in
                    // One statement at a time: the extended protocol takes one per query.
                    for statement in migration.sql.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
                        try session.rows("migration \(migration.version)", String(statement))
                    }
                    try followUp(ofMigration: migration.version, session)
                    var version = PostgresBindings()
                    version.append(Int32(migration.version))
                    try session.rows("record migration \(migration.version)", "INSERT INTO earshot_migrations (version) VALUES ($1)", version)
                }
                ran.append(migration.version)
            }
            return ran
        }
    }

    /// The schema version a database is at (0 before any migration).
    static func version(_ session: PostgresSession) throws(StoreError) -> Int {
        try session.exclusively { () throws(StoreError) in
            let exists = try session.rows("schema version", "SELECT to_regclass('earshot_migrations') IS NOT NULL")
            guard let row = exists.first, try PostgresSession.decode(row, Bool.self, "schema version") else { return 0 }
            let rows = try session.rows("schema version", "SELECT COALESCE(MAX(version), 0) FROM earshot_migrations")
            return Int(try PostgresSession.decode(rows[0], Int32.self, "schema version"))
        }
    }

    /// The partition of `posts` holding day `day` (days since the epoch).
    static func partitionName(day: Int64) -> String { day < 0 ? "posts_dm\(-day)" : "posts_d\(day)" }

    /// The day a partition of `posts` holds, from its ``partitionName(day:)``; nil for another name.
    static func day(ofPartition name: String) -> Int64? {
        if name.hasPrefix("posts_dm") { return Int64(name.dropFirst("posts_dm".count)).map { -$0 } }
        if name.hasPrefix("posts_d") { return Int64(name.dropFirst("posts_d".count)) }
        return nil
    }
}
