import ArgumentParser
import EnrichService
import Foundation
import IngestService
import QueryService
import ScoreService
import ServiceRuntime

/// Runs a service body with logging, signal handling and a clear exit status.
private func runService(_ name: String, _ body: (ServiceContext) throws -> Void) throws {
    Earshot.bootstrapLogging()
    let service = try ServiceContext(serviceName: name)
    service.shutdown.installSignalHandlers { signal in
        service.logger.info("received signal \(signal); draining and stopping")
    }
    do {
        try body(service)
        service.logger.info("\(name) stopped")
    } catch {
        service.logger.critical("\(name) failed", metadata: ["error": "\(error)"])
        throw ExitCode(1)
    }
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

    func validate() throws {
        guard batchSize > 0, maxInFlight > 0, redeliveryMs > 0, maxBacklog > 0 else {
            throw ValidationError("--batch-size, --max-in-flight, --redelivery-ms and --max-backlog must be positive")
        }
    }

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
        try runService("ingest") { service in try IngestService(configuration: configuration, service: service).run() }
    }
}

/// Options shared by the scalable workers.
struct WorkerOptions: ParsableArguments {
    @Option(help: "Worker threads [EARSHOT_THREADS]") var threads = environment("EARSHOT_THREADS", 1)
    @Option(help: "Control RPC bind endpoint for Health and Stats; empty = none [EARSHOT_WORKER_RPC]") var rpc = environment("EARSHOT_WORKER_RPC", "")

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
    }
}

struct EnrichCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enrich", abstract: "Run an enrich worker (language, sentiment, entities).")

    @Option(help: "Ingest dispatch endpoint to pull from [EARSHOT_ENRICH_PULL]") var pull = environment("EARSHOT_ENRICH_PULL", EnrichConfiguration().pullEndpoint)
    @Option(help: "Relay input endpoint to push to [EARSHOT_ENRICH_PUSH]") var push = environment("EARSHOT_ENRICH_PUSH", EnrichConfiguration().pushEndpoint)
    @OptionGroup var worker: WorkerOptions

    func run() throws {
        var configuration = EnrichConfiguration()
        configuration.pullEndpoint = pull
        configuration.pushEndpoint = push
        configuration.threads = worker.threads
        configuration.rpcEndpoint = worker.rpc.isEmpty ? nil : worker.rpc
        try runService("enrich") { service in try EnrichService.run(configuration: configuration, service: service) }
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
        try runService("score") { service in try ScoreService.run(configuration: configuration, service: service) }
    }
}

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Run the query service (store and insight RPCs).")

    @Option(help: "RPC bind endpoint [EARSHOT_QUERY_RPC]") var rpc = environment("EARSHOT_QUERY_RPC", QueryConfiguration().rpcEndpoint)
    @Option(help: "Collector bind endpoint for score workers [EARSHOT_COLLECT_BIND]") var collect = environment("EARSHOT_COLLECT_BIND", QueryConfiguration().collectEndpoint)
    @Option(help: "Ingest acknowledgement endpoint to push to [EARSHOT_ACKS]") var acks = environment("EARSHOT_ACKS", QueryConfiguration().acksEndpoint)
    @Option(help: "Store file [EARSHOT_STORE]") var store = environment("EARSHOT_STORE", QueryConfiguration().storePath)

    func run() throws {
        var configuration = QueryConfiguration()
        configuration.rpcEndpoint = rpc
        configuration.collectEndpoint = collect
        configuration.acksEndpoint = acks
        configuration.storePath = store
        try runService("query") { service in try QueryService.run(configuration: configuration, service: service) }
    }
}
