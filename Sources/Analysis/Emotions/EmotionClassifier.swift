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
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, reason: error.localizedDescription)
        }
        model = try EmotionModel(data: data, path: url.path)
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
        return model.table.withUnsafeBufferPointer { table in
            model.cache.withUnsafeBufferPointer { cache in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: EmotionFeatures.wordBufferBytes) { word in
                    var sums = FeatureSums(table: table.baseAddress!, shift: UInt64(64 - model.bits),
                                           cache: cache.baseAddress!, cacheShift: UInt64(64 - model.cacheBits),
                                           cacheMask: cache.count - 1, word: word.baseAddress!)
                    sums.scan(UnsafeBufferPointer(rebasing: bytes[..<end]))
                    return probabilities(sums)
                }
            }
        }
    }

    private func probabilities(_ sums: FeatureSums) -> EmotionScores {
        var hashed = SIMD8<Float>()
        if sums.wordFeatures > 0 { hashed += SIMD8<Float>(sums.wordSum) / Float(sums.wordFeatures).squareRoot() }
        if sums.charFeatures > 0 { hashed += SIMD8<Float>(sums.charSum) / Float(sums.charFeatures).squareRoot() }
        // Lane 7 of the sums is not a label (it carries the cache's lexicon flags): its scale is zero.
        var logits = model.biases + model.scales * hashed
        let counts = SIMD8<Int32>(Int32(sums.negations), Int32(sums.intensifiers), Int32(sums.emoji),
                                  Int32(sums.exclamations), Int32(sums.questions), Int32(sums.capitals), 0, 0)
        for feature in 0..<EmotionModel.lexiconFeatureCount where counts[feature] > 0 {
            logits += Float(log1p(Double(counts[feature]))) * model.lexiconWeights[feature]
        }
        var probabilities = SIMD8<Float>()
        var labelBits: UInt8 = 0
        for lane in 0..<EmotionModel.labelCount {
            let probability = 1 / (1 + exp(-logits[lane]))
            probabilities[lane] = probability
            if probability >= model.thresholds[lane] { labelBits |= 1 << UInt8(lane) }
        }
        if labelBits == 0 { labelBits = 1 << UInt8(Emotion.neutral.rawValue) }
        return EmotionScores(probabilities: probabilities, labelBits: labelBits)
    }
}

/// Sums of the weights of a text's hashed features, and its lexicon counts, built in one pass
/// over the bytes (EmotionFeatures gives the definition). A word in the model's word cache is
/// looked up instead of hashed n-gram by n-gram: the cache holds the sum of its character
/// n-grams' rows and whether it is a negation or an intensifier (every listed word is cached).
private struct FeatureSums {
    let table: UnsafePointer<SIMD8<Int8>>
    let shift: UInt64
    let cache: UnsafePointer<WordCacheSlot>
    let cacheShift: UInt64
    let cacheMask: Int
    /// Scratch for " " + word + " " and eight spare bytes; the word is kept at word[1...].
    let word: UnsafeMutablePointer<UInt8>
    var wordSum = SIMD8<Int32>()
    var wordFeatures = 0
    var charSum = SIMD8<Int32>()
    var charFeatures = 0
    var negations = 0
    var intensifiers = 0
    var emoji = 0
    var exclamations = 0
    var questions = 0
    var capitals = 0
    /// The previous token's hash, the first half of the next bigram; nil before the first token.
    var previous: UInt64?

    init(table: UnsafePointer<SIMD8<Int8>>, shift: UInt64, cache: UnsafePointer<WordCacheSlot>,
         cacheShift: UInt64, cacheMask: Int, word: UnsafeMutablePointer<UInt8>) {
        self.table = table
        self.shift = shift
        self.cache = cache
        self.cacheShift = cacheShift
        self.cacheMask = cacheMask
        self.word = word
    }

    @inline(__always)
    private func row(_ hash: UInt64) -> SIMD8<Int16> { SIMD8<Int16>(truncatingIfNeeded: table[Int(hash >> shift)]) }

    /// The word cache's slot for the word whose hash is `hash`, or nil.
    @inline(__always)
    private func cached(_ hash: UInt64) -> UnsafePointer<WordCacheSlot>? {
        var index = Int(hash >> cacheShift)
        while true {
            let slot = cache + index
            if slot.pointee.key == 0 { return nil }
            if slot.pointee.key == hash { return slot }
            index = (index + 1) & cacheMask
        }
    }

