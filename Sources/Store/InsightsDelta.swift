import EarshotWire
import Foundation
import GRDB
import GRDBSQLite

/// The insight aggregates of one batch: term, domain and mention counts per
/// scope and bucket (in `facet_buckets`, beside the hashtags) and the author
/// sketches per scope and hour/day bucket. Written with ``AggregateDelta`` in
/// the batch's transaction.
///
/// Built for the apply rate: scopes and values are interned to small integers,
/// counts are kept per minute only and rolled up to hours and days at write
/// time, and rows are bound straight to the SQLite statement.
struct InsightsDelta {
    private struct CountKey: Hashable { var scope: Int32; var facet: Int32; var value: Int32; var bucket: Int64 }
    private struct SketchKey: Hashable { var scope: Int32; var level: Int32; var bucket: Int64 }

    private var scopeNames: [String] = []
    private var scopeIDs: [String: Int32] = [:]
    private var valueNames: [String] = []
    private var valueIDs: [String: Int32] = [:]
    private var minuteCounts: [CountKey: Int64] = [:]
    private var sketches: [SketchKey: AuthorSketch] = [:]

    private static func intern(_ name: String, _ names: inout [String], _ ids: inout [String: Int32]) -> Int32 {
        if let id = ids[name] { return id }
        let id = Int32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    /// Counts a new post once in each of `scopes`.
    mutating func add(_ item: PipelinePost, scopes: [String]) {
        let entities = item.enrichment.entities
        var values: [(facet: Int32, value: Int32)] = []
        for term in TermExtractor.terms(of: item.post.text) {
            values.append((Int32(Facet.term.rawValue), Self.intern(term, &valueNames, &valueIDs)))
        }
        for domain in Set(entities.domains) {
            values.append((Int32(Facet.domain.rawValue), Self.intern(domain, &valueNames, &valueIDs)))
        }
        for mention in Set(entities.mentions) {
            values.append((Int32(Facet.mention.rawValue), Self.intern(mention, &valueNames, &valueIDs)))
        }
        let authorHash = AuthorSketch.hash(item.post.author.id)
        let time = item.post.createdAtMs
        let minute = BucketLevel.minute.bucketStart(time)
        for scopeName in scopes {
            let scope = Self.intern(scopeName, &scopeNames, &scopeIDs)
            for (facet, value) in values {
                minuteCounts[CountKey(scope: scope, facet: facet, value: value, bucket: minute), default: 0] += 1
            }
            for level in [BucketLevel.hour, .day] {
                sketches[SketchKey(scope: scope, level: Int32(level.rawValue), bucket: level.bucketStart(time)), default: AuthorSketch()]
                    .insert(hash: authorHash)
            }
        }
    }

    func write(_ db: Database) throws {
        // Numbered parameters: a statement of its own, not AggregateDelta's (GRDB tracks the bindings it made).
        let facet = try db.cachedStatement(sql: """
            INSERT INTO facet_buckets (scope, facet, level, bucket_ms, value, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (scope, facet, level, bucket_ms, value) DO UPDATE SET count = count + excluded.count
            """)
        for level in BucketLevel.allCases {
            var counts = minuteCounts
            if level != .minute {
                counts = [:]
                for (key, count) in minuteCounts {
                    var rolled = key
                    rolled.bucket = level.bucketStart(key.bucket)
                    counts[rolled, default: 0] += count
                }
            }
            for (key, count) in counts {
                try RawStatement(facet, db).run { bind in
                    bind.text(1, scopeNames[Int(key.scope)])
                    bind.int(2, Int64(key.facet))
                    bind.int(3, Int64(level.rawValue))
                    bind.int(4, key.bucket)
                    bind.text(5, valueNames[Int(key.value)])
                    bind.int(6, count)
                }
            }
        }
        let load = try db.cachedStatement(sql: "SELECT registers FROM author_sketches WHERE scope = ? AND level = ? AND bucket_ms = ?")
        let save = try db.cachedStatement(sql: "INSERT OR REPLACE INTO author_sketches (scope, level, bucket_ms, registers) VALUES (?, ?, ?, ?)")
        for (key, added) in sketches {
            let scope = scopeNames[Int(key.scope)]
            var sketch = AuthorSketch(bytes: try Data.fetchOne(load, arguments: [scope, Int(key.level), key.bucket]).map { [UInt8]($0) } ?? [])
            sketch.merge(added)
            try save.execute(arguments: [scope, Int(key.level), key.bucket, Data(sketch.registers)])
        }
    }
}

/// Binds parameters straight to a prepared GRDB statement's `sqlite3_stmt` and runs it
/// to completion: no `StatementArguments` boxing on the apply path.
struct RawStatement {
    /// Parameter binding by 1-based index.
    struct Binder {
        let handle: OpaquePointer
        func int(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
        func double(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }
        func text(_ index: Int32, _ value: String) {
            guard !value.isEmpty else {
                // A non-null pointer with length 0 is the empty string (a null one would be NULL).
                let empty: StaticString = "-"
                empty.withUTF8Buffer { bytes in
                    _ = bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, 0, Self.transient) }
                }
                return
            }
            var value = value
            value.withUTF8 { bytes in
                _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                    sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), Self.transient)
                }
            }
        }
        func blob(_ index: Int32, _ value: [UInt8]) {
            value.withUnsafeBytes { bytes in
                _ = sqlite3_bind_blob(handle, index, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32(bytes.count), Self.transient)
            }
        }
        /// SQLITE_TRANSIENT: SQLite copies the bytes before the call returns.
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }

    let statement: Statement
    let db: Database

    init(_ statement: Statement, _ db: Database) {
        self.statement = statement
        self.db = db
    }

    /// Binds with `bind`, steps until done and resets; throws the SQLite error with its message.
    func run(_ bind: (Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        bind(Binder(handle: handle))
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}
