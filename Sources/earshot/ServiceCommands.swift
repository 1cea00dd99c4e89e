import ArgumentParser
import EarshotSecurity
import EnrichService
import Foundation
import IngestService
import QueryService
import ScoreService
import ServiceRuntime

/// Runs a service body with logging, signal handling, the optional metrics
/// HTTP endpoint and a clear exit status.
private func runService(_ name: String, security: ServiceSecurityConfiguration, metrics: MetricsOptions,
                        _ body: (ServiceContext) throws -> Void) throws {
    Earshot.bootstrapLogging()
    let service = try ServiceContext(serviceName: name, security: security)
    service.shutdown.installSignalHandlers { signal in
        service.logger.info("received signal \(signal); draining and stopping")
    }
    do {
        let metricsServer = try metrics.address.isEmpty ? nil : MetricsHTTPServer(address: metrics.address, service: service)
        try body(service)
        service.shutdown.request()
        metricsServer?.join()
        // A thread that stopped the service after a failure has logged why (critical).
        guard !service.shutdown.failed else { throw ExitCode(1) }
        service.logger.info("\(name) stopped")
    } catch let exit as ExitCode {
        throw exit
    } catch {
        service.logger.critical("\(name) failed", metadata: ["error": "\(error)"])
        throw ExitCode(1)
    }
}

/// The Prometheus endpoint that every service can serve.
struct MetricsOptions: ParsableArguments {
    @Option(name: .customLong("metrics"), help: "Serve GET /metrics (Prometheus text) on host:port, e.g. 0.0.0.0:9100; empty = off [EARSHOT_METRICS_ADDR]")
    var address = environment("EARSHOT_METRICS_ADDR", "")
}

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "Run the ingest service (durable entry point, dispatcher, relay).")

    @Option(help: "RPC bind endpoint [EARSHOT_INGEST_RPC]") var rpc = environment("EARSHOT_INGEST_RPC", IngestConfiguration().rpcEndpoint)
    @Option(help: "Dispatch to enrich, bind [EARSHOT_DISPATCH_BIND]") var dispatch = environment("EARSHOT_DISPATCH_BIND", IngestConfiguration().dispatchEndpoint)
    @Option(help: "Relay input from enrich, bind [EARSHOT_RELAY_IN_BIND]") var relayIn = environment("EARSHOT_RELAY_IN_BIND", IngestConfiguration().relayInEndpoint)
    @Option(help: "Relay output to score, bind [EARSHOT_RELAY_OUT_BIND]") var relayOut = environment("EARSHOT_RELAY_OUT_BIND", IngestConfiguration().relayOutEndpoint)
    @Option(help: "Acknowledgements from query, bind [EARSHOT_ACKS_BIND]") var acks = environment("EARSHOT_ACKS_BIND", IngestConfiguration().acksEndpoint)
    @Option(help: "Journal file [EARSHOT_JOURNAL]") var journal = environment("EARSHOT_JOURNAL", IngestConfiguration().journalPath)
    @Option(help: "Posts per pipeline batch [EARSHOT_BATCH_SIZE]") var batchSize = environment("EARSHOT_BATCH_SIZE", IngestConfiguration().batchSize)
    @Option(help: "Posts in flight at most [EARSHOT_MAX_IN_FLIGHT]") var maxInFlight = environment("EARSHOT_MAX_IN_FLIGHT", IngestConfiguration().maxInFlight)
    @Option(help: "Redelivery timeout in ms [EARSHOT_REDELIVERY_MS]") var redeliveryMs = environment("EARSHOT_REDELIVERY_MS", Int(IngestConfiguration().redeliveryTimeoutMs))
    @Option(help: "Unfinished posts at most before RESOURCE_EXHAUSTED [EARSHOT_MAX_BACKLOG]") var maxBacklog = environment("EARSHOT_MAX_BACKLOG", IngestConfiguration().maxBacklog)
    @Option(help: "A source is flagged silent when quiet for this multiple of its usual gap [EARSHOT_SILENCE_FACTOR]")
    var silenceFactor = environment("EARSHOT_SILENCE_FACTOR", SourceHealthPolicy().silenceFactor)
    @Option(help: "… and for at least this many ms [EARSHOT_SILENCE_FLOOR_MS]")
    var silenceFloorMs = environment("EARSHOT_SILENCE_FLOOR_MS", Int(SourceHealthPolicy().silenceFloorMs))
    @OptionGroup var security: SecurityOptions
    @OptionGroup var metrics: MetricsOptions

    func validate() throws {
        guard batchSize > 0, maxInFlight > 0, redeliveryMs > 0, maxBacklog > 0 else {
            throw ValidationError("--batch-size, --max-in-flight, --redelivery-ms and --max-backlog must be positive")
        }
        guard silenceFactor > 0, silenceFloorMs >= 0 else { throw ValidationError("--silence-factor must be positive and --silence-floor-ms not negative") }
        // A batch is one journal query (SQLite allows 32,766 parameters) and one message (64 MiB at most).
        guard batchSize <= Self.maxBatchSize else { throw ValidationError("--batch-size must be at most \(Self.maxBatchSize), got \(batchSize)") }
    }

    /// The largest --batch-size: far below SQLite's parameter limit and the pipeline's frame limit.
    static let maxBatchSize = 10_000

    func run() throws {
        var configuration = IngestConfiguration()
        configuration.rpcEndpoint = rpc
        configuration.dispatchEndpoint = dispatch
        configuration.relayInEndpoint = relayIn
        configuration.relayOutEndpoint = relayOut
        configuration.acksEndpoint = acks
        configuration.journalPath = journal
        configuration.batchSize = batchSize
        configuration.maxInFlight = maxInFlight
        configuration.redeliveryTimeoutMs = Int64(redeliveryMs)
        configuration.maxBacklog = maxBacklog
        try runService("ingest", security: security.service(defaultKey: KeyDirectory.ingestKey), metrics: metrics) { service in
            var policy = SourceHealthPolicy()
            policy.silenceFactor = silenceFactor
            policy.silenceFloorMs = Int64(silenceFloorMs)
            try IngestService(configuration: configuration, service: service, sourceHealth: policy).run()
        }
    }
}

