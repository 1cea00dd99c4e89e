import TextBytes
/// Finds hashtags, mentions, URLs (with their registered domains), cashtags and emoji in plain
/// text in one pass over its unicode scalars, without regular expressions.
///
/// Rules (close to Twitter's and Mastodon's):
/// - a hashtag is "#" after a non-word character, followed by letters, marks, digits or "_",
///   with at least one letter ("#1" is not a hashtag);
/// - a mention is "@" after a non-word character, a user name of ASCII letters, digits, "_",
///   inner "." or "-", and optionally "@instance.domain" (Mastodon); e-mail addresses are not mentions;
/// - a URL starts with "http://", "https://" or "www." after a non-word character and ends at
///   white space or a character that cannot be in a URL; trailing punctuation and a closing
///   bracket without its opening one inside the URL are left out (so Wikipedia's
///   "https://en.wikipedia.org/wiki/Swift_(programming_language)" stays whole);
/// - a cashtag is "$" then 1 to 6 ASCII letters, optionally "." or "_" and 1 or 2 letters
///   ("$BRK.B"), not followed by a letter or digit ("$5" is not a cashtag);
/// - an emoji is a whole grapheme cluster: pictograph with variation selector, skin tone,
///   tags and ZWJ continuations, a pair of regional indicators (flag) or a keycap.
public enum EntityExtractor {
    /// The entities of `text`, in order of appearance.
    public static func extract(from text: String) -> ExtractedEntities {
        guard mayContainEntities(text) else { return ExtractedEntities() }
        var scanner = Scanner(scalars: Array(text.unicodeScalars))
        scanner.run()
        return scanner.entities
    }
}

extension EntityExtractor {
    /// A byte-level pre-check: every entity needs "#", "@", "$", "://", "www." (any case) or a
    /// non-ASCII scalar (emoji, full-width signs), so texts without any are skipped quickly.
    static func mayContainEntities(_ text: String) -> Bool {
        withUTF8Bytes(of: text) { bytes in
            // Branch-free (the compiler vectorises it): most texts have no candidate at all.
            var hits: UInt8 = 0
            for byte in bytes {
                hits |= (byte == UInt8(ascii: "#") ? 1 : 0) | (byte == UInt8(ascii: "@") ? 1 : 0)
                    | (byte == UInt8(ascii: "$") ? 1 : 0) | (byte >= 0x80 ? 1 : 0)
            }
            guard hits == 0, bytes.count >= 3 else { return hits != 0 }
            // Links need ":/" or "w." somewhere: a two-byte test the compiler also vectorises
            // settles most texts before the exact three-byte one.
            var linkPairs: UInt8 = 0
            for index in 1..<bytes.count {
                let (byte, previous) = (bytes[index], bytes[index - 1])
                linkPairs |= (byte == UInt8(ascii: "/") ? 1 : 0) & (previous == UInt8(ascii: ":") ? 1 : 0)
                    | (byte == UInt8(ascii: ".") ? 1 : 0) & (previous | 0x20 == UInt8(ascii: "w") ? 1 : 0)
            }
            guard linkPairs != 0 else { return false }
            for index in 2..<bytes.count {
                let (byte, previous, beforePrevious) = (bytes[index], bytes[index - 1], bytes[index - 2])
                let schemeEnd = (byte == UInt8(ascii: "/") ? 1 : 0) & (previous == UInt8(ascii: "/") ? 1 : 0)
                    & (beforePrevious == UInt8(ascii: ":") ? 1 : 0) as UInt8
                let wwwDot = (byte == UInt8(ascii: ".") ? 1 : 0) & (previous | 0x20 == UInt8(ascii: "w") ? 1 : 0)
                    & (beforePrevious | 0x20 == UInt8(ascii: "w") ? 1 : 0) as UInt8
                hits |= schemeEnd | wwwDot
            }
            return hits != 0
        }
    }
}

private struct Scanner {
    let scalars: [Unicode.Scalar]
    var entities = ExtractedEntities()

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    mutating func run() {
        var index = 0
        while index < scalars.count {
            index = scanEntity(at: index) ?? index + 1
        }
    }

