import Foundation

/// Namespace for the generated profile sources (see LanguageProfileData.swift).
enum LanguageProfileData {}

/// A naive Bayes model over character 1-, 2- and 3-grams of one script group, built from the
/// langdetect profiles: a gram's weight for a language is ln(1 + p / 5e-5), p being the gram's
/// probability in that language and 5e-5 langdetect's smoothing, so grams a language never
/// uses weigh 0 and grams no language uses are skipped.
///
/// Weights are stored as bytes in steps of 1/``weightsPerUnit`` (at most ln(1 + 1/5e-5) ≈ 9.9, so
/// 248 steps): a row of 32 languages is 32 bytes, half a cache line, and the 31-language Latin
/// table (about 1 MB) stays in a core's L2 cache next to the sentiment lexicon. Rounding moves a
/// weight by at most 0.02, far below the lead (``decisiveLead``) that decides a text.
struct NGramModel: Sendable {
    /// Language codes, in column order.
    let languages: [String]
    /// Gram key (up to three scalars, 21 bits each) to row in `weights`.
    private let rows: GramTable
    /// One row of quantised weights per gram, language `column` in lane `column`; unused lanes are 0.
    private let weights: [SIMD32<UInt8>]

    /// Languages per script group: one lane of a row each.
    private static let maximumLanguages = 32
    /// Quantisation steps per unit of weight.
    static let weightsPerUnit: Float = 25

    /// Smoothing of the langdetect detector (alpha 0.5 / base frequency 10 000), in millionths.
    private static let smoothingMillionths: Float = 50

    /// Parses a generated source: "@code" lines start a language, other lines are
    /// "gram<TAB>millionths" with "_" standing for a space.
    init(source: String) {
        var languages: [String] = []
        var entries: [(key: UInt64, column: Int, weight: Float)] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.first == "@" {
                languages.append(String(line.dropFirst()))
                continue
            }
            guard let tab = line.firstIndex(of: "\t"), let millionths = Float(line[line.index(after: tab)...]) else { continue }
            var key: UInt64 = 0
            for scalar in line[..<tab].unicodeScalars {
                key = key << 21 | UInt64(scalar == "_" ? 0x20 : scalar.value)
            }
            entries.append((key, languages.count - 1, log1p(millionths / Self.smoothingMillionths)))
        }
        var rowOfKey: [UInt64: Int32] = [:]
        rowOfKey.reserveCapacity(entries.count)
        for entry in entries where rowOfKey[entry.key] == nil {
            rowOfKey[entry.key] = Int32(rowOfKey.count)
        }
        precondition(languages.count <= Self.maximumLanguages, "a script group holds at most \(Self.maximumLanguages) languages")
        var weights = [SIMD32<UInt8>](repeating: .zero, count: rowOfKey.count)
        for entry in entries {
            let steps = (entry.weight * Self.weightsPerUnit).rounded()
            weights[Int(rowOfKey[entry.key]!)][entry.column] = UInt8(min(steps, Float(UInt8.max)))
        }
        self.languages = languages
        self.rows = GramTable(rowOfKey)
        self.weights = weights
    }

    /// Once the leader is this far ahead (in summed weights, about e^-7.5 in ``LanguageIdentifier``'s
    /// confidence for the runner-up), the answer is taken as settled and further grams are not read.
    private static let decisiveLead: UInt32 = 30 * UInt32(weightsPerUnit)
    /// Grams looked up between two checks of the lead.
    private static let gramsPerCheck = 48

    /// Log-likelihood scores per language (column order) and the number of grams that counted.
    /// `text` holds normalised scalars with 0x20 between words, as built by ``LetterBuffer``.
    /// Grams are built the way langdetect builds them: a word starts after a space, and grams
    /// may end with one. Scoring stops early once one language has a decisive lead.
    func scores(_ text: [UInt32]) -> (scores: [Double], grams: Int) {
        var totals = SIMD32<UInt32>.zero
        var grams = 0
        let languageCount = languages.count
        weights.withUnsafeBufferPointer { weights in
            // Rows are summed in 16-bit lanes between two checks (at most gramsPerCheck + 2 rows of
            // at most 255, far below 65 535), then widened into the totals.
            var chunk = SIMD32<UInt16>.zero
            var inChunk = 0
            @inline(__always) func add(_ row: Int32?) {
                guard let row else { return }
                chunk &+= SIMD32<UInt16>(truncatingIfNeeded: weights[Int(row)])
                inChunk &+= 1
            }
            var window: (UInt32, UInt32, UInt32) = (0, 0, 0x20)
            let absent = GramTable.absent
            var codes: (Int, Int, Int) = (absent, absent, 0)
            for scalar in text {
                if scalar == 0x20 && window.2 == 0x20 { continue }
                let code = GramTable.asciiCode(scalar)
                if window.2 == 0x20 {
                    window = (0, 0x20, scalar)
                    codes = (absent, 0, code)
                } else {
                    window = (window.1, window.2, scalar)
                    codes = (codes.1, codes.2, code)
                }
                if scalar != 0x20 {
                    add(rows.row(key: UInt64(scalar), codes: (absent, absent, code)))
                }
                add(rows.row(key: UInt64(window.1) << 21 | UInt64(scalar), codes: (absent, codes.1, code)))
                if window.0 != 0 {
                    add(rows.row(key: UInt64(window.0) << 42 | UInt64(window.1) << 21 | UInt64(scalar), codes: codes))
                }
                if inChunk >= Self.gramsPerCheck {
                    totals &+= SIMD32<UInt32>(truncatingIfNeeded: chunk)
                    grams += inChunk
                    chunk = .zero
                    inChunk = 0
                    if Self.lead(of: totals, languageCount: languageCount) > Self.decisiveLead { break }
                }
            }
            totals &+= SIMD32<UInt32>(truncatingIfNeeded: chunk)
            grams += inChunk
        }
        return ((0..<languageCount).map { Double(totals[$0]) / Double(Self.weightsPerUnit) }, grams)
    }

    /// How far the best of the first `languageCount` sums is ahead of the second best.
    private static func lead(of sums: SIMD32<UInt32>, languageCount: Int) -> UInt32 {
        var best: UInt32 = 0
        var second: UInt32 = 0
        for column in 0..<languageCount {
            let score = sums[column]
            if score > best {
                second = best
                best = score
            } else if score > second {
                second = score
            }
        }
        return best - second
    }
}

