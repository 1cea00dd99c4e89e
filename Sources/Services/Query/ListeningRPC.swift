import EarshotRPC
import EarshotStore
import EarshotWire
import Entities
import Foundation
import Listening
import PostMatching
import EarshotSecurity
import ServiceRuntime
import Synchronization
import ZeroMQ

/// Settings of listening-query management in the query service.
public struct ListeningConfiguration: Sendable {
    /// The query-set feed (PUB, bound; enrich workers connect SUB).
    public var querySetEndpoint = "tcp://127.0.0.1:5561"
    /// The whole set is published on every change and at least this often.
    public var publishIntervalMs = 1_000
    /// A backfill's second pass starts this long after the first pass began:
    /// longer than the 2 s propagation bound plus the time a post takes
    /// through the pipeline, so posts enriched before the new query reached
    /// the workers are stored by then.
    public var backfillSettleMs = 5_000
    /// Posts matched per backfill transaction.
    public var backfillChunkSize = 2_000

    public init() {}
}

/// The Listening RPCs (CreateQuery, UpdateQuery, DeleteQuery, ListQueries,
/// ValidateQuery), the query-set feed and the backfills.
public final class ListeningRPC: Sendable {
    /// What a process does beside answering the RPCs.
    public enum Duty: Sendable {
        /// Publishes the query-set feed and runs backfills (the writer, or the only process).
        case writer
        /// Neither: a backfill asked of it is recorded as pending, and the writer's watch
        /// (``watchBackfills()``) runs it; the writer's feed publishes its changes within an interval.
        case reader
    }

    private let store: any ListeningQueryStore
    /// Advanced after every change to the queries and every backfill chunk.
    private let generation: StoreGeneration
    private let configuration: ListeningConfiguration
    private let service: ServiceContext
    private let feed: QuerySetFeed?
    private let backfills = Mutex<[ServiceThread]>([])
    /// Ids of the queries whose backfill runs in this process.
    private let backfilling = Mutex<Set<String>>([])

    private init(store: any ListeningQueryStore, generation: StoreGeneration, configuration: ListeningConfiguration, service: ServiceContext,
                 duty: Duty) {
        self.store = store
        self.generation = generation
        self.configuration = configuration
        self.service = service
        feed = duty == .reader ? nil
            : QuerySetFeed(snapshot: { QuerySetSnapshot(try store.listeningQuerySet()) }, configuration: configuration, service: service)
    }

    /// Registers the RPCs on `server` and, for the writer, starts the feed. The writer calls
    /// ``resumeBackfills()`` (or ``watchBackfills()``) once the store is ready; call ``join()``
    /// after shutdown was requested.
    static func start(on server: RPCServer, store: any ListeningQueryStore, generation: StoreGeneration, configuration: ListeningConfiguration,
                      service: ServiceContext, duty: Duty = .writer) -> ListeningRPC {
        let listening = ListeningRPC(store: store, generation: generation, configuration: configuration, service: service, duty: duty)
        listening.register(on: server)
        return listening
    }

    /// Starts the backfills that are pending or unfinished (a previous run stopped, or a reader
    /// recorded them) and not running here; re-running one is harmless: matches are recorded once.
    public func resumeBackfills() throws(ListeningQueryError) {
        for saved in try store.listeningQueries(group: "") where !["", "done"].contains(saved.backfillState) && !saved.backfillState.hasPrefix("failed") {
            startBackfill(saved)
        }
    }

    /// The writer beside readers: resumes backfills now and then every second (those readers recorded),
    /// on a thread of its own until shutdown; a failed look is logged and tried again.
    public func watchBackfills() {
        let thread = ServiceThread(name: "backfill-watch") { [self] in
            var failureLog = RefusalLog()
            while !service.shutdown.isRequested {
                do { try resumeBackfills() } catch {
                    if let suppressed = failureLog.shouldLog(fingerprint: "watch", nowMs: wallClockMilliseconds()) {
                        service.logger.error("cannot look for pending backfills; trying again", metadata: [
                            "error": "\(error)", "failures_since_last": "\(suppressed)",
                        ])
                    }
                }
                let next = monotonicMilliseconds() + 1_000
                while !service.shutdown.isRequested && monotonicMilliseconds() < next { Thread.sleep(forTimeInterval: 0.05) }
            }
        }
        backfills.withLock { $0.append(thread) }
    }

    /// Waits for the feed and the backfills to stop (after shutdown was requested).
    public func join() {
        feed?.thread.join()
        // A watch may start backfills until it stops: join until no thread is left.
        while let thread = backfills.withLock({ $0.popLast() }) { thread.join() }
    }

