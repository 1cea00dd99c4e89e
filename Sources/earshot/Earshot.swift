import ArgumentParser
import Foundation
import Logging

/// `earshot`: run the services, feed them, and ask them questions.
@main
struct Earshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earshot",
        abstract: "Earshot: a self-hosted social media intelligence pipeline.",
        discussion: """
            Services (each its own process; endpoints by flag or EARSHOT_* environment variable):
              ingest, enrich, score, query, gateway (HTTP/JSON)
            Every option of a service can also be set by the environment variable shown in its help.
            """,
        subcommands: [
            DemoCommand.self, IngestCommand.self, EnrichCommand.self, ScoreCommand.self, QueryCommand.self,
            ImportCommand.self, AskCommand.self, HealthCommand.self, AnalyzeCLI.self, GenerateCommand.self,
            BenchCommand.self, QueriesCommand.self, ExportCommand.self, AlertsCommand.self, KeysCommand.self,
            GatewayCommand.self, TokensCommand.self, CollectCommand.self, ListenCommand.self, ReplayJetstreamCommand.self,
        ]
    )

    /// EARSHOT_LOG_LEVEL, or info; an unknown name is reported once and replaced by info.
    static let logLevel: Logger.Level = {
        let name = environment("EARSHOT_LOG_LEVEL", "info")
        guard let level = Logger.Level(rawValue: name.lowercased()) else {
            let known = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            printError("earshot: EARSHOT_LOG_LEVEL='\(name)' is not one of \(known); using info")
            return .info
        }
        return level
    }()

    static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, logLevel: logLevel) }
    }
}

/// swift-log's `StreamLogHandler` on standard error, its metadata formatted only when a message
/// is logged. `StreamLogHandler` formats all its metadata whenever one entry is set, and
/// Hummingbird sets a request id on every request's logger: in the gateway under load that
/// formatting cost about 1.5 % of its CPU, for messages that are almost never written.
struct StandardErrorLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata = Logger.Metadata()
    var metadataProvider = LoggingSystem.metadataProvider

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var handler = StreamLogHandler.standardError(label: label, metadataProvider: metadataProvider)
        handler.logLevel = logLevel
        handler.metadata = metadata
        handler.log(event: event)
    }
}

/// The value of environment variable `name`, or `fallback`: how every
/// service option gets its default, so compose files can configure by environment.
func environment(_ name: String, _ fallback: String) -> String {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
}

/// Integer variant of ``environment(_:_:)``.
func environment(_ name: String, _ fallback: Int) -> Int {
    number(fromEnvironment: name, fallback, Int.init)
}

/// Decimal variant of ``environment(_:_:)``.
func environment(_ name: String, _ fallback: Double) -> Double {
    number(fromEnvironment: name, fallback) { Double($0).flatMap { $0.isFinite ? $0 : nil } }
}

/// An unset or empty variable gives `fallback`; one that does not parse stops the program
/// with a clear message (a typo must not silently run with the default).
private func number<Value>(fromEnvironment name: String, _ fallback: Value, _ parse: (String) -> Value?) -> Value {
    let text = environment(name, "")
    if text.isEmpty { return fallback }
    guard let value = parse(text) else {
        printError("earshot: \(name)='\(text)' is not a number")
        exit(64)
    }
    return value
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
