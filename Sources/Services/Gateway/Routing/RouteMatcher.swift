import Foundation

/// Finds the route of a request from its method and path, without sockets: a literal
/// segment wins over a parameter ("/v1/queries/validate" over "/v1/queries/{id}"); a path
/// served only under other methods is 405 with those methods.
public struct RouteMatcher: Sendable {
    /// What a request's method and path name.
    public enum Match {
        case found(GatewayRoute, pathParameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private let routes: [(route: GatewayRoute, segments: [Substring])]
    /// The routes without path parameters by "METHOD path": a request naming one exactly is
    /// answered without trying each route (it is the most specific match there can be).
    private let literalRoutes: [String: GatewayRoute]

    public init(_ routes: [GatewayRoute]) {
        self.routes = routes.map { ($0, $0.path.split(separator: "/")) }
        literalRoutes = Dictionary(routes.filter { $0.pathParameters.isEmpty }.map { ("\($0.method.rawValue) \($0.path)", $0) },
                                   uniquingKeysWith: { first, _ in first })
    }

    public func match(method: String, path: String) -> Match {
        if let route = literalRoutes["\(method) \(path)"] { return .found(route, pathParameters: [:]) }
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var candidates: [(route: GatewayRoute, parameters: [String: String], literals: Int)] = []
        for (route, pattern) in routes where pattern.count == segments.count {
            var parameters: [String: String] = [:]
            var literals = 0
            var matched = true
            for (part, segment) in zip(pattern, segments) {
                if part.hasPrefix("{") && part.hasSuffix("}") {
                    guard let value = String(segment).removingPercentEncoding, !value.isEmpty else { matched = false; break }
                    parameters[String(part.dropFirst().dropLast())] = value
                } else if part == segment {
                    literals += 1
                } else {
                    matched = false
                    break
                }
            }
            if matched { candidates.append((route, parameters, literals)) }
        }
        guard let best = candidates.map(\.literals).max() else { return .notFound }
        let mostSpecific = candidates.filter { $0.literals == best }
        if let hit = mostSpecific.first(where: { $0.route.method.rawValue == method }) {
            return .found(hit.route, pathParameters: hit.parameters)
        }
        if let hit = candidates.first(where: { $0.route.method.rawValue == method }) {
            return .found(hit.route, pathParameters: hit.parameters)
        }
        return .methodNotAllowed(allowed: Array(Set(candidates.map(\.route.method.rawValue))).sorted())
    }

    /// The name-value pairs of a URL query string, in order: `+` is a space, `%XX` decoded.
    public static func queryParameters(_ query: String?) throws(GatewayError) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        var pairs: [(name: String, value: String)] = []
        for part in query.split(separator: "&") {
            let halves = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) throws(GatewayError) -> String {
                guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw GatewayError(.invalidArgument, "query parameter '\(part.prefix(100))' is not valid percent-encoding")
                }
                return decoded
            }
            pairs.append((try decode(halves[0]), halves.count > 1 ? try decode(halves[1]) : ""))
        }
        return pairs
    }

    /// The token of an `Authorization: Bearer <token>` header; nil for another scheme or none.
    public static func bearerToken(_ authorization: String?) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        // Spaces and tabs around the token, trimmed by hand: Foundation's trimmingCharacters(in:)
        // was 4 % of the gateway's CPU under load (this runs on every request).
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        var token = parts[1].drop(while: blank)
        while let last = token.last, blank(last) { token.removeLast() }
        return token.isEmpty ? nil : String(token)
    }
}