    private func register(on server: RPCServer) {
        server.register(ListeningMethod.validateQuery) { (request: ValidateQueryRequest, _) in
            var response = ValidateQueryResponse()
            do throws(QuerySyntaxError) {
                _ = try ListeningQuery.parse(request.query)
                response.valid = true
            } catch {
                response.position = Int32(clamping: error.position)
                response.message = error.message
            }
            return response
        }
        server.register(ListeningMethod.createQuery) { [self] (request: CreateQueryRequest, _) in
            try Self.validate(request.query)
            let saved = try mapped { () throws(ListeningQueryError) in
                try store.createListeningQuery(name: request.name, group: request.group, query: request.query,
                                               backfillState: request.backfill ? "pending" : "", nowMs: wallClockMilliseconds())
            }
            generation.advance()
            feed?.changed()
            service.logger.info("listening query created", metadata: ["id": "\(saved.id)", "name": "\(saved.name)", "group": "\(saved.group)"])
            if request.backfill && feed != nil { startBackfill(saved) }
            return SavedQuery(saved)
        }
        server.register(ListeningMethod.updateQuery) { [self] (request: UpdateQueryRequest, _) in
            if !request.query.isEmpty { try Self.validate(request.query) }
            let change = ListeningQueryChange(name: request.name.isEmpty ? nil : request.name,
                                              group: request.group.isEmpty ? nil : request.group,
                                              query: request.query.isEmpty ? nil : request.query)
            let saved = try mapped { () throws(ListeningQueryError) in try store.updateListeningQuery(id: request.id, change, nowMs: wallClockMilliseconds()) }
            generation.advance()
            feed?.changed()
            service.logger.info("listening query updated", metadata: ["id": "\(saved.id)"])
            return SavedQuery(saved)
        }
        server.register(ListeningMethod.deleteQuery) { [self] (request: DeleteQueryRequest, _) in
            try mapped { () throws(ListeningQueryError) in try store.deleteListeningQuery(id: request.id) }
            generation.advance()
            feed?.changed()
            service.logger.info("listening query deleted", metadata: ["id": "\(request.id)"])
            return DeleteQueryResponse()
        }
        server.register(ListeningMethod.listQueries) { [self] (request: ListQueriesRequest, _) in
            var response = ListQueriesResponse()
            response.queries = try mapped { () throws(ListeningQueryError) in try store.listeningQueries(group: request.group) }.map(SavedQuery.init)
            return response
        }
    }

    /// INVALID_ARGUMENT with the marketer-friendly message ("unclosed quote at 14") for a bad query.
    private static func validate(_ query: String) throws(RPCError) {
        do { _ = try ListeningQuery.parse(query) } catch { throw .invalidArgument(error.description) }
    }

    /// Runs a store operation, turning its error into the matching status code.
    private func mapped<T>(_ body: () throws(ListeningQueryError) -> T) throws(RPCError) -> T {
        do { return try body() } catch {
            switch error {
            case .notFound: throw RPCError(.notFound, error.description)
            case .duplicateName: throw RPCError(.alreadyExists, error.description)
            case .invalidArgument: throw RPCError(.invalidArgument, error.description)
            case .store(let failure): throw failure.rpcError
            }
        }
    }

    // MARK: Backfill

    /// Starts the backfill of `saved` unless it runs here already.
    private func startBackfill(_ saved: SavedListeningQuery) {
        guard backfilling.withLock({ $0.insert(saved.id).inserted }) else { return }
        let thread = ServiceThread(name: "backfill-\(saved.id)") { [self] in
            defer { backfilling.withLock { _ = $0.remove(saved.id) } }
            do {
                try backfill(saved)
            } catch {
                service.logger.error("backfill failed", metadata: ["id": "\(saved.id)", "error": "\(error)"])
                try? store.setBackfillState(id: saved.id, "failed: \(error)")
            }
        }
        backfills.withLock { $0.append(thread) }
    }

