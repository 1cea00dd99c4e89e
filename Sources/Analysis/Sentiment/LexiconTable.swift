import TextBytes

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
    /// "too": excess ("too long") is negative before a word without valence.
    static let excess = WordRoles(rawValue: 1 << 14)
    /// Second word of at least one multi-word entry.
    static let phraseSecond = WordRoles(rawValue: 1 << 15)
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

/// The analyser's tables. Frequent function words and rule words, and the
/// multi-word phrases, are kept in small tables that stay in the L1 cache;
/// other words probe the words of the lexicon sources (small enough to stay in
/// the L2 cache), and only words found in neither probe the five times larger
/// table of derived forms ("horribly", "unfunny"), whose filter rejects most.
///
/// The tables lie in a ``TableImage`` (the mapped `sentiment-tables.bin`, compiled by
/// ``SentimentTables/compile()``), which the lexicon keeps: nothing is ever written to them,
/// which is why it is `@unchecked Sendable`, and concurrent lookups are safe.
final class SentimentLexicon: @unchecked Sendable {
    /// The image the tables lie in.
    private let image: TableImage
    /// Frequent words, negators, boosters and other rule words.
    let frequentWords: LexiconTable
    /// Single tokens of the lexicon sources: words, emoticons and emoji.
    let coreWords: LexiconTable
    /// Single words derived from sentiment words (`LexiconBuilder.derivedForms`), none of them in `coreWords`.
    let derivedWords: LexiconTable
    /// Space-separated phrases ("kind of", "the shit", "cut the mustard").
    let phrases: LexiconTable
    /// `ByteClass` bits of every byte value.
    let byteClasses: UnsafePointer<UInt8>

    /// The names of the four tables of a model, under the model's name ("en", "es", "emoji").
    private static func tableNames(_ model: String) -> (frequent: String, core: String, derived: String, phrases: String) {
        ("\(model).frequent", "\(model).core", "\(model).derived", "\(model).phrases")
    }

    /// The tables of `model` in `image` (written by ``write(model:frequentWords:coreWords:derivedWords:phrases:to:)``).
    init(image: TableImage, model: String) throws(TableImageError) {
        let names = Self.tableNames(model)
        self.image = image
        frequentWords = try LexiconTable(image: image, name: names.frequent)
        coreWords = try LexiconTable(image: image, name: names.core)
        derivedWords = try LexiconTable(image: image, name: names.derived)
        phrases = try LexiconTable(image: image, name: names.phrases)
        byteClasses = UnsafePointer(ByteClass.makeTable())
    }

    /// Writes the four tables of `model` from their entries.
    static func write(
        model: String, frequentWords: [([UInt8], WordEntry)], coreWords: [([UInt8], WordEntry)],
        derivedWords: [([UInt8], WordEntry)], phrases: [([UInt8], WordEntry)], to writer: inout TableImageWriter
    ) {
        let names = tableNames(model)
        LexiconTable.write(frequentWords, as: names.frequent, to: &writer)
        LexiconTable.write(coreWords, as: names.core, to: &writer)
        LexiconTable.write(derivedWords, as: names.derived, to: &writer)
        LexiconTable.write(phrases, as: names.phrases, to: &writer)
    }

    deinit {
        byteClasses.deallocate()
    }

    /// Number of distinct entries.
    var count: Int { coreWords.count + derivedWords.count + phrases.count }
    /// Approximate memory footprint in bytes.
    var memoryFootprint: Int {
        frequentWords.memoryFootprint + coreWords.memoryFootprint + derivedWords.memoryFootprint + phrases.memoryFootprint
    }
}

