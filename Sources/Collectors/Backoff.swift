import Foundation

/// How long a source waits before reconnecting: exponential in the number of failures in a
/// row, with random jitter so that many collectors restarted together do not reconnect in step,
/// and never less than what the server asked for with `Retry-After`.
public struct BackoffSchedule: Sendable, Equatable {
    /// The wait after the first failure, before jitter.
    public var initialSeconds: Double
    /// The longest wait, before jitter.
    public var maximumSeconds: Double
    /// The factor the wait grows by per further failure.
    public var multiplier: Double
    /// The fraction of the wait that is random: 0.5 waits between half and all of it.
    public var jitter: Double

    public init(initialSeconds: Double = 1, maximumSeconds: Double = 300, multiplier: Double = 2, jitter: Double = 0.5) {
        self.initialSeconds = initialSeconds
        self.maximumSeconds = maximumSeconds
        self.multiplier = multiplier
        self.jitter = min(1, max(0, jitter))
    }

    /// The wait after `failures` failures in a row (1 for the first), `random` a number in
    /// [0, 1) that picks the point in the jitter range, and `retryAfterSeconds` the server's
    /// `Retry-After` if it sent one (honoured even above ``maximumSeconds``).
    public func delaySeconds(afterFailures failures: Int, random: Double, retryAfterSeconds: Double? = nil) -> Double {
        let exponent = Double(max(0, failures - 1))
        let base = min(maximumSeconds, initialSeconds * pow(multiplier, min(exponent, 64)))
        let jittered = base * (1 - jitter * min(1, max(0, random)))
        return max(jittered, retryAfterSeconds ?? 0)
    }
}

/// The `Retry-After` header: seconds, or an HTTP date (RFC 9110 section 10.2.3).
public enum RetryAfter {
    /// The seconds to wait from `now`, nil when the header is neither form; a date in the past is 0.
    public static func seconds(_ header: String, now: Date) -> Double? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(text) { return seconds >= 0 ? Double(seconds) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
