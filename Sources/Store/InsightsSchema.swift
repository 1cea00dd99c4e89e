import GRDB

/// Tables of the insight layer (migration "v3-insights"):
/// - `author_sketches`: a HyperLogLog sketch of the authors per scope and hour/day
///   bucket, so unique authors over long ranges come from a few hundred rows;
/// - `care_handled`: which agent claimed which post (the care queue skips them);
/// - `alerts`: spike alerts, one per scope, kind and bucket;
/// - `posts_by_priority`: the care queue's order.
enum InsightsSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE author_sketches (
                scope TEXT NOT NULL,
                level INTEGER NOT NULL,
                bucket_ms INTEGER NOT NULL,
                registers BLOB NOT NULL,         -- AuthorSketch registers
                PRIMARY KEY (scope, level, bucket_ms)
            ) WITHOUT ROWID;
            CREATE TABLE care_handled (
                post_rowid INTEGER PRIMARY KEY,
                agent TEXT NOT NULL,
                handled_at_ms INTEGER NOT NULL
            );
            CREATE TABLE alerts (
                id TEXT PRIMARY KEY,
                scope TEXT NOT NULL,
                kind INTEGER NOT NULL,
                severity INTEGER NOT NULL,
                bucket_ms INTEGER NOT NULL,
                alert BLOB NOT NULL              -- encoded earshot.v1.Alert
            );
            CREATE INDEX alerts_by_bucket ON alerts (bucket_ms);
            CREATE INDEX posts_by_priority ON posts (priority, created_at_ms);
            """)
    }
}
