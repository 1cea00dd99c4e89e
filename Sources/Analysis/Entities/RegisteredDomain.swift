/// The registered domain ("eTLD+1") of a host name, without the public suffix list: a
/// two-letter country TLD whose second level is one of the usual generic labels
/// (co.uk, com.au, co.jp, gov.uk, ac.uk, com.br, ...) counts as a two-part suffix.
public enum RegisteredDomain {
    /// Second-level labels that registries under country TLDs use as public suffixes.
    static let genericSecondLevels: Set<Substring> = [
        "co", "com", "net", "org", "gov", "gob", "edu", "ac", "or", "ne", "go", "mil", "nic",
        "ltd", "plc", "sch", "nhs", "police", "info", "biz", "nom", "gen", "web", "res", "gv", "ed",
    ]

    /// The registered domain of `host`: lower-cased, without port, trailing dot or "www.";
    /// IP addresses and single labels are returned as they are.
    public static func of(host: String) -> String {
        var name = Substring(host.lowercased())
        while name.hasSuffix(".") { name = name.dropLast() }
        if name.hasPrefix("www.") { name = name.dropFirst(4) }
        if name.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) || name.hasPrefix("[") {
            return String(name)
        }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count > 2 else { return String(name) }
        let topLevel = labels[labels.count - 1]
        let secondLevel = labels[labels.count - 2]
        let keep = topLevel.count == 2 && genericSecondLevels.contains(secondLevel) ? 3 : 2
        return labels.suffix(keep).joined(separator: ".")
    }
}
