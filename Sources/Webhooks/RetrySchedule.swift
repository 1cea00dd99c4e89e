/// When a failed delivery is tried again: exponential back-off from ``firstDelaySeconds``,
/// doubling per attempt up to ``maxDelaySeconds``, with "equal jitter" (each delay is drawn
/// from its upper half, so receivers that fail together do not retry together), until
/// ``windowSeconds`` after the delivery was queued (24 h); then the delivery has failed.
public struct RetrySchedule: Sendable, Equatable {
    public var firstDelaySeconds: Double
    public var maxDelaySeconds: Double
    public var windowSeconds: Double

    /// 10 s, 20 s, 40 s, … up to 1 h between attempts, for 24 h.
    public static let standard = RetrySchedule(firstDelaySeconds: 10, maxDelaySeconds: 3_600, windowSeconds: 86_400)

    public init(firstDelaySeconds: Double, maxDelaySeconds: Double, windowSeconds: Double) {
        self.firstDelaySeconds = firstDelaySeconds
        self.maxDelaySeconds = maxDelaySeconds
        self.windowSeconds = windowSeconds
    }

    /// The delay after failed attempt number `attempt` (1 = the first), for `random` in 0..<1:
    /// between half and all of `min(first × 2^(attempt-1), max)`.
    public func delaySeconds(afterAttempt attempt: Int, random: Double) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        let ceiling = min(firstDelaySeconds * pow2(exponent), maxDelaySeconds)
        return ceiling / 2 + ceiling / 2 * min(max(random, 0), 1)
    }

    /// When to try again after failed attempt `attempt` of a delivery queued at `queuedMs`,
    /// failing at `nowMs`; nil when that would be past the window (the delivery has failed).
    public func nextAttemptMs(queuedMs: Int64, attempt: Int, nowMs: Int64, random: Double) -> Int64? {
        let next = nowMs + Int64(delaySeconds(afterAttempt: attempt, random: random) * 1_000)
        return next <= queuedMs + Int64(windowSeconds * 1_000) ? next : nil
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        for _ in 0..<Int(exponent) { value *= 2; if value > 1e18 { break } }
        return value
    }
}
