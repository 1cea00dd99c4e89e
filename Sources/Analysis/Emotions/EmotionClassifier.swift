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
                var sums = FeatureSums(table: table, shift: UInt64(64 - model.bits),
                                       cache: cache, cacheShift: UInt64(64 - model.cacheBits))
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: EmotionFeatures.maxWordBytes + 2) { word in
                    sums.scan(UnsafeBufferPointer(rebasing: bytes[..<end]), word: word.baseAddress!)
                }
                return probabilities(sums)
            }
        }
    }

    private func probabilities(_ sums: FeatureSums) -> EmotionScores {
        var hashed = SIMD8<Float>()
        if sums.wordFeatures > 0 { hashed += SIMD8<Float>(sums.wordSum) / Float(sums.wordFeatures).squareRoot() }
        if sums.charFeatures > 0 { hashed += SIMD8<Float>(sums.charSum) / Float(sums.charFeatures).squareRoot() }
        var logits = model.biases + model.scales * hashed
        for feature in 0..<EmotionModel.lexiconFeatureCount where sums.lexiconCounts[feature] > 0 {
            logits += Float(log1p(Double(sums.lexiconCounts[feature]))) * model.lexiconWeights[feature]
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
/// over the bytes (EmotionFeatures gives the definition). The character n-grams of a word in
/// the model's word cache are not hashed: the cache holds the sum of their rows.
private struct FeatureSums {
    let table: UnsafeBufferPointer<SIMD8<Int8>>
    let shift: UInt64
    let cache: UnsafeBufferPointer<WordCacheSlot>
    let cacheShift: UInt64
    var wordSum = SIMD8<Int32>()
    var wordFeatures = 0
    var charSum = SIMD8<Int32>()
    var charFeatures = 0
    /// Negations, intensifiers, emoji, `!`, `?`, all-capital words.
    var lexiconCounts = SIMD8<Int32>()
    /// Hash of "2" + previous token + " ", the start of the next bigram; nil before the first token.
    var bigramPrefix: UInt64?

    init(table: UnsafeBufferPointer<SIMD8<Int8>>, shift: UInt64,
         cache: UnsafeBufferPointer<WordCacheSlot>, cacheShift: UInt64) {
        self.table = table
        self.shift = shift
        self.cache = cache
        self.cacheShift = cacheShift
    }

    @inline(__always)
    private func row(_ hash: UInt64) -> SIMD8<Int8> { table[Int(hash >> shift)] }

    /// The word cache's slot for the word whose unigram hash is `unigram`, or nil.
    @inline(__always)
    private func cached(_ unigram: UInt64) -> WordCacheSlot? {
        let mask = cache.count - 1
        var index = Int((unigram &* EmotionFeatures.cacheMix) >> cacheShift)
        while true {
            let slot = cache[index]
            if slot.key == 0 { return nil }
            if slot.key == unigram { return slot }
            index = (index + 1) & mask
        }
    }

    /// Reads `text` (valid UTF-8); `word` is scratch for `maxWordBytes + 2` bytes.
    mutating func scan(_ text: UnsafeBufferPointer<UInt8>, word: UnsafeMutablePointer<UInt8>) {
        // The word is kept at word[1...] so that " " + word + " " can be hashed in place.
        var length = 0
        var upper = 0
        var lower = 0
        var index = 0
        while index < text.count {
            let lead = text[index]
            if lead < 0x80 {
                index += 1
                switch lead {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    if length < EmotionFeatures.maxWordBytes { word[1 + length] = lead | 0x20; length += 1 }
                    upper += 1
                case UInt8(ascii: "a")...UInt8(ascii: "z"):
                    if length < EmotionFeatures.maxWordBytes { word[1 + length] = lead; length += 1 }
                    lower += 1
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if length < EmotionFeatures.maxWordBytes { word[1 + length] = lead; length += 1 }
                case UInt8(ascii: "'"):
                    continue
                case UInt8(ascii: "!"), UInt8(ascii: "?"):
                    endWord(word, &length, &upper, &lower)
                    addSymbol(UnsafeBufferPointer(rebasing: text[index - 1..<index]))
                    if lead == UInt8(ascii: "!") { lexiconCounts[3] += 1 } else { lexiconCounts[4] += 1 }
                default:
                    endWord(word, &length, &upper, &lower)
                }
                continue
            }
            let width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            let bytes = UnsafeBufferPointer(rebasing: text[index..<min(index + width, text.count)])
            index += width
            var scalar = UInt32(lead) & (0xFF >> (width + 1))
            for byte in bytes.dropFirst() { scalar = scalar << 6 | UInt32(byte & 0x3F) }
            if EmotionFeatures.isEmoji(scalar) {
                endWord(word, &length, &upper, &lower)
                addSymbol(bytes)
                lexiconCounts[2] += 1
            } else if scalar == 0x2019 || EmotionFeatures.isIgnored(scalar) {
                continue
            } else if length + bytes.count <= EmotionFeatures.maxWordBytes {
                for byte in bytes { word[1 + length] = byte; length += 1 }
            }
        }
        endWord(word, &length, &upper, &lower)
    }

    /// Adds the word in `word[1...length]`, if any, with its character n-grams and lexicon
    /// counts, and starts a new word.
    private mutating func endWord(_ word: UnsafeMutablePointer<UInt8>, _ length: inout Int,
                                  _ upper: inout Int, _ lower: inout Int) {
        guard length > 0 else { return }
        let token = TokenHashes(UnsafeBufferPointer(start: word + 1, count: length), after: bigramPrefix)
        let unigram = token.unigram
        if upper >= 2, lower == 0 { lexiconCounts[5] += 1 }
        if length <= EmotionFeatures.longestLexiconWord,
           EmotionFeatures.lexiconFilter[Int(unigram >> 60)] & (1 << ((unigram >> 54) & 63)) != 0 {
            if EmotionFeatures.negationHashes.contains(unigram) { lexiconCounts[0] += 1 }
            if EmotionFeatures.intensifierHashes.contains(unigram) { lexiconCounts[1] += 1 }
        }
        if let slot = cached(unigram) {
            add(token, unigramRow: slot.unigram)
            charSum &+= SIMD8<Int32>(truncatingIfNeeded: slot.chars)
            charFeatures += EmotionFeatures.characterNGramCount(wordBytes: length)
        } else {
            add(token, unigramRow: row(unigram))
            word[0] = UInt8(ascii: " ")
            word[length + 1] = UInt8(ascii: " ")
            let padded = length + 2
            for start in 0..<padded - 1 {
                var hash = EmotionFeatures.charSeed
                hash = EmotionFeatures.fnv(hash, word[start])
                for end in start + 1..<min(start + 5, padded) {
                    hash = EmotionFeatures.fnv(hash, word[end])
                    charSum &+= SIMD8<Int32>(truncatingIfNeeded: row(hash))
                    charFeatures += 1
                }
            }
        }
        length = 0
        upper = 0
        lower = 0
    }

    /// Adds an emoji, `!` or `?` token.
    private mutating func addSymbol(_ token: UnsafeBufferPointer<UInt8>) {
        let hashes = TokenHashes(token, after: bigramPrefix)
        add(hashes, unigramRow: row(hashes.unigram))
    }

    /// Adds a token's unigram (its row given) and its bigram with the previous token.
    @inline(__always)
    private mutating func add(_ token: TokenHashes, unigramRow: SIMD8<Int8>) {
        wordSum &+= SIMD8<Int32>(truncatingIfNeeded: unigramRow)
        wordFeatures += 1
        if bigramPrefix != nil {
            wordSum &+= SIMD8<Int32>(truncatingIfNeeded: row(token.bigram))
            wordFeatures += 1
        }
        bigramPrefix = token.nextBigramPrefix
    }
}

/// The hashes of a token's word features, computed in one pass over its bytes.
private struct TokenHashes {
    /// The hash of "1" + token.
    var unigram = EmotionFeatures.unigramSeed
    /// The hash of "2" + previous token + " " + token (meaningless for the first token).
    var bigram: UInt64
    /// The hash of "2" + token + " ", the start of the next token's bigram.
    var nextBigramPrefix = EmotionFeatures.bigramSeed

    /// Hashes `token`; `previous` is the hash of "2" + previous token + " ", nil for the first.
    @inline(__always)
    init(_ token: UnsafeBufferPointer<UInt8>, after previous: UInt64?) {
        bigram = previous ?? 0
        for byte in token {
            unigram = EmotionFeatures.fnv(unigram, byte)
            nextBigramPrefix = EmotionFeatures.fnv(nextBigramPrefix, byte)
            bigram = EmotionFeatures.fnv(bigram, byte)
        }
        nextBigramPrefix = EmotionFeatures.fnv(nextBigramPrefix, UInt8(ascii: " "))
    }
}
