import Emotions

/// A parsed query: boolean structure over text expressions and field filters.
indirect enum QueryNode: Sendable, Equatable {
    /// Every child must match (AND, or a space).
    case all([QueryNode])
    /// At least one child must match (OR).
    case any([QueryNode])
    /// The child must not match (NOT).
    case not(QueryNode)
    /// Words of the post's text.
    case text(TextExpression)
    /// A post attribute: hashtag, author, site, followers…
    case field(FieldFilter)
    /// A case- and symbol-exact string of the original text (`raw:"C++"`).
    case raw(String)
}

/// Something that occupies word positions in the text, so that it can take
/// part in `NEAR/n` and `ONEAR/n`.
indirect enum TextExpression: Sendable, Equatable {
    /// One word, exact or with wildcards.
    case word(WordPattern)
    /// Words in this order with at most `slop` other words inserted in total.
    case phrase([WordPattern], slop: Int)
    /// Two expressions at most `distance` words apart; `ordered` for ONEAR.
    case near(TextExpression, TextExpression, distance: Int, ordered: Bool)
    /// Any of several expressions (`(a OR "b c") NEAR/3 d`).
    case anyOf([TextExpression])
}

/// One lowercased query word.
enum WordPattern: Sendable, Hashable {
    /// The word itself.
    case exact(String)
    /// A word with `?` and/or a trailing `*`.
    case wildcard(WildcardPattern)
}

/// `wom?n`, `run*`: `?` stands for exactly one character, a trailing `*`
/// for any number of characters (including none).
struct WildcardPattern: Sendable, Hashable {
    /// Characters of the pattern; `nil` is a `?`.
    let characters: [Character?]
    /// Whether the pattern ends with `*`.
    let endsWithStar: Bool

    /// The characters before the first `?`, used to index the query.
    var literalPrefix: String {
        String(characters.prefix { $0 != nil }.compactMap { $0 })
    }

    /// Whether `word` (already lowercased) fits the pattern.
    func matches(_ word: String) -> Bool {
        var letters = word.makeIterator()
        for expected in characters {
            guard let letter = letters.next() else { return false }
            if let expected, expected != letter { return false }
        }
        return endsWithStar || letters.next() == nil
    }
}

/// A filter on a post attribute; values are normalised at parse time.
enum FieldFilter: Sendable, Equatable {
    /// `#acme`
    case hashtag(String)
    /// `@acme`
    case mention(String)
    /// `$ACME`
    case cashtag(String)
    /// `author:acme`: the handle (lowercased, without `@`) or the exact id.
    case author(handle: String, id: String)
    /// `site:bbc.co.uk` / `domain:bbc.co.uk`: the domain or a subdomain of it.
    case site(String)
    /// `url:example.com/blog`: part of a linked URL, case-insensitive.
    case url(String)
    /// `lang:en`: the language, or a regional variant of it.
    case language(String)
    /// `platform:bluesky`
    case platform(String)
    /// `source:rss`
    case source(String)
    /// `followers:>1000`
    case followers(Comparison, Int64)
    /// `verified:true`
    case verified(Bool)
    /// `emotion:anger`: one of the post's emotion labels (English posts only).
    case emotion(Emotion)
}

/// The comparison of a `followers:` filter.
enum Comparison: String, Sendable, Equatable, CaseIterable {
    case greaterOrEqual = ">="
    case lessOrEqual = "<="
    case greater = ">"
    case less = "<"
    case equal = "="

    /// Whether `value` satisfies the comparison against `bound`.
    func holds(_ value: Int64, _ bound: Int64) -> Bool {
        switch self {
        case .greater: value > bound
        case .greaterOrEqual: value >= bound
        case .less: value < bound
        case .lessOrEqual: value <= bound
        case .equal: value == bound
        }
    }
}
