import Foundation

/// A numeric setting of `SpikeDetectorConfig` by its command-line name, so a backtest can set
/// or sweep any of them.
public enum SpikeDetectorSetting: String, Sendable, CaseIterable {
    /// `zThreshold`.
    case zThreshold = "z-threshold"
    /// `baselineBuckets`.
    case baselineBuckets = "baseline-buckets"
    /// `minimumBaselineBuckets`.
    case minimumBaselineBuckets = "minimum-baseline-buckets"
    /// `cooldownBuckets`.
    case cooldownBuckets = "cooldown-buckets"
    /// `minimumVolume`.
    case minimumVolume = "minimum-volume"
    /// `noiseFloorFactor`.
    case noiseFloorFactor = "noise-floor-factor"
    /// `outageMinimumExpected`.
    case outageMinimumExpected = "outage-minimum-expected"
    /// `levelShiftBuckets`.
    case levelShiftBuckets = "level-shift-buckets"
    /// `burstinessHalfLifeBuckets`.
    case burstinessHalfLifeBuckets = "burstiness-half-life-buckets"
    /// `windowSpread` (0 = false, anything else = true).
    case windowSpread = "window-spread"
    /// `blockBuckets`.
    case blockBuckets = "block-buckets"
    /// `linearTrend` (0 = false, anything else = true).
    case linearTrend = "linear-trend"
    /// `weeklySeasonality` (0 = false, anything else = true).
    case weeklySeasonality = "weekly-seasonality"
    /// `cusumThreshold` (0 = off).
    case cusumThreshold = "cusum-threshold"
    /// `cusumDrift`.
    case cusumDrift = "cusum-drift"
    /// `slowBlockBuckets` (0 = off).
    case slowBlockBuckets = "slow-block-buckets"
    /// `slowBaselineBlocks`.
    case slowBaselineBlocks = "slow-baseline-blocks"
    /// `slowZThreshold`.
    case slowZThreshold = "slow-z-threshold"

    /// The setting's value in `config`.
    public func value(in config: SpikeDetectorConfig) -> Double {
        switch self {
        case .zThreshold: return config.zThreshold
        case .baselineBuckets: return Double(config.baselineBuckets)
        case .minimumBaselineBuckets: return Double(config.minimumBaselineBuckets)
        case .cooldownBuckets: return Double(config.cooldownBuckets)
        case .minimumVolume: return Double(config.minimumVolume)
        case .noiseFloorFactor: return config.noiseFloorFactor
        case .outageMinimumExpected: return config.outageMinimumExpected
        case .levelShiftBuckets: return Double(config.levelShiftBuckets)
        case .burstinessHalfLifeBuckets: return Double(config.burstinessHalfLifeBuckets)
        case .windowSpread: return config.windowSpread ? 1 : 0
        case .blockBuckets: return Double(config.blockBuckets)
        case .linearTrend: return config.linearTrend ? 1 : 0
        case .weeklySeasonality: return config.weeklySeasonality ? 1 : 0
        case .cusumThreshold: return config.cusumThreshold
        case .cusumDrift: return config.cusumDrift
        case .slowBlockBuckets: return Double(config.slowBlockBuckets)
        case .slowBaselineBlocks: return Double(config.slowBaselineBlocks)
        case .slowZThreshold: return config.slowZThreshold
        }
    }

