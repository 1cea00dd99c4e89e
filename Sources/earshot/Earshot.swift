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
              ingest, enrich, score, query
            Every option of a service can also be set by the environment variable shown in its help.
            """,
        subcommands: [
            DemoCommand.self, IngestCommand.self, EnrichCommand.self, ScoreCommand.self, QueryCommand.self,
            ImportCommand.self, AskCommand.self, HealthCommand.self, AnalyzeCLI.self, GenerateCommand.self,
            BenchCommand.self, QueriesCommand.self, ExportCommand.self, AlertsCommand.self,
        ]
    )

    static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["EARSHOT_LOG_LEVEL"] ?? "info") ?? .info
            return handler
        }
    }
}

/// The value of environment variable `name`, or `fallback`: how every
/// service option gets its default, so compose files can configure by environment.
func environment(_ name: String, _ fallback: String) -> String {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
}

/// Integer variant of ``environment(_:_:)``.
func environment(_ name: String, _ fallback: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
