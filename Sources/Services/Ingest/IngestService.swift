import EarshotRPC
import EarshotStore
import EarshotWire
import Logging
import EarshotSecurity
import ServiceRuntime
import ZeroMQ

/// The entry point of the pipeline: makes published posts durable, sends
/// them to the enrich workers, and sends again whatever the query store has
/// not acknowledged in time (at-least-once delivery; the store makes it
/// exactly-once in effect).
///
/// One thread owns the RPC socket, the dispatch socket, the ack socket and
/// the journal, in one poll loop; the enrich→score relay runs on a second.
public final class IngestService {
    private let configuration: IngestConfiguration
    private let service: ServiceContext
    private var logger: Logger { service.logger }
    private var journal: (any PostJournal)!
    private var window: InFlightWindow
    /// Highest seq dispatched for the first time; newer entries are new work.
    private var dispatchCursor: UInt64 = 0
    /// Whether the journal may hold entries past the cursor.
    private var hasNewWork = true
    private var redeliveryQueue: [UInt64] = []
    private var backlog = 0
    private let sourceHealth: SourceHealthMonitor
    /// Seals each dispatched batch for query (nil: insecure).
    private let dispatchSeal: DispatchSeal?
    /// The only identity whose acknowledgements count (nil: insecure).
    private let acknowledger: String?

    public init(configuration: IngestConfiguration, service: ServiceContext, sourceHealth policy: SourceHealthPolicy = SourceHealthPolicy()) throws {
        self.configuration = configuration
        self.service = service
        dispatchSeal = try service.dispatchSeal()
        acknowledger = service.authenticator?.acknowledgerName
        sourceHealth = SourceHealthMonitor(path: configuration.journalPath + ".sources.json", policy: policy, logger: service.logger)
        window = InFlightWindow(capacity: configuration.maxInFlight, redeliveryTimeoutMs: configuration.redeliveryTimeoutMs)
    }

    /// Runs until the shutdown signal; returns after the sockets are closed.
    public func run() throws {
        journal = try SQLiteJournal(path: configuration.journalPath)
        backlog = try journal.backlogCount()
        let relay = ServiceThread(name: "relay") { [configuration, service, dispatchSeal] in
            do {
                try Relay.run(inEndpoint: configuration.relayInEndpoint, outEndpoint: configuration.relayOutEndpoint, seal: dispatchSeal, service: service)
            } catch {
                service.logger.critical("relay stopped", metadata: ["error": "\(error)"])
                service.shutdown.requestAfterFailure()
            }
        }
        // Any early exit (a failed bind, say) must stop the relay before waiting for it.
        defer { service.shutdown.request(); relay.join() }

        let server = try service.makeRPCServer(endpoint: configuration.rpcEndpoint)
        server.register(IngestMethod.publish) { [unowned self] (request: PublishRequest, _) in
            var response = PublishResponse()
            response.duplicate = try accept([request.post]).duplicates == 1
            return response
        }
        server.registerRaw(IngestMethod.publishBatch) { [unowned self] payload, _ in
            // The journal keeps each post's bytes as the client encoded them:
            // cut them out of the request instead of encoding every post again.
            guard let request = try? PublishBatchRequest(serializedBytes: payload),
                  let encodedPosts = WireSplice.lengthDelimitedFields(1, in: payload) else {
                throw RPCError(.invalidArgument, "cannot decode earshot.v1.PublishBatchRequest payload of \(payload.count) bytes")
            }
            let (accepted, duplicates) = try accept(request.posts, encoded: encodedPosts.map(Array.init))
            var response = PublishBatchResponse()
            response.accepted = Int32(accepted)
            response.duplicates = Int32(duplicates)
            return try response.serializedBytes()
        }
        sourceHealth.register(on: server)
        let dispatch = try PipelineSocket.open(.push, context: service.zmq, highWaterMark: 2)
        try service.bind(dispatch, configuration.dispatchEndpoint, as: .pipeline)
        let acks = try PipelineSocket.open(.pull, context: service.zmq, highWaterMark: 1_000, maxMessageBytes: PipelineLimits.maxAckBytes)
        try service.bind(acks, configuration.acksEndpoint, as: .acknowledgements)
        logger.info("ingest ready", metadata: [
            "rpc": "\(server.boundEndpoint)", "dispatch": "\(configuration.dispatchEndpoint)",
            "acks": "\(configuration.acksEndpoint)", "journal": "\(configuration.journalPath)", "backlog": "\(backlog)",
        ])

        var poller = Poller()
        let rpcIndex = poller.add(server.socket)
        let ackIndex = poller.add(acks)
        let dispatchIndex = poller.add(dispatch, events: [])
        var nextHousekeeping = monotonicMilliseconds()
        do {
            while !service.shutdown.isRequested {
                let redelivering = !redeliveryQueue.isEmpty
                let wantsToSend = (redelivering || hasNewWork)
                    && window.batchLimit(batchSize: configuration.batchSize, redelivering: redelivering) > 0
                poller.setEvents(wantsToSend ? .writable : [], at: dispatchIndex)
                try poller.poll(timeoutMilliseconds: 100)
                if poller.isReady(rpcIndex) { try server.serveAvailable() }
                if poller.isReady(ackIndex) { try receiveAcks(acks) }
                if wantsToSend, poller.isReady(dispatchIndex, .writable) { try dispatchBatch(dispatch) }
                let now = monotonicMilliseconds()
                if now >= nextHousekeeping {
                    nextHousekeeping = now + 500
                    scheduleRedeliveries(now: now)
                    publishGauges()
                    sourceHealth.save()
                }
            }
        } catch ZMQError.contextTerminated {}
        sourceHealth.save(force: true)
        server.finishDraining()
        logger.info("ingest stopping", metadata: ["in_flight": "\(window.count)", "backlog": "\(backlog)"])
    }

