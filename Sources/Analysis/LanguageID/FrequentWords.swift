import TextBytes

/// Word-level evidence for the n-gram model of one script group: the frequent words of its
/// languages (`Resources/frequent-words.txt`), each mapped to the languages that use it.
///
/// A few letters say little through their n-grams, but a whole word such as "the", "und",
/// "jajaja" or "banget" says a lot: the identifier adds ``LanguageIdentifier/wordEvidenceWeight``
/// to a language's score for every word of the text in its list. Words are stored normalised
/// the way ``LetterBuffer`` writes text (lower-cased, folded like the profiles, letters repeated
/// three times or more kept once), keyed by a 64-bit hash of their scalars in an
/// open-addressing table.
struct FrequentWords: @unchecked Sendable {
    /// The image the tables lie in, kept as long as they are used.
    private let image: TableImage
    /// Hash of each stored word, 0 for an empty slot.
    private let keys: UnsafeBufferPointer<UInt64>
    /// The languages (one bit per column of the model) using the word in the same slot.
    private let columns: UnsafeBufferPointer<UInt32>
    private let shift: UInt64

    /// Words longer than this are in no list, so they are not hashed.
    private static let longestWord = 16

    /// The words stored in an image under `name` (``write(source:languages:as:to:)``).
    init(image: TableImage, name: String) throws(TableImageError) {
        self.image = image
        keys = try image.elements("\(name).keys", as: UInt64.self)
        columns = try image.elements("\(name).columns", as: UInt32.self)
        guard keys.count.nonzeroBitCount == 1, columns.count == keys.count else {
            throw .malformed(origin: image.origin, reason: "word table \(name) has the wrong size")
        }
        shift = UInt64(64 - keys.count.trailingZeroBitCount)
    }

    /// Writes the sections `<name>.keys` and `<name>.columns` of the words of the `languages`
    /// (the model's columns, in order) found in `source`: "code<TAB>word word ..." lines, "#"
    /// comments; languages not in `languages` are skipped. Slots are filled in the order of the
    /// keys, so that the same words give the same bytes.
    static func write(source: String, languages: [String], as name: String, to writer: inout TableImageWriter) {
        var columnsOfKey: [UInt64: UInt32] = [:]
        for line in source.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, let column = languages.firstIndex(of: String(parts[0])) else { continue }
            for word in parts[1].split(whereSeparator: { $0 == " " || $0 == "'" }) {
                let scalars = Self.normalized(word)
                guard !scalars.isEmpty, scalars.count <= Self.longestWord else { continue }
                columnsOfKey[Self.hash(scalars[...]), default: 0] |= 1 << UInt32(column)
            }
        }
        var bits: UInt64 = 4
        while (1 << bits) < columnsOfKey.count * 4 { bits += 1 }
        var keys = [UInt64](repeating: 0, count: 1 << bits)
        var columns = [UInt32](repeating: 0, count: 1 << bits)
        for (key, mask) in columnsOfKey.sorted(by: { $0.key < $1.key }) {
            var slot = Self.slot(key, shift: 64 - bits)
            while keys[slot] != 0 { slot = (slot + 1) & (keys.count - 1) }
            keys[slot] = key
            columns[slot] = mask
        }
        writer.add("\(name).keys", elements: keys)
        writer.add("\(name).columns", elements: columns)
    }

    /// A word as ``LetterBuffer`` would write it (a listed word holds letters only).
    private static func normalized(_ word: Substring) -> [UInt32] {
        var scalars: [UInt32] = []
        for scalar in word.unicodeScalars {
            let classified = ClassifiedScalar.classify(scalar.value)
            guard !classified.isSilentMark, classified.script != nil else { continue }
            scalars.append(classified.value)
        }
        // Runs of three or more kept once, as LetterBuffer keeps them.
        var collapsed: [UInt32] = []
        var index = 0
        while index < scalars.count {
            var end = index + 1
            while end < scalars.count, scalars[end] == scalars[index] { end += 1 }
            collapsed.append(contentsOf: repeatElement(scalars[index], count: end - index >= 3 ? 1 : end - index))
            index = end
        }
        return collapsed
    }

    /// FNV-1a over the scalars, never 0 (0 marks an empty slot).
    @inline(__always)
    private static func hash(_ word: some Collection<UInt32>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for scalar in word { hash = (hash ^ UInt64(scalar)) &* 0x0000_0100_0000_01B3 }
        return hash | 1
    }

    @inline(__always)
    private static func slot(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The languages (bits of model columns) that list the word, 0 for none.
    @inline(__always)
    private func columns(ofWordWithHash key: UInt64) -> UInt32 {
        var slot = Self.slot(key, shift: shift)
        while true {
            let stored = keys[slot]
            if stored == key { return columns[slot] }
            if stored == 0 { return 0 }
            slot = (slot + 1) & (keys.count - 1)
        }
    }

    /// For the words of `scalars` (separated by 0x20): how many are listed by each language
    /// (lane = model column) and how many are listed by any.
    func counts(in scalars: UnsafeBufferPointer<UInt32>) -> (perLanguage: SIMD32<UInt32>, listed: Int) {
        var perLanguage = SIMD32<UInt32>.zero
        var listed = 0
        var start = 0
        for end in scalars.indices where scalars[end] == 0x20 {
            defer { start = end + 1 }
            let length = end - start
            guard length > 0, length <= Self.longestWord else { continue }
            let mask = columns(ofWordWithHash: Self.hash(scalars[start..<end]))
            guard mask != 0 else { continue }
            listed += 1
            var remaining = mask
            while remaining != 0 {
                perLanguage[remaining.trailingZeroBitCount] &+= 1
                remaining &= remaining &- 1
            }
        }
        return (perLanguage, listed)
    }
}
