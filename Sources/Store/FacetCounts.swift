import Foundation
import GRDB

/// Byte strings interned to dense ids (``StableHash``, open addressing), so the
/// apply loop counts facet values without building or SipHashing `String`s.
struct ByteInterner {
    private var bytes: [UInt8] = []
    /// End offset in `bytes` of each id's value; it starts where the previous one ends.
    private var ends: [Int] = []
    /// Id + 1 of the value in each hash slot, 0 = empty.
    private var slots: [Int32] = [Int32](repeating: 0, count: 1024)

    /// How many distinct values are interned.
    var count: Int { ends.count }

    /// The id of `value`, or nil when it was never interned.
    func find(_ value: UnsafeBufferPointer<UInt8>) -> Int32? {
        let slot = slot(of: value, hash: StableHash.of(value))
        return slots[slot] == 0 ? nil : slots[slot] - 1
    }

    /// The id of `value`, interning it when new.
    mutating func id(_ value: UnsafeBufferPointer<UInt8>) -> Int32 {
        let slot = slot(of: value, hash: StableHash.of(value))
        if slots[slot] != 0 { return slots[slot] - 1 }
        let id = Int32(ends.count)
        bytes.append(contentsOf: value)
        ends.append(bytes.count)
        slots[slot] = id + 1
        if ends.count * 2 > slots.count { grow() }
        return id
    }

    /// The id of `value`, interning it when new.
    mutating func id(_ value: String) -> Int32 {
        var value = value
        return value.withUTF8 { id($0) }
    }

    /// Calls `body` with the bytes of `id`'s value.
    func withBytes<T>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let index = Int(id)
        let start = index == 0 ? 0 : ends[index - 1]
        return try bytes.withUnsafeBufferPointer { all in try body(UnsafeBufferPointer(rebasing: all[start..<ends[index]])) }
    }

    /// The slot holding `value`, or the empty slot where it belongs.
    private func slot(of value: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0, !withBytes(slots[slot] - 1, { $0.elementsEqual(value) }) {
            slot = (slot + 1) & mask
        }
        return slot
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        for id in 0..<Int32(ends.count) {
            let free = withBytes(id) { self.slot(of: $0, hash: StableHash.of($0)) }
            slots[free] = id + 1
        }
    }
}

/// Counts keyed by a pair of 64-bit words, in an open-addressing table with a
/// multiplicative hash: the apply loop's hottest map, cheaper than `Dictionary`
/// (whose per-lookup SipHash dominated the profile).
struct CountTable {
    /// A table key.
    struct Key: Equatable { var high: UInt64; var low: Int64 }

    private var keys: [Key]
    private var counts: [Int64]
    /// Whether each slot holds a key.
    private var used: [Bool]
    /// Occupied slots.
    private(set) var count = 0

    init(capacity: Int = 4096) {
        var slots = 16
        while slots < capacity * 2 { slots *= 2 }
        keys = [Key](repeating: Key(high: 0, low: 0), count: slots)
        counts = [Int64](repeating: 0, count: slots)
        used = [Bool](repeating: false, count: slots)
    }

    /// Adds `amount` to the count of `key`.
    mutating func add(_ key: Key, _ amount: Int64) {
        let slot = slot(of: key)
        if !used[slot] {
            used[slot] = true
            keys[slot] = key
            count += 1
        }
        counts[slot] += amount
        if count * 2 > keys.count { grow() }
    }

    /// A key with its count.
    typealias Entry = (key: Key, count: Int64)

    /// Every key with its count, in no particular order.
    var entries: [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for slot in used.indices where used[slot] { entries.append((keys[slot], counts[slot])) }
        return entries
    }

    private func slot(of key: Key) -> Int {
        let mask = keys.count - 1
        var mixed = key.high &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(bitPattern: key.low)
        mixed = (mixed ^ (mixed >> 32)) &* 0xBF58_476D_1CE4_E5B9
        mixed ^= mixed >> 29
        var slot = Int(truncatingIfNeeded: mixed) & mask
        while used[slot] && keys[slot] != key { slot = (slot + 1) & mask }
        return slot
    }

    private mutating func grow() {
        let old = entries
        self = CountTable(capacity: keys.count)
        for (key, amount) in old { add(key, amount) }
    }
}

/// The `facet_buckets` changes of one batch (every facet: languages, platforms,
/// hashtags, terms, domains, mentions), counted per scope and minute and rolled
/// up to hours and days when written: one table update per post, scope and
/// value instead of three.
struct FacetCounts {
    /// The batch's facet values; ids are what ``add(_:value:scopes:minute:)`` takes.
    var values = ByteInterner()
    /// Key: scope (bits 40…), facet (bits 32–39), value id (bits 0–31); the bucket start.
    private var minuteCounts = CountTable()
    /// The rows of each level (minute, hour, day) by ``rollUp()``; empty = not rolled up since the last add.
    private var levelRows: [[CountTable.Entry]] = []
    /// The value ids ``addDistinct(_:_:scopes:minute:)`` counted for the current post (storage reused).
    private var counted: [Int32] = []

    private static func key(scope: Int32, facet: Int, value: Int32, bucket: Int64) -> CountTable.Key {
        CountTable.Key(high: UInt64(UInt32(bitPattern: scope)) << 40 | UInt64(facet) << 32 | UInt64(UInt32(bitPattern: value)), low: bucket)
    }

