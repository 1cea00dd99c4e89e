import Collectors
import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import Logging
import Synchronization

/// How one connection or poll of a source ended normally.
enum SessionEnd {
    /// The stream ended (closed by the server, or silent too long): reconnect after a short back-off.
    case reconnect(String)
    /// A poll finished: poll again after this many seconds.
    case pollAgain(afterSeconds: Double)
}

/// One kind of source: connects, reads, publishes through `runner`, and returns how it ended
/// (or throws why it failed).
protocol SourceSession {
    mutating func run(_ runner: SourceRunner) throws -> SessionEnd
}

/// What a relayed stream gave its reader next.
enum RelayPiece<Chunk> {
    /// Data (bytes of a response, messages of a WebSocket).
    case chunk(Chunk)
    /// A sign of life without data (a response head, a ping).
    case activity
    /// The stream ended, and why.
    case end(String)
}

/// A stream ``SourceRunner/relay(_:silenceSeconds:decode:acknowledge:)`` reads.
protocol RelayedStream {
    associatedtype Chunk
    /// The next piece, waiting at most `timeoutSeconds`; nil when nothing came in that time.
    func nextPiece(timeoutSeconds: Double) -> RelayPiece<Chunk>?
}

/// Makes the ingest client of a source's thread (each thread its own socket).
public typealias IngestClientFactory = @Sendable () throws -> RPCClient

/// Runs one source on its own thread until stopped: the session, reconnection with jittered
/// exponential back-off, the cursor file and the source's health.
public final class SourceRunner: @unchecked Sendable {
    public let settings: SourceSettings
    let logger: Logger
    private let cursorFile: URL
    private let batchSize: Int
    private let makeClient: IngestClientFactory
    private let schedule: BackoffSchedule
    private let stopFlag = Atomic<Bool>(false)
    private let healthRecord = Mutex(SourceHealthRecord())
    /// The ingest connection. The source's thread and its ``AcknowledgementLane`` both use it,
    /// and a ZeroMQ socket serves one thread at a time: every use holds ``ingestLock``.
    private var ingest: (client: RPCClient, publisher: Publisher)?
    private let ingestLock = NSLock()
    /// Whether the session connected since the last failure (which then starts the back-off afresh).
    private var connectedSinceFailure = false
    /// What was last reported to ingest, and when (under ``ingestLock``).
    private var lastReport: (state: ConnectionState, lastError: String, atMs: Int64)?
    /// Reports of an unchanged state are at least this far apart.
    static let reportIntervalMs: Int64 = 5_000
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    init(settings: SourceSettings, stateDirectory: URL, batchSize: Int, schedule: BackoffSchedule,
         makeClient: @escaping IngestClientFactory, logger: Logger) {
        self.settings = settings
        self.cursorFile = stateDirectory.appendingPathComponent(SourceCursor.fileName(source: settings.name))
        self.batchSize = batchSize
        self.schedule = schedule
        self.makeClient = makeClient
        var logger = logger
        logger[metadataKey: "source"] = "\(settings.name)"
        self.logger = logger
    }

    /// The source's health now.
    public var health: SourceHealthRecord { healthRecord.withLock { $0 } }

    var isStopped: Bool { stopFlag.load(ordering: .acquiring) }

    /// Starts the source's thread.
    func start() {
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "collect-\(settings.name)"
        self.thread = thread
        thread.start()
    }

    /// Asks the thread to stop (it does within about a second) and waits for it.
    func stop() {
        stopFlag.store(true, ordering: .releasing)
        if thread != nil { finished.wait() }
    }

