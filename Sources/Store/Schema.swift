import GRDB

/// The store's tables. `buckets` and `facet_buckets` hold aggregates at
/// three levels (minute, hour, day; see ``BucketLevel``) so any range is
/// answered from a few hundred rows at most (``TimeCover``), per scope: ''
/// for every post and one scope per listening query; minute-level term counts
/// are packed per scope and minute in `term_minutes` (``TermMinutes``). `post_queries` says
/// which stored posts match which listening query.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE posts (
                    rowid INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    created_at_ms INTEGER NOT NULL,
                    author_id TEXT NOT NULL,
                    author_handle TEXT NOT NULL,
                    platform INTEGER NOT NULL,
                    language TEXT NOT NULL,
                    sentiment INTEGER NOT NULL,      -- SentimentClass
                    reach REAL NOT NULL,
                    engagement REAL NOT NULL,
                    priority INTEGER NOT NULL,
                    search_text TEXT NOT NULL,       -- lowercased text for substring search
                    view BLOB NOT NULL               -- encoded earshot.v1.PostView
                );
                CREATE INDEX posts_by_time ON posts (created_at_ms, rowid);
                CREATE INDEX posts_by_author_time ON posts (created_at_ms, author_id);
                CREATE TABLE post_hashtags (
                    tag TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    post_rowid INTEGER NOT NULL,
                    PRIMARY KEY (tag, created_at_ms, post_rowid)
                ) WITHOUT ROWID;
                CREATE TABLE post_queries (
                    query_id TEXT NOT NULL,
                    created_at_ms INTEGER NOT NULL,
                    post_rowid INTEGER NOT NULL,
                    PRIMARY KEY (query_id, created_at_ms, post_rowid)
                ) WITHOUT ROWID;
                CREATE INDEX post_queries_by_post ON post_queries (post_rowid);
                -- scope: '' = every post, else a listening query id.
                CREATE TABLE buckets (
                    scope TEXT NOT NULL,
                    level INTEGER NOT NULL,
                    bucket_ms INTEGER NOT NULL,
                    posts INTEGER NOT NULL,
                    reach REAL NOT NULL,
                    engagement REAL NOT NULL,
                    positive INTEGER NOT NULL,
                    neutral INTEGER NOT NULL,
                    negative INTEGER NOT NULL,
                    unavailable INTEGER NOT NULL,
                    PRIMARY KEY (scope, level, bucket_ms)
                ) WITHOUT ROWID;
                CREATE TABLE facet_buckets (
                    scope TEXT NOT NULL,
                    facet INTEGER NOT NULL,          -- Facet
                    level INTEGER NOT NULL,
                    bucket_ms INTEGER NOT NULL,
                    value TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (scope, facet, level, bucket_ms, value)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-listening", migrate: ListeningQueryTables.create)
        migrator.registerMigration("v3-insights", migrate: InsightsSchema.create)
        migrator.registerMigration("v4-term-minutes", migrate: TermMinutes.create)
        migrator.registerMigration("v5-lean-posts", migrate: dropRedundantIndexes)
        migrator.registerMigration("v6-emotions", migrate: addEmotions)
        return migrator
    }

    /// Migration "v5-lean-posts": two fewer index entries to write per post.
    /// `posts_by_time (created_at_ms, rowid)` is a prefix of `posts_by_author_time`
    /// (`created_at_ms, author_id`, then the rowid every index ends with), which now serves
    /// the time ranges and the newest-first order (ties on `created_at_ms` sorted after the
    /// seek); `post_queries_by_post` was read by no query.
    static func dropRedundantIndexes(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX posts_by_time; DROP INDEX post_queries_by_post")
    }
}

extension StoreSchema {
    /// Migration "v6-emotions": each post's emotion labels as a bit set (``EmotionBits``; 0 for
    /// posts without emotions, including those stored before). Counts per label live in
    /// `facet_buckets` (``Facet/emotion``).
    static func addEmotions(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE posts ADD COLUMN emotions INTEGER NOT NULL DEFAULT 0")
    }
}

/// Dimensions counted per bucket.
enum Facet: Int, CaseIterable {
    case language = 1, platform = 2, hashtag = 3
    /// Insight facets (InsightsDelta): words of the text, link domains, @mentions.
    case term = 4, domain = 5, mention = 6
    /// Emotion labels (docs/EMOTIONS.md): a post counts once under each of its labels.
    case emotion = 7
}
