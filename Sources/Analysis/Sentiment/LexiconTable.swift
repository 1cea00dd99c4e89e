/// Grammatical roles a token can play in the valence rules, besides carrying
/// its own valence.
struct WordRoles: OptionSet, Sendable, Hashable {
    let rawValue: UInt16

    /// Flips the valence of sentiment words shortly after it ("not", "never", "n't").
    static let negator = WordRoles(rawValue: 1 << 0)
    /// Contrastive conjunction ("but"): what follows outweighs what precedes.
    static let contrast = WordRoles(rawValue: 1 << 1)
    /// "no": a negator before a sentiment word, a mildly negative word otherwise.
    static let noDeterminer = WordRoles(rawValue: 1 << 2)
    /// "least": negates the next word unless preceded by a `leastGuard` ("at least").
    static let least = WordRoles(rawValue: 1 << 3)
    /// Words that turn "least" into a non-negation ("at", "very").
    static let leastGuard = WordRoles(rawValue: 1 << 4)
    /// "never": with a following `intensifyingDeterminer` ("never so good") it intensifies instead of negating.
    static let never = WordRoles(rawValue: 1 << 5)
    /// "so" / "this" after "never".
    static let intensifyingDeterminer = WordRoles(rawValue: 1 << 6)
    /// "without": does not negate when followed by "doubt".
    static let without = WordRoles(rawValue: 1 << 7)
    /// "doubt" after "without".
    static let doubt = WordRoles(rawValue: 1 << 8)
    /// First word of at least one multi-word entry (idiom, phrase booster).
    static let phraseStart = WordRoles(rawValue: 1 << 9)
    /// A known English word usable when segmenting hashtags ("#epicfail").
    static let segmentable = WordRoles(rawValue: 1 << 10)
    /// Intensifier that follows the word it boosts ("cool af").
    static let postBooster = WordRoles(rawValue: 1 << 11)
    /// "like": positive only as a verb after a subject or an auxiliary.
    static let like = WordRoles(rawValue: 1 << 12)
    /// Subjects and auxiliaries that make a following "like" a verb ("I like", "would like").
    static let likeSubject = WordRoles(rawValue: 1 << 13)
}

/// Everything the analyser knows about one token or phrase.
struct WordEntry: Sendable, Equatable {
    /// Lexicon valence, roughly `-4...4`; 0 when the word carries none.
    var valence: Float = 0
    /// Booster (> 0) or dampener (< 0) increment applied to the next sentiment words.
    var boost: Float = 0
    /// Rule roles.
    var roles: WordRoles = []

    /// An entry with no valence, boost or role.
    static let unknown = WordEntry()
}

/// Immutable open-addressing hash table from UTF-8 byte strings to
/// `WordEntry`, built once per process; lookups take a byte slice and never
/// allocate.
struct LexiconTable: Sendable {
    private struct Slot: Sendable {
        var hash: UInt32 = 0
        var keyOffset: UInt32 = 0
        var keyLength: UInt32 = 0
        var entryIndex: UInt32 = 0
    }

    private let slots: [Slot]
    private let keyBytes: [UInt8]
    private let entries: [WordEntry]
    private let mask: Int

    /// Freezes `dictionary` into the table (load factor at most 1/2).
    init(_ dictionary: [[UInt8]: WordEntry]) {
        var capacity = 16
        while capacity < dictionary.count * 2 { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        var keyBytes: [UInt8] = []
        var entries: [WordEntry] = []
        keyBytes.reserveCapacity(dictionary.keys.reduce(0) { $0 + $1.count })
        entries.reserveCapacity(dictionary.count)
        for (key, entry) in dictionary where !key.isEmpty {
            let hash = key.withUnsafeBufferPointer { LexiconTable.hash($0) }
            var index = Int(hash) & (capacity - 1)
            while slots[index].keyLength != 0 { index = (index + 1) & (capacity - 1) }
            slots[index] = Slot(
                hash: hash, keyOffset: UInt32(keyBytes.count),
                keyLength: UInt32(key.count), entryIndex: UInt32(entries.count))
            keyBytes.append(contentsOf: key)
            entries.append(entry)
        }
        self.slots = slots
        self.keyBytes = keyBytes
        self.entries = entries
        self.mask = capacity - 1
    }

    /// Number of keys.
    var count: Int { entries.count }

    /// Approximate heap footprint of the table in bytes.
    var memoryFootprint: Int {
        slots.count * MemoryLayout<Slot>.stride + keyBytes.count
            + entries.count * MemoryLayout<WordEntry>.stride
    }

    /// FNV-1a over `bytes`.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return hash
    }

    /// The entry stored for exactly `key`, if any.
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> WordEntry? {
        guard !key.isEmpty else { return nil }
        let hash = LexiconTable.hash(key)
        var index = Int(hash) & mask
        return keyBytes.withUnsafeBufferPointer { stored -> WordEntry? in
            while true {
                let slot = slots[index]
                if slot.keyLength == 0 { return nil }
                if slot.hash == hash && Int(slot.keyLength) == key.count
                    && memcmpEqual(stored.baseAddress! + Int(slot.keyOffset), key.baseAddress!, key.count)
                {
                    return entries[Int(slot.entryIndex)]
                }
                index = (index + 1) & mask
            }
        }
    }
}

/// Byte-wise equality of two equally long memory ranges.
@inline(__always)
private func memcmpEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    for offset in 0..<count where lhs[offset] != rhs[offset] {
        return false
    }
    return true
}