/// Options shared by the scalable workers.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Worker threads, each with its own sockets; default: every core this process may use [EARSHOT_THREADS]")
    var threads = environment("EARSHOT_THREADS", ProcessInfo.processInfo.activeProcessorCount)
    @Option(help: "Control RPC bind endpoint for Health and Stats; empty = none [EARSHOT_WORKER_RPC]") var rpc = environment("EARSHOT_WORKER_RPC", "")
    @OptionGroup var security: SecurityOptions
    @OptionGroup var metrics: MetricsOptions

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
    }
}

struct EnrichCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enrich", abstract: "Run an enrich worker (language, sentiment, entities).")

    @Option(help: "Ingest dispatch endpoint to pull from [EARSHOT_ENRICH_PULL]") var pull = environment("EARSHOT_ENRICH_PULL", EnrichConfiguration().pullEndpoint)
    @Option(help: "Relay input endpoint to push to [EARSHOT_ENRICH_PUSH]") var push = environment("EARSHOT_ENRICH_PUSH", EnrichConfiguration().pushEndpoint)
    @Option(help: "Query service's listening query-set feed to subscribe to; empty = match no listening queries [EARSHOT_QUERY_SET]")
    var querySet = environment("EARSHOT_QUERY_SET", EnrichConfiguration().querySetEndpoint ?? "")
    @Option(help: "Language for texts that would be und and fit it (language_source prior); empty = none [EARSHOT_DEFAULT_LANGUAGE]")
    var defaultLanguage = environment("EARSHOT_DEFAULT_LANGUAGE", "")
    @OptionGroup var worker: WorkerOptions

    func run() throws {
        var configuration = EnrichConfiguration()
        configuration.pullEndpoint = pull
        configuration.pushEndpoint = push
        configuration.threads = worker.threads
        configuration.rpcEndpoint = worker.rpc.isEmpty ? nil : worker.rpc
        configuration.querySetEndpoint = querySet.isEmpty ? nil : querySet
        configuration.defaultLanguage = defaultLanguage.isEmpty ? nil : defaultLanguage
        try runService("enrich", security: worker.security.service(defaultKey: KeyDirectory.workerKey), metrics: worker.metrics) { service in try EnrichService.run(configuration: configuration, service: service) }
    }
}

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "score", abstract: "Run a score worker (reach, engagement, priority).")

    @Option(help: "Relay output endpoint to pull from [EARSHOT_SCORE_PULL]") var pull = environment("EARSHOT_SCORE_PULL", ScoreConfiguration().pullEndpoint)
    @Option(help: "Query collector endpoint to push to [EARSHOT_SCORE_PUSH]") var push = environment("EARSHOT_SCORE_PUSH", ScoreConfiguration().pushEndpoint)
    @OptionGroup var worker: WorkerOptions

    func run() throws {
        var configuration = ScoreConfiguration()
        configuration.pullEndpoint = pull
        configuration.pushEndpoint = push
        configuration.threads = worker.threads
        configuration.rpcEndpoint = worker.rpc.isEmpty ? nil : worker.rpc
        try runService("score", security: worker.security.service(defaultKey: KeyDirectory.workerKey), metrics: worker.metrics) { service in try ScoreService.run(configuration: configuration, service: service) }
    }
}

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Run the query service (store and insight RPCs).")

    @Option(help: "RPC bind endpoint [EARSHOT_QUERY_RPC]") var rpc = environment("EARSHOT_QUERY_RPC", QueryConfiguration().rpcEndpoint)
    @Option(help: "Collector bind endpoint for score workers [EARSHOT_COLLECT_BIND]") var collect = environment("EARSHOT_COLLECT_BIND", QueryConfiguration().collectEndpoint)
    @Option(help: "Ingest acknowledgement endpoint to push to [EARSHOT_ACKS]") var acks = environment("EARSHOT_ACKS", QueryConfiguration().acksEndpoint)
    @Option(help: "Store: a SQLite file, or postgres://user@host:port/db (password from EARSHOT_STORE_PASSWORD or the file EARSHOT_STORE_PASSWORD_FILE names) [EARSHOT_STORE]")
    var store = environment("EARSHOT_STORE", QueryConfiguration().storePath)
    @Option(help: "all, writer or reader; writer and reader need a PostgreSQL store (docs/SCALING.md) [EARSHOT_QUERY_ROLE]")
    var role = environment("EARSHOT_QUERY_ROLE", QueryConfiguration().role.rawValue)
    @Option(help: "PostgreSQL: days of posts kept, older day partitions dropped (0 keeps all) [EARSHOT_RETENTION_DAYS]")
    var retentionDays = environment("EARSHOT_RETENTION_DAYS", QueryConfiguration().retentionDays)
    @Option(help: "Listening query-set feed (PUB), bind [EARSHOT_QUERY_SET_BIND]")
    var querySet = environment("EARSHOT_QUERY_SET_BIND", ListeningConfiguration().querySetEndpoint)
    @Option(help: "Delay in ms before a backfill's second pass over posts stored meanwhile [EARSHOT_BACKFILL_SETTLE_MS]")
    var backfillSettleMs = environment("EARSHOT_BACKFILL_SETTLE_MS", ListeningConfiguration().backfillSettleMs)
    @Option(help: "MiB of read answers (Overview, time series…) kept until the store changes; role all only, 0 = none [EARSHOT_ANSWER_CACHE_MB]")
    var answerCacheMb = environment("EARSHOT_ANSWER_CACHE_MB", QueryConfiguration().answerCacheBytes >> 20)
    @Option(help: "Threads that answer RPCs at once, so a long read never holds up short ones (1-64) [EARSHOT_QUERY_READ_THREADS]")
    var readThreads = environment("EARSHOT_QUERY_READ_THREADS", QueryConfiguration().readThreads)
    @OptionGroup var alerts: AlertOptions
    @OptionGroup var security: SecurityOptions
    @OptionGroup var metrics: MetricsOptions

    func run() throws {
        var configuration = QueryConfiguration()
        configuration.rpcEndpoint = rpc
        configuration.collectEndpoint = collect
        configuration.acksEndpoint = acks
        configuration.storePath = store
        guard let role = QueryRole(rawValue: self.role) else {
            throw ValidationError("--role must be one of \(QueryRole.allCases.map(\.rawValue).joined(separator: ", ")), got '\(self.role)'")
        }
        guard retentionDays >= 0 else { throw ValidationError("--retention-days must be 0 (keep all) or more, got \(retentionDays)") }
        guard (0...65_536).contains(answerCacheMb) else { throw ValidationError("--answer-cache-mb must be 0 (none) to 65536, got \(answerCacheMb)") }
        configuration.answerCacheBytes = answerCacheMb << 20
        guard (1...64).contains(readThreads) else { throw ValidationError("--read-threads must be 1 to 64, got \(readThreads)") }
        configuration.readThreads = readThreads
        configuration.role = role
        configuration.retentionDays = retentionDays
        configuration.listening.querySetEndpoint = querySet
        configuration.listening.backfillSettleMs = backfillSettleMs
        configuration.alerts = try alerts.configuration()
        try runService("query", security: security.service(defaultKey: KeyDirectory.queryKey), metrics: metrics) { service in try QueryService.run(configuration: configuration, service: service) }
    }
}