    /// Two passes: the posts stored when the backfill began, then, after the
    /// settle delay, the posts stored since (some were enriched before the
    /// new query reached every worker). Stops early on shutdown or when the
    /// query is deleted.
    private func backfill(_ saved: SavedListeningQuery) throws {
        let query = try ListeningQuery.parse(saved.query)
        let matches = { (post: StoredPost) throws(StoreError) in query.matches(Self.document(try PostView(post))) }
        let started = monotonicMilliseconds()
        let boundary = try store.lastPostRowID()
        service.logger.info("backfill started", metadata: ["id": "\(saved.id)", "posts": "\(boundary)"])
        var lastLoggedTenth = -1
        let first = try store.backfill(queryID: saved.id, rows: 1...max(1, boundary), chunkSize: configuration.backfillChunkSize,
                                       matches: matches) { (progress: BackfillProgress) in
            let percent = Int(progress.fraction * 100)
            if percent / 10 > lastLoggedTenth {
                lastLoggedTenth = percent / 10
                service.logger.info("backfill progress", metadata: ["id": "\(saved.id)", "percent": "\(percent)", "added": "\(progress.added)"])
            }
            return record(saved.id, "running \(percent)%")
        }
        guard !service.shutdown.isRequested, record(saved.id, "settling") else { return }
        while monotonicMilliseconds() - started < Int64(configuration.backfillSettleMs) {
            if service.shutdown.isRequested { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let end = try store.lastPostRowID()
        let second = try store.backfill(queryID: saved.id, rows: (boundary + 1)...max(boundary + 1, end),
                                        chunkSize: configuration.backfillChunkSize, matches: matches) { _ in record(saved.id, "settling") }
        guard !service.shutdown.isRequested, record(saved.id, "done") else { return }
        service.logger.info("backfill done", metadata: [
            "id": "\(saved.id)", "scanned": "\(first.scanned + second.scanned)", "added": "\(first.added + second.added)",
        ])
    }

    /// Saves a backfill state, after each chunk the backfill committed (so the generation advances
    /// for the matches it recorded); false when the backfill should stop (shutdown, query deleted).
    private func record(_ id: String, _ state: String) -> Bool {
        generation.advance()
        guard !service.shutdown.isRequested else { return false }
        do { try store.setBackfillState(id: id, state) } catch {
            return false
        }
        return true
    }

    /// A stored post as listening queries see it; the text is normalised as
    /// the enrich stage normalises it.
    static func document(_ view: PostView) -> MatchableDocument {
        let post = view.post
        let text = TextNormalizer.plainText(post.text, isHTML: post.textIsHtml)
        return MatchableDocument(post: post, enrichment: view.enrichment, text: text)
    }
}

/// The query-set feed: a PUB socket on its own thread that publishes the
/// whole current set (``QuerySetSnapshot``) as soon as it changes and every
/// ``ListeningConfiguration/publishIntervalMs``, so a subscriber that
/// joined late or lost a message is current after at most one interval.
final class QuerySetFeed: Sendable {
    let thread: ServiceThread
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Starts the feed thread, publishing what `snapshot` reads; a failure to bind stops the service.
    init(snapshot: @escaping @Sendable () throws -> QuerySetSnapshot, configuration: ListeningConfiguration, service: ServiceContext) {
        thread = ServiceThread(name: "query-set-feed") { [wakeUp] in
            do {
                try Self.publish(snapshot: snapshot, configuration: configuration, service: service, wakeUp: wakeUp)
            } catch {
                service.logger.critical("query-set feed stopped", metadata: ["error": "\(error)"])
                service.shutdown.requestAfterFailure()
            }
        }
    }

    private static func publish(snapshot read: () throws -> QuerySetSnapshot, configuration: ListeningConfiguration,
                                service: ServiceContext, wakeUp: DispatchSemaphore) throws {
        let socket = try PipelineSocket.open(.pub, context: service.zmq, highWaterMark: 16, lingerMilliseconds: 0)
        defer { socket.close() }
        try service.bind(socket, configuration.querySetEndpoint, as: .querySet)
        service.logger.info("query-set feed ready", metadata: ["pub": "\(configuration.querySetEndpoint)"])
        var nextPublish = monotonicMilliseconds()
        while !service.shutdown.isRequested {
            let woken = wakeUp.wait(timeout: .now() + .milliseconds(100)) == .success
            guard woken || monotonicMilliseconds() >= nextPublish else { continue }
            nextPublish = monotonicMilliseconds() + Int64(configuration.publishIntervalMs)
            let snapshot: QuerySetSnapshot
            do { snapshot = try read() } catch {
                // A server store that is down: the next interval tries again.
                service.logger.warning("cannot read the query set; trying again", metadata: ["error": "\(error)"])
                continue
            }
            _ = try socket.send(snapshot.serializedBytes(), wait: false)
            service.metrics.set("earshot_query_listening_queries", Double(snapshot.queries.count), help: "Active listening queries")
            service.metrics.set("earshot_query_query_set_version", Double(snapshot.version), help: "Version of the published query set")
        }
    }

    /// Publishes now (after a change).
    func changed() { wakeUp.signal() }
}