/// Open-addressing hash table from UTF-8 byte strings to `WordEntry`, compiled
/// once into a ``TableImage`` (``write(_:as:to:)``) and used where it lies;
/// lookups take a byte slice and never allocate.
///
/// Slots are 16 bytes (2 MB for the table of derived forms): a key of up to 8
/// bytes is stored verbatim, a longer key as a 64-bit fingerprint (a false
/// match would need a 64-bit hash collision between two equally long
/// words); valences and boosts are kept in thousandths.
///
/// A blocked Bloom filter of 8 to 16 bits per key sits in front of the
/// slots: most words that reach a table are not in it (about three in four
/// on review text), and the filter (64 KB for the largest table, small
/// enough to stay cached when the slots are not) rejects almost all of them
/// without touching the slots. Every key of the table passes its filter, so
/// a rejection never changes the result of a lookup.
/// The memory is the image's, which the owning `SentimentLexicon` keeps.
struct LexiconTable {
    private struct Slot {
        /// Key bytes (up to 8, little-endian) or fingerprint of a longer key.
        var key: UInt64 = 0
        var valence: Int16 = 0
        var boost: Int16 = 0
        var roles: UInt16 = 0
        /// Key length in bytes; 0 marks an empty slot.
        var length: UInt16 = 0
    }

    /// Longest key in bytes.
    static let maximumKeyLength = Int(UInt16.max)
    /// Largest share of occupied slots.
    private static let maximumLoad = 0.5
    /// Resolution of stored valences and boosts.
    private static let scale: Float = 1000
    /// Filter bits per key, before rounding the filter up to a power of two.
    private static let filterBitsPerKey = 8

    private let slots: UnsafeBufferPointer<Slot>
    private let mask: Int
    private let shift: UInt64
    /// 64-bit filter words; every key sets two bits of one word.
    private let filter: UnsafeBufferPointer<UInt64>
    /// Number of bits of a filter word's index.
    private let filterBits: UInt64
    /// Number of keys.
    let count: Int

    /// The table `name` of `image`: the sections `<name>.slots`, `<name>.filter` and `<name>.count`.
    init(image: TableImage, name: String) throws(TableImageError) {
        slots = try image.elements("\(name).slots", as: Slot.self)
        filter = try image.elements("\(name).filter", as: UInt64.self)
        let counts = try image.elements("\(name).count", as: UInt64.self)
        guard slots.count.nonzeroBitCount == 1, filter.count.nonzeroBitCount == 1, counts.count == 1 else {
            throw .malformed(origin: image.origin, reason: "lexicon table \(name) has the wrong size")
        }
        mask = slots.count - 1
        shift = UInt64(64 - slots.count.trailingZeroBitCount)
        filterBits = UInt64(filter.count.trailingZeroBitCount)
        count = Int(counts[0])
    }

