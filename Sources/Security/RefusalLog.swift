/// Rate limit for logging refused connections, so a client retrying with a
/// bad key (or a scan) cannot flood the log: each fingerprint is logged at
/// most once per ``perKeyIntervalMs``, and at most ``burst`` lines per
/// ``windowMs`` in all. Pure: times are passed in.
public struct RefusalLog: Sendable {
    public static let perKeyIntervalMs: Int64 = 10_000
    public static let windowMs: Int64 = 60_000
    public static let burst = 20
    /// Keys remembered at most; the oldest are forgotten first.
    static let rememberedKeys = 1_024

    private var lastLogged: [String: Int64] = [:]
    private var windowStart: Int64?
    private var linesInWindow = 0
    private var suppressed = 0

    public init() {}

    /// Whether to log a refusal of `fingerprint` now: nil to stay silent, else
    /// how many refusals went unlogged since the last line.
    public mutating func shouldLog(fingerprint: String, nowMs: Int64) -> Int? {
        if windowStart.map({ nowMs - $0 >= Self.windowMs }) ?? true {
            windowStart = nowMs
            linesInWindow = 0
        }
        let loggedRecently = lastLogged[fingerprint].map { nowMs - $0 < Self.perKeyIntervalMs } ?? false
        if loggedRecently || linesInWindow >= Self.burst {
            suppressed += 1
            return nil
        }
        if lastLogged.count >= Self.rememberedKeys, let oldest = lastLogged.min(by: { $0.value < $1.value })?.key {
            lastLogged.removeValue(forKey: oldest)
        }
        lastLogged[fingerprint] = nowMs
        linesInWindow += 1
        defer { suppressed = 0 }
        return suppressed
    }
}