    // MARK: Publish

    /// Validates and journals `posts`; `encoded` are their bytes when the caller has them.
    private func accept(_ posts: [Post], encoded: [[UInt8]]? = nil) throws(RPCError) -> (accepted: Int, duplicates: Int) {
        if posts.count > configuration.maxPostsPerBatch {
            throw .invalidArgument("\(posts.count) posts in one call; at most \(configuration.maxPostsPerBatch)")
        }
        for (index, post) in posts.enumerated() {
            if let problem = post.validationProblem {
                sourceHealth.recordRejected(source: post.source, count: 1)
                throw .invalidArgument("post \(index): \(problem)")
            }
        }
        if backlog + posts.count > configuration.maxBacklog {
            service.metrics.increment("earshot_ingest_rejected_backlog_total", by: Double(posts.count), help: "Posts refused because the backlog was full")
            throw RPCError(.resourceExhausted, "journal backlog is full (\(backlog) posts not yet processed, limit \(configuration.maxBacklog)); retry later")
        }
        let payloads: [[UInt8]]
        do { payloads = try encoded ?? posts.map { try $0.serializedBytes() } } catch {
            throw RPCError(.internal, "cannot encode post: \(error)")
        }
        if let index = payloads.firstIndex(where: { $0.count > PostLimits.maxEncodedBytes }) {
            throw .invalidArgument("post \(index): encoded in \(payloads[index].count) bytes; at most \(PostLimits.maxEncodedBytes)")
        }
        let records = zip(posts, payloads).map { (id: $0.id, payload: $1) }
        let fresh: [Bool]
        do { fresh = try journal.append(records, receivedAtMs: wallClockMilliseconds()) } catch {
            logger.error("journal append failed", metadata: ["error": "\(error)"])
            throw RPCError(.unavailable, "journal write failed; nothing was accepted: \(error.underlying)")
        }
        sourceHealth.recordDelivery(posts, fresh: fresh)
        let accepted = fresh.filter { $0 }.count
        backlog += accepted
        if accepted > 0 { hasNewWork = true }
        service.metrics.increment("earshot_ingest_received_total", by: Double(posts.count), help: "Posts received by Publish/PublishBatch")
        service.metrics.increment("earshot_ingest_accepted_total", by: Double(accepted), help: "Posts made durable")
        service.metrics.increment("earshot_ingest_duplicates_total", by: Double(posts.count - accepted), help: "Posts already known")
        return (accepted, posts.count - accepted)
    }

    // MARK: Dispatch

