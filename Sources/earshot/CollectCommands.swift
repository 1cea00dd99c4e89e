import ArgumentParser
import CollectService
import Collectors
import Foundation
import Logging
import ServiceRuntime
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// How the collectors reconnect, for both commands.
struct BackoffOptions: ParsableArguments {
    @Option(help: "First reconnect wait in seconds (doubled per failure in a row, with jitter)") var backoffInitial = 1.0
    @Option(help: "Longest reconnect wait in seconds (a server's Retry-After may ask for more)") var backoffMaximum = 300.0

    func validate() throws {
        guard backoffInitial > 0, backoffMaximum >= backoffInitial else {
            throw ValidationError("--backoff-initial must be positive and at most --backoff-maximum")
        }
    }

    var schedule: BackoffSchedule { BackoffSchedule(initialSeconds: backoffInitial, maximumSeconds: backoffMaximum) }
}

/// Runs `configuration` until SIGTERM/SIGINT; `reload` gives the configuration anew on SIGHUP.
private func runCollection(_ configuration: SourcesConfiguration, endpoints: EndpointOptions, backoff: BackoffOptions,
                           metrics: MetricsOptions, reload: (@Sendable () throws -> SourcesConfiguration)?) throws {
    Earshot.bootstrapLogging()
    let logger = Logger(label: "earshot.collect")
    let context = try Context()
    let ingest = endpoints.ingest
    let collection = CollectorSet(makeClient: { try CommandLineSecurity.client(ingest, context: context, clientName: "earshot-collect") },
                                schedule: backoff.schedule, logger: logger)
    let shutdown = ShutdownSignal()
    shutdown.installSignalHandlers { signal in logger.info("received signal \(signal); stopping the sources") }
    let metricsServer = try metrics.address.isEmpty ? nil
        : MetricsHTTPServer(address: metrics.address, metricsText: { collection.metricsText() }, shutdown: shutdown, logger: logger)
    signal(SIGHUP, SIG_IGN)
    let hangUp = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
    if let reload {
        hangUp.setEventHandler {
            do {
                let changes = collection.apply(try reload())
                logger.info("configuration reloaded", metadata: ["started": "\(changes.started)", "stopped": "\(changes.stopped)"])
            } catch {
                logger.error("configuration not reloaded; the sources run on unchanged", metadata: ["error": "\(error)"])
            }
        }
    }
    hangUp.resume()
    let changes = collection.apply(configuration)
    logger.info("collecting", metadata: ["sources": "\(changes.started)", "ingest": "\(ingest)"])
    while !shutdown.isRequested { Thread.sleep(forTimeInterval: 0.2) }
    hangUp.cancel()
    collection.stopAll()
    metricsServer?.join()
    logger.info("collect stopped")
}

/// `earshot collect --config sources.toml`.
struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect posts from live sources (sources.toml) and publish them through ingest.",
        discussion: """
            Every source runs on its own, reconnects with jittered exponential back-off (honouring Retry-After), \
            resumes from a cursor saved only after ingest acknowledged the posts it covers, and reports its health \
            on /metrics (--metrics). SIGHUP rereads the file: added, changed and removed sources start and stop. \
            docs/SOURCES.md describes each source.
            """
    )

    @Option(help: "The sources file [EARSHOT_SOURCES]") var config = environment("EARSHOT_SOURCES", "sources.toml")
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var backoff: BackoffOptions
    @OptionGroup var metrics: MetricsOptions

    func run() throws {
        let path = config
        @Sendable func load() throws -> SourcesConfiguration {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("cannot read \(path)") }
            do { return try SourcesConfiguration(parsing: text) } catch { throw ValidationError("\(path): \(error)") }
        }
        try runCollection(try load(), endpoints: endpoints, backoff: backoff, metrics: metrics, reload: load)
    }
}

