import CZeroMQ

/// A libzmq context: the I/O threads and the registry of sockets.
///
/// Contexts are thread-safe; sockets are not (see ``Socket``). Every socket
/// keeps its context alive, so the context is terminated only after its
/// last socket is closed.
public final class Context: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Creates a context with `ioThreads` background I/O threads.
    public init(ioThreads: Int32 = 1) throws(ZMQError) {
        guard let handle = zmq_ctx_new() else { throw ZMQError.fromErrno("zmq_ctx_new") }
        self.handle = handle
        _ = try zmqCall("zmq_ctx_set(ZMQ_IO_THREADS)") { zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) }
    }

    /// Makes every blocking call on this context's sockets return
    /// ``ZMQError/contextTerminated(operation:)``. Safe to call from any thread,
    /// for example a signal handler's dispatch queue, to stop a service.
    public func shutdown() {
        _ = zmq_ctx_shutdown(handle)
    }

    deinit {
        // zmq_ctx_term blocks until every socket is closed; sockets retain us,
        // so by now they are.
        while zmq_ctx_term(handle) == -1 && earshot_zmq_errno() == EINTR {}
    }
}
