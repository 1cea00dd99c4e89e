import Foundation
import GRDB
import Webhooks

/// A webhook subscription as stored and as the API shows it (never with its secret, but once at creation).
public struct WebhookSubscription: Sendable, Equatable {
    public var id: String
    public var url: String
    public var secret: String
    public var topic: WebhookTopic
    public var format: WebhookBody
    public var createdAtMs: Int64
    public var createdBy: String
}

/// One delivery of one event to one subscription; its id is the idempotency key the receiver gets.
public struct WebhookDelivery: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable { case pending, delivered, failed }
    public var id: String
    public var subscriptionID: String
    public var eventID: String
    public var body: [UInt8]
    public var state: State
    public var attempts: Int
    /// When it was queued (or replayed): the retry window counts from here.
    public var queuedAtMs: Int64
    public var nextAttemptAtMs: Int64
    /// The receiver's last HTTP status (0 = none: no answer).
    public var lastStatus: Int
    public var lastError: String
}

/// Why the webhook database failed, with the path and the operation.
public struct WebhookStoreError: Error, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let underlying: String
    public var description: String { "webhook store \(path): \(operation): \(underlying)" }
}

/// The gateway's webhook subscriptions and deliveries in one SQLite file (WAL), shared by
/// every gateway on the host, so subscriptions made through any of them are seen by the one
/// that delivers (``WebhookDeliverer``) and queued deliveries survive restarts. Each
/// subscription has at most `maxPendingPerSubscription` pending deliveries; more are stored
/// as failed ("backlog full", replayable), so a dead receiver cannot fill the disk.
public final class WebhookStore: Sendable {
    public let path: String
    private let database: DatabaseQueue
    /// Pending deliveries per subscription at most (then new ones are stored as failed).
    public let maxPendingPerSubscription: Int
    /// Delivered and failed deliveries are deleted this long after their last attempt.
    public static let retentionMs: Int64 = 7 * 86_400_000

