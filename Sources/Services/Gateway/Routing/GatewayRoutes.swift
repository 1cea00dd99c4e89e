import EarshotRPC
import EarshotSecurity
import EarshotWire

/// Which service behind the gateway answers a route.
public enum GatewayBackend: String, Sendable, CaseIterable {
    case ingest, query
}

/// One REST route of the gateway and the RPC it stands for: how the HTTP request becomes
/// the RPC's request payload and how the RPC's response payload becomes the JSON body.
/// The table (``GatewayRoutes/all``) is what the server registers and what the OpenAPI
/// contract describes, so the two cannot drift apart.
public struct GatewayRoute: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", patch = "PATCH", delete = "DELETE" }

    public let method: Method
    /// The path, with parameters in braces: "/v1/queries/{id}". Each parameter names a string field of the request.
    public let path: String
    /// The RPC method, e.g. "earshot.v1.Query/Overview": the token's role must permit it (``Role/permits(method:)``).
    public let rpc: String
    public let backend: GatewayBackend
    /// One line for the contract.
    public let summary: String
    /// The HTTP status of a success (201 for a created query).
    public let successStatus: Int
    /// The request field the gateway sets to the token holder's name (the agent of a care claim), if any.
    public let principalField: String?
    public let requestSchema: MessageSchema
    public let responseSchema: MessageSchema
    /// The RPC request payload of an HTTP request (body bytes, query parameters, path parameters).
    public let encodeRequest: @Sendable (_ body: [UInt8], _ query: [(name: String, value: String)], _ path: [String: String]) throws(GatewayError) -> [UInt8]
    /// The JSON body of an RPC response payload.
    public let decodeResponse: @Sendable (_ payload: [UInt8]) throws(GatewayError) -> [UInt8]

    /// A route for the RPC `rpc` taking `Request` and answering `Response`.
    public init<Request: ProtoMessage, Response: ProtoMessage>(
        _ method: Method, _ path: String, rpc: String, on backend: GatewayBackend, _ summary: String,
        request: Request.Type, response: Response.Type, successStatus: Int = 200, principalField: String? = nil
    ) {
        self.method = method
        self.path = path
        self.rpc = rpc
        self.backend = backend
        self.summary = summary
        self.successStatus = successStatus
        self.principalField = principalField
        let requestSchema = MessageSchema(of: Request.self)
        let responseSchema = MessageSchema(of: Response.self)
        let responseJSON = MessageJSONWriter(of: Response.self)
        self.requestSchema = requestSchema
        self.responseSchema = responseSchema
        encodeRequest = { body, query, path throws(GatewayError) in
            let message = try JSONTranslation.request(Request.self, schema: requestSchema, body: body, query: query, path: path)
            do { return try message.serializedBytes() } catch { throw GatewayError(.internal, "cannot encode \(Request.protoName): \(error)") }
        }
        decodeResponse = { payload throws(GatewayError) in
            guard let json = responseJSON.json(encoded: payload) else {
                throw GatewayError(.internal, "cannot decode \(Response.protoName) from the \(backend.rawValue) service (\(payload.count) bytes)")
            }
            return json
        }
    }

    /// The names of the path's parameters, in order ("/v1/queries/{id}" → ["id"]).
    public var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// Whether the request may carry a JSON body (POST and PATCH); the others take query parameters only.
    public var takesBody: Bool { method == .post || method == .patch }

    /// Whether a token of `role` may use this route.
    public func permits(_ role: Role) -> Bool { role.permits(method: rpc) }
}

