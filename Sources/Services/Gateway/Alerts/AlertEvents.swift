import EarshotWire

/// `GET /v1/alerts/stream`: spike alerts as Server-Sent Events, as the query service
/// publishes them. Each alert is one event (`event: alert`, `id:` the alert's id, `data:`
/// the alert's JSON as /v1/alerts shows it); a comment line every
/// ``heartbeatSeconds`` keeps idle connections (and proxies) open.
public enum AlertEvents {
    public static let path = "/v1/alerts/stream"
    public static let heartbeatSeconds = 15
    /// Alerts a slow client may have waiting; older ones are dropped for it (never unbounded memory).
    public static let bufferPerClient = 256
    public static let heartbeat: [UInt8] = Array(": keep-alive\n\n".utf8)

    /// Which alerts a client asked for: `?queryId=` (`*` = all-posts alerts) and `?kind=`.
    public struct Filter: Sendable, Equatable {
        public var queryID: String?
        public var kind: AlertKind?

        public init(queryID: String? = nil, kind: AlertKind? = nil) {
            self.queryID = queryID
            self.kind = kind
        }

        /// The filter of a request's query parameters; any other parameter is a 400.
        public init(query: [(name: String, value: String)]) throws(GatewayError) {
            for (name, value) in query {
                switch name {
                case "queryId": queryID = value
                case "kind":
                    guard let match = AlertKind.allCases.first(where: { $0.jsonName.lowercased() == value.lowercased() }), match != .unspecified else {
                        throw GatewayError(.invalidArgument, "kind '\(value)' is not one of \(AlertKind.allCases.dropFirst().map(\.jsonName).joined(separator: ", "))")
                    }
                    kind = match
                default:
                    throw GatewayError(.invalidArgument, "unknown query parameter '\(name)' (the stream takes queryId and kind)")
                }
            }
        }

        public func admits(_ alert: Alert) -> Bool {
            if let queryID, queryID != (alert.queryId.isEmpty ? "*" : alert.queryId) { return false }
            if let kind, kind != alert.kind { return false }
            return true
        }
    }

    /// The event of one alert.
    public static func event(_ alert: Alert, json: MessageJSONWriter) -> [UInt8] {
        Array("event: alert\nid: \(alert.id)\ndata: ".utf8) + json.json(alert) + Array("\n\n".utf8)
    }
}
