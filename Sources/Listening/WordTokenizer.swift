/// Splits text into lowercased word tokens, the unit that text terms match.
///
/// A word is a run of letters, digits and combining marks; everything else
/// (spaces, punctuation, symbols, emoji, `#`, `@`, `'`, `_`) separates words,
/// so `#Acme's` gives `acme`, `s`. Ideographs (Chinese, Japanese kanji) are
/// one word each because those scripts do not put spaces between words.
/// Lowercasing maps each scalar on its own, so a word lowercases the same
/// inside a post and inside a query.
enum WordTokenizer {
    /// Whether `scalar` is part of a word rather than a separator.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (0x30...0x39).contains(value) || (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value)
        }
        let properties = scalar.properties
        if properties.isAlphabetic { return true }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// The lowercased words of `text`, in order.
    static func words(in text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func flush() {
            if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        for scalar in text.unicodeScalars {
            guard isWordScalar(scalar) else {
                flush()
                continue
            }
            if !scalar.isASCII && scalar.properties.isIdeographic {
                flush()
                current.append(scalar)
                flush()
            } else {
                appendLowercased(scalar, to: &current)
            }
        }
        flush()
        return words
    }

    /// Appends the lowercase form of `scalar`, with a fast path for ASCII.
    static func appendLowercased(_ scalar: Unicode.Scalar, to view: inout String.UnicodeScalarView) {
        if scalar.isASCII {
            let value = scalar.value
            view.append((0x41...0x5A).contains(value) ? Unicode.Scalar(value + 32)! : scalar)
        } else {
            view.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }

    /// `text` lowercased scalar by scalar, the same way words are.
    static func lowercased(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            appendLowercased(scalar, to: &view)
        }
        return String(view)
    }
}
