import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation

/// `earshot ask sources`: is every source still delivering?
struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources", abstract: "Per-source health from ingest: last post, rate, duplicates, rejected, silent sources, and the collectors' connections.")
    @OptionGroup var endpoints: EndpointOptions
    @Flag(help: "Print JSON") var json = false

    func run() throws {
        let response = try call(endpoints.ingest, SourcesMethod.list, ListSourcesRequest(), as: ListSourcesResponse.self,
                                timeoutMs: endpoints.timeoutMs)
        if json {
            print(ProtoJSON.encode(response))
            return
        }
        print(table(["source", "status", "last post (UTC)", "quiet for", "usual gap", "posts/min", "accepted", "duplicates", "rejected"],
                    response.sources.map { health in
            [health.source, health.silent ? "SILENT" : "ok", health.lastSeenMs > 0 ? formatTime(health.lastSeenMs) : "-",
             duration(Double(health.silentForMs)), health.usualGapMs > 0 ? duration(health.usualGapMs) : "-",
             String(format: "%.1f", health.postsPerMinute), "\(health.accepted)", "\(health.duplicates)", "\(health.rejected)"]
        }))
        print(String(format: "\nsilent = quiet for more than %.1f × the usual gap and at least %@", response.silenceFactor,
                     duration(Double(response.silenceFloorMs))))
        let collected = response.sources.filter { !$0.collectorState.isEmpty }
        guard !collected.isEmpty else { return }
        print()
        print(table(["source", "collector", "reconnects", "cursor saved (UTC)", "reported (UTC)", "last error"], collected.map { health in
            [health.source, health.collectorState, "\(health.collectorReconnects)",
             health.collectorCursorAcknowledgedAtMs > 0 ? formatTime(health.collectorCursorAcknowledgedAtMs) : "-",
             formatTime(health.collectorReportedMs), health.collectorLastError.isEmpty ? "-" : String(health.collectorLastError.prefix(120))]
        }))
    }
}

/// Milliseconds for people: 850ms, 42s, 7m, 3h.
private func duration(_ milliseconds: Double) -> String {
    switch milliseconds {
    case ..<1_000: return "\(Int(milliseconds))ms"
    case ..<120_000: return "\(Int(milliseconds / 1_000))s"
    case ..<7_200_000: return "\(Int(milliseconds / 60_000))m"
    default: return "\(Int(milliseconds / 3_600_000))h"
    }
}