    /// Writes the table of distinct `entries` as the sections `<name>.*`; keys must be non-empty
    /// and at most `maximumKeyLength` bytes, values within ±32. Slots are filled in the order of
    /// the keys, so that the same entries give the same bytes.
    static func write(_ entries: [([UInt8], WordEntry)], as name: String, to writer: inout TableImageWriter) {
        var bits: UInt64 = 4
        while Double(1 << bits) * LexiconTable.maximumLoad < Double(entries.count) { bits += 1 }
        var slots = [Slot](repeating: Slot(), count: 1 << Int(bits))
        var filterBits: UInt64 = 1
        while 64 << filterBits < entries.count * LexiconTable.filterBitsPerKey { filterBits += 1 }
        var filter = [UInt64](repeating: 0, count: 1 << Int(filterBits))
        for (key, entry) in entries.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
            precondition(!key.isEmpty && key.count <= LexiconTable.maximumKeyLength, "invalid lexicon key length")
            let fingerprint = key.withUnsafeBufferPointer { LexiconTable.fingerprint($0) }
            let (filterIndex, filterMask) = filterPosition(fingerprint, filterBits: filterBits)
            filter[filterIndex] |= filterMask
            var index = self.index(fingerprint, shift: 64 - bits)
            while slots[index].length != 0 { index = (index + 1) & (slots.count - 1) }
            slots[index] = Slot(
                key: fingerprint, valence: Int16((entry.valence * LexiconTable.scale).rounded()),
                boost: Int16((entry.boost * LexiconTable.scale).rounded()), roles: entry.roles.rawValue,
                length: UInt16(key.count))
        }
        writer.add("\(name).slots", elements: slots)
        writer.add("\(name).filter", elements: filter)
        writer.add("\(name).count", elements: [UInt64(entries.count)])
    }

    /// Approximate memory footprint of the table in bytes.
    var memoryFootprint: Int { slots.count * MemoryLayout<Slot>.stride + filter.count * MemoryLayout<UInt64>.stride }

    /// `fingerprint(paddedKey:)` of a key that cannot be read past its end:
    /// the key is copied to scratch memory with room after it first (keys of
    /// the builder and emoji; scanned words are fingerprinted in place).
    static func fingerprint(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: key.count + 8) { padded in
            _ = padded.initialize(from: key)
            return fingerprint(paddedKey: UnsafeBufferPointer(start: padded.baseAddress, count: key.count))
        }
    }

    /// The bytes of a key of up to 8 bytes, little-endian; a 64-bit hash of a
    /// longer one, read eight bytes at a time. Shared by all tables, so one
    /// computation serves several lookups. The memory from `key`'s start to
    /// eight bytes past its end must be readable; the bytes after the key
    /// (perhaps scratch memory never written) are masked out and do not matter.
    @inline(__always)
    static func fingerprint(paddedKey key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let start = key.baseAddress else { return 0 }
        /// The first `count` (0...7) bytes of a word.
        func firstBytes(_ count: Int) -> UInt64 { (1 &<< (8 &* UInt64(count))) &- 1 }
        if key.count < 8 { return ByteWord.load(start) & firstBytes(key.count) }
        if key.count == 8 { return ByteWord.load(start) }
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var offset = 0
        while offset + 8 <= key.count {
            hash = mix(hash ^ ByteWord.load(start + offset))
            offset += 8
        }
        return key.count & 7 == 0 ? hash : mix(hash ^ ByteWord.load(start + offset) & firstBytes(key.count & 7))
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        let product = value &* 0xBF58_476D_1CE4_E5B9
        return product ^ (product &>> 29)
    }

    @inline(__always)
    private static func index(_ fingerprint: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (fingerprint &* 0x9E37_79B9_7F4A_7C15) &>> shift)
    }

    /// The filter word of a fingerprint and the two bits it has there, all
    /// taken from the top bits of a multiplicative hash.
    @inline(__always)
    private static func filterPosition(_ fingerprint: UInt64, filterBits: UInt64) -> (index: Int, mask: UInt64) {
        let hash = fingerprint &* 0xD6E8_FEB8_6659_FD93
        let first = (hash &>> (52 &- filterBits)) & 63
        let second = (hash &>> (58 &- filterBits)) & 63
        return (Int(truncatingIfNeeded: hash &>> (64 &- filterBits)), 1 &<< first | 1 &<< second)
    }

    /// The entry stored for `key`, if any.
    @inline(__always)
    func lookup(_ key: UnsafeBufferPointer<UInt8>) -> WordEntry? {
        lookup(fingerprint: LexiconTable.fingerprint(key), length: key.count)
    }

    /// The entry stored for the key with this `fingerprint` and `length`, if any.
    @inline(__always)
    func lookup(fingerprint: UInt64, length: Int) -> WordEntry? {
        guard length > 0, length <= LexiconTable.maximumKeyLength else { return nil }
        let (filterIndex, filterMask) = Self.filterPosition(fingerprint, filterBits: filterBits)
        guard filter[filterIndex] & filterMask == filterMask else { return nil }
        var index = Self.index(fingerprint, shift: shift)
        while true {
            let slot = slots[index]
            if slot.length == 0 { return nil }
            if slot.key == fingerprint && Int(slot.length) == length {
                return WordEntry(
                    valence: Float(slot.valence) / LexiconTable.scale, boost: Float(slot.boost) / LexiconTable.scale,
                    roles: WordRoles(rawValue: slot.roles))
            }
            index = (index &+ 1) & mask
        }
    }
}
