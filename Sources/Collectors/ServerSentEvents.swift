/// One Server-Sent Event (the WHATWG HTML "event stream" format).
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field; "message" when the event named none.
    public var name: String
    /// The `data:` lines joined by newlines.
    public var data: String
    /// The `id:` field, if the event had one.
    public var id: String?

    public init(name: String = "message", data: String, id: String? = nil) {
        self.name = name
        self.data = data
        self.id = id
    }
}

/// What the parser found in the bytes given to it.
public enum ServerSentEventItem: Sendable, Equatable {
    /// A whole event, ended by a blank line.
    case event(ServerSentEvent)
    /// An event over the size limit, dropped whole (its bytes are not kept).
    case oversized(bytes: Int)
    /// An event that is not valid UTF-8, dropped.
    case invalidText
}

/// Splits an event stream into events as bytes arrive, in any chunks. Memory is bounded: an
/// event (or a line without an end) longer than ``maximumEventBytes`` is skipped up to the blank
/// line that ends it and reported as ``ServerSentEventItem/oversized(bytes:)``. Comment lines (the
/// keep-alive heartbeats) are ignored. An event the stream ends in the middle of is never
/// returned: a connection dropped mid-event loses only that event, which the gap fill recovers.
public struct ServerSentEventParser: Sendable {
    /// The longest event kept.
    public let maximumEventBytes: Int
    private var line: [UInt8] = []
    /// Whether the current line has any byte (kept or skipped).
    private var lineHasBytes = false
    private var eventBytes = 0
    private var skipping = false
    private var name = ""
    private var dataLines: [[UInt8]] = []
    private var id: String?
    private var invalid = false
    /// Whether the last byte seen was a CR (a following LF then belongs to the same line end).
    private var afterCarriageReturn = false

    public init(maximumEventBytes: Int = 1 << 20) {
        self.maximumEventBytes = maximumEventBytes
    }

    /// The items the bytes complete.
    public mutating func append(_ bytes: some Sequence<UInt8>) -> [ServerSentEventItem] {
        var items: [ServerSentEventItem] = []
        for byte in bytes {
            if afterCarriageReturn {
                afterCarriageReturn = false
                if byte == 0x0A { continue }
            }
            if byte == 0x0A || byte == 0x0D {
                afterCarriageReturn = byte == 0x0D
                if let item = endLine() { items.append(item) }
                continue
            }
            eventBytes += 1
            lineHasBytes = true
            if skipping { continue }
            if eventBytes > maximumEventBytes {
                skipping = true
                line = []
                dataLines = []
                continue
            }
            line.append(byte)
        }
        return items
    }

    /// Handles the line just ended; an item when it was the blank line ending an event.
    private mutating func endLine() -> ServerSentEventItem? {
        defer {
            line.removeAll(keepingCapacity: true)
            lineHasBytes = false
        }
        if !lineHasBytes {
            defer { resetEvent() }
            if skipping { return .oversized(bytes: eventBytes) }
            if invalid { return .invalidText }
            guard !dataLines.isEmpty else { return nil }
            let data = dataLines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
            return .event(ServerSentEvent(name: name.isEmpty ? "message" : name, data: data, id: id))
        }
        eventBytes += 1
        if skipping || line.first == 0x3A { return nil }
        let colon = line.firstIndex(of: 0x3A) ?? line.endIndex
        let field = line[..<colon]
        var valueStart = colon == line.endIndex ? colon : line.index(after: colon)
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        let value = Array(line[valueStart...])
        guard let text = String(validating: value, as: UTF8.self) else {
            invalid = true
            return nil
        }
        switch String(decoding: field, as: UTF8.self) {
        case "event": name = text
        case "data": dataLines.append(value)
        case "id": id = text
        default: break
        }
        return nil
    }

    private mutating func resetEvent() {
        eventBytes = 0
        skipping = false
        invalid = false
        name = ""
        dataLines = []
        id = nil
    }
}
