import Foundation

/// Tells anger, disgust, fear, joy, sadness, surprise and neutral in English social text: a
/// one-vs-rest logistic regression over hashed word and character n-grams and a few lexicon
/// counts, trained on GoEmotions by scripts/train-emotions.py (docs/EMOTIONS.md).
///
/// Pure: the model is loaded once; classifying a text reads only the text and the model, and
/// allocates nothing. The caller decides which texts are English.
public struct EmotionClassifier: Sendable {
    private let model: EmotionModel

    /// The classifier with the model shipped in this module's resources.
    public static let shared: EmotionClassifier = {
        guard let url = Bundle.module.url(forResource: "emotions", withExtension: "model") else {
            fatalError("emotions.model is missing from the Emotions resource bundle (\(Bundle.module.bundlePath))")
        }
        do {
            return try EmotionClassifier(contentsOf: url)
        } catch {
            fatalError("\(error)")
        }
    }()

    /// Loads a model file written by scripts/train-emotions.py.
    public init(contentsOf url: URL) throws(EmotionModelError) {
        model = try EmotionModel(path: url.path)
    }

    /// The per-label probability thresholds the model was shipped with.
    public func threshold(of emotion: Emotion) -> Float { model.thresholds[emotion.rawValue] }

    /// The probability of each emotion in `text` and the labels at or above their thresholds
    /// (`[.neutral]` when none is). Only the first 2,048 UTF-8 bytes are read.
    public func scores(for text: String) -> EmotionScores {
        var text = text
        return text.withUTF8 { scores(utf8: $0) }
    }

    private func scores(utf8 bytes: UnsafeBufferPointer<UInt8>) -> EmotionScores {
        var end = min(bytes.count, EmotionFeatures.maxTextBytes)
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return EmotionFeatures.asciiWordBytes.withUnsafeBufferPointer { asciiWordBytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: EmotionFeatures.wordBufferBytes) { word in
                var sums = FeatureSums(table: model.table, shift: UInt64(64 - model.bits), cache: model.cache,
                                       cacheShift: UInt64(64 - model.cacheBits), cacheMask: 1 << model.cacheBits - 1,
                                       asciiWordBytes: asciiWordBytes.baseAddress!, word: word.baseAddress!)
                sums.scan(UnsafeBufferPointer(rebasing: bytes[..<end]))
                return probabilities(sums)
            }
        }
    }

    private func probabilities(_ sums: FeatureSums) -> EmotionScores {
        var hashed = SIMD8<Float>()
        if sums.wordFeatures > 0 { hashed += SIMD8<Float>(sums.wordSum) / Float(sums.wordFeatures).squareRoot() }
        if sums.charFeatures > 0 { hashed += SIMD8<Float>(sums.charSum) / Float(sums.charFeatures).squareRoot() }
        // Lane 7 of the sums is not a label (it carries the cache's lexicon flags): its scale is zero.
        var logits = model.biases + model.scales * hashed
        let flags = sums.charSum[7]
        let counts = SIMD8<Int32>(flags % EmotionFeatures.intensifierFlag, flags / EmotionFeatures.intensifierFlag,
                                  Int32(sums.emoji), Int32(sums.exclamations), Int32(sums.questions),
                                  Int32(sums.capitals), 0, 0)
        for feature in 0..<EmotionModel.lexiconFeatureCount where counts[feature] > 0 {
            logits += EmotionFeatures.logOnePlus(counts[feature]) * model.lexiconWeights[feature]
        }
        var probabilities = sigmoid(logits)
        probabilities[7] = 0
        var labelBits: UInt8 = 0
        let fired = probabilities .>= model.thresholds
        for lane in 0..<EmotionModel.labelCount where fired[lane] { labelBits |= 1 << UInt8(lane) }
        if labelBits == 0 { labelBits = 1 << UInt8(Emotion.neutral.rawValue) }
        return EmotionScores(probabilities: probabilities, labelBits: labelBits)
    }
}

