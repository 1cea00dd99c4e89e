import Foundation
import TextBytes

/// A naive Bayes model over character 1-, 2- and 3-grams of one script group, built from the
/// langdetect profiles: a gram's weight for a language is ln(1 + p / 5e-5), p being the gram's
/// probability in that language and 5e-5 langdetect's smoothing, so grams a language never
/// uses weigh 0 and grams no language uses are skipped.
///
/// Weights are stored as bytes in steps of 1/``weightsPerUnit`` (at most ln(1 + 1/5e-5) ≈ 9.9, so
/// 248 steps): a row of 32 languages is 32 bytes, half a cache line (the 31-language Latin
/// table is about 1 MB). Rounding moves a weight by at most 0.02, far below the lead
/// (``decisiveLead``) that decides a text.
///
/// Each scalar read adds up to three grams: the 1-, 2- and 3-gram ending at it. When all of
/// them are ASCII letters or spaces (most Latin-script text), the three rows are read as one
/// precomputed sum (``asciiWindowRows``, 1.26 MB more for the Latin model), one cache line
/// instead of three rows and three index lookups; the totals are exactly the same. A class, so
/// that choosing a model per text shares its tables instead of copying (and reference counting)
/// six arrays.
final class NGramModel: @unchecked Sendable {
    /// Language codes, in column order.
    let languages: [String]
    /// The image the tables below lie in (a mapped file, or the image of a model built from its
    /// source), kept as long as the model.
    private let image: TableImage
    /// Gram key (up to three scalars, 21 bits each) to row in `weights`.
    private let rows: GramTable
    /// One row of quantised weights per gram, language `column` in lane `column`; unused lanes are 0.
    private let weights: UnsafeBufferPointer<SIMD32<UInt8>>
    /// For every ASCII window (see ``sumASCIIWindows(rows:weights:)``) the sum of the rows of the grams
    /// ending at its last scalar, with how many of those grams have a row in lane ``gramCountLane``.
    /// Empty unless the model was built with `combiningASCIIWindows`.
    private let asciiWindowRows: UnsafeBufferPointer<SIMD32<UInt16>>
    /// ``asciiCodes``, held by the model so that scoring does not check the static's initialisation.
    private let windowCodes = NGramModel.asciiCodes

    /// Languages per script group: one lane of a row each, but for the last lane.
    static let maximumLanguages = 31
    /// The lane that summed rows use to count their grams (no language has it: see ``maximumLanguages``).
    static let gramCountLane = 31
    /// Quantisation steps per unit of weight.
    static let weightsPerUnit: Float = 25

    /// Smoothing of the langdetect detector (alpha 0.5 / base frequency 10 000), in millionths.
    private static let smoothingMillionths: Float = 50

    /// The model of script group `group` in a table image (``write(source:combiningASCIIWindows:as:to:)``).
    init(image: TableImage, group: String) throws(TableImageError) {
        self.image = image
        languages = try image.strings("\(group).languages")
        rows = try GramTable(image: image, group: group)
        weights = try image.elements("\(group).weights", as: SIMD32<UInt8>.self)
        asciiWindowRows = try image.elements("\(group).windows", as: SIMD32<UInt16>.self)
        guard languages.count <= Self.maximumLanguages else {
            throw .malformed(origin: image.origin, reason: "script group \(group) has more than \(Self.maximumLanguages) languages")
        }
        guard asciiWindowRows.isEmpty || asciiWindowRows.count == Self.asciiWindowCount else {
            throw .malformed(origin: image.origin, reason: "script group \(group) has \(asciiWindowRows.count) window rows")
        }
    }

    /// The model of a script group's profile lines, built in an image of its own (for tests and evaluation).
    convenience init(source: String, combiningASCIIWindows: Bool = false) {
        var writer = TableImageWriter()
        Self.write(source: source, combiningASCIIWindows: combiningASCIIWindows, as: "model", to: &writer)
        // The image was just written by this module: reading it back cannot fail.
        try! self.init(image: TableImage(bytes: writer.bytes, origin: "built model"), group: "model")
    }

