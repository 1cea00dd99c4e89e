import EarshotStore
import PostgresNIO

extension PostgresStore {
    /// Drops the day partitions of `posts` that end at or before `cutoffMs` (rounded down to a day)
    /// and the roll-ups of those days, in one transaction; returns the days dropped (days since
    /// the epoch), oldest first. Posts created before the cutoff that arrive later (redeliveries,
    /// late posts) are not stored again: ``apply(_:)`` counts them as duplicates.
    ///
    /// Dropping a partition is a catalog change, whatever its size; the roll-ups of the dropped
    /// days are deleted row by row (about one row per scope and minute, hour and day, plus their
    /// facet values, minute facet packs and author sketches).
    @discardableResult
    public func dropPartitions(before cutoffMs: Int64) throws(StoreError) -> [Int64] {
        let cutoff = BucketLevel.day.bucketStart(cutoffMs)
        let operation = "drop partitions before \(cutoff)"
        try prepared()
        return try writer.exclusively { () throws(StoreError) -> [Int64] in
            let dropped = try writer.transaction(operation) { () throws(StoreError) -> [Int64] in
                let names = try writer.rows(operation, """
                    SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'posts'::regclass
                    """).map { (row) throws(StoreError) in try PostgresSession.decode(row, String.self, operation) }
                let expired = names.compactMap(PostgresSchema.day(ofPartition:)).filter { ($0 + 1) * BucketLevel.day.width <= cutoff }.sorted()
                for day in expired { try writer.rows(operation, "DROP TABLE \(PostgresSchema.partitionName(day: day))") }
                var binds = StatementBinds()
                let before = binds.add(cutoff)
                for table in ["rollup_totals", "rollup_facets", "rollup_minute_facets", "author_sketches"] {
                    try writer.rows(operation, "DELETE FROM \(table) WHERE bucket_ms < \(before)", binds.binds)
                }
                return expired
            }
            retention.withLockedValue { state in
                state.cutoffMs = max(state.cutoffMs, cutoff)
                state.partitionedDays.subtract(dropped)
            }
            return dropped
        }
    }
}

extension PostgresStore {
    /// The bytes the database takes on disk (tables, indexes, roll-ups, TOAST).
    public func databaseBytes() throws(StoreError) -> Int {
        let operation = "database size"
        return try read(operation) { () throws(StoreError) in
            Int(try PostgresSession.decode(try reader.rows(operation, "SELECT pg_database_size(current_database())")[0], Int64.self, operation))
        }
    }

    /// Vacuums and analyzes every table of the database, as PostgreSQL's manual advises after a
    /// bulk load: it sets the visibility map that index-only scans need and the planner's
    /// statistics, work autovacuum would otherwise do over the next minutes.
    public func vacuumAnalyze() throws(StoreError) {
        try prepared()
        try writer.exclusively { () throws(StoreError) in
            _ = try writer.rows("vacuum analyze", "VACUUM (ANALYZE)")
        }
    }
}
