import Collectors
import EarshotWire
import Foundation
import Logging
import Synchronization

/// Every configured source, each on its own thread. ``apply(_:)`` starts the sources a new
/// configuration adds, restarts those it changes and stops those it removes (SIGHUP).
public final class CollectorSet: Sendable {
    private let runners = Mutex<[String: SourceRunner]>([:])
    private let makeClient: IngestClientFactory
    private let schedule: BackoffSchedule
    private let logger: Logger
    /// When the collection started (Unix ms), for posts per minute.
    public let startedAtMs = wallClockMilliseconds()

    public init(makeClient: @escaping IngestClientFactory, schedule: BackoffSchedule = BackoffSchedule(), logger: Logger) {
        self.makeClient = makeClient
        self.schedule = schedule
        self.logger = logger
    }

    /// Runs the sources of `configuration` (and only those); returns what changed, for the log.
    @discardableResult
    public func apply(_ configuration: SourcesConfiguration) -> (started: [String], stopped: [String]) {
        let stateDirectory = URL(fileURLWithPath: configuration.stateDirectory)
        var started: [String] = [], stopped: [String] = []
        runners.withLock { runners in
            let wanted = Dictionary(uniqueKeysWithValues: configuration.sources.map { ($0.name, $0) })
            for (name, runner) in runners where wanted[name] != runner.settings {
                runner.stop()
                runners[name] = nil
                stopped.append(name)
            }
            for settings in configuration.sources where runners[settings.name] == nil {
                let runner = SourceRunner(settings: settings, stateDirectory: stateDirectory, batchSize: configuration.batchSize,
                                          schedule: schedule, makeClient: makeClient, logger: logger)
                runners[settings.name] = runner
                runner.start()
                started.append(settings.name)
            }
        }
        return (started.sorted(), stopped.sorted())
    }

    /// Stops every source.
    public func stopAll() {
        runners.withLock { runners in
            for runner in runners.values { runner.stop() }
            runners = [:]
        }
    }

    /// Each source's health, by name.
    public var health: [(name: String, record: SourceHealthRecord)] {
        let current = runners.withLock { $0 }
        return current.keys.sorted().map { ($0, current[$0]!.health) }
    }

    /// The health in the Prometheus text format.
    public func metricsText() -> String {
        SourceHealthExposition.text(health, nowMs: wallClockMilliseconds(), startedAtMs: startedAtMs)
    }
}
