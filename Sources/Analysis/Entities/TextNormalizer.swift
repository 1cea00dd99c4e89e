import TextBytes
import Foundation

/// Turns post bodies into plain, comparable text.
public enum TextNormalizer {
    /// Plain text of an HTML fragment such as a Mastodon status `content`: paragraphs become
    /// blank-line separated, `<br>` a line break, other tags disappear (their text stays, so
    /// Mastodon's split link spans give the whole URL), character references are decoded, and a
    /// Mastodon mention link (`<a class="u-url mention" href="https://host/@user">@user</a>`)
    /// becomes "@user@host" so the instance is kept.
    public static func htmlToText(_ html: String) -> String {
        var converter = HTMLConverter()
        converter.convert(html)
        return converter.text
    }

    /// The plain, normalised text of a post body: HTML converted when `isHTML` (which decodes
    /// character references exactly once: decoding twice would turn "&amp;lt;" into "<"), else
    /// references decoded; in Unicode NFC. What every stage that reads post text must use.
    public static func plainText(_ text: String, isHTML: Bool) -> String {
        isHTML ? composedNFC(htmlToText(text)) : normalize(text)
    }

    /// `text` with character references decoded ("&amp;" → "&", "&#39;" → "'") and in Unicode NFC.
    public static func normalize(_ text: String) -> String {
        let (hasReference, isBelowCombiningMarks) = withUTF8Bytes(of: text) { bytes in
            var ampersands: UInt64 = 0
            var highLeads: UInt64 = 0
            ByteWord.forEachWord(in: bytes) { word in
                ampersands |= ByteWord.bytes(word, equalTo: UInt8(ascii: "&"))
                highLeads |= ByteWord.bytes(word, atLeast: NFCQuickCheck.firstCombiningLeadByte)
            }
            return (ampersands != 0, highLeads == 0)
        }
        if hasReference { return composedNFC(decodeCharacterReferences(text)) }
        return isBelowCombiningMarks ? text : composedNFC(text)
    }

    /// `text` in Unicode NFC (Foundation runs only when a quick check says the text could change).
    public static func composedNFC(_ text: String) -> String {
        NFCQuickCheck.isCertainlyNFC(text) ? text : text.precomposedStringWithCanonicalMapping
    }

    /// Decodes named (the common ones) and numeric character references; unknown ones stay as written.
    public static func decodeCharacterReferences(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "&", let (decoded, next) = characterReference(in: scalars, at: index) {
                output.append(decoded)
                index = next
            } else {
                output.append(scalars[index])
                index += 1
            }
        }
        return String(output)
    }

    /// The scalar of the reference starting with "&" at `start` and the index after its ";".
    private static func characterReference(in scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        var end = start + 1
        while end < scalars.count, end - start <= 10, scalars[end] != ";" {
            end += 1
        }
        guard end < scalars.count, scalars[end] == ";", end > start + 1 else { return nil }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[(start + 1)..<end])
        let reference = String(name)
        if reference.hasPrefix("#") {
            let digits = reference.dropFirst()
            let isHex = digits.first == "x" || digits.first == "X"
            guard let value = UInt32(isHex ? digits.dropFirst() : digits, radix: isHex ? 16 : 10),
                  let scalar = Unicode.Scalar(value) else { return nil }
            return (scalar, end + 1)
        }
        guard let scalar = namedReferences[reference] else { return nil }
        return (scalar, end + 1)
    }

    private static let namedReferences: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}",
        "hellip": "\u{2026}", "mdash": "\u{2014}", "ndash": "\u{2013}", "lsquo": "\u{2018}", "rsquo": "\u{2019}",
        "ldquo": "\u{201C}", "rdquo": "\u{201D}", "laquo": "\u{AB}", "raquo": "\u{BB}", "bull": "\u{2022}",
        "middot": "\u{B7}", "copy": "\u{A9}", "reg": "\u{AE}", "trade": "\u{2122}", "euro": "\u{20AC}",
        "pound": "\u{A3}", "yen": "\u{A5}", "cent": "\u{A2}", "deg": "\u{B0}", "times": "\u{D7}",
        "divide": "\u{F7}", "shy": "\u{AD}", "zwj": "\u{200D}", "zwnj": "\u{200C}",
    ]
}

/// A small HTML-to-text converter for the markup Mastodon and RSS bodies use.
private struct HTMLConverter {
    private(set) var text = ""
    /// UTF-8 offset where the text of the open mention `<a>` starts, and the host from its href.
    private var openMention: (start: Int, host: String)?

    mutating func convert(_ html: String) {
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            appendText(rest[..<open])
            guard let close = rest[open...].firstIndex(of: ">") else {
                appendText(rest[open...])
                rest = ""
                break
            }
            handleTag(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
        }
        appendText(rest)
        text = TextNormalizer.decodeCharacterReferences(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private mutating func appendText(_ fragment: Substring) {
        guard !fragment.isEmpty else { return }
        text += fragment.contains(where: \.isNewline) ? fragment.replacingOccurrences(of: "\n", with: " ") : String(fragment)
    }

    private mutating func handleTag(_ tag: Substring) {
        let isClosing = tag.first == "/"
        let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
        switch (name, isClosing) {
        case ("br", _):
            text += "\n"
        case ("p", true), ("div", true), ("blockquote", true), ("li", true):
            text += "\n\n"
        case ("p", false), ("div", false), ("blockquote", false), ("li", false):
            if !text.isEmpty && !text.hasSuffix("\n") { text += "\n\n" }
        case ("a", false):
            openMention = Self.mentionHost(inAnchor: tag).map { (text.utf8.count, $0) }
        case ("a", true):
            closeMention()
        default:
            break
        }
    }

    /// Appends "@host" to a mention link's text "@user" when the link names the instance.
    private mutating func closeMention() {
        defer { openMention = nil }
        guard let mention = openMention else { return }
        let linkText = Substring(text.utf8.dropFirst(mention.start))
        if linkText.hasPrefix("@"), linkText.dropFirst().allSatisfy({ $0 != "@" && !$0.isWhitespace }) {
            text += "@" + mention.host
        }
    }

    /// The host of an anchor whose class contains "mention" (and not "hashtag") and whose href
    /// has the form "https://host/@user" or "https://host/users/user".
    private static func mentionHost(inAnchor tag: Substring) -> String? {
        guard let classes = attribute("class", in: tag), classes.contains("mention"), !classes.contains("hashtag"),
              let href = attribute("href", in: tag), let schemeEnd = href.range(of: "://") else { return nil }
        let afterScheme = href[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return nil }
        let path = afterScheme[slash...]
        guard path.hasPrefix("/@") || path.hasPrefix("/users/") else { return nil }
        return afterScheme[..<slash].lowercased()
    }

    /// The value of a quoted attribute, as written.
    private static func attribute(_ name: String, in tag: Substring) -> Substring? {
        var searchStart = tag.startIndex
        while let found = tag[searchStart...].range(of: name + "=") {
            searchStart = found.upperBound
            let isWholeName = found.lowerBound == tag.startIndex || tag[tag.index(before: found.lowerBound)].isWhitespace
            guard isWholeName, found.upperBound < tag.endIndex else { continue }
            let quote = tag[found.upperBound]
            guard quote == "\"" || quote == "'" else { continue }
            let valueStart = tag.index(after: found.upperBound)
            guard let valueEnd = tag[valueStart...].firstIndex(of: quote) else { return nil }
            return tag[valueStart..<valueEnd]
        }
        return nil
    }
}
