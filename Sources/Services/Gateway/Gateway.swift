import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceRuntime
import Webhooks
import ZeroMQ

/// Settings of `earshot gateway`.
public struct GatewayConfiguration: Sendable {
    /// Where the HTTP server listens, host:port.
    public var listen = "127.0.0.1:8080"
    public var ingestEndpoint = "tcp://127.0.0.1:5550"
    public var queryEndpoint = "tcp://127.0.0.1:5560"
    /// The query service's alert PUB socket, for the SSE stream; "" = no stream (503).
    public var alertsEndpoint = "tcp://127.0.0.1:5562"
    /// The API token file (``APITokens``).
    public var tokensPath = "var/keys/api-tokens"
    /// Request bodies larger than this are refused with 413.
    public var maxBodyBytes = 8 << 20
    /// Time for a client to send its whole body (then 408), and for an RPC to answer (then 504).
    public var bodyTimeoutMilliseconds: Int64 = 10_000
    public var rpcTimeoutMilliseconds: Int64 = 10_000
    /// A connection without a whole request part (head, body chunk, end) read or a response
    /// written for this long is closed; so is one whose head has not fully arrived by then.
    /// A request whose body has not ended a second after the body timeout is closed too
    /// (``RequestDeadlineHandler``).
    public var idleTimeoutSeconds: Int64 = 60
    /// Calls in flight per backend service at most (then 429). They share one connection
    /// (``RPCMultiplexer``), so keep this under the services' per-peer high-water mark (1,000).
    public var maxCallsInFlight = 128
    /// The webhook database (``WebhookStore``), shared by the gateways of a host; "" = no webhooks (503).
    public var webhooksPath = ""
    /// A webhook attempt without a complete answer within this long has failed (and is retried).
    public var webhookAttemptTimeoutSeconds = 10.0
    /// How long a webhook delivery is retried (``RetrySchedule/standard``: 24 h) before it is failed.
    public var webhookRetryWindowSeconds = RetrySchedule.standard.windowSeconds

    public init() {}
}