/// The logistic function of each lane, 1 / (1 + e^-x), all lanes at once: e^-x by the
/// Cephes single-precision exponential (-x = n·ln 2 + r with n whole and |r| ≤ ln 2 / 2, a
/// polynomial for e^r, 2^n from the exponent bits), within about 2·10⁻⁷ relative of `exp`.
@inline(__always)
private func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let y = (-x).clamped(lowerBound: SIMD8(repeating: -87), upperBound: SIMD8(repeating: 87))
    // Adding 1.5·2^23 rounds to a whole number (to nearest, ties to even), which then sits in the
    // low bits of the sum's bit pattern.
    let roundingBias: Float = 12_582_912
    let shifted = y * 1.442_695_04 + roundingBias
    let n = shifted - roundingBias
    let r = y - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let exponent = (unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- Int32(bitPattern: roundingBias.bitPattern) &+ 127) &<< 23
    return 1 / (1 + (p * r * r + r + 1) * unsafeBitCast(exponent, to: SIMD8<Float>.self))
}

/// Sums of the weights of a text's hashed features, and its lexicon counts, built in one pass
/// over the bytes (EmotionFeatures gives the definition). A word in the model's word cache is
/// looked up instead of hashed n-gram by n-gram: the cache holds the sum of its character
/// n-grams' rows and, in lane 7, its lexicon flags (every negation and intensifier is cached),
/// so lane 7 of ``charSum`` counts the text's negations and intensifiers, and a word is a
/// negation exactly when its slot's flags say so. A word inside a negation scope takes the
/// negated unigram's row from the table instead of its own (cached or not).
private struct FeatureSums {
    let table: UnsafePointer<SIMD8<Int8>>
    let shift: UInt64
    let cache: UnsafePointer<WordCacheSlot>
    let cacheShift: UInt64
    let cacheMask: Int
    /// ``EmotionFeatures/asciiWordBytes``.
    let asciiWordBytes: UnsafePointer<UInt8>
    /// Scratch for " " + word + " " and eight spare bytes; the word is kept at word[1...].
    let word: UnsafeMutablePointer<UInt8>
    var wordSum = SIMD8<Int32>()
    var wordFeatures = 0
    var charSum = SIMD8<Int32>()
    var charFeatures = 0
    var emoji = 0
    var exclamations = 0
    var questions = 0
    var capitals = 0
    /// The previous token's hash, the first half of the next bigram; nil before the first token.
    var previous: UInt64?
    /// Whether a negation word has been read since the last `,` `.` `;` `:` `!` or `?`.
    var inNegationScope = false

    init(table: UnsafePointer<SIMD8<Int8>>, shift: UInt64, cache: UnsafePointer<WordCacheSlot>, cacheShift: UInt64,
         cacheMask: Int, asciiWordBytes: UnsafePointer<UInt8>, word: UnsafeMutablePointer<UInt8>) {
        self.table = table
        self.shift = shift
        self.cache = cache
        self.cacheShift = cacheShift
        self.cacheMask = cacheMask
        self.asciiWordBytes = asciiWordBytes
        self.word = word
    }

    @inline(__always)
    private func row(_ hash: UInt64) -> SIMD8<Int16> {
        SIMD8<Int16>(truncatingIfNeeded: table[Int(truncatingIfNeeded: hash &>> shift)])
    }

    /// The word cache's slot for the word whose hash is `hash`, or nil.
    @inline(__always)
    private func cached(_ hash: UInt64) -> UnsafePointer<WordCacheSlot>? {
        var index = Int(truncatingIfNeeded: hash &>> cacheShift)
        while true {
            let slot = cache + index
            if slot.pointee.key == 0 { return nil }
            if slot.pointee.key == hash { return slot }
            index = (index &+ 1) & cacheMask
        }
    }