    /// Reads `text` (valid UTF-8).
    mutating func scan(_ text: UnsafeBufferPointer<UInt8>) {
        var length = 0
        var upper = 0
        var hasLower = false
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            // A byte past the kept length lands in the spare byte after the word and is not counted.
            if byte &- UInt8(ascii: "a") < 26 {
                word[1 + length] = byte
                length += length < EmotionFeatures.maxWordBytes ? 1 : 0
                hasLower = true
            } else if byte &- UInt8(ascii: "0") < 10 {
                word[1 + length] = byte
                length += length < EmotionFeatures.maxWordBytes ? 1 : 0
            } else if byte &- UInt8(ascii: "A") < 26 {
                word[1 + length] = byte | 0x20
                length += length < EmotionFeatures.maxWordBytes ? 1 : 0
                upper += 1
            } else if byte < 0x80 {
                if byte == UInt8(ascii: "'") { continue }
                endWord(&length, &upper, &hasLower)
                if byte == UInt8(ascii: "!") {
                    addSymbol(text.baseAddress! + index - 1, count: 1)
                    exclamations += 1
                } else if byte == UInt8(ascii: "?") {
                    addSymbol(text.baseAddress! + index - 1, count: 1)
                    questions += 1
                }
            } else {
                let width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                let start = index - 1
                let bytes = UnsafeBufferPointer(rebasing: text[start..<min(start + width, text.count)])
                index = start + width
                var scalar = UInt32(byte) & (0xFF >> (width + 1))
                for byte in bytes.dropFirst() { scalar = scalar << 6 | UInt32(byte & 0x3F) }
                if EmotionFeatures.isEmoji(scalar) {
                    endWord(&length, &upper, &hasLower)
                    addSymbol(bytes.baseAddress!, count: bytes.count)
                    emoji += 1
                } else if scalar == 0x2019 || EmotionFeatures.isIgnored(scalar) {
                    continue
                } else if length + bytes.count <= EmotionFeatures.maxWordBytes {
                    for byte in bytes { word[1 + length] = byte; length += 1 }
                }
            }
        }
        endWord(&length, &upper, &hasLower)
    }

    /// Adds the word in `word[1...length]`, if any, with its character n-grams and lexicon
    /// counts, and starts a new word.
    @inline(__always)
    private mutating func endWord(_ length: inout Int, _ upper: inout Int, _ hasLower: inout Bool) {
        guard length > 0 else { return }
        let hash = EmotionFeatures.tokenHash(word + 1, count: length)
        if upper >= 2, !hasLower { capitals += 1 }
        if let slot = cached(hash) {
            add(hash, unigramRow: SIMD8<Int16>(truncatingIfNeeded: slot.pointee.unigram))
            let chars = slot.pointee.chars
            charSum &+= SIMD8<Int32>(truncatingIfNeeded: chars)
            negations += Int(chars[7] & 1)
            intensifiers += Int(chars[7] >> 1)
            charFeatures += EmotionFeatures.characterNGramCount(wordBytes: length)
        } else {
            add(hash, unigramRow: row(hash))
            addCharacterNGrams(length)
        }
        length = 0
        upper = 0
        hasLower = false
    }

    /// Adds the character 2- to 5-grams of " " + word + " " for the word in `word[1...length]`.
    private mutating func addCharacterNGrams(_ length: Int) {
        word[0] = UInt8(ascii: " ")
        word[length + 1] = UInt8(ascii: " ")
        let padded = length + 2
        // At most 4 * 33 rows of at most 127: the word's sum fits in Int16.
        var sum = SIMD8<Int16>()
        for start in 0..<padded - 1 {
            let window = UnsafeRawPointer(word).loadUnaligned(fromByteOffset: start, as: UInt64.self)
            for count in 2...min(5, padded - start) {
                sum &+= row(EmotionFeatures.charHash(window & EmotionFeatures.lowBytes(count)))
            }
        }
        charSum &+= SIMD8<Int32>(truncatingIfNeeded: sum)
        charFeatures += EmotionFeatures.characterNGramCount(wordBytes: length)
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
            wordFeatures += 2
        } else {
            wordSum &+= SIMD8<Int32>(truncatingIfNeeded: unigramRow)
            wordFeatures += 1
        }
        previous = hash
    }
}
