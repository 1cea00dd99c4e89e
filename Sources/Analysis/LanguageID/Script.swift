/// Writing systems that the identifier tells apart before looking at n-grams.
public enum Script: Int, Sendable, CaseIterable {
    /// Alphabets and abjads; Latin, Cyrillic, Arabic and Devanagari are shared by several
    /// languages and go through an n-gram model.
    case latin, cyrillic, arabic, devanagari, greek, hebrew, armenian, georgian
    /// Indic abugidas and Thai, each reported as its main language.
    case bengali, gurmukhi, gujarati, tamil, telugu, kannada, malayalam, thai
    /// Korean syllables, Japanese kana, Chinese characters (also used in Japanese).
    case hangul, kana, han

    /// The only language the identifier reports for this script, or nil when n-grams
    /// (or Kana for Han) must decide.
    var singleLanguage: String? {
        switch self {
        case .latin, .cyrillic, .arabic, .devanagari, .han, .kana: nil
        case .greek: "el"
        case .hebrew: "he"
        case .armenian: "hy"
        case .georgian: "ka"
        case .bengali: "bn"
        case .gurmukhi: "pa"
        case .gujarati: "gu"
        case .tamil: "ta"
        case .telugu: "te"
        case .kannada: "kn"
        case .malayalam: "ml"
        case .thai: "th"
        case .hangul: "ko"
        }
    }

    /// Fewer letters than this in the dominant script give "und".
    var minimumLetters: Int {
        switch self {
        case .latin: 10
        case .cyrillic, .arabic, .devanagari, .greek, .hebrew, .armenian, .georgian: 8
        case .bengali, .gurmukhi, .gujarati, .tamil, .telugu, .kannada, .malayalam, .thai: 4
        case .hangul, .kana: 2
        case .han: 6
        }
    }

    /// Ideographs and syllables carry more than an alphabet letter; they weigh more
    /// when choosing the dominant script of mixed text.
    var weight: Int {
        switch self {
        case .hangul, .kana, .han: 3
        default: 1
        }
    }
}

/// One unicode scalar as the n-gram model sees it.
struct ClassifiedScalar {
    /// Lower-cased scalar value, normalised like the langdetect training profiles.
    var value: UInt32
    /// The script of a letter, or nil for a separator (digits, punctuation, symbols, emoji, spaces).
    var script: Script?
    /// Whether the scalar is a combining mark that continues the current word without
    /// being a letter of its own (Latin and Arabic diacritics after NFC).
    var isSilentMark: Bool

    static let separator = ClassifiedScalar(value: 0x20, script: nil, isSilentMark: false)

    static func letter(_ value: UInt32, _ script: Script) -> ClassifiedScalar {
        ClassifiedScalar(value: value, script: script, isSilentMark: false)
    }

    static let silentMark = ClassifiedScalar(value: 0, script: nil, isSilentMark: true)

    /// Classifies and normalises one scalar value (range checks only; no allocation).
    static func classify(_ v: UInt32) -> ClassifiedScalar {
        switch v {
        case 0x41...0x5A: return .letter(v + 0x20, .latin)
        case 0x61...0x7A: return .letter(v, .latin)
        case 0..<0xC0: return .separator
        case 0xD7, 0xF7: return .separator
        case 0xC0...0xDE: return .letter(v + 0x20, .latin)
        case 0xDF...0xFF: return .letter(v, .latin)
        case 0x100...0x17F: return .letter(lowerLatinExtendedA(v), .latin)
        case 0x218, 0x219: return .letter(0x15F, .latin)  // Romanian s-comma, as in the profiles
        case 0x21A, 0x21B: return .letter(0x163, .latin)  // Romanian t-comma
        case 0x180...0x24F: return .letter(v, .latin)
        case 0x300...0x36F: return .silentMark
        case 0x386...0x3FF: return .letter(lowerGreek(v), .greek)
        case 0x400...0x40F: return .letter(v + 0x50, .cyrillic)
        case 0x410...0x42F: return .letter(v + 0x20, .cyrillic)
        case 0x430...0x45F: return .letter(v, .cyrillic)
        case 0x460...0x481, 0x48A...0x52F: return .letter(v | 1, .cyrillic)
        case 0x531...0x587: return .letter(v, .armenian)
        case 0x5D0...0x5EA: return .letter(v, .hebrew)
        case 0x64B...0x65F, 0x670: return .silentMark
        case 0x6CC: return .letter(0x64A, .arabic)  // Farsi yeh is Arabic yeh in the profiles
        case 0x620...0x64A, 0x66E...0x6D3, 0x6D5, 0x6FA...0x6FC, 0x750...0x77F: return .letter(v, .arabic)
        case 0xFB50...0xFDFF, 0xFE70...0xFEFC: return .letter(v, .arabic)
        case 0x900...0x963, 0x971...0x97F: return .letter(v, .devanagari)
        case 0x980...0x9E3, 0x9F0...0x9F1: return .letter(v, .bengali)
        case 0xA00...0xA65, 0xA70...0xA7F: return .letter(v, .gurmukhi)
        case 0xA80...0xAE5: return .letter(v, .gujarati)
        case 0xB80...0xBE5: return .letter(v, .tamil)
        case 0xC00...0xC65: return .letter(v, .telugu)
        case 0xC80...0xCE5: return .letter(v, .kannada)
        case 0xD00...0xD65: return .letter(v, .malayalam)
        case 0xE01...0xE4E: return .letter(v, .thai)
        case 0x10A0...0x10FF: return .letter(v, .georgian)
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: return .letter(v, .hangul)
        case 0x1E00...0x1E9F: return .letter(v | 1, .latin)
        case 0x1EA0...0x1EFF: return .letter(0x1EC3, .latin)  // Vietnamese, folded as in the profiles
        case 0x3041...0x309F, 0x30A1...0x30FA, 0x30FC...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F:
            return .letter(v, .kana)
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FFFF: return .letter(v, .han)
        default: return .separator
        }
    }

    /// Latin Extended-A pairs upper/lower case as even/odd, except in 0x138...0x148 and 0x179...0x17E
    /// (odd/even) and for the few caseless letters, which are returned unchanged.
    private static func lowerLatinExtendedA(_ v: UInt32) -> UInt32 {
        switch v {
        case 0x130, 0x131, 0x138: return v == 0x130 ? 0x69 : v
        case 0x139...0x148, 0x179...0x17E: return v & 1 == 1 ? v + 1 : v
        case 0x178: return 0xFF
        case 0x17F: return 0x73
        default: return v | 1
        }
    }

    private static func lowerGreek(_ v: UInt32) -> UInt32 {
        switch v {
        case 0x391...0x3A9: v + 0x20
        case 0x386: 0x3AC
        case 0x388...0x38A: v + 0x25
        case 0x38C: 0x3CC
        case 0x38E, 0x38F: v + 0x3F
        default: v
        }
    }
}