    /// Records the entity starting at `index`, if any, and returns the index after it.
    private mutating func scanEntity(at index: Int) -> Int? {
        let scalar = scalars[index]
        var atBoundary: Bool { index == 0 || !Self.isWordScalar(scalars[index - 1]) }
        switch scalar {
        case "h", "H", "w", "W":
            return atBoundary ? scanURL(at: index) : nil
        case "#", "＃":
            return atBoundary && (index == 0 || scalars[index - 1] != "&") ? scanHashtag(at: index) : nil
        case "@", "＠":
            return atBoundary ? scanMention(at: index) : nil
        case "$":
            return atBoundary ? scanCashtag(at: index) : nil
        default:
            return Self.mayStartEmoji(scalar) ? scanEmoji(at: index) : nil
        }
    }

    // MARK: URLs

    private mutating func scanURL(at start: Int) -> Int? {
        guard let hostStart = urlHostStart(at: start) else { return nil }
        var end = hostStart
        var openBrackets = 0
        scan: while end < scalars.count {
            let scalar = scalars[end]
            switch scalar {
            case "(", "[": openBrackets += 1
            case ")", "]":
                if openBrackets == 0 { break scan }
                openBrackets -= 1
            default:
                if !Self.isURLScalar(scalar) { break scan }
            }
            end += 1
        }
        while end > hostStart, Self.isTrailingPunctuation(scalars[end - 1]) {
            end -= 1
        }
        var hostEnd = hostStart
        while hostEnd < end, !"/?#".unicodeScalars.contains(scalars[hostEnd]) {
            hostEnd += 1
        }
        var host = scalars[hostStart..<hostEnd]
        if let at = host.lastIndex(of: "@") { host = host[(at + 1)...] }
        if let colon = host.lastIndex(of: ":"), host.last != "]" { host = host[..<colon] }
        guard host.contains("."), host.first != ".", host.allSatisfy(Self.isHostScalar) else { return nil }
        entities.urls.append(Self.string(scalars[start..<end]))
        entities.domains.append(RegisteredDomain.of(host: Self.string(host)))
        return end
    }

    /// Index after "http://", "https://" (any case) or at "www.", or nil.
    private func urlHostStart(at start: Int) -> Int? {
        if hasPrefix("https://", at: start) { return start + 8 }
        if hasPrefix("http://", at: start) { return start + 7 }
        return hasPrefix("www.", at: start) ? start : nil
    }

    /// Whether the ASCII `prefix` (lower case) starts at `start`, ignoring case.
    private func hasPrefix(_ prefix: StaticString, at start: Int) -> Bool {
        guard start + prefix.utf8CodeUnitCount <= scalars.count else { return false }
        for offset in 0..<prefix.utf8CodeUnitCount {
            var actual = scalars[start + offset].value
            if (0x41...0x5A).contains(actual) { actual += 0x20 }
            if actual != UInt32(prefix.utf8Start[offset]) { return false }
        }
        return true
    }

    // MARK: Hashtags, mentions, cashtags

    private mutating func scanHashtag(at start: Int) -> Int? {
        var end = start + 1
        var hasLetter = false
        while end < scalars.count, Self.isHashtagScalar(scalars[end]) {
            hasLetter = hasLetter || Self.isLetter(scalars[end])
            end += 1
        }
        guard hasLetter else { return nil }
        entities.hashtags.append(Self.string(scalars[(start + 1)..<end]).lowercased())
        return end
    }

    private mutating func scanMention(at start: Int) -> Int? {
        let nameEnd = scanName(from: start + 1)
        guard nameEnd > start + 1 else { return nil }
        var end = nameEnd
        if end + 1 < scalars.count, scalars[end] == "@" {
            let domainEnd = scanName(from: end + 1)
            if scalars[(end + 1)..<domainEnd].contains(".") { end = domainEnd }
        }
        if end < scalars.count, scalars[end] == "@" || Self.isWordScalar(scalars[end]) { return nil }
        entities.mentions.append(Self.string(scalars[(start + 1)..<end]).lowercased())
        return end
    }

    /// End of a run of ASCII letters, digits, "_" and (inside, not at the end) "." and "-".
    private func scanName(from start: Int) -> Int {
        var end = start
        while end < scalars.count {
            let scalar = scalars[end]
            if Self.isASCIIAlphanumeric(scalar) || scalar == "_" {
                end += 1
            } else if scalar == "." || scalar == "-", end + 1 < scalars.count,
                      Self.isASCIIAlphanumeric(scalars[end + 1]) || scalars[end + 1] == "_" {
                end += 1
            } else {
                break
            }
        }
        return end
    }