    public init(path: String, maxPendingPerSubscription: Int = 10_000) throws(WebhookStoreError) {
        self.path = path
        self.maxPendingPerSubscription = maxPendingPerSubscription
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])  // it holds the secrets
            }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS webhook_subscriptions (
                        id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, event TEXT NOT NULL,
                        query_id TEXT, alert_kind TEXT, min_priority INTEGER NOT NULL, format TEXT NOT NULL,
                        created_at_ms INTEGER NOT NULL, created_by TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS webhook_deliveries (
                        id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL, event_id TEXT NOT NULL, body BLOB NOT NULL,
                        state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, queued_at_ms INTEGER NOT NULL,
                        next_attempt_at_ms INTEGER NOT NULL, last_status INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
                        updated_at_ms INTEGER NOT NULL, UNIQUE (subscription_id, event_id));
                    CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries(state, next_attempt_at_ms);
                    """)
            }
        } catch {
            throw WebhookStoreError(path: path, operation: "open", underlying: "\(error)")
        }
    }

    private func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(WebhookStoreError) -> T {
        do { return try database.write(body) } catch { throw WebhookStoreError(path: path, operation: operation, underlying: "\(error)") }
    }

    private func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(WebhookStoreError) -> T {
        do { return try database.read(body) } catch { throw WebhookStoreError(path: path, operation: operation, underlying: "\(error)") }
    }

    // MARK: Subscriptions

    public func add(_ subscription: WebhookSubscription) throws(WebhookStoreError) {
        try write("add a subscription") { db in
            try db.execute(sql: """
                INSERT INTO webhook_subscriptions (id, url, secret, event, query_id, alert_kind, min_priority, format, created_at_ms, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [subscription.id, subscription.url, subscription.secret, subscription.topic.event.rawValue,
                                 subscription.topic.queryID, subscription.topic.alertKind, subscription.topic.minPriority,
                                 subscription.format.rawValue, subscription.createdAtMs, subscription.createdBy])
        }
    }

    public func subscriptions() throws(WebhookStoreError) -> [WebhookSubscription] {
        try read("list subscriptions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_subscriptions ORDER BY created_at_ms, id").map(Self.subscription)
        }
    }

    public func subscription(id: String) throws(WebhookStoreError) -> WebhookSubscription? {
        try read("read a subscription") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_subscriptions WHERE id = ?", arguments: [id]).map(Self.subscription)
        }
    }

    /// Deletes a subscription and its deliveries; false when there was none.
    public func remove(id: String) throws(WebhookStoreError) -> Bool {
        try write("delete a subscription") { db in
            try db.execute(sql: "DELETE FROM webhook_subscriptions WHERE id = ?", arguments: [id])
            let removed = db.changesCount == 1
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE subscription_id = ?", arguments: [id])
            return removed
        }
    }

    private static func subscription(_ row: Row) -> WebhookSubscription {
        WebhookSubscription(
            id: row["id"], url: row["url"], secret: row["secret"],
            topic: WebhookTopic(event: WebhookTopic.EventType(rawValue: row["event"]) ?? .alert, queryID: row["query_id"],
                                alertKind: row["alert_kind"], minPriority: row["min_priority"]),
            format: WebhookBody(rawValue: row["format"]) ?? .json, createdAtMs: row["created_at_ms"], createdBy: row["created_by"])
    }

    // MARK: Deliveries

    /// Queues `event` for every subscription that admits it, once per subscription (an event
    /// seen again is ignored); returns how many deliveries were queued.
    @discardableResult
    public func enqueue(_ event: WebhookEvent, nowMs: Int64) throws(WebhookStoreError) -> Int {
        let matching = try subscriptions().filter { $0.topic.admits(event) }
        guard !matching.isEmpty else { return 0 }
        return try write("queue deliveries") { db in
            var queued = 0
            for subscription in matching {
                let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM webhook_deliveries WHERE subscription_id = ? AND state = 'pending'",
                                               arguments: [subscription.id]) ?? 0
                let full = pending >= maxPendingPerSubscription
                try db.execute(sql: """
                    INSERT OR IGNORE INTO webhook_deliveries (id, subscription_id, event_id, body, state, queued_at_ms, next_attempt_at_ms, last_error, updated_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: ["whd_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""), subscription.id, event.id,
                                     Data(subscription.format.bytes(event)), full ? "failed" : "pending", nowMs, nowMs,
                                     full ? "backlog full: \(maxPendingPerSubscription) deliveries pending" : "", nowMs])
                queued += db.changesCount
            }
            return queued
        }
    }

    /// Pending deliveries due at `nowMs`: each subscription's most overdue one, leaving out
    /// subscriptions in `busy` (one delivery in flight per subscription), at most `limit`.
    public func due(nowMs: Int64, busy: Set<String>, limit: Int) throws(WebhookStoreError) -> [WebhookDelivery] {
        try read("read due deliveries") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY next_attempt_at_ms, rowid) AS rank
                               FROM webhook_deliveries WHERE state = 'pending' AND next_attempt_at_ms <= ?)
                WHERE rank = 1 ORDER BY next_attempt_at_ms LIMIT ?
                """, arguments: [nowMs, limit + busy.count])
                .map(Self.delivery).filter { !busy.contains($0.subscriptionID) }.prefix(limit).map { $0 }
        }
    }

    /// Records an attempt: delivered, or tried again at `nextAttemptAtMs`, or failed when that is nil.
    public func recordAttempt(_ id: String, delivered: Bool, status: Int, error: String, nextAttemptAtMs: Int64?, nowMs: Int64) throws(WebhookStoreError) {
        let state: WebhookDelivery.State = delivered ? .delivered : (nextAttemptAtMs == nil ? .failed : .pending)
        try write("record an attempt") { db in
            try db.execute(sql: """
                UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?,
                       next_attempt_at_ms = ?, updated_at_ms = ? WHERE id = ?
                """, arguments: [state.rawValue, status, String(error.prefix(500)), nextAttemptAtMs ?? nowMs, nowMs, id])
        }
    }

    /// Deliveries in `state`, newest first, at most `limit`, optionally of one subscription.
    public func deliveries(state: WebhookDelivery.State, subscriptionID: String?, limit: Int) throws(WebhookStoreError) -> [WebhookDelivery] {
        try read("list deliveries") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM webhook_deliveries WHERE state = ? AND (? IS NULL OR subscription_id = ?)
                ORDER BY updated_at_ms DESC, id LIMIT ?
                """, arguments: [state.rawValue, subscriptionID, subscriptionID, limit]).map(Self.delivery)
        }
    }

    /// Queues a failed (or delivered) delivery again, now, with a new 24 h window and the same
    /// idempotency key; nil when there is no such delivery.
    public func replay(id: String, nowMs: Int64) throws(WebhookStoreError) -> WebhookDelivery? {
        try write("replay a delivery") { db in
            try db.execute(sql: """
                UPDATE webhook_deliveries SET state = 'pending', queued_at_ms = ?, next_attempt_at_ms = ?, updated_at_ms = ? WHERE id = ?
                """, arguments: [nowMs, nowMs, nowMs, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM webhook_deliveries WHERE id = ?", arguments: [id]).map(Self.delivery)
        }
    }

    /// Deletes delivered and failed deliveries last touched before `nowMs` - ``retentionMs``.
    public func prune(nowMs: Int64) throws(WebhookStoreError) {
        try write("prune deliveries") { db in
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE state != 'pending' AND updated_at_ms < ?", arguments: [nowMs - Self.retentionMs])
        }
    }

    private static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(id: row["id"], subscriptionID: row["subscription_id"], eventID: row["event_id"],
                        body: Array((row["body"] as Data?) ?? Data()), state: WebhookDelivery.State(rawValue: row["state"]) ?? .pending,
                        attempts: row["attempts"], queuedAtMs: row["queued_at_ms"], nextAttemptAtMs: row["next_attempt_at_ms"],
                        lastStatus: row["last_status"], lastError: row["last_error"])
    }
}
