import EarshotRPC
import EarshotWire
import Foundation
import Webhooks

/// The webhook routes under /v1/webhooks, without sockets: a request's JSON becomes a
/// subscription (checked field by field) and subscriptions and deliveries become JSON.
/// Tokens whose role may create listening queries (editor, admin) manage them.
public enum WebhookAPI {
    public static let prefix = "/v1/webhooks"
    public static let deliveriesPath = "/v1/webhook-deliveries"
    /// Deliveries listed at most per request.
    public static let maxListed = 500

    /// The routes, for request labels and the contract: (method, path template).
    public enum Route: String, CaseIterable, Sendable {
        case list = "GET /v1/webhooks"
        case create = "POST /v1/webhooks"
        case read = "GET /v1/webhooks/{id}"
        case delete = "DELETE /v1/webhooks/{id}"
        case deliveries = "GET /v1/webhook-deliveries"
        case replay = "POST /v1/webhook-deliveries/{id}/replay"

        /// The route and its `{id}` of a method and path under ``WebhookAPI/prefix`` or ``WebhookAPI/deliveriesPath``.
        public static func match(method: String, path: String) throws(GatewayError) -> (Route, id: String?) {
            let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
            let candidates: [(Route, String?)]
            switch (parts.count, parts.count > 1 ? parts[1] : "") {
            case (2, "webhooks"): candidates = [(.list, nil), (.create, nil)]
            case (3, "webhooks"): candidates = [(.read, parts[2]), (.delete, parts[2])]
            case (2, "webhook-deliveries"): candidates = [(.deliveries, nil)]
            case (4, "webhook-deliveries") where parts[3] == "replay": candidates = [(.replay, parts[2])]
            default: throw GatewayError(.notFound, "no route \(path); the routes are listed at /openapi.json")
            }
            guard let hit = candidates.first(where: { $0.0.method == method }) else {
                throw GatewayError(.unimplemented, "\(path) takes \(candidates.map(\.0.method).joined(separator: ", ")), not \(method)", httpStatus: 405)
            }
            return hit
        }

        public var method: String { String(rawValue.prefix { $0 != " " }) }
        public var path: String { String(rawValue.drop { $0 != " " }.dropFirst()) }
    }

