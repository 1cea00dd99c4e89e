import Foundation
import EarshotWire
import Synchronization

/// Counters and gauges of one process, safe to update from any thread,
/// served by the Stats RPC (and in Prometheus text format).
public final class MetricsRegistry: Sendable {
    private struct Entry { var value: Double; var help: String; var isCounter: Bool }
    private struct Histogram { var counts: [Double]; var sum = 0.0; var help: String }
    private let entries = Mutex<[String: Entry]>([:])
    private let histograms = Mutex<[String: Histogram]>([:])

    /// Upper bounds of every histogram's buckets (milliseconds for latencies).
    public static let histogramBounds: [Double] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000]

    public init() {}

    /// Adds `amount` to the counter `name` (created at 0 on first use).
    public func increment(_ name: String, by amount: Double = 1, help: String = "") {
        entries.withLock { entries in
            entries[name, default: Entry(value: 0, help: help, isCounter: true)].value += amount
        }
    }

    /// Sets the gauge `name`.
    public func set(_ name: String, _ value: Double, help: String = "") {
        entries.withLock { entries in
            entries[name, default: Entry(value: 0, help: help, isCounter: false)].value = value
        }
    }

    /// Records one observation in the histogram `name`.
    public func observe(_ name: String, _ value: Double, help: String = "") {
        observe(name, CollectionOfOne(value), help: help)
    }

    /// Records several observations in the histogram `name`, taking the lock once.
    public func observe(_ name: String, _ values: some Sequence<Double>, help: String = "") {
        histograms.withLock { histograms in
            let empty = Histogram(counts: Array(repeating: 0, count: Self.histogramBounds.count + 1), help: help)
            for value in values {
                let bucket = Self.histogramBounds.firstIndex { value <= $0 } ?? Self.histogramBounds.count
                // Mutated in place (no copy of the counts per observation).
                histograms[name, default: empty].counts[bucket] += 1
                histograms[name, default: empty].sum += value
            }
        }
    }

    /// Histograms as Prometheus names them: `<name>_bucket{le="…"}` (cumulative), `_sum`, `_count`.
    private func histogramSeries() -> [(name: String, value: Double, help: String, base: String)] {
        histograms.withLock { histograms in
            histograms.keys.sorted().flatMap { name -> [(name: String, value: Double, help: String, base: String)] in
                let histogram = histograms[name]!
                var cumulative = 0.0
                var series: [(name: String, value: Double, help: String, base: String)] = []
                for (index, count) in histogram.counts.enumerated() {
                    cumulative += count
                    let bound = index < Self.histogramBounds.count ? String(format: "%g", Self.histogramBounds[index]) : "+Inf"
                    series.append(("\(name)_bucket{le=\"\(bound)\"}", cumulative, histogram.help, name))
                }
                series.append(("\(name)_sum", histogram.sum, histogram.help, name))
                series.append(("\(name)_count", cumulative, histogram.help, name))
                return series
            }
        }
    }

    /// The current value of `name`, 0 if never set.
    public func value(_ name: String) -> Double {
        entries.withLock { $0[name]?.value ?? 0 }
    }

    /// Every metric, sorted by name, as the Stats RPC reports it.
    public func snapshot() -> [Metric] {
        let histogramMetrics = histogramSeries().map { series in
            var metric = Metric()
            metric.name = series.name
            metric.value = series.value
            metric.help = series.help
            return metric
        }
        return histogramMetrics + entries.withLock { entries in
            entries.keys.sorted().map { name in
                var metric = Metric()
                metric.name = name
                metric.value = entries[name]!.value
                metric.help = entries[name]!.help
                return metric
            }
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        var text = ""
        var lastBase = ""
        for series in histogramSeries() {
            if series.base != lastBase {
                lastBase = series.base
                if !series.help.isEmpty { text += "# HELP \(series.base) \(series.help)\n" }
                text += "# TYPE \(series.base) histogram\n"
            }
            text += "\(series.name) \(series.value)\n"
        }
        return entries.withLock { entries in
            for name in entries.keys.sorted() {
                let entry = entries[name]!
                if !entry.help.isEmpty { text += "# HELP \(name) \(entry.help)\n" }
                text += "# TYPE \(name) \(entry.isCounter ? "counter" : "gauge")\n"
                text += "\(name) \(entry.value)\n"
            }
            return text
        }
    }
}