/// The gateway's REST routes under /v1/, one per RPC a client may call.
public enum GatewayRoutes {
    public static let all: [GatewayRoute] = [
        GatewayRoute(.post, "/v1/posts", rpc: IngestMethod.publish, on: .ingest, "Publish one post (durable when this answers).",
                     request: PublishRequest.self, response: PublishResponse.self),
        GatewayRoute(.post, "/v1/posts/batch", rpc: IngestMethod.publishBatch, on: .ingest, "Publish many posts in one durable transaction.",
                     request: PublishBatchRequest.self, response: PublishBatchResponse.self),
        GatewayRoute(.get, "/v1/posts", rpc: QueryMethod.searchPosts, on: .query,
                     "Search stored posts, newest first; page with pageToken = the previous page's nextPageToken.",
                     request: SearchPostsRequest.self, response: SearchPostsResponse.self),
        GatewayRoute(.get, "/v1/overview", rpc: QueryMethod.overview, on: .query, "Volume, reach, sentiment, languages and platforms of a range.",
                     request: OverviewRequest.self, response: OverviewResponse.self),
        GatewayRoute(.get, "/v1/timeseries", rpc: QueryMethod.timeSeries, on: .query, "Posts, reach and sentiment per minute, hour or day.",
                     request: TimeSeriesRequest.self, response: TimeSeriesResponse.self),
        GatewayRoute(.get, "/v1/hashtags", rpc: QueryMethod.topHashtags, on: .query, "The most used hashtags.",
                     request: TopHashtagsRequest.self, response: TopHashtagsResponse.self),
        GatewayRoute(.get, "/v1/share-of-voice", rpc: InsightsMethod.shareOfVoice, on: .query, "Each query's share of its group's mentions and reach.",
                     request: ShareOfVoiceRequest.self, response: ShareOfVoiceResponse.self),
        GatewayRoute(.get, "/v1/trending", rpc: InsightsMethod.trending, on: .query, "Hashtags, terms, domains or mentions ranked by volume and lift.",
                     request: TrendingRequest.self, response: TrendingResponse.self),
        GatewayRoute(.get, "/v1/authors", rpc: InsightsMethod.topAuthors, on: .query, "Authors ranked by reach, engagement or posts.",
                     request: TopAuthorsRequest.self, response: TopAuthorsResponse.self),
        GatewayRoute(.get, "/v1/care", rpc: InsightsMethod.careQueue, on: .query, "Unhandled posts by care priority, a page at a time.",
                     request: CareQueueRequest.self, response: CareQueueResponse.self),
        GatewayRoute(.post, "/v1/care/{postId}/claim", rpc: InsightsMethod.markHandled, on: .query,
                     "Claim a post for the token's holder (the agent); the first claim wins and the post leaves the queue.",
                     request: MarkHandledRequest.self, response: MarkHandledResponse.self, principalField: "agent"),
        GatewayRoute(.get, "/v1/alerts", rpc: InsightsMethod.alerts, on: .query, "Stored spike alerts, newest first.",
                     request: AlertsRequest.self, response: AlertsResponse.self),
        GatewayRoute(.get, "/v1/queries", rpc: ListeningMethod.listQueries, on: .query, "The listening queries, by group, then name.",
                     request: ListQueriesRequest.self, response: ListQueriesResponse.self),
        GatewayRoute(.post, "/v1/queries", rpc: ListeningMethod.createQuery, on: .query, "Create a listening query.",
                     request: CreateQueryRequest.self, response: SavedQuery.self, successStatus: 201),
        GatewayRoute(.patch, "/v1/queries/{id}", rpc: ListeningMethod.updateQuery, on: .query, "Change a listening query (empty fields stay).",
                     request: UpdateQueryRequest.self, response: SavedQuery.self),
        GatewayRoute(.delete, "/v1/queries/{id}", rpc: ListeningMethod.deleteQuery, on: .query, "Delete a listening query, its matches and aggregates.",
                     request: DeleteQueryRequest.self, response: DeleteQueryResponse.self),
        GatewayRoute(.post, "/v1/queries/validate", rpc: ListeningMethod.validateQuery, on: .query, "Check a query's syntax without saving it.",
                     request: ValidateQueryRequest.self, response: ValidateQueryResponse.self),
        GatewayRoute(.post, "/v1/queries/test", rpc: ListeningMethod.testQuery, on: .query,
                     "Try an unsaved query on the newest stored posts: the newest matches and how many of the posts read match; saves nothing.",
                     request: TestQueryRequest.self, response: TestQueryResponse.self),
        GatewayRoute(.get, "/v1/sources", rpc: SourcesMethod.list, on: .ingest, "Each source's health: last post, usual gap, silence.",
                     request: ListSourcesRequest.self, response: ListSourcesResponse.self),
        GatewayRoute(.get, "/v1/stats/ingest", rpc: StatsMethod.get, on: .ingest, "The ingest service's counters and gauges.",
                     request: StatsRequest.self, response: StatsResponse.self),
        GatewayRoute(.get, "/v1/stats/query", rpc: StatsMethod.get, on: .query, "The query service's counters and gauges.",
                     request: StatsRequest.self, response: StatsResponse.self),
    ]
}