    /// Compiles the profile lines of a script group (``LanguageProfileData/profile(of:)``) into
    /// the sections `<group>.*` of an image: "@code" lines start a language, other lines are
    /// "gram<TAB>millionths" with "_" standing for a space. `combiningASCIIWindows` adds the
    /// summed rows of ASCII windows (1.3 MB), worth it for the Latin-script model only.
    /// Returns the languages, in column order.
    @discardableResult
    static func write(source: String, combiningASCIIWindows: Bool, as group: String, to writer: inout TableImageWriter) -> [String] {
        var languages: [String] = []
        var entries: [(key: UInt64, column: Int, weight: Float)] = []
        // Lines and fields are found on the UTF-8 bytes: walking the Characters of the profiles
        // is several times slower.
        for bytes in source.utf8.split(separator: 0x0A) {
            let line = Substring(bytes)
            if bytes.first == UInt8(ascii: "@") {
                languages.append(String(Substring(bytes.dropFirst())))
                continue
            }
            guard let tab = bytes.firstIndex(of: 0x09), let millionths = Float(line[bytes.index(after: tab)...]) else { continue }
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
        func addSections(windows: [SIMD32<UInt16>], to writer: inout TableImageWriter) {
            writer.add("\(group).languages", strings: languages)
            GramTable.write(rowOfKey, group: group, to: &writer)
            writer.add("\(group).weights", elements: weights)
            writer.add("\(group).windows", elements: windows)
        }
        var windows: [SIMD32<UInt16>] = []
        if combiningASCIIWindows {
            // The sums are read from the model without them.
            var plain = TableImageWriter()
            addSections(windows: [], to: &plain)
            let model = try! NGramModel(image: TableImage(bytes: plain.bytes, origin: "built model"), group: group)
            windows = sumASCIIWindows(rows: model.rows, weights: model.weights)
        }
        addSections(windows: windows, to: &writer)
        return languages
    }

    /// Number of ASCII windows: three ASCII codes (0 space, 1...26 letters).
    private static let asciiWindowCount = 27 * 27 * 27

    /// The window code of a scalar that is not an ASCII letter or space is this plus the scalar:
    /// large enough that any window holding it indexes past ``asciiWindowCount``.
    private static let notASCII = 1 << 21

    /// The window codes of the ASCII scalars (see ``notASCII``), looked up rather than worked
    /// out, so that the scoring loop does not branch between letters and spaces.
    private static let asciiCodes: [Int32] = (0..<0x80).map { scalar in
        switch scalar {
        case 0x20: 0
        case 0x61...0x7A: Int32(scalar - 0x60)
        default: Int32(notASCII + scalar)
        }
    }

    /// 0 for a space, 1...26 for a...z, ``notASCII`` plus the scalar for anything else.
    @inline(__always)
    private static func windowCode(_ scalar: UInt32, asciiCodes: UnsafeBufferPointer<Int32>) -> Int {
        _fastPath(scalar < 0x80) ? Int(asciiCodes[Int(scalar)]) : notASCII &+ Int(scalar)
    }

    /// The scalar of a window code.
    private static func scalar(ofWindowCode code: Int) -> UInt32 {
        code >= notASCII ? UInt32(code - notASCII) : code == 0 ? 0x20 : UInt32(0x60 + code)
    }

    /// The summed rows of ``scores(_:)`` for each ASCII window. A window indexes its codes as
    /// digits in base 27, the first one highest. A window with a space in the middle starts a
    /// word, whatever its first position holds; every such window holds the sum of the word start.
    private static func sumASCIIWindows(rows: GramTable, weights: UnsafeBufferPointer<SIMD32<UInt8>>) -> [SIMD32<UInt16>] {
        (0..<asciiWindowCount).map { index in
            let window = (scalar(ofWindowCode: index / 729), scalar(ofWindowCode: index / 27 % 27), scalar(ofWindowCode: index % 27))
            return summedRow(window: window, rows: rows, weights: weights)
        }
    }

    /// The rows of the grams ending at the last scalar of `window`, summed, with their number in
    /// lane ``gramCountLane``. The grams are its 1-gram unless it is a space, its 2-gram unless
    /// both scalars are spaces (a space after a space adds nothing), and its 3-gram unless the
    /// middle is a space (then the last scalar starts a word, and the first position is not part
    /// of it); grams no language uses are left out.
    @inline(__always)
    private static func summedRow(window: (UInt32, UInt32, UInt32), rows: GramTable, weights: UnsafeBufferPointer<SIMD32<UInt8>>) -> SIMD32<UInt16> {
        let absent = GramTable.absent
        let scalar = window.2
        let codes = (GramTable.asciiCode(window.0), GramTable.asciiCode(window.1), GramTable.asciiCode(scalar))
        var sum = SIMD32<UInt16>.zero
        func add(_ row: Int32?) {
            guard let row else { return }
            sum &+= SIMD32<UInt16>(truncatingIfNeeded: weights[Int(row)])
            sum[gramCountLane] += 1
        }
        if scalar != 0x20 {
            add(rows.row(key: UInt64(scalar), codes: (absent, absent, codes.2)))
        }
        if scalar != 0x20 || window.1 != 0x20 {
            add(rows.row(key: UInt64(window.1) << 21 | UInt64(scalar), codes: (absent, codes.1, codes.2)))
        }
        if window.1 != 0x20 {
            add(rows.row(key: UInt64(window.0) << 42 | UInt64(window.1) << 21 | UInt64(scalar), codes: codes))
        }
        return sum
    }

    /// `sum` plus ``summedRow(window:rows:weights:)`` of the window with these window codes: the
    /// way for windows that are not all ASCII, kept out of the scoring loop (which then keeps its
    /// sums in registers). The addition is done here, so that the loop's own addition reads the
    /// precomputed row straight from memory.
    @inline(never)
    private func adding(rowOfWindow codes: (Int, Int, Int), to sum: SIMD32<UInt16>) -> SIMD32<UInt16> {
        let window = (Self.scalar(ofWindowCode: codes.0), Self.scalar(ofWindowCode: codes.1), Self.scalar(ofWindowCode: codes.2))
        return sum &+ Self.summedRow(window: window, rows: rows, weights: weights)
    }

    /// Once the leader is this far ahead (in summed weights, about e^-7.5 in ``LanguageIdentifier``'s
    /// confidence for the runner-up), the answer is taken as settled and further grams are not read.
    static let decisiveLead: UInt32 = 30 * UInt32(weightsPerUnit)
    /// Grams looked up between two checks of the lead.
    private static let gramsPerCheck: UInt16 = 48

    /// Log-likelihood scores per language (column order) and the number of grams that counted,
    /// for a whole text (see ``Scorer``).
    func scores(_ text: [UInt32]) -> NGramScores {
        var scorer = Scorer(self)
        text.withUnsafeBufferPointer { scorer.add($0) }
        return scorer.scores
    }

    /// Scores a text handed over in pieces, so that the caller can stop producing scalars once
    /// the answer is settled; the result is the same however the text is split.
    ///
    /// Scalars are normalised with 0x20 between words, as ``LetterBuffer`` writes them. Grams are
    /// built the way langdetect builds them: a word starts after a space, and grams may end with
    /// one. Scoring stops early once one language has a decisive lead (``isDecided``).
    struct Scorer {
        private let model: NGramModel
        /// Sums of the chunks checked so far; lane ``gramCountLane`` counts their grams.
        private var totals = SIMD32<UInt32>.zero
        /// Rows are summed in 16-bit lanes between two checks (at most gramsPerCheck + 2 rows of
        /// at most 255 steps, far below 65 535), then widened into `totals`. Lane
        /// ``gramCountLane`` counts the grams of the chunk.
        private var chunk = SIMD32<UInt16>.zero
        /// The window codes (see ``windowCode(_:asciiCodes:)``) of the last two scalars (spaces
        /// at first), kept as their parts of the window indices `beforeLast * 729 + last * 27 +
        /// code`, so that the next index is one addition away: `prefix` is `beforeLast * 729 +
        /// last * 27`, and `lastFirst` is `last * 729`, the last code in first place for the
        /// index after.
        private var prefix = 0
        private var lastFirst = 0
        /// Whether one language is decisively ahead; later scalars are then ignored.
        private(set) var isDecided = false

        init(_ model: NGramModel) {
            self.model = model
        }

        /// Adds the grams ending at each of `scalars`, which continue what was added before.
        /// An ASCII window adds its precomputed row (when the model has them); any other looks
        /// up its grams one by one. Either way the row carries its gram count in lane
        /// ``gramCountLane``, so the count needs no load or register of its own.
        mutating func add(_ scalars: UnsafeBufferPointer<UInt32>) {
            guard !isDecided else { return }
            let model = model
            var (prefix, lastFirst, chunk) = (prefix, lastFirst, chunk)
            defer { (self.prefix, self.lastFirst, self.chunk) = (prefix, lastFirst, chunk) }
            let windowRows = model.asciiWindowRows
            model.windowCodes.withUnsafeBufferPointer { asciiCodes in
                for scalar in scalars {
                    let code = NGramModel.windowCode(scalar, asciiCodes: asciiCodes)
                    let index = prefix &+ code
                    let (windowPrefix, windowLastFirst) = (prefix, lastFirst)
                    (prefix, lastFirst) = (lastFirst &+ code &* 27, code &* 729)
                    if _fastPath(index < windowRows.count) {
                        // Loaded through a raw pointer (rows are 16-byte aligned), so that the
                        // additions read the row straight from memory.
                        let rowOffset = index &* MemoryLayout<SIMD32<UInt16>>.stride
                        chunk &+= UnsafeRawPointer(windowRows.baseAddress!).load(fromByteOffset: rowOffset, as: SIMD32<UInt16>.self)
                    } else {
                        let last = windowLastFirst / 729
                        let window = ((windowPrefix - last * 27) / 729, last, code)
                        chunk = model.adding(rowOfWindow: window, to: chunk)
                    }
                    if _slowPath(chunk[NGramModel.gramCountLane] >= NGramModel.gramsPerCheck) {
                        isDecided = check(chunk)
                        chunk = .zero
                        if isDecided { return }
                    }
                }
            }
        }

        /// Widens `chunk` into the totals (the caller then zeroes it) and tells whether one
        /// language is now decisively ahead. Kept out of the scoring loop, so that the loop's
        /// values stay in registers.
        @inline(never)
        private mutating func check(_ chunk: SIMD32<UInt16>) -> Bool {
            totals &+= NGramModel.widened(chunk)
            return NGramModel.isDecisivelyAhead(totals)
        }

        /// The scores of everything added so far (inlined: a call would copy the scorer first).
        var scores: NGramScores {
            @inline(__always) get {
                var totals = totals &+ NGramModel.widened(chunk)
                let grams = Int(totals[NGramModel.gramCountLane])
                totals[NGramModel.gramCountLane] = 0
                return NGramScores(totals: totals, languageCount: model.languages.count, grams: grams)
            }
        }
    }

    /// Whether one language's sum is more than ``decisiveLead`` ahead of every other's, the gram
    /// count in lane ``gramCountLane`` (the last one) left out. Lanes of languages the model does
    /// not have hold 0. The best sum is the largest lane; the lead is decisive when it is larger
    /// than ``decisiveLead`` and no lane but the best one reaches best − decisiveLead (a tie for
    /// the best is no lead). Worked out four lanes at a time, as signed numbers with the top bit
    /// flipped, which keeps the unsigned order: SSE2 compares signed lanes only, and comparing a
    /// whole `SIMD32` goes lane by lane.
    @inline(__always)
    static func isDecisivelyAhead(_ sums: SIMD32<UInt32>) -> Bool {
        typealias Quarter = SIMD4<UInt32>
        typealias Signed = SIMD4<Int32>
        let quarters = unsafeBitCast(sums, to: (Quarter, Quarter, Quarter, Quarter, Quarter, Quarter, Quarter, Quarter).self)
        @inline(__always) func signed(_ lanes: Quarter) -> Signed { unsafeBitCast(lanes ^ 0x8000_0000, to: Signed.self) }
        let lanes = (signed(quarters.0), signed(quarters.1), signed(quarters.2), signed(quarters.3),
                     signed(quarters.4), signed(quarters.5), signed(quarters.6), signed(quarters.7 & Quarter(.max, .max, .max, 0)))
        @inline(__always) func larger(_ a: Signed, _ b: Signed) -> Signed { a.replacing(with: b, where: b .> a) }
        let largest = larger(larger(larger(lanes.0, lanes.1), larger(lanes.2, lanes.3)), larger(larger(lanes.4, lanes.5), larger(lanes.6, lanes.7)))
        let pairs = larger(largest, Signed(largest[2], largest[3], largest[0], largest[1]))
        let best = UInt32(bitPattern: max(pairs[0], pairs[1])) ^ 0x8000_0000
        guard best > decisiveLead else { return false }
        let threshold = Signed(repeating: Int32(bitPattern: (best - decisiveLead) ^ 0x8000_0000))
        @inline(__always) func reaching(_ lanes: Signed) -> Signed { Signed.zero.replacing(with: 1, where: lanes .>= threshold) }
        let reached = reaching(lanes.0) &+ reaching(lanes.1) &+ reaching(lanes.2) &+ reaching(lanes.3)
            &+ reaching(lanes.4) &+ reaching(lanes.5) &+ reaching(lanes.6) &+ reaching(lanes.7)
        return reached.wrappedSum() == 1
    }

    /// `sums` widened to 32-bit lanes: each pair of 16-bit lanes, read as one 32-bit lane, split
    /// into its low and high half and the halves put back in order. (The standard conversion is
    /// a call per eight lanes; this is a few unpacks.)
    @inline(__always)
    static func widened(_ sums: SIMD32<UInt16>) -> SIMD32<UInt32> {
        typealias Pairs = SIMD4<UInt32>
        let pairs = unsafeBitCast(sums, to: (Pairs, Pairs, Pairs, Pairs).self)
        @inline(__always) func split(_ pairs: Pairs) -> (Pairs, Pairs) {
            let (low, high) = (pairs & 0xFFFF, pairs &>> 16)
            return (Pairs(low[0], high[0], low[1], high[1]), Pairs(low[2], high[2], low[3], high[3]))
        }
        let (lanes0, lanes1, lanes2, lanes3) = (split(pairs.0), split(pairs.1), split(pairs.2), split(pairs.3))
        return unsafeBitCast((lanes0.0, lanes0.1, lanes1.0, lanes1.1, lanes2.0, lanes2.1, lanes3.0, lanes3.1), to: SIMD32<UInt32>.self)
    }
}

/// What ``NGramModel/scores(_:)`` found: a summed log-likelihood per language, held inline.
struct NGramScores {
    /// Summed quantised weights, language `column` in lane `column`.
    let totals: SIMD32<UInt32>
    /// How many lanes are the model's languages.
    let languageCount: Int
    /// How many grams had a row.
    let grams: Int