    private mutating func scanCashtag(at start: Int) -> Int? {
        var end = start + 1
        let symbolEnd = asciiLetters(from: end, max: 6)
        guard symbolEnd > end else { return nil }
        end = symbolEnd
        if end < scalars.count, scalars[end] == "." || scalars[end] == "_" {
            let suffixEnd = asciiLetters(from: end + 1, max: 2)
            if suffixEnd > end + 1 { end = suffixEnd }
        }
        if end < scalars.count, Self.isWordScalar(scalars[end]) { return nil }
        entities.cashtags.append(Self.string(scalars[(start + 1)..<end]).uppercased())
        return end
    }

    private func asciiLetters(from start: Int, max count: Int) -> Int {
        var end = start
        while end < scalars.count, end - start < count, scalars[end].isASCII, Self.isLetter(scalars[end]) {
            end += 1
        }
        return end
    }

    // MARK: Emoji

    private mutating func scanEmoji(at start: Int) -> Int? {
        let scalar = scalars[start]
        if Self.isRegionalIndicator(scalar) {
            guard start + 1 < scalars.count, Self.isRegionalIndicator(scalars[start + 1]) else { return nil }
            entities.emoji.append(Self.string(scalars[start..<(start + 2)]))
            return start + 2
        }
        if Self.isKeycapBase(scalar) {
            var end = start + 1
            if end < scalars.count, scalars[end] == "\u{FE0F}" { end += 1 }
            guard end < scalars.count, scalars[end] == "\u{20E3}" else { return nil }
            entities.emoji.append(Self.string(scalars[start...end]))
            return end + 1
        }
        let properties = scalar.properties
        guard properties.isEmoji else { return nil }
        var end = start + 1
        var isPictographic = properties.isEmojiPresentation
        while end < scalars.count {
            let next = scalars[end]
            if next == "\u{FE0E}" && end == start + 1 { return end + 1 }  // explicit text presentation
            if next == "\u{FE0F}" || next.properties.isEmojiModifier || (0xE0020...0xE007F).contains(next.value) {
                isPictographic = true
                end += 1
            } else if next == "\u{200D}", end + 1 < scalars.count, scalars[end + 1].properties.isEmoji {
                isPictographic = true
                end += 2
            } else {
                break
            }
        }
        guard isPictographic else { return nil }
        entities.emoji.append(Self.string(scalars[start..<end]))
        return end
    }

    // MARK: Character classes

    private static func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(slice.count * 2)
        for scalar in slice {
            UTF8.encode(scalar) { bytes.append($0) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A: true
        case 0..<0x80: false
        default: scalar.properties.isAlphabetic
        }
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    /// Letters, marks, digits and "_": what may come right before an entity without hiding it.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return isASCIIAlphanumeric(scalar) || scalar == "_" }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType == .decimal
    }

    private static func isHashtagScalar(_ scalar: Unicode.Scalar) -> Bool {
        if isWordScalar(scalar) || scalar == "\u{200C}" || scalar == "\u{200D}" || scalar == "\u{B7}" { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// A cheap range pre-check before the Unicode property lookups of ``scanEmoji(at:)``:
    /// emoji start with a keycap base, U+00A9, U+00AE, a scalar in U+2000...U+2BFF, one of four
    /// CJK symbols, or a scalar from U+1F000 on.
    private static func mayStartEmoji(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x23, 0x2A, 0x30...0x39, 0xA9, 0xAE, 0x2000...0x2BFF, 0x3030, 0x303D, 0x3297, 0x3299, 0x1F000...: true
        default: false
        }
    }

    private static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    private static func isKeycapBase(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "#", "*": true
        default: false
        }
    }

    /// Scalars that may appear in a URL as people write them (IRIs included): not white space,
    /// controls, quotes, angle brackets, or the punctuation of the surrounding prose.
    private static func isURLScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0...0x20, 0x7F...0xA0: return false
        case 0x22, 0x3C, 0x3E, 0x5C, 0x5E, 0x60, 0x7B, 0x7C, 0x7D: return false
        case 0x2000...0x206F, 0x3000...0x303F, 0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFE30...0xFE4F: return false
        case 0..<0x80: return true
        default: return !scalar.properties.isEmojiPresentation
        }
    }

    private static func isTrailingPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        ".,;:!?'*".unicodeScalars.contains(scalar)
    }

    private static func isHostScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII ? isASCIIAlphanumeric(scalar) || "-.[]:".unicodeScalars.contains(scalar) : scalar.properties.isAlphabetic
    }
}
