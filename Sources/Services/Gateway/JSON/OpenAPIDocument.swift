import EarshotWire
import Foundation

/// The OpenAPI 3.1 contract of the gateway, made from the route table and the messages'
/// schemas (``MessageSchema``), so it says what the server does. It is committed as
/// docs/openapi.json (a test keeps the two equal; `earshot gateway --print-openapi`
/// writes it) and served at /openapi.json.
public enum OpenAPIDocument {
    /// The contract as pretty-printed JSON with sorted keys, ending in a newline.
    public static func json(routes: [GatewayRoute]) -> [UInt8] {
        let data = (try? JSONSerialization.data(withJSONObject: document(routes: routes), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data) + [0x0A]
    }

    /// The contract as a JSON object.
    public static func document(routes: [GatewayRoute]) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        var schemas: [String: Any] = ["Error": errorSchema]
        for route in routes {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route)
            for schema in route.requestSchema.reachableSchemas + route.responseSchema.reachableSchemas {
                schemas[schema.componentName] = messageSchema(schema)
            }
        }
        for format in PostExport.allCases { paths[format.path] = ["get": exportOperation(format)] }
        paths[AlertEvents.path] = ["get": [
            "operationId": "getV1AlertsStream",
            "summary": "Spike alerts as Server-Sent Events (event: alert, id, data: the Alert's JSON), as they are raised; a comment every \(AlertEvents.heartbeatSeconds) s.",
            "description": "The query service's alert feed; token roles: \(APITokens.tokenRoles.filter { $0.permits(method: InsightsMethod.alerts) }.map(\.rawValue).joined(separator: ", ")).",
            "parameters": [
                ["name": "queryId", "in": "query", "required": false, "schema": ["type": "string"], "description": "Only this listening query's alerts (* = all-posts alerts)"],
                ["name": "kind", "in": "query", "required": false, "schema": ["type": "string", "enum": Array(AlertKind.allCases.dropFirst().map(\.jsonName))]],
            ] as [[String: Any]],
            "responses": [
                "200": ["description": "An endless event stream", "content": ["text/event-stream": ["schema": ["type": "string"]]]] as [String: Any],
                "default": errorResponse,
            ],
        ] as [String: Any]]
        paths.merge(WebhookAPI.contractPaths(errorResponse: errorResponse)) { $1 }
        schemas.merge(WebhookAPI.contractSchemas) { $1 }
        let open: [[String: Any]] = []
        paths["/healthz"] = ["get": plainOperation("healthz", "The process is up.", security: open)]
        paths["/readyz"] = ["get": plainOperation("readyz", "Ingest and query both answer SERVING (else 503).", security: open)]
        paths["/openapi.json"] = ["get": plainOperation("openapi", "This contract.", security: open)]
        paths["/metrics"] = ["get": [
            "operationId": "metrics", "summary": "The gateway's counters and latencies (Prometheus text).", "security": open,
            "responses": ["200": ["description": "Prometheus text format 0.0.4", "content": ["text/plain": ["schema": ["type": "string"]]]]],
        ] as [String: Any]]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Earshot HTTP API",
                "version": "1",
                "description": "REST/JSON over Earshot's RPCs (docs/HTTP-API.md). JSON uses the proto field names in lowerCamelCase; times are RFC 3339 (Unix milliseconds accepted on input). Errors are {code, status, message}: code the HTTP status, status the gRPC status name.",
            ],
            "security": [["bearer": [String]()]],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer", "description": "An API token from `earshot tokens create`."]],
                "schemas": schemas,
            ] as [String: Any],
            "paths": paths,
        ]
    }

    static var errorSchema: [String: Any] { [
        "type": "object",
        "required": ["code", "status", "message"],
        "additionalProperties": false,
        "properties": [
            "code": ["type": "integer", "description": "The HTTP status"],
            "status": ["type": "string", "description": "The gRPC status name, e.g. INVALID_ARGUMENT"],
            "message": ["type": "string"],
        ],
    ] }

    static var errorResponse: [String: Any] { [
        "description": "An error: 400 bad input, 401 no or bad token, 403 role, 404, 409, 413, 415, 429 (Retry-After), 503, 504",
        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
    ] }

    private static func plainOperation(_ id: String, _ summary: String, security: [[String: Any]]) -> [String: Any] {
        [
            "operationId": id, "summary": summary, "security": security,
            "responses": [
                "200": ["description": "OK", "content": ["application/json": ["schema": ["type": "object"]]]],
                "default": errorResponse,
            ],
        ]
    }

    /// "GET /v1/queries/{id}" → "getV1QueriesId".
    static func operationID(_ route: GatewayRoute) -> String {
        operationID(method: route.method.rawValue, path: route.path)
    }

    /// "GET", "/v1/queries/{id}" → "getV1QueriesId".
    static func operationID(method: String, path: String) -> String {
        let words = path.split(whereSeparator: { "/{}-".contains($0) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
        return method.lowercased() + words.joined()
    }

    private static func operation(_ route: GatewayRoute) -> [String: Any] {
        var parameters: [[String: Any]] = route.pathParameters.map { name in
            ["name": name, "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]
        }
        let filled = Set(route.pathParameters + (route.principalField.map { [$0] } ?? []))
        if !route.takesBody { parameters += queryParameterList(route.requestSchema, excluding: filled) }
        var operation: [String: Any] = [
            "operationId": operationID(route),
            "summary": route.summary,
            "description": "RPC \(route.rpc) on the \(route.backend.rawValue) service; token roles: \(rolesText(route)).",
            "responses": [
                "\(route.successStatus)": [
                    "description": "OK",
                    "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(route.responseSchema.componentName)"]]],
                ] as [String: Any],
                "default": errorResponse,
            ],
        ]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if route.takesBody && route.requestSchema.fields.contains(where: { !filled.contains($0.name) }) {
            operation["requestBody"] = [
                "required": true,
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(route.requestSchema.componentName)"]]],
            ] as [String: Any]
        }
        return operation
    }

    /// The query parameters of a GET or DELETE: the request's fields but `excluded`, and `from`/`to` for `range`.
    private static func queryParameterList(_ schema: MessageSchema, excluding excluded: Set<String>) -> [[String: Any]] {
        var parameters: [[String: Any]] = queryParameters(schema, prefix: "").filter { !excluded.contains($0.0) }.map { name, schema in
            ["name": name, "in": "query", "required": false, "schema": schema]
        }
        if schema.field("range") != nil {
            parameters.append(["name": "from", "in": "query", "required": false, "schema": timeSchema, "description": "Same as range.fromMs"])
            parameters.append(["name": "to", "in": "query", "required": false, "schema": timeSchema, "description": "Same as range.toMs"])
        }
        return parameters
    }

    private static func exportOperation(_ format: PostExport) -> [String: Any] {
        let mediaType = String(format.contentType.prefix { $0 != ";" })
        return [
            "operationId": "getV1Export" + format.rawValue.uppercased(),
            "summary": "Every post the search finds (the filters of GET /v1/posts), streamed \(format == .csv ? "as CSV (earshot import reads it back)" : "as JSON lines of PostView"); no cap, constant memory.",
            "description": "RPC \(QueryMethod.searchPosts) on the query service, page after page; token roles: \(APITokens.tokenRoles.filter { $0.permits(method: QueryMethod.searchPosts) }.map(\.rawValue).joined(separator: ", ")).",
            "parameters": queryParameterList(MessageSchema(of: SearchPostsRequest.self), excluding: PostExport.pagingFields),
            "responses": [
                "200": ["description": "OK", "content": [mediaType: ["schema": ["type": "string"]]]] as [String: Any],
                "default": errorResponse,
            ],
        ]
    }

    private static func rolesText(_ route: GatewayRoute) -> String {
        APITokens.tokenRoles.filter { route.permits($0) }.map(\.rawValue).joined(separator: ", ")
    }

    /// The query parameters of a request schema: every non-repeated scalar field by name,
    /// every field of a nested message as `outer.inner`, a repeated scalar as an array (the parameter repeated).
    static func queryParameters(_ schema: MessageSchema, prefix: String) -> [(String, [String: Any])] {
        schema.fields.flatMap { field -> [(String, [String: Any])] in
            let name = prefix + field.name
            if case .message(let nested) = field.kind {
                return field.isRepeated ? [] : queryParameters(nested.schema, prefix: name + ".")
            }
            return [(name, fieldSchema(field))]
        }
    }

    private static var timeSchema: [String: Any] { [
        "type": ["string", "integer", "null"], "format": "date-time",
        "description": "RFC 3339 (e.g. 2026-12-06T15:00:00Z), or Unix milliseconds; null for none",
    ] }

    static func messageSchema(_ schema: MessageSchema) -> [String: Any] {
        var properties: [String: Any] = [:]
        for field in schema.fields { properties[field.name] = fieldSchema(field) }
        return ["type": "object", "additionalProperties": false, "properties": properties, "description": "earshot proto \(schema.protoName)"]
    }

    static func fieldSchema(_ field: FieldSchema) -> [String: Any] {
        let single: [String: Any]
        switch field.kind {
        case .string: single = ["type": "string"]
        case .bool: single = ["type": "boolean"]
        case .bytes: single = ["type": "array", "items": ["type": "integer", "minimum": 0, "maximum": 255]]
        case .int32: single = ["type": "integer", "format": "int32"]
        case .uint32: single = ["type": "integer", "format": "int32", "minimum": 0]
        case .int64: single = ["type": ["integer", "string"], "format": "int64", "pattern": "^-?[0-9]+$"]
        case .uint64: single = ["type": ["integer", "string"], "format": "int64", "minimum": 0, "pattern": "^[0-9]+$"]
        case .float, .double: single = ["type": "number"]
        case .enumeration(_, let values): single = ["type": "string", "enum": values]
        case .message(let nested): single = ["$ref": "#/components/schemas/\(nested.schema.componentName)"]
        case .timestamp: single = timeSchema
        }
        return field.isRepeated ? ["type": "array", "items": single] : single
    }
}
