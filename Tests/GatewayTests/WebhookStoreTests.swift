import EarshotWire
import Foundation
import Testing
import Webhooks
@testable import GatewayService

@Suite struct WebhookStoreTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("webhooks-\(UUID().uuidString).sqlite").path
    }

    func subscription(_ id: String, queryID: String? = nil) -> WebhookSubscription {
        WebhookSubscription(id: id, url: "http://127.0.0.1:9/\(id)", secret: "0123456789abcdef", topic: WebhookTopic(event: .alert, queryID: queryID),
                            format: .json, createdAtMs: 1, createdBy: "alice")
    }

    func alert(_ id: String, queryID: String = "q-1") -> WebhookEvent {
        WebhookEvent(type: .alert, id: id, queryID: queryID, alertKind: "volume", summary: id, occurredAtMs: 5, data: Array("{}".utf8))
    }

    @Test func pendingDeliveriesSurviveAReopenAndAreQueuedOncePerSubscription() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let store = try WebhookStore(path: path)
            try store.add(subscription("wh_a", queryID: "q-1"))
            try store.add(subscription("wh_b"))
            try store.add(subscription("wh_c", queryID: "q-2"))
            #expect(try store.enqueue(alert("e1"), nowMs: 1_000) == 2)
            #expect(try store.enqueue(alert("e1"), nowMs: 1_001) == 0)  // the same event again (at-least-once upstream)
            #expect(try store.enqueue(alert("e2"), nowMs: 1_002) == 2)
        }
        let reopened = try WebhookStore(path: path)
        let due = try reopened.due(nowMs: 2_000, busy: [], limit: 10)
        #expect(due.map(\.subscriptionID).sorted() == ["wh_a", "wh_b"], "one per subscription")
        #expect(due.allSatisfy { $0.eventID == "e1" && $0.id.hasPrefix("whd_") && $0.state == .pending })
        #expect(try reopened.due(nowMs: 2_000, busy: ["wh_a"], limit: 10).map(\.subscriptionID) == ["wh_b"])
        #expect(try reopened.due(nowMs: 999, busy: [], limit: 10).isEmpty)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(due[0].body)) as? [String: Any])
        #expect(body["id"] as? String == "e1" && body["type"] as? String == "alert")
    }

    @Test func attemptsRetryFailAndReplay() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try WebhookStore(path: path)
        try store.add(subscription("wh_a"))
        try store.enqueue(alert("e1"), nowMs: 1_000)
        let first = try #require(try store.due(nowMs: 1_000, busy: [], limit: 1).first)
        try store.recordAttempt(first.id, delivered: false, status: 500, error: "the receiver answered 500", nextAttemptAtMs: 9_000, nowMs: 1_100)
        #expect(try store.due(nowMs: 8_999, busy: [], limit: 1).isEmpty)
        let retry = try #require(try store.due(nowMs: 9_000, busy: [], limit: 1).first)
        #expect(retry.id == first.id && retry.attempts == 1 && retry.lastStatus == 500)
        try store.recordAttempt(first.id, delivered: false, status: 0, error: "timed out", nextAttemptAtMs: nil, nowMs: 9_100)
        let failed = try store.deliveries(state: .failed, subscriptionID: nil, limit: 10)
        #expect(failed.map(\.id) == [first.id] && failed[0].attempts == 2 && failed[0].lastError == "timed out")
        #expect(try store.due(nowMs: 100_000, busy: [], limit: 1).isEmpty)
        let replayed = try #require(try store.replay(id: first.id, nowMs: 200_000))
        #expect(replayed.state == .pending && replayed.queuedAtMs == 200_000 && replayed.id == first.id)
        #expect(try store.due(nowMs: 200_000, busy: [], limit: 1).first?.id == first.id)
        #expect(try store.replay(id: "whd_none", nowMs: 1) == nil)
        #expect(try store.remove(id: "wh_a"))
        #expect(try store.due(nowMs: 200_000, busy: [], limit: 1).isEmpty)
        #expect(try !store.remove(id: "wh_a"))
    }

    @Test func aFullBacklogStoresNewDeliveriesAsFailed() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try WebhookStore(path: path, maxPendingPerSubscription: 20)
        try store.add(subscription("wh_a"))
        for index in 0..<20 { try store.enqueue(alert("e\(index)"), nowMs: 1) }
        try store.enqueue(alert("over"), nowMs: 2)
        let failed = try store.deliveries(state: .failed, subscriptionID: "wh_a", limit: 10)
        #expect(failed.map(\.eventID) == ["over"] && failed[0].lastError.contains("backlog full"))
    }
}

@Suite struct WebhookAPITests {
    func parse(_ json: String) throws(GatewayError) -> WebhookSubscription {
        try WebhookAPI.subscription(body: Array(json.utf8), id: "wh_1", nowMs: 0, createdBy: "alice")
    }