    private func dispatchBatch(_ socket: Socket) throws {
        let isRedelivery = !redeliveryQueue.isEmpty
        let limit = window.batchLimit(batchSize: configuration.batchSize, redelivering: isRedelivery)
        var entries: [JournalEntry]
        if isRedelivery {
            let seqs = Array(redeliveryQueue.prefix(limit))
            entries = try journal.entries(seqs)
            // Entries acknowledged meanwhile are gone from the result; forget them all.
            redeliveryQueue.removeFirst(seqs.count)
            if entries.isEmpty { return }
        } else {
            entries = try journal.pending(after: dispatchCursor, limit: limit)
            if entries.isEmpty { hasNewWork = false; return }
        }
        // At most PipelineLimits.dispatchBudgetBytes in one batch (one post at least),
        // so no batch outgrows the pipeline sockets' MAXMSGSIZE; the rest goes next.
        let kept = Self.withinDispatchBudget(entries.map(\.payload.count))
        if kept < entries.count {
            if isRedelivery { redeliveryQueue.insert(contentsOf: entries[kept...].map(\.seq), at: 0) }
            entries.removeLast(entries.count - kept)
        }
        let now = monotonicMilliseconds()
        // The journal holds encoded posts: wrap them, don't decode them.
        let seal = dispatchSeal?.tag(entries.map { DispatchSeal.Item(deliverySeq: $0.seq, postID: $0.postID, ingestedAtMs: $0.receivedAtMs) }) ?? []
        let batch = WireSplice.pipelineBatch(entries.map { entry in
            WireSplice.Item(deliverySeq: entry.seq, post: entry.payload, ingestedAtMs: entry.receivedAtMs,
                            deliveryAttempt: window.attempt(of: entry.seq) + 1)
        }, seal: seal)
        guard try socket.send(batch, wait: false) else {
            if isRedelivery { redeliveryQueue.insert(contentsOf: entries.map(\.seq), at: 0) }
            return
        }
        for entry in entries { window.dispatched(entry.seq, at: now) }
        if !isRedelivery { dispatchCursor = entries[entries.count - 1].seq }
        service.metrics.increment(isRedelivery ? "earshot_ingest_redelivered_total" : "earshot_ingest_dispatched_total",
                                  by: Double(entries.count), help: isRedelivery ? "Posts sent again after the redelivery timeout" : "Posts sent into the pipeline")
    }

    /// How many of the entries of `payloadSizes` (bytes, in order) fit in one
    /// batch: as many as stay within ``PipelineLimits/dispatchBudgetBytes``, one at least.
    static func withinDispatchBudget(_ payloadSizes: [Int]) -> Int {
        var total = 0
        for (index, size) in payloadSizes.enumerated() {
            total += PipelineLimits.dispatchCost(payloadBytes: size)
            if total > PipelineLimits.dispatchBudgetBytes { return max(1, index) }
        }
        return payloadSizes.count
    }

    private func scheduleRedeliveries(now: Int64) {
        guard redeliveryQueue.isEmpty else { return }
        redeliveryQueue = window.overdue(at: now, limit: configuration.maxInFlight)
        if !redeliveryQueue.isEmpty {
            logger.warning("redelivering unacknowledged posts", metadata: ["count": "\(redeliveryQueue.count)", "timeout_ms": "\(configuration.redeliveryTimeoutMs)"])
        }
    }

    // MARK: Acknowledgements

    /// Takes acknowledgements only from the query service's key (the ZAP handler
    /// already refuses any other key on this socket), and only for posts in flight:
    /// an ack for a post not dispatched (or already acknowledged) is counted and
    /// ignored, so no message can mark a post done that query did not store.
    private func receiveAcks(_ socket: Socket) throws {
        var seqs: [UInt64] = []
        var notInFlight = 0
        while seqs.count < 50_000, let message = try socket.receiveMessage(wait: false) {
            if let acknowledger, message.userID != acknowledger {
                service.reportRejected("earshot_ingest_rejected_acks_total", help: "Acknowledgements refused: not from the query service's key",
                                       reason: "acknowledgement not from the query service's key", metadata: ["from": "\(message.userID ?? "-")"])
                continue
            }
            guard let last = message.parts.last, let ack = try? AckBatch(serializedBytes: last) else {
                service.reportRejected("earshot_ingest_bad_acks_total", help: "Undecodable acknowledgement messages",
                                       reason: "undecodable acknowledgement", metadata: ["bytes": "\(message.parts.last?.count ?? 0)"])
                continue
            }
            let inFlight = ack.deliverySeqs.filter { window.attempt(of: $0) > 0 }
            notInFlight += ack.deliverySeqs.count - inFlight.count
            seqs += inFlight
        }
        if notInFlight > 0 {
            service.metrics.increment("earshot_ingest_acks_not_in_flight_total", by: Double(notInFlight),
                                      help: "Acknowledged seqs not in flight, ignored (a repeat after redelivery, or forged)")
        }
        guard !seqs.isEmpty else { return }
        window.acknowledged(seqs)
        let newlyDone = try journal.acknowledge(seqs)
        backlog = max(0, backlog - newlyDone)
        service.metrics.increment("earshot_ingest_acknowledged_total", by: Double(newlyDone), help: "Posts stored for good by query")
    }

    private func publishGauges() {
        service.metrics.set("earshot_ingest_in_flight", Double(window.count), help: "Posts dispatched and not yet acknowledged")
        service.metrics.set("earshot_ingest_backlog", Double(backlog), help: "Posts accepted and not yet acknowledged")
    }
}
