/// What a webhook subscription hears: spike alerts (optionally of one listening query and
/// one kind) or care items (posts needing a reply) at or over a priority.
public struct WebhookTopic: Sendable, Equatable {
    /// The two kinds of event a webhook delivers.
    public enum EventType: String, Sendable, CaseIterable {
        case alert, care
    }

    public var event: EventType
    /// Only this listening query's events; "*" = all-posts alerts; nil = any.
    public var queryID: String?
    /// Only alerts of this kind (its JSON name, e.g. volume); nil = any. Alerts only.
    public var alertKind: String?
    /// Care items with at least this priority (0...100). Care only.
    public var minPriority: Int

    public init(event: EventType, queryID: String? = nil, alertKind: String? = nil, minPriority: Int = 0) {
        self.event = event
        self.queryID = queryID
        self.alertKind = alertKind
        self.minPriority = minPriority
    }

    /// Whether `event` is one this topic asks for.
    public func admits(_ event: WebhookEvent) -> Bool {
        guard event.type == self.event else { return false }
        if let queryID {
            let scope = event.queryID.isEmpty ? "*" : event.queryID
            guard queryID == scope || (event.type == .care && event.queryIDs.contains(queryID)) else { return false }
        }
        switch event.type {
        case .alert: return alertKind.map { $0 == event.alertKind } ?? true
        case .care: return event.priority >= minPriority
        }
    }
}

/// One event to deliver, as the pure core needs it: its identity, what topics match on,
/// a one-line summary (Slack's text) and its JSON (`data` of the body).
public struct WebhookEvent: Sendable, Equatable {
    public var type: WebhookTopic.EventType
    /// Unique per event: the alert's id, or "care/<post id>".
    public var id: String
    /// The alert's query ("" = all posts).
    public var queryID: String
    /// The care item's matched queries.
    public var queryIDs: [String]
    public var alertKind: String
    public var priority: Int
    public var summary: String
    public var occurredAtMs: Int64
    public var data: [UInt8]

    public init(type: WebhookTopic.EventType, id: String, queryID: String = "", queryIDs: [String] = [], alertKind: String = "",
                priority: Int = 0, summary: String, occurredAtMs: Int64, data: [UInt8]) {
        self.type = type
        self.id = id
        self.queryID = queryID
        self.queryIDs = queryIDs
        self.alertKind = alertKind
        self.priority = priority
        self.summary = summary
        self.occurredAtMs = occurredAtMs
        self.data = data
    }
}
