import TextBytes

/// The letters of a text as the identifier uses them: lower-cased, normalised like the training
/// profiles, words separated by one 0x20, with URLs, e-mail addresses, mentions, hashtags and
/// cashtags left out (they name things rather than speak a language), and a letter count per script.
///
/// Written in one pass over the UTF-8 bytes into scratch memory, on demand: ``fill(toAtLeast:)``
/// stops at the first word boundary past the requested length, so a text whose language is
/// settled after a few words is not read to its end.
struct LetterBuffer {
    private var writer: Writer

    private init(bytes: UnsafeBufferPointer<UInt8>, output: UnsafeMutableBufferPointer<UInt32>) {
        writer = Writer(bytes: bytes, output: output)
    }

    /// Calls `body` with an empty buffer over `text`; its scalars live in scratch memory for the call.
    /// Inlined, so that `body` and what it captures need no context of their own (nor its reference counting).
    @inline(__always)
    static func withBuffer<Result>(of text: String, _ body: (inout LetterBuffer) -> Result) -> Result {
        var text = text
        return text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: bytes.count + 1) { output in
                var buffer = LetterBuffer(bytes: bytes, output: output)
                return body(&buffer)
            }
        }
    }

    /// The normalised scalars written so far; 0x20 separates words.
    var scalars: UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(rebasing: writer.output[..<writer.count])
    }

    /// Whether the whole text has been read.
    var isComplete: Bool { writer.isComplete }

    /// Reads on until at least `scalarCount` scalars are written and a word has ended, or the text ends.
    mutating func fill(toAtLeast scalarCount: Int) {
        let start = writer.count
        writer.fill(toAtLeast: scalarCount)
        writer.collapseRepetitions(from: start)
    }

    /// Reads the rest of the text.
    mutating func fillAll() {
        fill(toAtLeast: .max)
    }

    /// Whether every letter in the text is in Latin script (there may be none), found by
    /// classifying only its non-ASCII scalars; then the scalars read so far already tell the
    /// dominant script (Latin, if they hold a letter) and its share (all of the letters).
    var hasOnlyLatinLetters: Bool {
        // The bytes are handed over alone: a call on the whole buffer would copy it first.
        @inline(__always) get { Self.hasOnlyLatinLetters(writer.bytes) }
    }

    /// ``hasOnlyLatinLetters`` of the UTF-8 `bytes`.
    private static func hasOnlyLatinLetters(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            if index &+ 32 <= bytes.count {
                let words = UnsafeRawPointer(bytes.baseAddress! + index)
                let any = words.loadUnaligned(as: UInt64.self) | words.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    | words.loadUnaligned(fromByteOffset: 16, as: UInt64.self) | words.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                if any & ByteWord.highBits == 0 {
                    index &+= 32
                    continue
                }
            }
            // Eight bytes at a time; fewer than eight left are checked as the last eight.
            let eight = min(index, bytes.count &- 8)
            if eight >= 0, ByteWord.load(bytes.baseAddress! + eight) & ByteWord.highBits == 0 {
                index = eight &+ 8
                continue
            }
            let value = decode(bytes, at: &index)
            if value >= 0x80, let script = ClassifiedScalar.classify(value).script, script != .latin { return false }
        }
        return true
    }

    /// The script with the most (weighted) letters read, or nil when there are none.
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

    /// Letters read in `script`.
    func letters(in script: Script) -> Int {
        Int(writer.letterCounts[script.rawValue])
    }

    /// Share of the letters read (weighted by ``Script/weight``) that belong to `script`, Kana
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
        let bytes: UnsafeBufferPointer<UInt8>
        let output: UnsafeMutableBufferPointer<UInt32>
        /// Letters per ``Script`` (lane = raw value), held inline rather than in an array.
        private(set) var letterCounts = SIMD32<Int32>.zero
        /// Scalars written so far.
        private(set) var count = 0
        private(set) var isComplete = false
        /// Where reading goes on, and what is known about the token there.
        private var index = 0
        private var atTokenStart = true
        private var skippingToken = false
        private var tokenStart = 0
        /// The last two scalars of the token (only "://" matters).
        private var previous: (UInt32, UInt32) = (0x20, 0x20)

        init(bytes: UnsafeBufferPointer<UInt8>, output: UnsafeMutableBufferPointer<UInt32>) {
            self.bytes = bytes
            self.output = output
        }

        /// Keeps a letter repeated three or more times in a row ("soooo", "yessss", "yaaaay")
        /// once, then a word written two or more times in a row ("go go go", "yay yay yay",
        /// "ha ha ha") once, in the scalars written from `start` on (which start a word: a read
        /// stops between words; the first word is compared with the word before `start`), and
        /// takes the dropped letters off the counts. Stretched words neither vote for languages
        /// that double letters nor dilute the others, and they meet their entry in the
        /// frequent-word lists (most stretched letters are single in the word); a repeated word
        /// is one piece of evidence, as a stretched letter is one letter: it neither outvotes the
        /// rest of the text nor makes a one-word text look long and certain.
        mutating func collapseRepetitions(from start: Int) {
            guard hasRepetition(from: start) else { return }
            collapseRepeatedLetters(from: start)
            collapseRepeatedWords(from: start)
        }

        /// Whether a letter is written three times in a row from `start` on, or a word repeats
        /// the word before it (most texts have neither). Words are compared only when their
        /// lengths are equal.
        private func hasRepetition(from start: Int) -> Bool {
            let before = wordBefore(start)
            var previousStart = before.start
            var previousLength = before.end &- before.start
            let scalars = UnsafePointer(output.baseAddress!)
            let end = count
            var wordStart = start
            var (beforeLast, last): (UInt32, UInt32) = (0x20, 0x20)
            var index = start
            while index < end {
                let value = scalars[index]
                if value == 0x20 {
                    let length = index &- wordStart
                    if length == previousLength, length > 0, Self.equal(scalars + wordStart, scalars + previousStart, count: length) {
                        return true
                    }
                    (previousStart, previousLength, wordStart) = (wordStart, length, index &+ 1)
                } else if value == last, value == beforeLast {
                    return true
                }
                (beforeLast, last) = (last, value)
                index &+= 1
            }
            let length = end &- wordStart
            return length > 0 && length == previousLength && Self.equal(scalars + wordStart, scalars + previousStart, count: length)
        }

        /// Whether the `count` scalars at `a` and at `b` are equal.
        @inline(__always)
        private static func equal(_ a: UnsafePointer<UInt32>, _ b: UnsafePointer<UInt32>, count: Int) -> Bool {
            for offset in 0..<count where a[offset] != b[offset] { return false }
            return true
        }

        /// The word that ends right before `start` (empty, at `start`, when there is none).
        private func wordBefore(_ start: Int) -> (start: Int, end: Int) {
            let end = start > 0 && output[start &- 1] == 0x20 ? start &- 1 : start
            var wordStart = end
            while wordStart > 0, output[wordStart &- 1] != 0x20 { wordStart &-= 1 }
            return (wordStart, end)
        }

        /// Whether the scalars of `word` are those of `previous`.
        private func repeats(_ word: Range<Int>, _ previous: Range<Int>) -> Bool {
            word.count == previous.count
                && Self.equal(output.baseAddress! + word.lowerBound, output.baseAddress! + previous.lowerBound, count: word.count)
        }

        /// The letter runs of ``collapseRepetitions(from:)``.
        private mutating func collapseRepeatedLetters(from start: Int) {
            var read = start
            while read < count, output[read] == 0x20 || read < 2 || output[read] != output[read &- 1] || output[read] != output[read &- 2] {
                read &+= 1
            }
            guard read < count else { return }
            // `read` is the third letter of a run that starts two before it: keep that first
            // letter, drop the rest of the run.
            read &-= 1
            var write = read
            var dropping = output[read]
            while read < count {
                let value = output[read]
                read &+= 1
                if value == dropping {
                    if let script = ClassifiedScalar.classify(value).script { letterCounts[script.rawValue] &-= 1 }
                    continue
                }
                dropping = .max  // no scalar
                if value != 0x20, read &+ 1 < count, output[read] == value, output[read &+ 1] == value {
                    dropping = value
                }
                output[write] = value
                write &+= 1
            }
            count = write
        }

        /// The repeated words of ``collapseRepetitions(from:)``: drops each word that repeats the
        /// word kept before it, moving the words after it down; the separator before a dropped
        /// word stays.
        private mutating func collapseRepeatedWords(from start: Int) {
            var (keptStart, keptEnd) = wordBefore(start)
            var (read, write) = (start, start)
            while read < count {
                if output[read] == 0x20 {
                    output[write] = 0x20
                    (read, write) = (read &+ 1, write &+ 1)
                    continue
                }
                var end = read
                while end < count, output[end] != 0x20 { end &+= 1 }
                if repeats(read..<end, keptStart..<keptEnd) {
                    for value in output[read..<end] {
                        if let script = ClassifiedScalar.classify(value).script { letterCounts[script.rawValue] &-= 1 }
                    }
                    read = min(end &+ 1, count)
                    continue
                }
                for offset in 0..<(end &- read) { output[write &+ offset] = output[read &+ offset] }
                (keptStart, keptEnd) = (write, write &+ (end &- read))
                (read, write) = (end, write &+ (end &- read))
            }
            count = write
        }

        /// Stops only at a token start: a later "@" or "://" may still remove the current token.
        /// The state lives in locals while reading (stored back at the end), so that the hot
        /// loop keeps it in registers; the letter counts of other scripts than Latin, rarely
        /// touched, stay where they are.
        mutating func fill(toAtLeast limit: Int) {
            guard !isComplete else { return }
            let (bytes, output) = (bytes, output)
            var (index, atTokenStart, skippingToken, tokenStart, previous) = (index, atTokenStart, skippingToken, tokenStart, previous)
            var count = count
            var latinLetters = 0
            defer {
                (self.index, self.atTokenStart, self.skippingToken, self.tokenStart, self.previous) =
                    (index, atTokenStart, skippingToken, tokenStart, previous)
                letterCounts[Script.latin.rawValue] &+= Int32(truncatingIfNeeded: latinLetters)
                self.count = count
            }
            @inline(__always) func appendSeparator() {
                if count == 0 || output[count &- 1] != 0x20 {
                    output[count] = 0x20
                    count &+= 1
                }
            }
            func dropScalars(from start: Int) {
                for value in output[start..<count] {
                    if let script = ClassifiedScalar.classify(value).script {
                        if script == .latin { latinLetters -= 1 } else { letterCounts[script.rawValue] -= 1 }
                    }
                }
                count = start
                appendSeparator()
            }
            while index < bytes.count {
                if atTokenStart && count >= limit { return }
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
                    let words = LetterBuffer.copyASCIIWords(bytes, from: start, into: output, at: count, limit: limit, tokenStart: tokenStart)
                    (index, count, tokenStart) = (words.end, words.count, words.tokenStart)
                    latinLetters &+= words.letters
                    previous = (0x61, 0x61)  // any letters: only "://" matters
                case 0..<0x80:
                    previous = (previous.1, value)
                    appendSeparator()
                default:
                    previous = (previous.1, value)
                    let classified = ClassifiedScalar.classify(value)
                    if classified.isSilentMark { continue }
                    if let script = classified.script {
                        if script == .latin { latinLetters &+= 1 } else { letterCounts[script.rawValue] &+= 1 }
                        output[count] = classified.value
                        count &+= 1
                    } else {
                        appendSeparator()
                    }
                }
            }
            appendSeparator()
            isComplete = true
        }
    }

    /// The common case of ``Writer/fill(toAtLeast:)``: copies the run of ASCII letters at `start`
    /// to `output` from `count` on, lower-cased, eight bytes at a time (a word usually fits, so
    /// there is one branch per word). Writing eight scalars where fewer are letters is safe:
    /// `count` never passes the byte index, and the scratch holds one scalar per byte plus one.
    /// A single space and another such word go on in the same loop, as the writer would take
    /// them, unless reading is to stop at that word (`limit`) or it may start a URL; each such
    /// word starts a token. So do a punctuation mark and a single space before the next word,
    /// and a punctuation mark right before it (which goes on in the same token). Returns where
    /// reading and writing go on, the letters copied and where the last token starts. A function
    /// of its own, so that its loop has the registers to itself.
    @inline(never)
    private static func copyASCIIWords(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into output: UnsafeMutableBufferPointer<UInt32>,
                                       at count: Int, limit: Int, tokenStart: Int) -> (end: Int, count: Int, letters: Int, tokenStart: Int) {
        var (index, count, tokenStart) = (start, count, tokenStart)
        var letters = 0
        let (input, written) = (UnsafeRawPointer(bytes.baseAddress!), UnsafeMutableRawPointer(output.baseAddress!))
        while true {
            let wordStart = count
            while index &+ 8 <= bytes.count {
                let lowered = input.loadUnaligned(fromByteOffset: index, as: UInt64.self) | 0x2020_2020_2020_2020
                // Widened as a vector (first byte lowest): two unpacks and two stores.
                let scalars = SIMD8<UInt32>(truncatingIfNeeded: unsafeBitCast(lowered, to: SIMD8<UInt8>.self))
                written.storeBytes(of: scalars, toByteOffset: count &* MemoryLayout<UInt32>.stride, as: SIMD8<UInt32>.self)
                let run = ByteWord.leadingLowercaseLetters(lowered)
                count &+= run
                index &+= run
                if run < 8 { break }
            }
            if index &+ 8 > bytes.count {
                while index < bytes.count, isASCIILetter(bytes[index]) {
                    output[count] = UInt32(bytes[index] | 0x20)
                    count &+= 1
                    index &+= 1
                }
            }
            letters &+= count &- wordStart
            // What the writer makes of a single space, or of a punctuation mark followed by a
            // letter or by a single space, before the next letter: one separator.
            guard index &+ 1 < bytes.count else { break }
            let separator = bytes[index]
            let spaced = separator == 0x20 || bytes[index &+ 1] == 0x20
            guard separator == 0x20 || isSeparatingPunctuation(separator) else { break }
            let next = index &+ (separator != 0x20 && spaced ? 2 : 1)
            guard next < bytes.count, isASCIILetter(bytes[next]) else { break }
            // After a space the next word starts a token: reading may stop there, or it may start a URL.
            if spaced {
                guard count &+ 1 < limit, !startsURL(bytes, at: next) else { break }
            }
            output[count] = 0x20
            count &+= 1
            index = next
            if spaced { tokenStart = count }
        }
        return (index, count, letters, tokenStart)
    }

    /// Whether `byte` is printable ASCII that the writer takes as a separator inside a token:
    /// neither a letter nor a space, nor "@" or "/" (which may remove the token: e-mail
    /// addresses, "://").
    @inline(__always)
    static func isSeparatingPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !isASCIILetter(byte) && byte != 0x40 && byte != 0x2F
    }

    /// Whether `byte` is "A"..."Z" or "a"..."z".
    @inline(__always)
    static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) &- 0x61 < 26
    }

    /// Decodes the scalar at `index` of valid UTF-8 and advances past it.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) -> UInt32 {
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
        // ASCII first: two comparisons instead of the whole list.
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        switch value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
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
    @inline(__always)
    fileprivate static func startsURL(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        // Each prefix starts with "http" or "www." (letters in any case): most words are ruled out
        // by their first letter, the others by four bytes compared at once.
        guard start &+ 4 <= bytes.count, bytes[start] | 0x20 == 0x68 || bytes[start] | 0x20 == 0x77 else { return false }
        let head = UnsafeRawPointer(bytes.baseAddress! + start).loadUnaligned(as: UInt32.self).littleEndian
        let http: UInt32 = 0x7074_7468, www: UInt32 = 0x2E77_7777  // "http", "www." (first byte lowest)
        return (head | 0x2020_2020 == http || head | 0x0020_2020 == www) && matchesURLPrefix(bytes, at: start)
    }

    private static func matchesURLPrefix(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
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
