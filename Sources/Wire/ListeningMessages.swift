// Swift forms of proto/earshot/v1/listening.proto and sources.proto.

/// Method names of the Listening service (query process) and the Sources
/// service (ingest process), "<package>.<Service>/<Method>".
public enum ListeningMethod {
    public static let createQuery = "earshot.v1.Listening/CreateQuery"
    public static let updateQuery = "earshot.v1.Listening/UpdateQuery"
    public static let deleteQuery = "earshot.v1.Listening/DeleteQuery"
    public static let listQueries = "earshot.v1.Listening/ListQueries"
    public static let validateQuery = "earshot.v1.Listening/ValidateQuery"
    public static let listSources = "earshot.v1.Sources/List"
    public static let recordRejections = "earshot.v1.Sources/RecordRejections"
}

/// A stored listening query.
public struct SavedQuery: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.SavedQuery"
    public var id = ""
    public var name = ""
    public var group = ""
    public var query = ""
    public var createdAtMs: Int64 = 0
    public var updatedAtMs: Int64 = 0
    public var backfillState = ""
    public init() {}
}

public struct CreateQueryRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.CreateQueryRequest"
    public var name = ""
    public var group = ""
    public var query = ""
    public var backfill = false
    public init() {}
}

/// Empty fields are left unchanged.
public struct UpdateQueryRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.UpdateQueryRequest"
    public var id = ""
    public var name = ""
    public var group = ""
    public var query = ""
    public init() {}
}

public struct DeleteQueryRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.DeleteQueryRequest"
    public var id = ""
    public init() {}
}

public struct DeleteQueryResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.DeleteQueryResponse"
    public init() {}
}

public struct ListQueriesRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ListQueriesRequest"
    public var group = ""
    public init() {}
}

public struct ListQueriesResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ListQueriesResponse"
    public var queries: [SavedQuery] = []
    public init() {}
}

public struct ValidateQueryRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ValidateQueryRequest"
    public var query = ""
    public init() {}
}

public struct ValidateQueryResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ValidateQueryResponse"
    public var valid = false
    public var position: Int32 = 0
    public var message = ""
    public init() {}
}

/// The whole current query set, as the query service publishes it.
public struct QuerySetSnapshot: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.QuerySetSnapshot"
    public var version: UInt64 = 0
    public var queries: [SavedQuery] = []
    public init() {}
}

// MARK: - Sources

public struct SourceHealth: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.SourceHealth"
    public var source = ""
    public var lastSeenMs: Int64 = 0
    public var lastCreatedAtMs: Int64 = 0
    public var postsPerMinute = 0.0
    public var accepted: Int64 = 0
    public var duplicates: Int64 = 0
    public var rejected: Int64 = 0
    public var usualGapMs = 0.0
    public var silent = false
    public var silentForMs: Int64 = 0
    public init() {}
}

public struct ListSourcesRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ListSourcesRequest"
    public init() {}
}

public struct ListSourcesResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.ListSourcesResponse"
    public var sources: [SourceHealth] = []
    public var silenceFactor = 0.0
    public var silenceFloorMs: Int64 = 0
    public init() {}
}

public struct RecordRejectionsRequest: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.RecordRejectionsRequest"
    public var source = ""
    public var count: Int64 = 0
    public init() {}
}

public struct RecordRejectionsResponse: ProtoMessage, Equatable {
    public static let protoName = "earshot.v1.RecordRejectionsResponse"
    public init() {}
}
