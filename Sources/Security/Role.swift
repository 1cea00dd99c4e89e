import EarshotWire

/// What a client key may do. Each allow-list entry has one role.
public enum Role: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Enrich and score workers (and the query service's acknowledgements): the pipeline sockets,
    /// and `Sources/List` (the query service's alert monitor reads source health).
    case worker
    /// Sources: Ingest/Publish, Ingest/PublishBatch, Sources/RecordRejections, Sources/ReportCollector.
    case publisher
    /// Dashboards: every read RPC, and the alert and query-set feeds.
    case reader
    /// Analysts and care agents: reader, plus listening-query changes and care claims.
    case editor
    /// Operators: everything.
    case admin
    /// An HTTP gateway (`earshot gateway`): on its own only Health/Check; each call it makes
    /// for an API token's holder names that principal and role (``Delegation``) and is allowed
    /// as that role would be.
    case gateway

    public var description: String { rawValue }

    /// Whether this role may call `method`. Health/Check is open to every known
    /// key (probes); a method not named below is for admins only, so a new
    /// method stays closed until it is classified here.
    public func permits(method: String) -> Bool {
        if method == HealthMethod.check { return true }
        switch self {
        case .worker: return method == SourcesMethod.list  // the query service's alert monitor reads source health
        case .publisher: return Self.publishMethods.contains(method)
        case .reader: return Self.readMethods.contains(method)
        case .editor: return Self.readMethods.contains(method) || Self.editMethods.contains(method)
        case .admin: return true
        case .gateway: return false  // calls for a principal are checked against the principal's role (Delegation)
        }
    }

    /// Whether this role may open a connection to a socket of `domain` (checked in the handshake).
    public func mayConnect(to domain: ZAPDomain) -> Bool {
        switch domain {
        case .rpc: return true
        case .pipeline, .acknowledgements: return self == .worker || self == .admin
        case .querySet: return self != .publisher && self != .gateway
        case .alerts: return self == .reader || self == .editor || self == .admin || self == .gateway
        }
    }

    static let publishMethods: Set<String> = [IngestMethod.publish, IngestMethod.publishBatch, SourcesMethod.recordRejections,
                                              SourcesMethod.reportCollector]
    static let readMethods: Set<String> = [
        QueryMethod.overview, QueryMethod.timeSeries, QueryMethod.topHashtags, QueryMethod.searchPosts,
        InsightsMethod.shareOfVoice, InsightsMethod.trending, InsightsMethod.topAuthors, InsightsMethod.careQueue, InsightsMethod.alerts,
        ListeningMethod.listQueries, ListeningMethod.validateQuery, ListeningMethod.testQuery, SourcesMethod.list, StatsMethod.get,
    ]
    static let editMethods: Set<String> = [
        ListeningMethod.createQuery, ListeningMethod.updateQuery, ListeningMethod.deleteQuery, InsightsMethod.markHandled,
    ]
}

/// The kinds of socket a service binds; each sets its ZAP domain so the
/// handshake can refuse a key whose role has no business there.
public enum ZAPDomain: String, Sendable, CaseIterable {
    /// RPC ROUTERs: any known key connects; each call is checked against the role.
    case rpc = "earshot.rpc"
    /// Pipeline PUSH/PULL sockets between ingest, the workers and query.
    case pipeline = "earshot.pipeline"
    /// Ingest's acknowledgement PULL: only the query service's key.
    case acknowledgements = "earshot.acks"
    /// The listening query-set feed (PUB).
    case querySet = "earshot.query-set"
    /// The spike-alert feed (PUB).
    case alerts = "earshot.alerts"
}