    /// Reads `text` (valid UTF-8, at most ``EmotionFeatures/maxTextBytes`` bytes).
    mutating func scan(_ text: UnsafeBufferPointer<UInt8>) {
        // The word's length in bytes, all of them: its bytes past maxWordBytes are written to
        // the byte after the kept ones, which the padding overwrites.
        var length = 0
        // The word's highest ASCII byte: it has a lower-case letter if this is at least "a".
        var highest: UInt8 = 0
        // Where the word began in `text` (after the last separator).
        var wordStart = 0
        var index = 0
        while index < text.count {
            // A run of lower-case ASCII letters (most of a text's bytes), up to eight at once; the
            // eight bytes are copied whole, those past the run being overwritten or ignored later.
            if length <= EmotionFeatures.maxWordBytes, index &+ 8 <= text.count {
                let chunk = UnsafeRawPointer(text.baseAddress! + index).loadUnaligned(as: UInt64.self)
                let run = EmotionFeatures.lowerCaseRun(chunk)
                if run > 0 {
                    UnsafeMutableRawPointer(word + (1 &+ length)).storeBytes(of: chunk, as: UInt64.self)
                    length &+= run
                    index &+= run
                    highest = max(highest, UInt8(ascii: "a"))
                    if run == 8 { continue }
                }
            }
            let byte = text[index]
            index &+= 1
            let kept = asciiWordBytes[Int(byte)]
            if kept != 0 {
                word[1 &+ min(length, EmotionFeatures.maxWordBytes)] = kept
                length &+= 1
                highest = max(highest, byte)
            } else if byte < 0x80 {
                if byte == UInt8(ascii: "'") { continue }
                endWord(&length, &highest, text, wordStart..<index &- 1)
                wordStart = index
                if byte == UInt8(ascii: "!") {
                    addSymbol(text.baseAddress! + index - 1, count: 1)
                    exclamations += 1
                    inNegationScope = false
                } else if byte == UInt8(ascii: "?") {
                    addSymbol(text.baseAddress! + index - 1, count: 1)
                    questions += 1
                    inNegationScope = false
                } else if EmotionFeatures.endsNegationScope(byte) {
                    inNegationScope = false
                }
            } else {
                let width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                let start = index - 1
                let bytes = UnsafeBufferPointer(rebasing: text[start..<min(start + width, text.count)])
                index = start + width
                var scalar = UInt32(byte) & (0xFF >> (width + 1))
                for byte in bytes.dropFirst() { scalar = scalar << 6 | UInt32(byte & 0x3F) }
                if EmotionFeatures.isEmoji(scalar) {
                    endWord(&length, &highest, text, wordStart..<start)
                    wordStart = index
                    addSymbol(bytes.baseAddress!, count: bytes.count)
                    emoji += 1
                } else if scalar == 0x2019 || EmotionFeatures.isIgnored(scalar) {
                    continue
                } else if length + bytes.count <= EmotionFeatures.maxWordBytes {
                    for byte in bytes { word[1 + length] = byte; length += 1 }
                }
            }
        }
        endWord(&length, &highest, text, wordStart..<text.count)
    }

    /// Adds the word in `word[1...]` (its first `maxWordBytes` bytes), if any, with its
    /// character n-grams and lexicon counts, and starts a new word; `span` is where the word is in `text`.
    @inline(__always)
    private mutating func endWord(_ length: inout Int, _ highest: inout UInt8, _ text: UnsafeBufferPointer<UInt8>,
                                  _ span: Range<Int>) {
        guard length > 0 else { return }
        let kept = min(length, EmotionFeatures.maxWordBytes)
        let hash = EmotionFeatures.tokenHash(word + 1, count: kept)
        // A capital but no lower-case letter (rare): count the capitals in the text.
        if highest >= UInt8(ascii: "A"), highest < UInt8(ascii: "a"),
           text[span].lazy.filter({ $0 &- UInt8(ascii: "A") < 26 }).count >= 2 {
            capitals += 1
        }
        // The bigrams keep the word's own hash; only the unigram is negated inside a scope.
        if let slot = cached(hash) {
            let unigramRow = inNegationScope ? row(EmotionFeatures.negatedHash(hash))
                : SIMD8<Int16>(truncatingIfNeeded: slot.pointee.unigram)
            add(hash, unigramRow: unigramRow)
            charSum &+= SIMD8<Int32>(truncatingIfNeeded: slot.pointee.chars)
            charFeatures &+= EmotionFeatures.characterNGramCount(wordBytes: kept)
            // Every negation is cached, flagged 1 in lane 7 (an intensifier's flag is a multiple of 2048).
            if slot.pointee.chars[7] % Int16(EmotionFeatures.intensifierFlag) != 0 { inNegationScope = true }
        } else {
            add(hash, unigramRow: row(inNegationScope ? EmotionFeatures.negatedHash(hash) : hash))
            addCharacterNGrams(kept)
        }
        length = 0
        highest = 0
    }

