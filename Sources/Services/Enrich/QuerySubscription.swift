import EarshotWire
import Foundation
import Listening
import PostMatching
import EarshotSecurity
import ServiceRuntime
import Synchronization
import TextAnalysis
import ZeroMQ

/// An enrich process's copy of the listening queries, kept current from the
/// query service's query-set feed.
///
/// One subscriber thread owns the SUB socket. Each message is the whole
/// current set (``QuerySetSnapshot``), published on every change and every
/// second, so there is no state to repair: a message with a new version is
/// compiled into a ``QuerySet`` and swapped into a mutex-protected box, which
/// the worker threads read once per batch. Workers wait for the first
/// snapshot (``waitForFirstSnapshot(service:)``), so a worker started after a
/// change never processes a post without the current set.
public final class QuerySubscription: Sendable {
    private let box: CompiledQuerySetBox
    private let thread: ServiceThread

    /// Starts the subscriber thread, connected to the feed at `endpoint`.
    public init(endpoint: String, service: ServiceContext) {
        let box = CompiledQuerySetBox()
        self.box = box
        thread = ServiceThread(name: "query-set-subscriber") {
            do {
                try Self.subscribe(endpoint: endpoint, box: box, service: service)
            } catch {
                service.logger.critical("query-set subscriber stopped", metadata: ["error": "\(error)"])
                service.shutdown.requestAfterFailure()
            }
        }
    }

    /// The queries to match; nil until the first snapshot arrived.
    public var queries: QuerySet? { box.current.withLock { $0?.queries } }

    /// Blocks until the first snapshot arrived (true) or shutdown was requested (false).
    public func waitForFirstSnapshot(service: ServiceContext) -> Bool {
        var waitedMs = 0
        while !service.shutdown.isRequested {
            if queries != nil { return true }
            Thread.sleep(forTimeInterval: 0.02)
            waitedMs += 20
            if waitedMs % 10_000 == 0 {
                service.logger.warning("still waiting for the listening query set; is the query service running?")
            }
        }
        return false
    }

    /// Waits for the subscriber thread to stop (after shutdown was requested).
    public func join() { thread.join() }

    private static func subscribe(endpoint: String, box: CompiledQuerySetBox, service: ServiceContext) throws {
        let socket = try PipelineSocket.open(.sub, context: service.zmq, highWaterMark: 16, lingerMilliseconds: 0)
        defer { socket.close() }
        try socket.set(.subscribe([]))
        try service.connect(socket, endpoint, server: KeyDirectory.queryKey)
        service.logger.info("subscribed to the listening query set", metadata: ["endpoint": "\(endpoint)"])
        var poller = Poller()
        poller.add(socket)
        do {
            while !service.shutdown.isRequested {
                guard try poller.poll(timeoutMilliseconds: 100) > 0 else { continue }
                // Only the newest of the queued snapshots matters.
                var newest: QuerySetSnapshot?
                while let frames = try socket.receive(wait: false) {
                    if let last = frames.last, let snapshot = try? QuerySetSnapshot(serializedBytes: last) {
                        newest = snapshot
                    } else {
                        // Version skew or a wrong endpoint (e.g. the alerts feed): say so, or the
                        // worker just waits for a first snapshot that never comes.
                        service.metrics.increment("earshot_enrich_bad_query_sets_total", help: "Query-set feed messages that did not decode")
                        service.logger.error("a query-set message did not decode; is --query-set the query service's query-set feed?",
                                             metadata: ["endpoint": "\(endpoint)", "frames": "\(frames.count)"])
                    }
                }
                if let newest { apply(newest, to: box, service: service) }
            }
        } catch .contextTerminated {}
    }

    private static func apply(_ snapshot: QuerySetSnapshot, to box: CompiledQuerySetBox, service: ServiceContext) {
        guard box.current.withLock({ $0?.version }) != snapshot.version else { return }
        let (queries, invalid) = snapshot.compiled()
        for entry in invalid {
            service.logger.error("skipping a listening query that does not parse", metadata: ["id": "\(entry.id)", "error": "\(entry.error)"])
        }
        box.current.withLock { $0 = CompiledQuerySetBox.Current(version: snapshot.version, queries: queries) }
        service.metrics.set("earshot_enrich_query_set_version", Double(snapshot.version), help: "Version of the listening query set in use")
        service.metrics.set("earshot_enrich_listening_queries", Double(queries.count), help: "Listening queries matched")
        service.logger.info("listening query set applied", metadata: ["version": "\(snapshot.version)", "queries": "\(queries.count)"])
    }
}

/// The compiled query set shared by the subscriber (writer) and the worker threads (readers).
private final class CompiledQuerySetBox: Sendable {
    struct Current: Sendable {
        var version: UInt64
        var queries: QuerySet
    }

    let current = Mutex<Current?>(nil)
}

extension MatchableDocument {
    /// What listening queries see of `post` once `analyzer` has analysed it as the enrich stage
    /// does (used by `earshot queries test`).
    public init(post: Post, analyzer: TextAnalyzer) {
        let analysis = EnrichService.analysis(of: post, analyzer: analyzer)
        self.init(post: post, enrichment: Enrichment(analysis), text: analysis.text)
    }
}
