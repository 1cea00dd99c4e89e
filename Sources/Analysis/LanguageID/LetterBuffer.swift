/// The letters of a text as the identifier uses them: lower-cased, normalised like the training
/// profiles, words separated by one 0x20, with URLs, e-mail addresses, mentions, hashtags and
/// cashtags left out (they name things rather than speak a language), and a letter count per script.
struct LetterBuffer {
    /// Normalised scalar values; 0x20 separates words.
    private(set) var scalars: [UInt32] = []
    /// Letters per ``Script`` (indexed by raw value).
    private(set) var letterCounts = [Int](repeating: 0, count: Script.allCases.count)

    init(_ text: String) {
        let view = text.unicodeScalars
        scalars.reserveCapacity(text.utf8.count)
        var tokenStart = view.startIndex
        while tokenStart < view.endIndex {
            var tokenEnd = tokenStart
            while tokenEnd < view.endIndex && !Self.isSpace(view[tokenEnd]) {
                tokenEnd = view.index(after: tokenEnd)
            }
            let token = view[tokenStart..<tokenEnd]
            if !token.isEmpty && !Self.isMarkup(token) {
                append(token)
            }
            tokenStart = tokenEnd < view.endIndex ? view.index(after: tokenEnd) : tokenEnd
        }
    }

    /// The script with the most (weighted) letters, or nil when there are no letters.
    /// Han and Kana count together as ``Script/han`` (Chinese characters, with or without Japanese kana).
    var dominantScript: Script? {
        var best: Script?
        var bestWeight = 0
        for script in Script.allCases where script != .kana {
            let weight = letters(in: script == .han ? [.han, .kana] : [script]) * script.weight
            if weight > bestWeight {
                best = script
                bestWeight = weight
            }
        }
        return best
    }

    /// Letters in any of `scripts`.
    func letters(in scripts: [Script]) -> Int {
        scripts.reduce(0) { $0 + letterCounts[$1.rawValue] }
    }

    /// Share of all letters (weighted by ``Script/weight``) that belong to `scripts`.
    func share(of scripts: [Script]) -> Double {
        let weighted = { (subset: [Script]) in subset.reduce(0) { $0 + self.letterCounts[$1.rawValue] * $1.weight } }
        let total = weighted(Script.allCases)
        return total == 0 ? 0 : Double(weighted(scripts)) / Double(total)
    }

    private mutating func append(_ token: Substring.UnicodeScalarView) {
        for scalar in token {
            let classified = ClassifiedScalar.classify(scalar.value)
            if classified.isSilentMark { continue }
            if let script = classified.script {
                letterCounts[script.rawValue] += 1
                scalars.append(classified.value)
            } else if scalars.last != 0x20 {
                scalars.append(0x20)
            }
        }
        if scalars.last != 0x20 {
            scalars.append(0x20)
        }
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// URLs, e-mail addresses, mentions, hashtags, cashtags: a token that, after leading
    /// brackets or quotes, starts with @ # $ or www., or contains "://" or an inner "@".
    private static func isMarkup(_ token: Substring.UnicodeScalarView) -> Bool {
        var index = token.startIndex
        while index < token.endIndex, "([{\"'«“‘¿¡".unicodeScalars.contains(token[index]) {
            index = token.index(after: index)
        }
        guard index < token.endIndex else { return false }
        switch token[index] {
        case "@", "#", "$", "＃", "＠": return true
        default: break
        }
        var previous: (Unicode.Scalar, Unicode.Scalar) = (" ", " ")
        var position = 0
        for scalar in token[index...] {
            if scalar == "/" && previous == (":", "/") { return true }
            if scalar == "@" { return true }
            if scalar == "." && position == 3 && previous == ("w", "w") && token[index] == "w" { return true }
            previous = (previous.1, scalar)
            position += 1
        }
        return false
    }
}