    @Test func aSubscriptionIsCheckedFieldByField() throws {
        let plain = try parse(#"{"url":"https://hooks.example/x"}"#)
        #expect(plain.topic == WebhookTopic(event: .alert) && plain.format == .json && plain.secret.hasPrefix("whsec_") && plain.secret.count == 70)
        let kind = AlertKind.allCases[1].jsonName
        let care = try parse(#"{"url":"http://127.0.0.1:1/","event":"care","queryId":"q-1","minPriority":90,"format":"slack","secret":"0123456789abcdef"}"#)
        #expect(care.topic == WebhookTopic(event: .care, queryID: "q-1", minPriority: 90) && care.format == .slack && care.secret == "0123456789abcdef")
        #expect(try parse(#"{"url":"http://h/","kind":"\#(kind)"}"#).topic.alertKind == kind)
        #expect(try parse(#"{"url":"http://h/","event":"care"}"#).topic.minPriority == 70)
        for (body, fragment) in [
            (#"[]"#, "JSON object"), (#"{}"#, "'url' is required"), (#"{"url":"ftp://h/"}"#, "http or https"), (#"{"url":"http:///x"}"#, "http or https"),
            (#"{"url":7}"#, "must be a string"), (#"{"url":"http://h/","colour":"red"}"#, "unknown field 'colour'"),
            (#"{"url":"http://h/","event":"party"}"#, "alert or care"), (#"{"url":"http://h/","kind":"sideways"}"#, "'kind' must be one of"),
            (#"{"url":"http://h/","event":"care","kind":"\#(kind)"}"#, "alert webhooks only"), (#"{"url":"http://h/","minPriority":5}"#, "care webhooks only"),
            (#"{"url":"http://h/","event":"care","minPriority":101}"#, "1 to 100"), (#"{"url":"http://h/","event":"care","minPriority":true}"#, "1 to 100"),
            (#"{"url":"http://h/","event":"care","minPriority":2.5}"#, "1 to 100"), (#"{"url":"http://h/","secret":"short"}"#, "16 to 200"),
            (#"{"url":"http://h/","format":"xml"}"#, "json or slack"), (#"{"url":"http://h/","queryId":""}"#, "queryId"),
        ] {
            do {
                _ = try parse(body)
                Issue.record("\(body) was accepted")
            } catch {
                #expect(error.httpStatus == 400 && error.message.contains(fragment), "\(body): \(error.message)")
            }
        }
    }

    @Test func routesAndDeliveryFilters() throws {
        #expect(try WebhookAPI.Route.match(method: "GET", path: "/v1/webhooks") == (.list, nil))
        #expect(try WebhookAPI.Route.match(method: "DELETE", path: "/v1/webhooks/wh_1") == (.delete, "wh_1"))
        #expect(try WebhookAPI.Route.match(method: "GET", path: "/v1/webhook-deliveries") == (.deliveries, nil))
        #expect(try WebhookAPI.Route.match(method: "POST", path: "/v1/webhook-deliveries/whd_1/replay") == (.replay, "whd_1"))
        #expect(throws: GatewayError.self) { try WebhookAPI.Route.match(method: "PUT", path: "/v1/webhooks") }
        #expect(throws: GatewayError.self) { try WebhookAPI.Route.match(method: "GET", path: "/v1/webhooks/a/b") }
        #expect(try WebhookAPI.deliveryFilter([]) == (.failed, nil, 100))
        #expect(try WebhookAPI.deliveryFilter([("state", "pending"), ("webhookId", "wh_1"), ("limit", "5")]) == (.pending, "wh_1", 5))
        #expect(throws: GatewayError.self) { try WebhookAPI.deliveryFilter([("limit", "0")]) }
        #expect(throws: GatewayError.self) { try WebhookAPI.deliveryFilter([("state", "lost")]) }
    }

    @Test func theContractHasEveryWebhookRoute() throws {
        let paths = try #require(OpenAPIDocument.document(routes: GatewayRoutes.all)["paths"] as? [String: [String: Any]])
        for route in WebhookAPI.Route.allCases { #expect(paths[route.path]?[route.method.lowercased()] != nil, "\(route)") }
    }

    @Test func anAttemptCarriesTheSignatureAndTheIdempotencyKey() throws {
        let delivery = WebhookDelivery(id: "whd_1", subscriptionID: "wh_1", eventID: "q-1/volume/5", body: Array("{}".utf8), state: .pending,
                                       attempts: 0, queuedAtMs: 0, nextAttemptAtMs: 0, lastStatus: 0, lastError: "")
        let headers = Dictionary(uniqueKeysWithValues: WebhookDeliverer.headers(delivery, secret: "0123456789abcdef", attempt: 1, timestampSeconds: 1_000))
        #expect(headers["Idempotency-Key"] == "whd_1" && headers["Earshot-Event"] == "q-1/volume/5" && headers["Earshot-Attempt"] == "1")
        try WebhookSignature.verify(header: try #require(headers["Earshot-Signature"]), secret: "0123456789abcdef", body: delivery.body, nowSeconds: 1_000)
    }
}
