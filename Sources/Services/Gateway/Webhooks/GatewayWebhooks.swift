import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Hummingbird
import Webhooks

/// The gateway's webhook routes (``WebhookAPI``) over its ``WebhookStore``, and the delivery loop.
extension Gateway {
    /// Answers one /v1/webhooks request; editor and admin tokens only.
    func webhook(_ route: WebhookAPI.Route, id: String?, request: Request) async throws(GatewayError) -> Response {
        let holder = try tokenHolder(request, rpc: ListeningMethod.createQuery, operation: route.rawValue)
        guard let store = webhooks?.store else {
            throw GatewayError(.unavailable, "this gateway has no webhook store (start it with --webhooks PATH)")
        }
        let query = try RouteMatcher.queryParameters(request.uri.query)
        if route != .deliveries, let name = query.first?.name {
            throw GatewayError(.invalidArgument, "unknown query parameter '\(name.prefix(100))' (\(route.rawValue) takes none)")
        }
        do {
            switch route {
            case .list:
                return Self.json(200, WebhookAPI.bytes(["webhooks": try store.subscriptions().map { WebhookAPI.json($0, withSecret: false) }]))
            case .create:
                let subscription = try WebhookAPI.subscription(body: try await collectBody(request), id: WebhookAPI.newID(),
                                                                nowMs: wallClockMilliseconds(), createdBy: holder.name)
                try store.add(subscription)
                logger.info("webhook created", metadata: ["id": "\(subscription.id)", "url": "\(subscription.url)", "by": "\(holder.name)"])
                return Self.json(201, WebhookAPI.bytes(WebhookAPI.json(subscription, withSecret: true)))
            case .read:
                guard let subscription = try store.subscription(id: id ?? "") else { throw GatewayError(.notFound, "no webhook \(id ?? "")") }
                return Self.json(200, WebhookAPI.bytes(WebhookAPI.json(subscription, withSecret: false)))
            case .delete:
                guard try store.remove(id: id ?? "") else { throw GatewayError(.notFound, "no webhook \(id ?? "")") }
                return Self.json(200, WebhookAPI.bytes(["deleted": true]))
            case .deliveries:
                let (state, webhookID, limit) = try WebhookAPI.deliveryFilter(query)
                let listed = try store.deliveries(state: state, subscriptionID: webhookID, limit: limit)
                return Self.json(200, WebhookAPI.bytes(["deliveries": listed.map(WebhookAPI.json)]))
            case .replay:
                guard let delivery = try store.replay(id: id ?? "", nowMs: wallClockMilliseconds()) else {
                    throw GatewayError(.notFound, "no webhook delivery \(id ?? "")")
                }
                return Self.json(200, WebhookAPI.bytes(WebhookAPI.json(delivery)))
            }
        } catch let error as GatewayError {
            throw error
        } catch {
            logger.error("webhook store failed", metadata: ["error": "\(error)"])
            throw GatewayError(.unavailable, "the webhook store failed: \(error)")
        }
    }

    /// Runs the ``WebhookDeliverer`` (which delivers only while this gateway holds the store's lock) until cancelled.
    func deliverWebhooks() async {
        guard let webhooks else { return }
        let viewJSON = self.viewJSON
        let query = backends[.query]!
        let timeout = configuration.rpcTimeoutMilliseconds
        let logger = self.logger
        await webhooks.run(alerts: alertFeed?.subscribe(), alertJSON: alertJSON) { minPriority in
            var request = CareQueueRequest()
            request.minPriority = Int32(minPriority)
            request.pageSize = 100
            do {
                let answer = try await query.call(InsightsMethod.careQueue, payload: try request.serializedBytes(),
                                                  metadata: [Delegation.principalKey: "webhooks", Delegation.roleKey: Role.reader.rawValue],
                                                  timeoutMilliseconds: timeout)
                let now = wallClockMilliseconds()
                return try CareQueueResponse(serializedBytes: answer).posts.map { WebhookDeliverer.event($0, json: viewJSON, nowMs: now) }
            } catch {
                logger.warning("cannot read the care queue for webhooks", metadata: ["error": "\(error)"])
                return []
            }
        }
    }
}