    /// The summed quantised weights of the language in `column`.
    @inline(__always)
    func total(ofColumn column: Int) -> UInt32 {
        // Read from memory: indexing a vector lane by lane spills it each time.
        withUnsafeBytes(of: totals) { $0.load(fromByteOffset: column * 4, as: UInt32.self) }
    }

    /// The log-likelihood score of the language in `column`.
    @inline(__always)
    func score(ofColumn column: Int) -> Double {
        Double(total(ofColumn: column)) / Double(NGramModel.weightsPerUnit)
    }

    /// Every language's score, in column order.
    var scores: [Double] { (0..<languageCount).map(score(ofColumn:)) }

    /// The highest of the totals.
    var topTotal: UInt32 {
        withUnsafeBytes(of: totals) { lanes in
            var best: UInt32 = 0
            for offset in stride(from: 0, to: 128, by: 4) { best = max(best, lanes.load(fromByteOffset: offset, as: UInt32.self)) }
            return best
        }
    }
}

/// Gram key to weight row: grams of ASCII letters and spaces (most Latin-script text) index a
/// flat array directly; other grams go through an open-addressing hash table with a
/// multiplicative hash, several times faster than `Dictionary`'s seeded SipHash here.
private struct GramTable {
    private let keys: UnsafeBufferPointer<UInt64>
    private let hashedRows: UnsafeBufferPointer<Int32>
    private let shift: UInt64
    /// Rows of ASCII grams by ``asciiIndex(_:)``; -1 where no language uses the gram.
    private let asciiRows: UnsafeBufferPointer<Int32>