    private func run() {
        var failures = 0
        var session: any SourceSession
        switch settings.endpoint {
        case .mastodon: session = MastodonSession(settings: settings)
        case .feed: session = FeedSession(settings: settings)
        case .reddit: session = RedditSession(settings: settings)
        case .x: session = XStreamSession(settings: settings)
        case .bluesky: session = JetstreamSession(settings: settings)
        }
        while !isStopped {
            updateHealth { $0.state = .connecting }
            var wait = 0.0
            connectedSinceFailure = false
            do {
                switch try session.run(self) {
                case .pollAgain(let seconds):
                    failures = 0
                    wait = seconds
                case .reconnect(let reason):
                    guard !isStopped else { break }
                    logger.info("reconnecting", metadata: ["reason": "\(reason)"])
                    failures = connectedSinceFailure ? 1 : failures + 1
                    wait = schedule.delaySeconds(afterFailures: failures, random: Double.random(in: 0..<1))
                    updateHealth { $0.reconnects += 1; $0.state = .backingOff }
                }
            } catch {
                guard !isStopped else { break }
                let failure = (error as? CollectError) ?? CollectError("\(error)")
                failures = connectedSinceFailure ? 1 : failures + 1
                wait = schedule.delaySeconds(afterFailures: failures, random: Double.random(in: 0..<1),
                                             retryAfterSeconds: failure.retryAfterSeconds)
                logger.warning("source failed; backing off", metadata: ["error": "\(failure.message)", "seconds": "\(String(format: "%.1f", wait))"])
                updateHealth { $0.reconnects += 1; $0.state = .backingOff; $0.lastError = failure.message }
            }
            pause(seconds: wait)
        }
        updateHealth { $0.state = .stopped }
    }

    /// Sleeps up to `seconds`, waking early when stopped.
    private func pause(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !isStopped, Date() < deadline {
            Thread.sleep(forTimeInterval: min(0.1, max(0, deadline.timeIntervalSinceNow)))
        }
    }

    /// Records that the session is connected and receiving.
    func markConnected() {
        connectedSinceFailure = true
        updateHealth { $0.state = .connected; $0.lastError = "" }
    }

    /// Changes the health and reports the connection to ingest.
    func updateHealth(_ change: (inout SourceHealthRecord) -> Void) {
        reportToIngest(healthRecord.withLock { record in
            change(&record)
            return record
        })
    }

    /// Sends the source's connection to ingest's source health (`Sources/ReportCollector`) when
    /// its state or last error changed, and at most every ``reportIntervalMs`` otherwise. A
    /// report that fails is only logged: collecting goes on.
    private func reportToIngest(_ record: SourceHealthRecord) {
        let nowMs = wallClockMilliseconds()
        ingestLock.lock()
        defer { ingestLock.unlock() }
        if let last = lastReport, last.state == record.state, last.lastError == record.lastError, nowMs - last.atMs < Self.reportIntervalMs { return }
        lastReport = (record.state, record.lastError, nowMs)
        guard let ingest = try? ingestConnection() else { return }
        var report = CollectorSourceReport()
        report.source = settings.name
        report.state = record.state.rawValue
        // Ingest takes at most 2,000 bytes: whole characters are dropped from the end, since a
        // cut inside one would decode as a longer replacement character.
        var lastError = record.lastError
        while lastError.utf8.count > 2_000 { lastError.removeLast() }
        report.lastError = lastError
        report.reconnects = record.reconnects
        report.cursorAcknowledgedAtMs = record.cursorAcknowledgedAtMs
        var request = ReportCollectorRequest()
        request.sources = [report]
        do {
            _ = try ingest.client.call(SourcesMethod.reportCollector, request, as: ReportCollectorResponse.self, timeoutMilliseconds: 2_000)
        } catch {
            self.ingest = nil
            logger.debug("could not report the connection to ingest's source health", metadata: ["error": "\(error)"])
        }
    }

    // MARK: What sessions use

