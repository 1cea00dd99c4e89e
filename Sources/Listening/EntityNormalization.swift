/// Normalises hashtags, mentions, cashtags, hosts and language codes the same
/// way on the document side and on the query side, so they compare equal.
enum EntityNormalization {
    /// `#Acme` or `Acme` → `acme`.
    static func tag(_ value: String, marker: Character) -> String {
        WordTokenizer.lowercased(value.first == marker ? String(value.dropFirst()) : value)
    }

    /// The lowercased host of a URL or host name, without scheme, user,
    /// port, path or trailing dot: `https://News.BBC.co.uk/x` → `news.bbc.co.uk`.
    static func host(_ value: String) -> String {
        var rest = Substring(WordTokenizer.lowercased(value))
        if let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
        }
        if let end = rest.firstIndex(where: { "/?#".contains($0) }) {
            rest = rest[..<end]
        }
        if let at = rest.lastIndex(of: "@") {
            rest = rest[rest.index(after: at)...]
        }
        if let colon = rest.firstIndex(of: ":") {
            rest = rest[..<colon]
        }
        while rest.last == "." {
            rest = rest.dropLast()
        }
        return String(rest)
    }

    /// A host and every parent domain at a dot: `news.bbc.co.uk`,
    /// `bbc.co.uk`, `co.uk`, `uk`. A `site:` value matches when it is one of them.
    static func hostAndParents(_ host: String) -> [String] {
        var result: [String] = []
        var rest = Substring(host)
        while !rest.isEmpty {
            result.append(String(rest))
            guard let dot = rest.firstIndex(of: ".") else { break }
            rest = rest[rest.index(after: dot)...]
        }
        return result
    }

    /// `en_GB` → `en-gb`.
    static func language(_ value: String) -> String {
        String(WordTokenizer.lowercased(value).map { $0 == "_" ? "-" : $0 })
    }

    /// The language code and, for a regional code, its base language:
    /// `en-gb` → `en-gb`, `en`. `lang:en` matches both `en` and `en-GB`.
    static func languageAndBase(_ code: String) -> [String] {
        guard let dash = code.firstIndex(of: "-") else { return code.isEmpty ? [] : [code] }
        return [code, String(code[..<dash])]
    }
}
