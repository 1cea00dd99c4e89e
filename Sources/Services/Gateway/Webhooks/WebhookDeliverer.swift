import EarshotWire
import Foundation
import Logging
import ServiceRuntime
import Synchronization
import Webhooks
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Delivers the webhooks of a ``WebhookStore``: a thin shell over the pure parts
/// (``WebhookTopic``, ``WebhookBody``, ``WebhookSignature``, ``RetrySchedule``).
///
/// Every gateway runs one, but only the holder of an exclusive lock on `<store>.lock`
/// delivers (the others try again every ``leaderRetrySeconds``), so `--scale gateway=N`
/// on one host delivers each event once and another gateway takes over when the holder stops.
/// The holder queues each alert of the alert feed and, every ``carePollSeconds``, the care
/// items over the lowest subscribed priority, then sends what is due: at most one delivery
/// in flight per subscription and ``maxInFlight`` in all, each attempt cut off after
/// ``attemptTimeoutSeconds``, so a slow or failing receiver holds one slot, never the others.
final class WebhookDeliverer: Sendable {
    static let leaderRetrySeconds: UInt64 = 2
    static let tickMilliseconds: UInt64 = 200
    static let carePollSeconds: Int64 = 10
    static let maxInFlight = 32

    let store: WebhookStore
    private let schedule: RetrySchedule
    private let attemptTimeoutSeconds: Double
    private let logger: Logger
    private let inFlight = Mutex<Set<String>>([])
    private let session: URLSession
    let metrics: MetricsRegistry

    init(store: WebhookStore, schedule: RetrySchedule = .standard, attemptTimeoutSeconds: Double, metrics: MetricsRegistry, logger: Logger) {
        self.store = store
        self.schedule = schedule
        self.attemptTimeoutSeconds = attemptTimeoutSeconds
        self.metrics = metrics
        self.logger = logger
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = attemptTimeoutSeconds
        configuration.timeoutIntervalForResource = attemptTimeoutSeconds
        configuration.httpMaximumConnectionsPerHost = 2
        session = URLSession(configuration: configuration)
    }