    /// A new subscription from a POST body: `url` (http or https), `event` (alert or care,
    /// default alert), `queryId`, `kind` (alerts), `minPriority` (care, 1...100, default 70),
    /// `format` (json or slack) and `secret` (16 to 200 characters; made when missing).
    public static func subscription(body: [UInt8], id: String, nowMs: Int64, createdBy: String) throws(GatewayError) -> WebhookSubscription {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw GatewayError(.invalidArgument, "the body is not a JSON object")
        }
        let known: Set<String> = ["url", "event", "queryId", "kind", "minPriority", "format", "secret"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw GatewayError(.invalidArgument, "unknown field '\(unknown.prefix(100))' (a webhook has \(known.sorted().joined(separator: ", ")))")
        }
        func string(_ name: String) throws(GatewayError) -> String? {
            guard let value = object[name], !(value is NSNull) else { return nil }
            guard let text = value as? String else { throw GatewayError(.invalidArgument, "field '\(name)' must be a string") }
            return text
        }
        guard let url = try string("url") else { throw GatewayError(.invalidArgument, "field 'url' is required") }
        guard url.utf8.count <= 2_000, let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              !(parsed.host ?? "").isEmpty else {
            throw GatewayError(.invalidArgument, "field 'url' must be an http or https URL with a host, at most 2000 bytes")
        }
        let eventName = try string("event") ?? "alert"
        guard let event = WebhookTopic.EventType(rawValue: eventName) else {
            throw GatewayError(.invalidArgument, "field 'event' must be alert or care, not '\(eventName.prefix(100))'")
        }
        let queryID = try string("queryId")
        if let queryID, queryID.isEmpty || queryID.utf8.count > 200 {
            throw GatewayError(.invalidArgument, "field 'queryId' must be a query id (or * for all-posts alerts), 1 to 200 bytes")
        }
        var kind: String?
        if let name = try string("kind") {
            guard event == .alert else { throw GatewayError(.invalidArgument, "field 'kind' is for alert webhooks only") }
            guard let match = AlertKind.allCases.dropFirst().first(where: { $0.jsonName.lowercased() == name.lowercased() }) else {
                throw GatewayError(.invalidArgument, "field 'kind' must be one of \(AlertKind.allCases.dropFirst().map(\.jsonName).joined(separator: ", "))")
            }
            kind = match.jsonName
        }
        var minPriority = event == .care ? 70 : 0
        if let value = object["minPriority"], !(value is NSNull) {
            guard event == .care else { throw GatewayError(.invalidArgument, "field 'minPriority' is for care webhooks only") }
            guard let number = value as? NSNumber, !JSONTranslation.isJSONBoolean(number), let integer = Int(exactly: number.doubleValue),
                  (1...100).contains(integer) else {
                throw GatewayError(.invalidArgument, "field 'minPriority' must be an integer from 1 to 100")
            }
            minPriority = integer
        }
        let formatName = try string("format") ?? "json"
        guard let format = WebhookBody(rawValue: formatName) else {
            throw GatewayError(.invalidArgument, "field 'format' must be json or slack, not '\(formatName.prefix(100))'")
        }
        let secret = try string("secret") ?? newSecret()
        guard (16...200).contains(secret.utf8.count) else { throw GatewayError(.invalidArgument, "field 'secret' must have 16 to 200 bytes") }
        return WebhookSubscription(id: id, url: url, secret: secret, topic: WebhookTopic(event: event, queryID: queryID, alertKind: kind, minPriority: minPriority),
                                   format: format, createdAtMs: nowMs, createdBy: createdBy)
    }

    /// A fresh secret: "whsec_" and 32 random bytes in hex.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// A fresh subscription id.
    public static func newID() -> String { "wh_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20) }

    /// `state` (default failed), `webhookId` and `limit` (1...500, default 100) of the deliveries list.
    public static func deliveryFilter(_ query: [(name: String, value: String)]) throws(GatewayError) -> (WebhookDelivery.State, String?, Int) {
        var state = WebhookDelivery.State.failed
        var webhookID: String?
        var limit = 100
        for (name, value) in query {
            switch name {
            case "state":
                guard let parsed = WebhookDelivery.State(rawValue: value) else {
                    throw GatewayError(.invalidArgument, "state must be pending, delivered or failed, not '\(value.prefix(100))'")
                }
                state = parsed
            case "webhookId": webhookID = value
            case "limit":
                guard let parsed = Int(value), (1...maxListed).contains(parsed) else { throw GatewayError(.invalidArgument, "limit must be 1 to \(maxListed)") }
                limit = parsed
            default: throw GatewayError(.invalidArgument, "unknown query parameter '\(name.prefix(100))' (state, webhookId, limit)")
            }
        }
        return (state, webhookID, limit)
    }

    /// A subscription's JSON; with its secret only when just created.
    public static func json(_ subscription: WebhookSubscription, withSecret: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "id": subscription.id, "url": subscription.url, "event": subscription.topic.event.rawValue, "format": subscription.format.rawValue,
            "createdAt": WebhookBody.rfc3339(subscription.createdAtMs), "createdBy": subscription.createdBy,
        ]
        if let queryID = subscription.topic.queryID { object["queryId"] = queryID }
        if let kind = subscription.topic.alertKind { object["kind"] = kind }
        if subscription.topic.event == .care { object["minPriority"] = subscription.topic.minPriority }
        if withSecret { object["secret"] = subscription.secret }
        return object
    }

    public static func json(_ delivery: WebhookDelivery) -> [String: Any] {
        [
            "id": delivery.id, "webhookId": delivery.subscriptionID, "eventId": delivery.eventID, "state": delivery.state.rawValue,
            "attempts": delivery.attempts, "queuedAt": WebhookBody.rfc3339(delivery.queuedAtMs),
            "nextAttemptAt": WebhookBody.rfc3339(delivery.nextAttemptAtMs), "lastStatus": delivery.lastStatus, "lastError": delivery.lastError,
        ]
    }

    /// Bytes of a JSON object with sorted keys and a final newline.
    public static func bytes(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)) + [0x0A]
    }
}

// MARK: The contract

