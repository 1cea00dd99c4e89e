// Swift forms of proto/earshot/v1/listening.proto and sources.proto, and the
// bridge from a pipeline post to the listening core's MatchableDocument.
import Listening

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

// MARK: - Matching bridge

extension MatchableDocument {
    /// What listening queries see of a post: `text` is the post's plain
    /// (normalised, HTML-free) text; entities, language come from the enrich
    /// stage; the post's own URL counts as a link, so `site:` also matches the
    /// domain of the post itself.
    public init(post: Post, enrichment: Enrichment, text: String) {
        let entities = enrichment.entities
        self.init(
            text: text,
            hashtags: entities.hashtags,
            mentions: entities.mentions,
            cashtags: entities.cashtags,
            authorHandle: post.author.handle,
            authorId: post.author.id,
            urls: post.url.isEmpty ? entities.urls : entities.urls + [post.url],
            domains: entities.domains,
            language: enrichment.language,
            platform: post.platform.name,
            source: post.source,
            followers: post.author.followers,
            verified: post.author.verified)
    }
}

extension QuerySetSnapshot {
    /// The snapshot's queries compiled for matching. A query that no longer
    /// parses (written by a newer or broken server) is left out and reported
    /// in `invalid` with its error, so one bad entry cannot stop matching.
    public func compiled(limits: QueryLimits = .default) -> (set: QuerySet, invalid: [(id: String, error: QuerySyntaxError)]) {
        var parsed: [(id: String, query: ListeningQuery)] = []
        var invalid: [(id: String, error: QuerySyntaxError)] = []
        for saved in queries {
            do { parsed.append((saved.id, try ListeningQuery.parse(saved.query, limits: limits))) } catch {
                invalid.append((saved.id, error))
            }
        }
        return (QuerySet(parsed), invalid)
    }
}
