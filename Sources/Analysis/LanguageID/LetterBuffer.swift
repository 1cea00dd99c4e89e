/// The letters of a text as the identifier uses them: lower-cased, normalised like the training
/// profiles, words separated by one 0x20, with URLs, e-mail addresses, mentions, hashtags and
/// cashtags left out (they name things rather than speak a language), and a letter count per script.
/// Built in one pass over the UTF-8 bytes.
struct LetterBuffer {
    /// Normalised scalar values; 0x20 separates words.
    let scalars: [UInt32]
    /// Letters per ``Script`` (lane = raw value), held inline rather than in an array.
    let letterCounts: SIMD32<Int32>

    init(_ text: String) {
        var text = text
        var counts = SIMD32<Int32>.zero
        scalars = text.withUTF8 { bytes in
            withUnsafeMutableBytes(of: &counts) { counts in
                [UInt32](unsafeUninitializedCapacity: bytes.count + 1) { output, count in
                    var writer = Writer(output: output, letterCounts: counts.bindMemory(to: Int32.self))
                    writer.fill(from: bytes)
                    count = writer.count
                }
            }
        }
        letterCounts = counts
    }

    /// The script with the most (weighted) letters, or nil when there are no letters.
    /// Han and Kana count together as ``Script/han`` (Chinese characters, with or without Japanese kana).
    var dominantScript: Script? {
        var best: Script?
        var bestWeight = 0
        for script in Self.scripts where script != .kana {
            let letters = script == .han ? letters(in: .han) + letters(in: .kana) : letters(in: script)
            if letters * script.weight > bestWeight {
                best = script
                bestWeight = letters * script.weight
            }
        }
        return best
    }

    /// Letters in `script`.
    func letters(in script: Script) -> Int {
        Int(letterCounts[script.rawValue])
    }

    /// Share of all letters (weighted by ``Script/weight``) that belong to `script`, Kana
    /// counting with Han.
    func share(of script: Script) -> Double {
        var total = 0
        for other in Self.scripts {
            total += letters(in: other) * other.weight
        }
        let part = script == .han ? (letters(in: .han) + letters(in: .kana)) * script.weight : letters(in: script) * script.weight
        return total == 0 ? 0 : Double(part) / Double(total)
    }

    private static let scripts = Script.allCases

    /// Writes scalars and letter counts straight into preallocated memory (one scalar per input
    /// byte at most, plus the final separator), without the uniqueness checks of array appends.
    private struct Writer {
        let output: UnsafeMutableBufferPointer<UInt32>
        let letterCounts: UnsafeMutableBufferPointer<Int32>
        /// Scalars written so far.
        var count = 0

        mutating func fill(from bytes: UnsafeBufferPointer<UInt8>) {
            var index = 0
            var atTokenStart = true
            var skippingToken = false
            var tokenStart = 0
            var previous: (UInt32, UInt32) = (0x20, 0x20)
            while index < bytes.count {
                let start = index
                let value = LetterBuffer.decode(bytes, at: &index)
                if LetterBuffer.isSpace(value) {
                    atTokenStart = true
                    skippingToken = false
                    appendSeparator()
                    continue
                }
                if skippingToken { continue }
                if atTokenStart {
                    if LetterBuffer.isOpeningPunctuation(value) { continue }
                    atTokenStart = false
                    tokenStart = count
                    previous = (0x20, 0x20)
                    if LetterBuffer.isMarkupSigil(value) || LetterBuffer.startsURL(bytes, at: start) {
                        skippingToken = true
                        continue
                    }
                }
                if value == 0x40 || (value == 0x2F && previous == (0x3A, 0x2F)) {
                    // "@" inside a token (e-mail address) or "://" (URL): drop the whole token.
                    dropScalars(from: tokenStart)
                    skippingToken = true
                    continue
                }
                switch value {
                case 0x41...0x5A, 0x61...0x7A:
                    // The common case: copy the whole run of ASCII letters, lower-cased.
                    index = start
                    var latinLetters = 0
                    while index < bytes.count, case let byte = UInt32(bytes[index]), (byte | 0x20) &- 0x61 < 26 {
                        output[count &+ latinLetters] = byte | 0x20
                        latinLetters &+= 1
                        index &+= 1
                    }
                    count &+= latinLetters
                    letterCounts[Script.latin.rawValue] &+= Int32(truncatingIfNeeded: latinLetters)
                    previous = (0x61, 0x61)  // any letters: only "://" matters
                case 0..<0x80:
                    previous = (previous.1, value)
                    appendSeparator()
                default:
                    previous = (previous.1, value)
                    append(ClassifiedScalar.classify(value))
                }
            }
            appendSeparator()
        }

        @inline(__always)
        private mutating func appendLetter(_ value: UInt32, _ script: Script) {
            letterCounts[script.rawValue] += 1
            output[count] = value
            count += 1
        }

        private mutating func append(_ classified: ClassifiedScalar) {
            if classified.isSilentMark { return }
            if let script = classified.script {
                appendLetter(classified.value, script)
            } else {
                appendSeparator()
            }
        }

        @inline(__always)
        private mutating func appendSeparator() {
            if count == 0 || output[count - 1] != 0x20 {
                output[count] = 0x20
                count += 1
            }
        }

        private mutating func dropScalars(from start: Int) {
            for value in output[start..<count] {
                if let script = ClassifiedScalar.classify(value).script {
                    letterCounts[script.rawValue] -= 1
                }
            }
            count = start
            appendSeparator()
        }
    }

    /// Decodes the scalar at `index` of valid UTF-8 and advances past it.
    @inline(__always)
    fileprivate static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32 {
        let lead = UInt32(bytes[index])
        if lead < 0x80 {
            index += 1
            return lead
        }
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = lead & (0x7F >> UInt32(length))
        for offset in 1..<length where index + offset < bytes.count {
            value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
        }
        index += length
        return value
    }

    @inline(__always)
    fileprivate static func isSpace(_ value: UInt32) -> Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    fileprivate static func isOpeningPunctuation(_ value: UInt32) -> Bool {
        switch value {
        case 0x28, 0x5B, 0x7B, 0x22, 0x27, 0xAB, 0x201C, 0x2018, 0xBF, 0xA1: true  // ( [ { " ' « “ ‘ ¿ ¡
        default: false
        }
    }

    /// "@", "#", "$" and their full-width forms start mentions, hashtags and cashtags.
    fileprivate static func isMarkupSigil(_ value: UInt32) -> Bool {
        switch value {
        case 0x40, 0x23, 0x24, 0xFF03, 0xFF20: true
        default: false
        }
    }

    /// Whether "http://", "https://" or "www." (any case) starts at `start`.
    fileprivate static func startsURL(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        func matches(_ prefix: StaticString) -> Bool {
            guard start + prefix.utf8CodeUnitCount <= bytes.count else { return false }
            for offset in 0..<prefix.utf8CodeUnitCount {
                let byte = bytes[start + offset]
                let lower = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                if lower != prefix.utf8Start[offset] { return false }
            }
            return true
        }
        return matches("http://") || matches("https://") || matches("www.")
    }
}
