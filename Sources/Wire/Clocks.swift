#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanoseconds on a monotonic clock (for timing work).
public func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// Milliseconds on a monotonic clock (for deadlines and latencies).
public func monotonicMilliseconds() -> Int64 {
    monotonicNanoseconds() / 1_000_000
}

/// Microseconds since the Unix epoch on the wall clock (Jetstream's `time_us`).
public func wallClockMicroseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
}

/// Milliseconds since the Unix epoch on the wall clock (deadlines on the wire).
public func wallClockMilliseconds() -> Int64 {
    wallClockMicroseconds() / 1_000
}