extension WebhookAPI {
    /// The webhook operations of the OpenAPI contract, by path.
    static func contractPaths(errorResponse: [String: Any]) -> [String: [String: Any]] {
        let roles = "token roles: \(APITokens.tokenRoles.filter { $0.permits(method: ListeningMethod.createQuery) }.map(\.rawValue).joined(separator: ", "))"
        func answer(_ status: Int, _ schema: String) -> [String: Any] {
            ["\(status)": ["description": "OK", "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(schema)"]]]] as [String: Any],
             "default": errorResponse]
        }
        func operation(_ route: Route, _ summary: String, _ responses: [String: Any], parameters: [[String: Any]] = []) -> [String: Any] {
            var operation: [String: Any] = [
                "operationId": OpenAPIDocument.operationID(method: route.method, path: route.path), "summary": summary,
                "description": "The gateway's webhook store (--webhooks); \(roles).", "responses": responses,
            ]
            if !parameters.isEmpty { operation["parameters"] = parameters }
            return operation
        }
        let id: [String: Any] = ["name": "id", "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]
        var create = operation(.create, "Subscribe a URL to alerts or care items; the answer shows the signing secret, once.", answer(201, "WebhookCreated"))
        create["requestBody"] = ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/WebhookRequest"]]]] as [String: Any]
        return [
            prefix: ["get": operation(.list, "The webhook subscriptions (without secrets).", answer(200, "WebhookList")), "post": create],
            prefix + "/{id}": [
                "get": operation(.read, "One webhook subscription (without its secret).", answer(200, "Webhook"), parameters: [id]),
                "delete": operation(.delete, "Delete a webhook subscription and its deliveries.", answer(200, "WebhookDeleted"), parameters: [id]),
            ],
            deliveriesPath: ["get": operation(.deliveries, "Webhook deliveries by state (default failed), last attempt first.", answer(200, "WebhookDeliveryList"), parameters: [
                ["name": "state", "in": "query", "required": false, "schema": ["type": "string", "enum": WebhookDelivery.State.allCases.map(\.rawValue)]],
                ["name": "webhookId", "in": "query", "required": false, "schema": ["type": "string"]],
                ["name": "limit", "in": "query", "required": false, "schema": ["type": "integer", "minimum": 1, "maximum": maxListed]],
            ])],
            deliveriesPath + "/{id}/replay": ["post": operation(.replay, "Queue a delivery again now, with a new 24 h window and the same idempotency key.",
                                                                answer(200, "WebhookDelivery"), parameters: [id])],
        ]
    }

    /// The schemas the webhook operations name.
    static var contractSchemas: [String: Any] {
        let kinds = Array(AlertKind.allCases.dropFirst().map(\.jsonName))
        let time: [String: Any] = ["type": "string", "format": "date-time"]
        func object(_ properties: [String: Any], required: [String], _ description: String) -> [String: Any] {
            ["type": "object", "additionalProperties": false, "properties": properties, "required": required, "description": description]
        }
        let webhook: [String: Any] = [
            "id": ["type": "string"], "url": ["type": "string"], "event": ["type": "string", "enum": ["alert", "care"]],
            "queryId": ["type": "string"], "kind": ["type": "string", "enum": kinds], "minPriority": ["type": "integer"],
            "format": ["type": "string", "enum": ["json", "slack"]], "createdAt": time, "createdBy": ["type": "string"],
        ]
        let common = ["id", "url", "event", "format", "createdAt", "createdBy"]
        return [
            "WebhookRequest": object([
                "url": ["type": "string", "format": "uri", "description": "http or https, where the signed POSTs go"],
                "event": ["type": "string", "enum": ["alert", "care"], "description": "default alert"],
                "queryId": ["type": "string", "minLength": 1, "maxLength": 200, "description": "only this query's events; * = all-posts alerts"],
                "kind": ["type": "string", "enum": kinds, "description": "alerts of this kind only (alert webhooks)"],
                "minPriority": ["type": "integer", "minimum": 1, "maximum": 100, "description": "care items at or over this priority (care webhooks; default 70)"],
                "format": ["type": "string", "enum": ["json", "slack"], "description": "json (default) or a Slack incoming-webhook body"],
                "secret": ["type": "string", "minLength": 16, "maxLength": 200, "description": "the HMAC key; made when missing"],
            ], required: ["url"], "A new webhook subscription"),
            "Webhook": object(webhook, required: common, "A webhook subscription"),
            "WebhookCreated": object(webhook.merging(["secret": ["type": "string"]]) { $1 }, required: common + ["secret"],
                                     "A new webhook subscription with its signing secret (shown once)"),
            "WebhookList": object(["webhooks": ["type": "array", "items": ["$ref": "#/components/schemas/Webhook"]]], required: ["webhooks"], "Webhook subscriptions"),
            "WebhookDeleted": object(["deleted": ["type": "boolean"]], required: ["deleted"], "A deleted subscription"),
            "WebhookDelivery": object([
                "id": ["type": "string", "description": "also the Idempotency-Key header of every attempt"], "webhookId": ["type": "string"],
                "eventId": ["type": "string"], "state": ["type": "string", "enum": WebhookDelivery.State.allCases.map(\.rawValue)],
                "attempts": ["type": "integer"], "queuedAt": time, "nextAttemptAt": time,
                "lastStatus": ["type": "integer", "description": "the receiver's last HTTP status; 0 = no answer"], "lastError": ["type": "string"],
            ], required: ["id", "webhookId", "eventId", "state", "attempts", "queuedAt", "nextAttemptAt", "lastStatus", "lastError"], "One event's delivery to one webhook"),
            "WebhookDeliveryList": object(["deliveries": ["type": "array", "items": ["$ref": "#/components/schemas/WebhookDelivery"]]],
                                          required: ["deliveries"], "Webhook deliveries"),
        ]
    }
}
