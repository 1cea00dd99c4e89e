/// Splits a byte stream, handed over in chunks, into lines, holding at most one line in memory.
///
/// A line ends at "\n" (a "\r" before it is dropped); a last line without a newline is still a
/// line once the stream has ended. A line longer than ``maximumLineBytes`` is not kept: its
/// bytes are dropped as they come and it is reported as ``Line/tooLong(bytes:)``, so one
/// runaway line (a binary file, a missing newline) cannot take all memory. Each byte is looked
/// at once, however the stream is cut into chunks.
public struct LineSplitter: Sendable {
    /// One line of the stream.
    public enum Line: Sendable, Equatable {
        /// The line's bytes, without its line ending.
        case text(ArraySlice<UInt8>)
        /// A line over the limit, with how many bytes it had (its line ending not counted).
        case tooLong(bytes: Int)
    }

    /// Lines longer than this are reported as ``Line/tooLong(bytes:)`` instead of being kept.
    public let maximumLineBytes: Int
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`.
    private var start = 0
    /// How far `buffer` is known to hold no newline (from `start` on).
    private var scanned = 0
    /// Bytes of an over-long line dropped so far; nil while the current line is within the limit.
    private var droppedBytes: Int?
    /// Whether the last byte dropped was "\r" (it may be the line's ending, cut from its "\n").
    private var droppedCarriageReturn = false

    /// A splitter that keeps lines of up to `maximumLineBytes` bytes.
    public init(maximumLineBytes: Int) {
        precondition(maximumLineBytes > 0, "maximumLineBytes must be positive")
        self.maximumLineBytes = maximumLineBytes
    }

    /// Why a line of `bytes` bytes was not read with a limit of `limit`, for rejections and error lines.
    public static func tooLongReason(bytes: Int, limit: Int) -> String {
        "line of \(bytes) bytes is longer than the \(limit)-byte limit"
    }

    /// Bytes held: the unread rest of the stream that may still be part of a kept line.
    var bufferedBytes: Int { buffer.count }

    /// Adds the next chunk of the stream. Call ``nextLine(atEnd:)`` until it returns nil before
    /// adding more, so that consumed lines are released.
    public mutating func append(_ chunk: some Collection<UInt8>) {
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: chunk)
    }

    /// The next complete line, or nil when more input is needed; with `atEnd` (the stream has
    /// ended) an unterminated last line is returned too, and nil means no lines are left.
    public mutating func nextLine(atEnd: Bool) -> Line? {
        if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
            defer {
                start = newline + 1
                scanned = start
                droppedBytes = nil
            }
            if let dropped = droppedBytes {
                let endsWithCarriageReturn = newline > start ? buffer[newline - 1] == UInt8(ascii: "\r") : droppedCarriageReturn
                return .tooLong(bytes: dropped + newline - start - (endsWithCarriageReturn ? 1 : 0))
            }
            var line = buffer[start..<newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            return line.count > maximumLineBytes ? .tooLong(bytes: line.count) : .text(line)
        }
        scanned = buffer.count
        // A trailing "\r" may be the first half of the line ending: it does not count yet.
        let pendingBytes = buffer.count - start - (buffer.last == UInt8(ascii: "\r") ? 1 : 0)
        if pendingBytes > maximumLineBytes || (droppedBytes != nil && buffer.count > start) {
            // Over the limit and still no newline: forget the bytes, remember how many.
            droppedBytes = (droppedBytes ?? 0) + buffer.count - start
            droppedCarriageReturn = buffer.last == UInt8(ascii: "\r")
            buffer.removeAll(keepingCapacity: true)
            start = 0
            scanned = 0
        }
        guard atEnd else { return nil }
        defer {
            start = buffer.count
            scanned = start
            droppedBytes = nil
        }
        if let dropped = droppedBytes { return .tooLong(bytes: dropped + buffer.count - start) }
        return start < buffer.count ? .text(buffer[start...]) : nil
    }
}