/// `earshot listen <kind>`: one source from flags, to try it quickly.
struct ListenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen", abstract: "Collect from one live source given by flags (as one [[source]] of earshot collect).",
        subcommands: [Mastodon.self, Feed.self, Reddit.self, Bluesky.self]
    )

    /// What every kind takes: the source's name, its silence, where the cursor goes, and the
    /// collector's own options.
    struct Common: ParsableArguments {
        @Option(help: "The source name of the posts (default: the kind)") var name: String?
        @Option(help: "A file holding the access token (for reddit: the app's secret)") var tokenFile: String?
        @Option(help: "Reconnect a stream silent this long; a poll's response deadline") var silenceSeconds = 300
        @Option(help: "The folder of the cursor file") var stateDirectory = "collect-state"
        @Option(help: "The most posts per PublishBatch call (1-10000)") var batchSize = 200
        @OptionGroup var endpoints: EndpointOptions
        @OptionGroup var backoff: BackoffOptions
        @OptionGroup var metrics: MetricsOptions

        /// Runs the source of `kind` with `settings` (key, string value; nil ones left out),
        /// `numbers` and `lists` (left out when empty) until stopped.
        func run(kind: String, _ settings: [(String, String?)], numbers: [(String, Int)] = [], lists: [(String, [String])] = []) throws {
            var lines = ["state_directory = \(ConfigurationText.quoted(stateDirectory))", "batch_size = \(batchSize)", "[[source]]",
                         "name = \(ConfigurationText.quoted(name ?? kind))", "kind = \(ConfigurationText.quoted(kind))",
                         "silence_seconds = \(silenceSeconds)"]
            for case let (key, value?) in settings + [("token_file", tokenFile)] { lines.append("\(key) = \(ConfigurationText.quoted(value))") }
            lines += numbers.map { "\($0.0) = \($0.1)" }
            lines += lists.filter { !$0.1.isEmpty }.map { "\($0.0) = [\($0.1.map(ConfigurationText.quoted).joined(separator: ", "))]" }
            let configuration: SourcesConfiguration
            do { configuration = try SourcesConfiguration(parsing: lines.joined(separator: "\n")) } catch {
                throw ValidationError(error.message)
            }
            try runCollection(configuration, endpoints: endpoints, backoff: backoff, metrics: metrics, reload: nil)
        }
    }

    struct Mastodon: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mastodon", abstract: "Follow a Mastodon timeline over the streaming API.")
        @Option(help: "The server, e.g. https://mastodon.social") var instance: String
        @Option(help: "public, local, hashtag:TAG or list:ID") var timeline = "public"
        @OptionGroup var common: Common

        func run() throws { try common.run(kind: "mastodon", [("instance", instance), ("timeline", timeline)]) }
    }

    struct Feed: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rss", abstract: "Poll an RSS or Atom feed.")
        @Option(help: "The feed's address") var url: String
        @Option(help: "Seconds between polls") var intervalSeconds = 300
        @OptionGroup var common: Common

        func run() throws { try common.run(kind: "rss", [("url", url)], numbers: [("interval_seconds", intervalSeconds)]) }
    }

    struct Reddit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reddit", abstract: "Poll a subreddit's new items or a search (OAuth app; secret in --token-file).")
        @Option(help: "The subreddit, without r/") var subreddit: String?
        @Option(help: "A search query (within --subreddit if given)") var query: String?
        @Option(help: "The OAuth app's client id") var clientId: String
        @OptionGroup var common: Common

        func run() throws {
            try common.run(kind: "reddit", [("subreddit", subreddit), ("query", query), ("client_id", clientId)])
        }
    }

    struct Bluesky: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bluesky", abstract: "Follow new Bluesky posts over a Jetstream WebSocket, resuming from its cursor.")
        @Option(help: "The Jetstream subscription address (ws:// or wss://)") var endpoint = SourcesConfiguration.defaultJetstream
        @Option(name: .customLong("keyword"), help: "Keep only posts whose text contains this, case-insensitively (repeatable; default: every post)")
        var keywords: [String] = []
        @OptionGroup var common: Common

        func run() throws { try common.run(kind: "bluesky", [("endpoint", endpoint)], lists: [("keywords", keywords)]) }
    }
}
