import Foundation
import GRDB
import GRDBSQLite

/// The insight aggregates of one batch: term, domain and mention counts per
/// scope and bucket (into ``AggregateDelta/facets``, beside the hashtags) and the
/// author sketches per scope and hour/day bucket. Written with ``AggregateDelta``
/// in the batch's transaction.
///
/// Built for the apply rate: terms are interned straight from the text's bytes
/// (no `String` per word), scopes and values are small integers.
struct InsightsDelta {
    private struct SketchKey: Hashable { var scope: Int32; var level: Int32; var bucket: Int64 }

    private var sketches: [SketchKey: AuthorSketch] = [:]
    /// The current post's distinct term ids (kept to reuse its storage from post to post).
    private var terms: [Int32] = []

    /// The levels that keep author sketches.
    private static let sketchLevels = [BucketLevel.hour, .day]

    /// Counts a new post once in each of `scopes` (ids of `facets`' owner, ``AggregateDelta``).
    mutating func add(_ item: ScoredPost, scopes: [Int32], facets: inout FacetCounts) {
        let time = item.createdAtMs
        let minute = BucketLevel.minute.bucketStart(time)
        terms.removeAll(keepingCapacity: true)
        TermExtractor.forEachCandidate(in: item.text) { word in
            let id = facets.values.id(word)
            if !terms.contains(id) { terms.append(id) }
            return terms.count < TermExtractor.maximumTerms
        }
        for term in terms { facets.add(.term, value: term, scopes: scopes, minute: minute) }
        facets.addDistinct(.domain, item.domains, scopes: scopes, minute: minute)
        facets.addDistinct(.mention, item.mentions, scopes: scopes, minute: minute)
        let authorHash = AuthorSketch.hash(item.authorID)
        for scope in scopes {
            for level in Self.sketchLevels {
                sketches[SketchKey(scope: scope, level: Int32(level.rawValue), bucket: level.bucketStart(time)), default: AuthorSketch()]
                    .insert(hash: authorHash)
            }
        }
    }

    /// Merges the sketches into the stored ones; `scopeNames[id]` is the name of scope `id`.
    func write(_ db: Database, scopeNames: [String]) throws {
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
            var value = value
            value.withUTF8 { text(index, bytes: $0) }
        }
        func text(_ index: Int32, bytes: UnsafeBufferPointer<UInt8>) {
            guard !bytes.isEmpty else {
                // A non-null pointer with length 0 is the empty string (a null one would be NULL).
                let empty: StaticString = "-"
                empty.withUTF8Buffer { bytes in
                    _ = bytes.withMemoryRebound(to: CChar.self) { sqlite3_bind_text(handle, index, $0.baseAddress, 0, Self.transient) }
                }
                return
            }
            _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), Self.transient)
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