    /// Waits for the lock, then queues `alerts` and polled care items and delivers, until cancelled.
    func run(alerts: AlertFeed.Stream?, alertJSON: MessageJSONWriter, careItems: @escaping @Sendable (_ minPriority: Int) async -> [WebhookEvent]) async {
        let lockPath = store.path + ".lock"
        let descriptor = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard descriptor >= 0 else {
            logger.error("webhooks off: cannot open the lock file", metadata: ["path": "\(lockPath)", "error": "\(String(cString: strerror(errno)))"])
            return
        }
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            do { try await Task.sleep(nanoseconds: Self.leaderRetrySeconds * 1_000_000_000) } catch { return }
        }
        logger.info("this gateway delivers the webhooks", metadata: ["store": "\(store.path)"])
        await withTaskGroup(of: Void.self) { group in
            if let alerts {
                group.addTask { [self] in
                    for await item in alerts {
                        guard let alert = item else { continue }
                        queue(Self.event(alert, json: alertJSON))
                    }
                }
            }
            group.addTask { [self] in
                var lastPrune: Int64 = 0
                while !Task.isCancelled {
                    let now = wallClockMilliseconds()
                    if let floor = (try? store.subscriptions())?.filter({ $0.topic.event == .care }).map(\.topic.minPriority).min() {
                        for event in await careItems(floor) { queue(event) }
                    }
                    if now - lastPrune > 3_600_000 {
                        lastPrune = now
                        do { try store.prune(nowMs: now) } catch { logger.warning("\(error)") }
                    }
                    try? await Task.sleep(nanoseconds: UInt64(Self.carePollSeconds) * 1_000_000_000)
                }
            }
            group.addTask { [self] in
                while !Task.isCancelled {
                    dispatchDue()
                    try? await Task.sleep(nanoseconds: Self.tickMilliseconds * 1_000_000)
                }
            }
        }
    }

    private func queue(_ event: WebhookEvent) {
        do {
            let queued = try store.enqueue(event, nowMs: wallClockMilliseconds())
            if queued > 0 { metrics.increment("earshot_gateway_webhooks_queued_total", by: Double(queued), help: "Webhook deliveries queued") }
        } catch {
            logger.error("cannot queue a webhook event", metadata: ["event": "\(event.id)", "error": "\(error)"])
        }
    }

    /// Starts an attempt for each due delivery whose subscription has none in flight.
    private func dispatchDue() {
        let busy = inFlight.withLock { $0 }
        let free = Self.maxInFlight - busy.count
        guard free > 0 else { return }
        let due: [WebhookDelivery]
        do { due = try store.due(nowMs: wallClockMilliseconds(), busy: busy, limit: free) } catch {
            logger.error("cannot read due webhook deliveries", metadata: ["error": "\(error)"])
            return
        }
        for delivery in due {
            guard let subscription = try? store.subscription(id: delivery.subscriptionID) else { continue }
            inFlight.withLock { _ = $0.insert(delivery.subscriptionID) }
            Task { [self] in
                await attempt(delivery, to: subscription)
                inFlight.withLock { _ = $0.remove(delivery.subscriptionID) }
            }
        }
    }

    /// One signed POST; a 2xx is delivered, anything else is retried on the schedule.
    private func attempt(_ delivery: WebhookDelivery, to subscription: WebhookSubscription) async {
        guard let url = URL(string: subscription.url) else { return }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: attemptTimeoutSeconds)
        request.httpMethod = "POST"
        request.httpBody = Data(delivery.body)
        let attempt = delivery.attempts + 1
        for (name, value) in Self.headers(delivery, secret: subscription.secret, attempt: attempt, timestampSeconds: wallClockMilliseconds() / 1_000) {
            request.setValue(value, forHTTPHeaderField: name)
        }
        var status = 0
        var failure = ""
        do {
            let (_, response) = try await session.data(for: request)
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if !(200..<300).contains(status) { failure = "the receiver answered \(status)" }
        } catch {
            failure = "\(error.localizedDescription)"
        }
        let now = wallClockMilliseconds()
        let next = failure.isEmpty ? nil : schedule.nextAttemptMs(queuedMs: delivery.queuedAtMs, attempt: attempt, nowMs: now, random: Double.random(in: 0..<1))
        let outcome = failure.isEmpty ? "delivered" : (next == nil ? "failed" : "retry")
        metrics.increment("earshot_gateway_webhook_attempts_total{outcome=\"\(outcome)\"}", help: "Webhook delivery attempts by outcome")
        if !failure.isEmpty {
            logger.notice("webhook attempt failed", metadata: ["delivery": "\(delivery.id)", "url": "\(subscription.url)", "attempt": "\(attempt)",
                                                               "error": "\(failure)", "outcome": "\(outcome)"])
        }
        do {
            try store.recordAttempt(delivery.id, delivered: failure.isEmpty, status: status, error: failure, nextAttemptAtMs: next, nowMs: now)
        } catch {
            logger.error("cannot record a webhook attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
    }

    /// The headers of an attempt: the signature, the idempotency key (the delivery's id, the same on every attempt and replay).
    static func headers(_ delivery: WebhookDelivery, secret: String, attempt: Int, timestampSeconds: Int64) -> [(String, String)] {
        [
            ("Content-Type", "application/json"),
            ("User-Agent", "earshot-webhooks/1"),
            (WebhookSignature.header, WebhookSignature.sign(secret: secret, timestampSeconds: timestampSeconds, body: delivery.body)),
            ("Idempotency-Key", delivery.id),
            ("Earshot-Delivery", delivery.id),
            ("Earshot-Event", delivery.eventID),
            ("Earshot-Attempt", "\(attempt)"),
        ]
    }

    /// The webhook event of an alert: its JSON as /v1/alerts shows it, and a one-line summary.
    static func event(_ alert: Alert, json: MessageJSONWriter) -> WebhookEvent {
        let scope = alert.queryId.isEmpty ? "all posts" : "query \(alert.queryId)"
        let summary = "Earshot alert (\(alert.severity.jsonName)): \(alert.kind.jsonName) spike on \(scope): \(String(format: "%.3g", alert.observed)) against a baseline of "
            + "\(String(format: "%.3g", alert.baselineMean)) (z \(String(format: "%.1f", alert.zScore))), \(alert.posts) posts in the bucket from "
            + "\(WebhookBody.rfc3339(alert.bucketStartMs))"
        return WebhookEvent(type: .alert, id: alert.id, queryID: alert.queryId, alertKind: alert.kind.jsonName, summary: summary,
                            occurredAtMs: alert.detectedAtMs, data: json.json(alert))
    }

    /// The webhook event of a care item (a post of the care queue).
    static func event(_ view: PostView, json: MessageJSONWriter, nowMs: Int64) -> WebhookEvent {
        let text = view.post.text.count > 200 ? String(view.post.text.prefix(200)) + "…" : view.post.text
        let summary = "Earshot care item (priority \(view.scores.priority)) from @\(view.post.author.handle) on \(view.post.platform.jsonName): \(text)"
        return WebhookEvent(type: .care, id: "care/\(view.post.id)", queryIDs: view.enrichment.matchedQueryIds, priority: Int(view.scores.priority),
                            summary: summary, occurredAtMs: nowMs, data: json.json(view))
    }
}
