import Foundation
import GRDB

/// Minute-level term counts (migration "v4-term-minutes"): one `term_minutes` row per
/// scope and minute whose `counts` blob packs every (term, count) pair of that
/// minute, instead of one `facet_buckets` row per term. Terms were five of the
/// six or seven facet rows a post adds, so this removes most of the apply's
/// upserts; hour and day term counts stay in `facet_buckets`.
///
/// Blob format: for each pair, the term's UTF-8 length (one byte), its bytes, then its
/// count: one byte below 255, else 255 and the count in 4 bytes, little-endian. Terms
/// are distinct within a blob, at most 40 bytes (``TermExtractor``; longer ones are
/// cut at 255), and a minute's count fits 32 bits.
enum TermMinutes {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE term_minutes (
                scope TEXT NOT NULL,
                bucket_ms INTEGER NOT NULL,
                counts BLOB NOT NULL,            -- TermMinutes pairs
                PRIMARY KEY (scope, bucket_ms)
            ) WITHOUT ROWID;
            """)
        var current: (scope: String, bucket: Int64)?
        var counts: [String: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT scope, bucket_ms, value, count FROM facet_buckets WHERE facet = ? AND level = ? ORDER BY scope, bucket_ms
            """, arguments: [Facet.term.rawValue, BucketLevel.minute.rawValue])
        while let row = try rows.next() {
            let key: (scope: String, bucket: Int64) = (row[0], row[1])
            if let previous = current, previous != key {
                try save(db, scope: previous.scope, bucket: previous.bucket, counts: counts)
                counts = [:]
            }
            current = key
            counts[row[2], default: 0] += row[3]
        }
        if let last = current { try save(db, scope: last.scope, bucket: last.bucket, counts: counts) }
        try db.execute(sql: "DELETE FROM facet_buckets WHERE facet = ? AND level = ?", arguments: [Facet.term.rawValue, BucketLevel.minute.rawValue])
    }

    private static func save(_ db: Database, scope: String, bucket: Int64, counts: [String: Int64]) throws {
        var blob: [UInt8] = []
        for (term, count) in counts { append(term: term, count: count, to: &blob) }
        try db.execute(sql: "INSERT INTO term_minutes (scope, bucket_ms, counts) VALUES (?, ?, ?)",
                       arguments: [scope, bucket, Data(blob)])
    }

    /// Appends one (term, count) pair to `blob`.
    static func append(term: UnsafeBufferPointer<UInt8>, count: Int64, to blob: inout [UInt8]) {
        let length = UInt8(clamping: term.count)
        blob.append(length)
        blob.append(contentsOf: term.prefix(Int(length)))
        if count < Int64(wideCount) {
            blob.append(UInt8(count))
        } else {
            blob.append(wideCount)
            withUnsafeBytes(of: UInt32(clamping: count).littleEndian) { blob.append(contentsOf: $0) }
        }
    }

    /// The count byte saying that the count follows in 4 bytes.
    private static let wideCount: UInt8 = 0xFF

    /// Appends one (term, count) pair to `blob`.
    static func append(term: String, count: Int64, to blob: inout [UInt8]) {
        var term = term
        term.withUTF8 { append(term: $0, count: count, to: &blob) }
    }

    /// Calls `body` with each (term bytes, count) pair of `blob`; stops at the first truncated pair.
    static func forEachPair(in blob: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>, Int64) -> Void) {
        let bytes = blob.bindMemory(to: UInt8.self)
        var position = 0
        while position < bytes.count {
            let length = Int(bytes[position])
            position += 1
            guard position + length < bytes.count else { return }
            let term = UnsafeBufferPointer(rebasing: bytes[position..<position + length])
            position += length
            var count = Int64(bytes[position])
            position += 1
            if count == Int64(wideCount) {
                guard position + 4 <= bytes.count else { return }
                count = Int64(blob.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
                position += 4
            }
            body(term, count)
        }
    }

    /// Adds the minute-level term counts of `scope` over the minute `spans` to `counts`.
    static func addCounts(_ db: Database, scope: ResolvedScope, spans: [LevelSpan], into counts: inout [String: Int]) throws {
        guard !spans.isEmpty else { return }
        let (scopeSQL, scopeArguments) = scope.condition("scope")
        var arguments: StatementArguments = []
        for span in spans { arguments += scopeArguments + [span.from, span.to] }
        let select = "SELECT counts FROM term_minutes WHERE \(scopeSQL) AND bucket_ms >= ? AND bucket_ms < ?"
        let blobs = try Data.fetchCursor(db, sql: Array(repeating: select, count: spans.count).joined(separator: " UNION ALL "), arguments: arguments)
        while let blob = try blobs.next() {
            blob.withUnsafeBytes { bytes in
                forEachPair(in: bytes) { term, count in counts[String(decoding: term, as: UTF8.self), default: 0] += Int(count) }
            }
        }
    }
}