/// The HTTP/JSON gateway: a thin shell that matches a request to its route
/// (``RouteMatcher``), checks its API token, translates the JSON to the RPC's message
/// (``GatewayRoute``), calls ingest or query with the token holder named as the principal
/// (``Delegation``) and translates the answer or the error (``GatewayError``) back.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    private let matcher = RouteMatcher(GatewayRoutes.all)
    let backends: [GatewayBackend: RPCMultiplexer]
    private let tokens: TokenStore
    let logger: Logger
    public let metrics = MetricsRegistry()
    private let contract: [UInt8]
    private let searchSchema = MessageSchema(of: SearchPostsRequest.self)
    let viewJSON = MessageJSONWriter(of: PostView.self)
    private let zmq: Context
    let alertFeed: AlertFeed?
    let alertJSON = MessageJSONWriter(of: Alert.self)
    let webhooks: WebhookDeliverer?
    private let dashboard = DashboardFiles(directory: DashboardFiles.bundledDirectory)

    public init(configuration: GatewayConfiguration, security: SocketSecurity, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let zmq = try Context(ioThreads: 1)
        self.zmq = zmq
        var backends: [GatewayBackend: RPCMultiplexer] = [:]
        for backend in GatewayBackend.allCases {
            let endpoint = backend == .ingest ? configuration.ingestEndpoint : configuration.queryEndpoint
            let server = backend == .ingest ? KeyDirectory.ingestKey : KeyDirectory.queryKey
            let options = try security.clientOptions(server: server, endpoint: endpoint)
            backends[backend] = try RPCMultiplexer(backend: backend, endpoint: endpoint, capacity: configuration.maxCallsInFlight,
                                                context: zmq, socketOptions: options)
        }
        self.backends = backends
        alertFeed = configuration.alertsEndpoint.isEmpty ? nil : try AlertFeed(
            endpoint: configuration.alertsEndpoint, context: zmq,
            socketOptions: try security.clientOptions(server: KeyDirectory.queryKey, endpoint: configuration.alertsEndpoint), logger: logger)
        tokens = TokenStore(path: configuration.tokensPath) { message in logger.warning("\(message)") }
        contract = OpenAPIDocument.json(routes: GatewayRoutes.all)
        webhooks = configuration.webhooksPath.isEmpty ? nil : WebhookDeliverer(
            store: try WebhookStore(path: configuration.webhooksPath),
            schedule: RetrySchedule(firstDelaySeconds: RetrySchedule.standard.firstDelaySeconds, maxDelaySeconds: RetrySchedule.standard.maxDelaySeconds,
                                    windowSeconds: configuration.webhookRetryWindowSeconds),
            attemptTimeoutSeconds: configuration.webhookAttemptTimeoutSeconds,
            metrics: metrics, logger: logger)
    }

    /// Serves HTTP until SIGINT or SIGTERM.
    public func run() async throws {
        let (host, port) = try Self.hostAndPort(configuration.listen)
        let responder = CallbackResponder<BasicRequestContext> { [self] request, _ in await respond(to: request) }
        // A second over the body timeout, so that a client still reading gets the 408 before the close.
        let requestLimit = TimeAmount.milliseconds(configuration.bodyTimeoutMilliseconds + 1_000)
        let application = Application(
            responder: responder,
            server: .http1(configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(limit: requestLimit)],
                                                idleTimeout: .seconds(configuration.idleTimeoutSeconds))),
            configuration: .init(address: .hostname(host, port: port), serverName: "earshot-gateway"),
            logger: logger)
        logger.info("gateway listening", metadata: ["listen": "\(host):\(port)", "ingest": "\(configuration.ingestEndpoint)",
                                                    "query": "\(configuration.queryEndpoint)", "tokens": "\(configuration.tokensPath)"])
        let delivering = Task { await deliverWebhooks() }
        defer { delivering.cancel() }
        try await application.runService()
    }

    /// "host:port" → its parts; ":8080" means every interface.
    static func hostAndPort(_ address: String) throws(GatewayError) -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            throw GatewayError(.invalidArgument, "listen address '\(address)' is not host:port (e.g. 127.0.0.1:8080)")
        }
        let host = String(address[..<colon])
        return (host.isEmpty ? "0.0.0.0" : host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    /// The response to one HTTP request; never throws (every failure is a JSON error).
    func respond(to request: Request) async -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        var label = "other"
        let response: Response
        do {
            response = try await route(request, label: &label)
        } catch {
            response = Self.errorResponse(error)
        }
        metrics.increment("earshot_gateway_requests_total{route=\"\(label)\",status=\"\(response.status.code)\"}",
                          help: "HTTP requests by route and status")
        metrics.observe("earshot_gateway_request_ms", Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6,
                        help: "HTTP request latency in milliseconds")
        return response
    }

    private func route(_ request: Request, label: inout String) async throws(GatewayError) -> Response {
        let path = request.uri.path
        let method = request.method.rawValue
        if method == "GET", let file = dashboard.response(path: path) {
            label = "dashboard"
            return file
        }
        switch path {
        case "/healthz":
            label = path
            return Self.json(200, Array(#"{"status":"ok"}"#.utf8) + [0x0A])
        case "/readyz":
            label = path
            return await readiness()
        case "/metrics":
            label = path
            var headers = HTTPFields()
            headers[.contentType] = MetricsHTTP.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.prometheusText())))
        case "/openapi.json":
            label = path
            return Self.json(200, contract)
        case WebhookAPI.prefix, WebhookAPI.deliveriesPath, _ where path.hasPrefix(WebhookAPI.prefix + "/") || path.hasPrefix(WebhookAPI.deliveriesPath + "/"):
            let (webhookRoute, id) = try WebhookAPI.Route.match(method: method, path: path)
            label = webhookRoute.rawValue
            return try await webhook(webhookRoute, id: id, request: request)
        case AlertEvents.path:
            label = path
            guard method == "GET" else { throw GatewayError(.unimplemented, "\(path) takes GET, not \(method)", httpStatus: 405) }
            return try alertStream(request)
        case PostExport.csv.path, PostExport.jsonl.path:
            label = path
            guard method == "GET" else { throw GatewayError(.unimplemented, "\(path) takes GET, not \(method)", httpStatus: 405) }
            return try await export(path == PostExport.csv.path ? .csv : .jsonl, request: request)
        default:
            break
        }
        switch matcher.match(method: method, path: path) {
        case .notFound:
            throw GatewayError(.notFound, "no route \(path); the routes are listed at /openapi.json")
        case .methodNotAllowed(let allowed):
            throw GatewayError(.unimplemented, "\(path) takes \(allowed.joined(separator: ", ")), not \(method)", httpStatus: 405)
        case .found(let route, let pathParameters):
            label = "\(route.method.rawValue) \(route.path)"
            return try await call(route, request: request, pathParameters: pathParameters)
        }
    }

    /// The holder of the request's API token, if its role may call `rpc` (else 401 or 403).
    func tokenHolder(_ request: Request, rpc: String, operation: String) throws(GatewayError) -> APITokens.Entry {
        guard let token = RouteMatcher.bearerToken(request.headers[.authorization]) else {
            throw GatewayError(.unauthenticated, "an API token is required: Authorization: Bearer <token> (earshot tokens create)")
        }
        guard let holder = tokens.entry(token: token) else { throw GatewayError(.unauthenticated, "the API token is not valid (unknown or revoked)") }
        guard holder.role.permits(method: rpc) else {
            throw GatewayError(.permissionDenied, "token '\(holder.name)' (role \(holder.role)) may not call \(operation)")
        }
        return holder
    }

    /// The metadata that names the token holder to the services (``Delegation``).
    static func principal(_ holder: APITokens.Entry) -> [String: String] {
        [Delegation.principalKey: holder.name, Delegation.roleKey: holder.role.rawValue]
    }

    private func call(_ route: GatewayRoute, request: Request, pathParameters: [String: String]) async throws(GatewayError) -> Response {
        let holder = try tokenHolder(request, rpc: route.rpc, operation: "\(route.method.rawValue) \(route.path)")
        let body = route.takesBody ? try await collectBody(request) : []
        var parameters = pathParameters
        if let field = route.principalField { parameters[field] = holder.name }
        let payload = try route.encodeRequest(body, try RouteMatcher.queryParameters(request.uri.query), parameters)
        let answer = try await backends[route.backend]!.call(route.rpc, payload: payload, metadata: Self.principal(holder),
                                                           timeoutMilliseconds: configuration.rpcTimeoutMilliseconds)
        return Self.json(route.successStatus, try route.decodeResponse(answer) + [0x0A])
    }

    /// A streamed export (``PostExport``): the first page is read before the headers, so a bad
    /// search gets its status. Then three stages overlap, a page apart: the query service reads
    /// page n + 2 (its token is read from page n + 1's bytes without decoding them) while page
    /// n + 1 is turned into lines and page n is written, so at most three pages are held. A
    /// failure after the headers cuts the response short (the chunked body does not end
    /// properly) and is logged.
    private func export(_ format: PostExport, request: Request) async throws(GatewayError) -> Response {
        let holder = try tokenHolder(request, rpc: QueryMethod.searchPosts, operation: "GET \(format.path)")
        let search = try PostExport.request(query: try RouteMatcher.queryParameters(request.uri.query), schema: searchSchema)
        let metadata = Self.principal(holder)
        let viewJSON = self.viewJSON
        let first = try format.page(try await searchPage(search, metadata: metadata), json: viewJSON)
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        @Sendable func fetch(after token: String) -> Task<[UInt8], any Error>? {
            guard !token.isEmpty else { return nil }
            var next = search
            next.pageToken = token
            return Task { () async throws(GatewayError) -> [UInt8] in try await searchPage(next, metadata: metadata) }
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { [self] writer in
            var lines = format.preamble + first.lines
            var fetching = fetch(after: first.nextPageToken)
            defer { fetching?.cancel() }
            do {
                while let page = fetching {
                    let bytes = try await page.value
                    guard let token = WireSplice.nextPageToken(ofPostPage: bytes) else {
                        throw GatewayError(.internal, "cannot read the next page token from a page of posts (\(bytes.count) bytes)")
                    }
                    fetching = fetch(after: token)
                    let converting = Task { () throws(GatewayError) -> [UInt8] in try format.page(bytes, json: viewJSON).lines }
                    try await writer.write(ByteBuffer(bytes: lines))
                    lines = try await converting.value
                }
            } catch {
                logger.warning("export cut short", metadata: ["token": "\(holder.name)", "error": "\(error)"])
                throw error
            }
            try await writer.write(ByteBuffer(bytes: lines))
            try await writer.finish(nil)
        })
    }

    /// The live alert stream (``AlertEvents``), open until the client leaves.
    private func alertStream(_ request: Request) throws(GatewayError) -> Response {
        _ = try tokenHolder(request, rpc: InsightsMethod.alerts, operation: "GET \(AlertEvents.path)")
        let filter = try AlertEvents.Filter(query: try RouteMatcher.queryParameters(request.uri.query))
        guard let alertFeed else { throw GatewayError(.unavailable, "this gateway has no alert feed (--alerts is empty)") }
        guard let stream = alertFeed.subscribe() else {
            throw GatewayError(.resourceExhausted, "\(AlertFeed.maxClients) alert streams are open; retry later")
        }
        let alertJSON = self.alertJSON
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(bytes: AlertEvents.heartbeat))
            for await item in stream {
                if let alert = item {
                    if filter.admits(alert) { try await writer.write(ByteBuffer(bytes: AlertEvents.event(alert, json: alertJSON))) }
                } else {
                    try await writer.write(ByteBuffer(bytes: AlertEvents.heartbeat))
                }
            }
            try await writer.finish(nil)
        })
    }

    /// The encoded SearchPostsResponse of `search`.
    private func searchPage(_ search: SearchPostsRequest, metadata: [String: String]) async throws(GatewayError) -> [UInt8] {
        let payload: [UInt8]
        do { payload = try search.serializedBytes() } catch { throw GatewayError(.internal, "cannot encode the search: \(error)") }
        return try await backends[.query]!.call(QueryMethod.searchPosts, payload: payload, metadata: metadata,
                                             timeoutMilliseconds: configuration.rpcTimeoutMilliseconds)
    }

    /// The request body, at most ``GatewayConfiguration/maxBodyBytes`` (413) within the body timeout (408).
    func collectBody(_ request: Request) async throws(GatewayError) -> [UInt8] {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw GatewayError(.invalidArgument, "Content-Type must be application/json, not \(type.prefix(100))", httpStatus: 415)
        }
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw GatewayError(.resourceExhausted, "the body of \(length) bytes is over the limit of \(limit)", httpStatus: 413)
        }
        let timeout = configuration.bodyTimeoutMilliseconds
        let outcome: Result<ByteBuffer, GatewayError>? = await withTaskGroup(of: Result<ByteBuffer, GatewayError>?.self) { group in
            group.addTask {
                do { return .success(try await request.body.collect(upTo: limit)) } catch {
                    return .failure(GatewayError(.resourceExhausted, "the body is over the limit of \(limit) bytes (\(error))", httpStatus: 413))
                }
            }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout) * 1_000_000)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .some(.success(let buffer)): return Array(buffer.readableBytesView)
        case .some(.failure(let error)): throw error
        case .none: throw GatewayError(.deadlineExceeded, "the body did not arrive within \(timeout) ms", httpStatus: 408)
        }
    }

    /// 200 when ingest and query both answer Health/Check SERVING, else 503 naming the one that does not.
    private func readiness() async -> Response {
        var problems: [String] = []
        for backend in GatewayBackend.allCases {
            do {
                let payload = try await backends[backend]!.call(HealthMethod.check, payload: try HealthCheckRequest().serializedBytes(), metadata: [:],
                                                             timeoutMilliseconds: 1_000)
                let answer = try HealthCheckResponse(serializedBytes: payload)
                if answer.status != .serving { problems.append("\(backend.rawValue): \(answer.status.jsonName)") }
            } catch {
                problems.append("\(backend.rawValue): \(error)")
            }
        }
        guard problems.isEmpty else { return Self.errorResponse(GatewayError(.unavailable, problems.joined(separator: "; "))) }
        return Self.json(200, Array(#"{"status":"ready"}"#.utf8) + [0x0A])
    }

    static func json(_ status: Int, _ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func errorResponse(_ error: any Error) -> Response {
        let failure = (error as? GatewayError) ?? GatewayError(.internal, "\(error)")
        var response = json(failure.httpStatus, failure.body)
        if let seconds = failure.retryAfterSeconds { response.headers[.retryAfter] = "\(seconds)" }
        if failure.code == .unauthenticated { response.headers[.wwwAuthenticate] = "Bearer" }
        return response
    }
}