    /// Number of ``asciiIndex(_:)`` values: every 1-, 2- and 3-gram of ASCII codes.
    private static let asciiGramCount = 27 + 27 * 27 + 27 * 27 * 27

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

    /// The table of script group `group` in an image (``write(_:group:to:)``).
    init(image: TableImage, group: String) throws(TableImageError) {
        keys = try image.elements("\(group).keys", as: UInt64.self)
        hashedRows = try image.elements("\(group).rows", as: Int32.self)
        asciiRows = try image.elements("\(group).ascii-rows", as: Int32.self)
        guard keys.count.nonzeroBitCount == 1, hashedRows.count == keys.count, asciiRows.count == Self.asciiGramCount else {
            throw .malformed(origin: image.origin, reason: "gram table of \(group) has the wrong size")
        }
        shift = UInt64(64 - keys.count.trailingZeroBitCount)
    }

    /// Writes the sections `<group>.keys`, `.rows` and `.ascii-rows` of the table from gram key
    /// to row: slots filled in the order of the keys, so that the same grams give the same bytes.
    static func write(_ rowOfKey: [UInt64: Int32], group: String, to writer: inout TableImageWriter) {
        var bits: UInt64 = 4
        while (1 << bits) < rowOfKey.count * 2 { bits += 1 }
        var keys = [UInt64](repeating: 0, count: 1 << bits)
        var hashedRows = [Int32](repeating: -1, count: 1 << bits)
        var asciiRows = [Int32](repeating: -1, count: asciiGramCount)
        for (key, row) in rowOfKey.sorted(by: { $0.key < $1.key }) {
            var slot = Self.slot(key, shift: 64 - bits)
            while hashedRows[slot] >= 0 { slot = (slot + 1) & (keys.count - 1) }
            keys[slot] = key
            hashedRows[slot] = row
            if let index = Self.asciiIndex(Self.codes(ofKey: key)) {
                asciiRows[index] = row
            }
        }
        writer.add("\(group).keys", elements: keys)
        writer.add("\(group).rows", elements: hashedRows)
        writer.add("\(group).ascii-rows", elements: asciiRows)
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
