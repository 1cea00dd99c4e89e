/// The parts of an absolute address (`scheme://host/path`) that ids are made
/// from, split without Foundation's URL parser, which is slow per line.
struct WebAddress {
    /// The lowercased host, without user info or port.
    let host: String
    /// The path segments, without query or fragment.
    let segments: [Substring]

    init?(_ address: String) {
        guard let colon = address.firstIndex(of: ":"), address[colon...].hasPrefix("://") else { return nil }
        let rest = address[colon...].dropFirst(3)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if let colon = authority.lastIndex(of: ":") { authority = authority[..<colon] }
        guard !authority.isEmpty else { return nil }
        host = authority.lowercased()
        let path = rest[authorityEnd...].prefix(while: { $0 != "?" && $0 != "#" })
        segments = path.split(separator: "/")
    }
}