    /// The source's token, read afresh at each connection; nil when none is configured.
    func credential() throws(CollectError) -> String? {
        switch settings.credential {
        case nil: return nil
        case .file(let path)?:
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CollectError("cannot read the token file \(path)") }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        case .environment(let name)?:
            guard let text = ProcessInfo.processInfo.environment[name], !text.isEmpty else { throw CollectError("the environment variable \(name) is not set") }
            return text
        }
    }

    /// The saved cursor of this source's endpoint, or a fresh one.
    func loadCursor() -> SourceCursor {
        let key = settings.endpoint.cursorKey
        return (try? Data(contentsOf: cursorFile)).flatMap { SourceCursor.decoded($0, endpoint: key) } ?? SourceCursor(endpoint: key)
    }

    /// Saves `cursor` atomically (a temporary file renamed over the old one).
    func saveCursor(_ cursor: SourceCursor) throws(CollectError) {
        do {
            try FileManager.default.createDirectory(at: cursorFile.deletingLastPathComponent(), withIntermediateDirectories: true)
            try cursor.encoded().write(to: cursorFile, options: .atomic)
        } catch {
            throw CollectError("cannot save the cursor to \(cursorFile.path): \(error.localizedDescription)")
        }
        updateHealth { $0.cursorAcknowledgedAtMs = cursor.acknowledgedAtMs }
    }

    /// Publishes `posts` in batches and returns once ingest acknowledged them all.
    func publish(_ posts: [Post]) throws(CollectError) {
        guard !posts.isEmpty else { return }
        var start = 0
        while start < posts.count {
            let batch = Array(posts[start..<min(posts.count, start + batchSize)])
            let accepted: Int
            ingestLock.lock()
            do {
                accepted = try ingestConnection().publisher.publish(batch, maxAttempts: 20).accepted
                ingestLock.unlock()
            } catch {
                ingest = nil
                ingestLock.unlock()
                throw CollectError("ingest did not acknowledge a batch: \(error)")
            }
            let newest = batch.map(\.createdAtMs).max() ?? 0
            updateHealth { $0.recordAcknowledged(accepted, newestCreatedAtMs: newest, nowMs: wallClockMilliseconds()) }
            start += batch.count
        }
    }

    /// Counts `count` rejected records in the health and in ingest's source health.
    func reject(_ count: Int, reason: String) {
        guard count > 0 else { return }
        updateHealth { $0.rejected += Int64(count) }
        logger.notice("rejected records", metadata: ["count": "\(count)", "reason": "\(reason)"])
        ingestLock.lock()
        defer { ingestLock.unlock() }
        guard let ingest = try? ingestConnection() else { return }
        var request = RecordRejectionsRequest()
        request.source = settings.name
        request.count = Int64(count)
        do {
            _ = try ingest.client.call(SourcesMethod.recordRejections, request, as: RecordRejectionsResponse.self, timeoutMilliseconds: 10_000)
        } catch {
            logger.warning("could not count rejected records in ingest's source health", metadata: ["error": "\(error)"])
        }
    }

    /// The ingest connection, opened when there is none; the caller holds ``ingestLock``.
    private func ingestConnection() throws(CollectError) -> (client: RPCClient, publisher: Publisher) {
        if let ingest { return ingest }
        do {
            let client = try makeClient()
            let connection = (client, Publisher(client: client, timeoutMilliseconds: 10_000))
            ingest = connection
            return connection
        } catch {
            throw CollectError("cannot open the ingest client: \(error)")
        }
    }

    /// How long records of a stream wait for more before they are published.
    static let batchWaitSeconds = 0.2
    /// The most records of a stream published in one go.
    static let streamBatchRecords = 500

    /// Reads a stream until it ends, stays silent for `silenceSeconds`, or the runner stops.
    /// `decode` turns what came into records (counting the rejected ones); `acknowledge`
    /// publishes a batch and moves the cursor, on an ``AcknowledgementLane`` so the next batch is
    /// read and decoded meanwhile; every batch is acknowledged, or has failed, when this returns.
    /// A batch goes out when ``streamBatchRecords`` (or the configured batch size, if larger) wait
    /// or the stream pauses for ``batchWaitSeconds``.
    func relay<Stream: RelayedStream, Record>(_ stream: Stream, silenceSeconds: Int, decode: (Stream.Chunk) -> [Record],
                                              acknowledge: ([Record]) throws -> Void) throws -> SessionEnd {
        try withoutActuallyEscaping(acknowledge) { acknowledge in
            // The lane ends before this returns (`close`), so `acknowledge` does not outlive the call.
            let lane = AcknowledgementLane(name: "collect-\(settings.name)-acks", acknowledge: acknowledge)
            defer { lane.close() }
            var pending: [Record] = []
            var lastActivity = Date()
            func flush() throws {
                guard !pending.isEmpty else { return }
                try lane.submit(pending)
                pending.removeAll(keepingCapacity: true)
            }
            while !isStopped {
                switch stream.nextPiece(timeoutSeconds: pending.isEmpty ? 0.5 : Self.batchWaitSeconds) {
                case nil:
                    try flush()
                    if -lastActivity.timeIntervalSinceNow > Double(silenceSeconds) {
                        try lane.finish()
                        return .reconnect("nothing received for \(silenceSeconds) s")
                    }
                case .activity?:
                    lastActivity = Date()
                case .chunk(let chunk)?:
                    lastActivity = Date()
                    pending += decode(chunk)
                    if pending.count >= max(Self.streamBatchRecords, batchSize) { try flush() }
                case .end(let reason)?:
                    try flush()
                    try lane.finish()
                    return .reconnect(reason)
                }
            }
            try flush()
            try lane.finish()
            return .reconnect("stopped")
        }
    }
}