    /// `config` with this setting at `value`. Raising `zThreshold` past the severity bands moves
    /// the bands up with it, so that a sweep stays valid; a baseline shorter than the warm-up
    /// shortens the warm-up. Check the result with `validate()`.
    public func applied(_ value: Double, to config: SpikeDetectorConfig) -> SpikeDetectorConfig {
        var config = config
        let whole = value.isFinite && abs(value) < 1e15 ? Int(value.rounded()) : Int.max
        switch self {
        case .zThreshold:
            config.zThreshold = value
            config.mediumZ = max(config.mediumZ, value)
            config.highZ = max(config.highZ, config.mediumZ)
            config.criticalZ = max(config.criticalZ, config.highZ)
        case .baselineBuckets:
            config.baselineBuckets = whole
            config.minimumBaselineBuckets = min(config.minimumBaselineBuckets, whole)
        case .minimumBaselineBuckets: config.minimumBaselineBuckets = whole
        case .cooldownBuckets: config.cooldownBuckets = whole
        case .minimumVolume: config.minimumVolume = whole
        case .noiseFloorFactor: config.noiseFloorFactor = value
        case .outageMinimumExpected: config.outageMinimumExpected = value
        case .levelShiftBuckets: config.levelShiftBuckets = whole
        case .burstinessHalfLifeBuckets: config.burstinessHalfLifeBuckets = whole
        case .windowSpread: config.windowSpread = value != 0
        case .blockBuckets: config.blockBuckets = whole
        case .linearTrend: config.linearTrend = value != 0
        case .weeklySeasonality: config.weeklySeasonality = value != 0
        case .cusumThreshold: config.cusumThreshold = value
        case .cusumDrift: config.cusumDrift = value
        case .slowBlockBuckets: config.slowBlockBuckets = whole
        case .slowBaselineBlocks: config.slowBaselineBlocks = whole
        case .slowZThreshold: config.slowZThreshold = value
        }
        return config
    }
}

extension SpikeDetectorConfig {
    /// `self` with the settings of `text` applied in order: `NAME=VALUE` pairs separated by commas,
    /// NAME a `SpikeDetectorSetting` (`z-threshold=4,block-buckets=6`), as the query service's
    /// `--alert-settings` takes them. Empty text changes nothing. Check the result with `validate()`.
    public func applying(settings text: String) throws(BacktestError) -> SpikeDetectorConfig {
        var config = self
        for assignment in text.split(separator: ",") {
            let parts = assignment.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let setting = SpikeDetectorSetting(rawValue: parts[0]) else {
                throw .badSetting("setting \"\(assignment)\": expected NAME=VALUE with NAME one of \(SpikeDetectorSetting.names)")
            }
            guard let value = Double(parts[1]), value.isFinite else {
                throw .badSetting("setting \"\(assignment)\": \"\(parts[1])\" is not a number")
            }
            config = setting.applied(value, to: config)
        }
        return config
    }
}

extension SpikeDetectorSetting {
    /// Every setting's name, comma-separated, for error messages.
    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A sweep of one setting over evenly spaced values: `z-threshold=3:6:0.5` (from 3 to 6 by 0.5),
/// or a list `cooldown-buckets=6,12,24`.
public struct SpikeDetectorSweep: Sendable, Equatable {
    /// The setting swept.
    public var setting: SpikeDetectorSetting
    /// Its values, in the order given.
    public var values: [Double]

    /// The most values a sweep may have.
    public static let maximumValues = 1_000

    /// Reads `NAME=FROM:TO:STEP` or `NAME=V1,V2,…`.
    public init(parsing text: String) throws(BacktestError) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let setting = SpikeDetectorSetting(rawValue: parts[0]) else {
            throw .badSweep("sweep \"\(text)\": expected NAME=FROM:TO:STEP or NAME=V1,V2,… with NAME one of \(SpikeDetectorSetting.names)")
        }
        let range = parts[1].split(separator: ":").map { Double($0) }
        if range.count == 3, let from = range[0], let to = range[1], let step = range[2] {
            guard step > 0, from <= to, ((to - from) / step) < Double(Self.maximumValues) else {
                throw .badSweep("sweep \"\(text)\": need FROM ≤ TO, STEP > 0 and at most \(Self.maximumValues) values")
            }
            let count = Int(((to - from) / step + 1e-9).rounded(.down)) + 1
            values = (0..<count).map { from + Double($0) * step }
        } else {
            let list = parts[1].split(separator: ",").map { Double($0) }
            guard !list.isEmpty, list.count <= Self.maximumValues, list.allSatisfy({ $0 != nil }) else {
                throw .badSweep("sweep \"\(text)\": cannot read \"\(parts[1])\" as FROM:TO:STEP or a list of numbers")
            }
            values = list.compactMap { $0 }
        }
        self.setting = setting
    }
}