    /// Counts value `value` (an id of ``values``) of `facet` once in each of `scopes` at `minute`.
    mutating func add(_ facet: Facet, value: Int32, scopes: [Int32], minute: Int64) {
        if !levelRows.isEmpty { levelRows = [] }
        for scope in scopes {
            minuteCounts.add(Self.key(scope: scope, facet: facet.rawValue, value: value, bucket: minute), 1)
        }
    }

    /// Counts each distinct value of `values` (one post's hashtags, domains or mentions) of
    /// `facet` once in each of `scopes` at `minute`.
    mutating func addDistinct(_ facet: Facet, _ values: [String], scopes: [Int32], minute: Int64) {
        counted.removeAll(keepingCapacity: true)
        for value in values {
            let id = self.values.id(value)
            guard !counted.contains(id) else { continue }
            counted.append(id)
            add(facet, value: id, scopes: scopes, minute: minute)
        }
    }

    /// Value → count of `facet`, summed over every scope and minute counted.
    func counts(of facet: Facet) -> [String: Int] {
        var counts: [String: Int] = [:]
        for (key, count) in minuteCounts.entries where key.high >> 32 & 0xFF == UInt64(facet.rawValue) {
            counts[values.withBytes(Self.valueID(key)) { String(decoding: $0, as: UTF8.self) }, default: 0] += Int(count)
        }
        return counts
    }

    /// Computes the rows of every level ahead of ``write(_:scopeNames:)`` (which
    /// otherwise does it), so a thread other than the writer can do it.
    mutating func rollUp() { levelRows = rows() }

    /// The rows of each level (minute, hour, day), sorted by scope, facet and bucket so
    /// that neighbouring upserts touch neighbouring pages.
    private func rows() -> [[CountTable.Entry]] {
        let minutes = minuteCounts.entries
        return BucketLevel.allCases.map { level in
            var rows = minutes
            if level != .minute {
                var rolled = CountTable(capacity: minutes.count / 8)
                for (key, count) in minutes { rolled.add(CountTable.Key(high: key.high, low: level.bucketStart(key.low)), count) }
                rows = rolled.entries
            }
            rows.sort { ($0.key.high >> 32, $0.key.low) < ($1.key.high >> 32, $1.key.low) }
            return rows
        }
    }

    /// Upserts the counts at every level (minute-level terms into ``TermMinutes`` blobs);
    /// `scopeNames[id]` is the name of scope `id`.
    func write(_ db: Database, scopeNames: [String]) throws {
        let upsert = try db.cachedStatement(sql: """
            INSERT INTO facet_buckets (scope, facet, level, bucket_ms, value, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (scope, facet, level, bucket_ms, value) DO UPDATE SET count = count + excluded.count
            """)
        for (level, rows) in zip(BucketLevel.allCases, levelRows.isEmpty ? rows() : levelRows) {
            var index = rows.startIndex
            while index < rows.endIndex {
                let key = rows[index].key
                if level == .minute, key.high >> 32 & 0xFF == UInt64(Facet.term.rawValue) {
                    // Rows are sorted by scope, facet and bucket: one scope-minute's terms are adjacent.
                    var end = index + 1
                    while end < rows.endIndex, rows[end].key.high >> 32 == key.high >> 32, rows[end].key.low == key.low { end += 1 }
                    try mergeTermMinute(db, scope: scopeNames[Int(key.high >> 40)], minute: key.low, rows: rows[index..<end])
                    index = end
                    continue
                }
                try RawStatement(upsert, db).run { bind in
                    bind.text(1, scopeNames[Int(key.high >> 40)])
                    bind.int(2, Int64(key.high >> 32 & 0xFF))
                    bind.int(3, Int64(level.rawValue))
                    bind.int(4, key.low)
                    values.withBytes(Self.valueID(key)) { bind.text(5, bytes: $0) }
                    bind.int(6, rows[index].count)
                }
                index += 1
            }
        }
    }

    private static func valueID(_ key: CountTable.Key) -> Int32 { Int32(truncatingIfNeeded: key.high & 0xFFFF_FFFF) }

    /// Adds the term `rows` of one scope and minute to its stored ``TermMinutes`` blob.
    private func mergeTermMinute(_ db: Database, scope: String, minute: Int64, rows: ArraySlice<CountTable.Entry>) throws {
        let load = try db.cachedStatement(sql: "SELECT counts FROM term_minutes WHERE scope = ? AND bucket_ms = ?")
        let save = try db.cachedStatement(sql: "INSERT OR REPLACE INTO term_minutes (scope, bucket_ms, counts) VALUES (?1, ?2, ?3)")
        let batch = rows.map { (Self.valueID($0.key), $0.count) }
        var blob: [UInt8] = []
        var unstored = batch
        if let stored = try Data.fetchOne(load, arguments: [scope, minute]) {
            var added = Dictionary(uniqueKeysWithValues: batch)
            blob.reserveCapacity(stored.count + rows.count * 8)
            stored.withUnsafeBytes { bytes in
                TermMinutes.forEachPair(in: bytes) { term, count in
                    let extra = values.find(term).flatMap { added.removeValue(forKey: $0) } ?? 0
                    TermMinutes.append(term: term, count: count + extra, to: &blob)
                }
            }
            unstored = added.map { ($0.key, $0.value) }
        }
        for (id, count) in unstored { values.withBytes(id) { TermMinutes.append(term: $0, count: count, to: &blob) } }
        try RawStatement(save, db).run { bind in
            bind.text(1, scope)
            bind.int(2, minute)
            bind.blob(3, blob)
        }
    }
}
