import CZeroMQ

/// Readiness a poll waits for or reports.
public struct PollEvents: OptionSet, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }
    public static let readable = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    public static let writable = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
}

/// Waits on several sockets of one thread at once (`zmq_poll`).
public struct Poller {
    private var sockets: [Socket] = []
    private var items: [zmq_pollitem_t] = []

    public init() {}

    /// Adds `socket`, waiting for `events`; returns its index for ``isReady(_:_:)``.
    @discardableResult
    public mutating func add(_ socket: Socket, events: PollEvents = .readable) -> Int {
        sockets.append(socket)
        items.append(zmq_pollitem_t(socket: socket.handle, fd: 0, events: events.rawValue, revents: 0))
        return items.count - 1
    }

    /// Adds a file descriptor (a pipe's read end, say) waiting to be readable; returns its index for
    /// ``isReady(_:_:)``. The descriptor stays the caller's to read and close.
    @discardableResult
    public mutating func add(descriptor: Int32) -> Int {
        items.append(zmq_pollitem_t(socket: nil, fd: descriptor, events: PollEvents.readable.rawValue, revents: 0))
        return items.count - 1
    }

    /// Changes what the socket at `index` waits for (e.g. writable only while there is work).
    public mutating func setEvents(_ events: PollEvents, at index: Int) {
        items[index].events = events.rawValue
    }

    /// Waits up to `timeoutMilliseconds` (-1 = forever) and returns how many
    /// sockets are ready. A signal interrupting the wait returns 0.
    @discardableResult
    public mutating func poll(timeoutMilliseconds: Int) throws(ZMQError) -> Int {
        let count = items.count
        let result = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32(count), timeoutMilliseconds) }
        if result == -1 {
            if earshot_zmq_errno() == EINTR { return 0 }
            throw ZMQError.fromErrno("zmq_poll")
        }
        return Int(result)
    }

    /// Whether the socket at `index` reported `events` in the last poll.
    public func isReady(_ index: Int, _ events: PollEvents = .readable) -> Bool {
        items[index].revents & events.rawValue != 0
    }
}