    /// Adds the character 2- to 5-grams of " " + word + " " for the word in `word[1...length]`.
    private mutating func addCharacterNGrams(_ length: Int) {
        word[0] = UInt8(ascii: " ")
        word[length &+ 1] = UInt8(ascii: " ")
        let padded = length &+ 2
        // At most 4 * 33 rows of at most 127: the word's sum fits in Int16.
        var sum = SIMD8<Int16>()
        var start = 0
        while padded &- start >= 5 {
            let window = UnsafeRawPointer(word).loadUnaligned(fromByteOffset: start, as: UInt64.self)
            sum &+= row(EmotionFeatures.charHash(window & 0xFFFF)) &+ row(EmotionFeatures.charHash(window & 0xFF_FFFF))
                &+ row(EmotionFeatures.charHash(window & 0xFFFF_FFFF)) &+ row(EmotionFeatures.charHash(window & 0xFF_FFFF_FFFF))
            start &+= 1
        }
        // The last starts have fewer than four n-grams: four bytes left (a word of two or more
        // bytes) give three n-grams, then three bytes left give the last three.
        var window = UnsafeRawPointer(word).loadUnaligned(fromByteOffset: start, as: UInt64.self)
        if padded &- start == 4 {
            sum &+= row(EmotionFeatures.charHash(window & 0xFFFF)) &+ row(EmotionFeatures.charHash(window & 0xFF_FFFF))
                &+ row(EmotionFeatures.charHash(window & 0xFFFF_FFFF))
            window = UnsafeRawPointer(word).loadUnaligned(fromByteOffset: start &+ 1, as: UInt64.self)
        }
        sum &+= row(EmotionFeatures.charHash(window & 0xFFFF)) &+ row(EmotionFeatures.charHash(window & 0xFF_FFFF))
            &+ row(EmotionFeatures.charHash(window &>> 8 & 0xFFFF))
        charSum &+= SIMD8<Int32>(truncatingIfNeeded: sum)
        charFeatures &+= EmotionFeatures.characterNGramCount(wordBytes: length)
    }

    /// Adds an emoji, `!` or `?` token of `count` (at most 4) bytes at `bytes`, copied to the
    /// word scratch (which is free between words) so that it can be hashed eight bytes at once.
    private mutating func addSymbol(_ bytes: UnsafePointer<UInt8>, count: Int) {
        word.update(from: bytes, count: count)
        let hash = EmotionFeatures.tokenHash(word, count: count)
        add(hash, unigramRow: row(hash))
    }

    /// Adds a token's unigram (its row given) and its bigram with the previous token.
    @inline(__always)
    private mutating func add(_ hash: UInt64, unigramRow: SIMD8<Int16>) {
        if let previous {
            wordSum &+= SIMD8<Int32>(truncatingIfNeeded: unigramRow &+ row(EmotionFeatures.bigramHash(previous, hash)))
            wordFeatures &+= 2
        } else {
            wordSum &+= SIMD8<Int32>(truncatingIfNeeded: unigramRow)
            wordFeatures &+= 1
        }
        previous = hash
    }
}