/// Gram key to weight row: grams of ASCII letters and spaces (most Latin-script text) index a
/// flat array directly; other grams go through an open-addressing hash table with a
/// multiplicative hash, several times faster than `Dictionary`'s seeded SipHash here.
private struct GramTable: Sendable {
    private let keys: [UInt64]
    private let hashedRows: [Int32]
    private let shift: UInt64
    /// Rows of ASCII grams by ``asciiIndex(_:)``; -1 where no language uses the gram.
    private let asciiRows: [Int32]

    /// The code of a position a shorter gram does not have.
    static let absent = -2

    /// 0 for a space, 1...26 for a...z, -1 for anything else.
    @inline(__always)
    static func asciiCode(_ scalar: UInt32) -> Int {
        switch scalar {
        case 0x20: 0
        case 0x61...0x7A: Int(scalar) - 0x60
        default: -1
        }
    }

    /// Index in `asciiRows` of a gram given as codes (``absent`` for the leading positions of
    /// shorter grams), or nil when one of its scalars is not an ASCII letter or space.
    @inline(__always)
    private static func asciiIndex(_ codes: (Int, Int, Int)) -> Int? {
        guard codes.2 >= 0, codes.1 != -1, codes.0 != -1 else { return nil }
        if codes.1 == absent { return codes.2 }
        if codes.0 == absent { return 27 + codes.1 * 27 + codes.2 }
        return 27 + 27 * 27 + codes.0 * 27 * 27 + codes.1 * 27 + codes.2
    }

    init(_ rowOfKey: [UInt64: Int32]) {
        var bits: UInt64 = 4
        while (1 << bits) < rowOfKey.count * 2 { bits += 1 }
        var keys = [UInt64](repeating: 0, count: 1 << bits)
        var hashedRows = [Int32](repeating: -1, count: 1 << bits)
        var asciiRows = [Int32](repeating: -1, count: 27 + 27 * 27 + 27 * 27 * 27)
        shift = 64 - bits
        for (key, row) in rowOfKey {
            var slot = Self.slot(key, shift: shift)
            while hashedRows[slot] >= 0 { slot = (slot + 1) & (keys.count - 1) }
            keys[slot] = key
            hashedRows[slot] = row
            if let index = Self.asciiIndex(Self.codes(ofKey: key)) {
                asciiRows[index] = row
            }
        }
        self.keys = keys
        self.hashedRows = hashedRows
        self.asciiRows = asciiRows
    }

    /// The codes of the (up to three) 21-bit scalars packed in `key`, ``absent`` for missing positions.
    private static func codes(ofKey key: UInt64) -> (Int, Int, Int) {
        let mask: UInt64 = (1 << 21) - 1
        let code = { (shift: UInt64) in key >> shift == 0 ? absent : asciiCode(UInt32(key >> shift & mask)) }
        return (code(42), code(21), code(0))
    }

    @inline(__always)
    private static func slot(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The row of the gram `key` (with its ASCII `codes`), or nil when no language uses it.
    @inline(__always)
    func row(key: UInt64, codes: (Int, Int, Int)) -> Int32? {
        if let index = Self.asciiIndex(codes) {
            let row = asciiRows[index]
            return row < 0 ? nil : row
        }
        var slot = Self.slot(key, shift: shift)
        while true {
            let row = hashedRows[slot]
            if row < 0 { return nil }
            if keys[slot] == key { return row }
            slot = (slot + 1) & (keys.count - 1)
        }
    }
}
