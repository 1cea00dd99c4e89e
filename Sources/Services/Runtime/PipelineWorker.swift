import EarshotRPC
import EarshotWire
import ZeroMQ

/// The loop shared by the scalable stages (enrich, score): pull a batch from
/// the stable upstream endpoint, transform it, push it to the stable
/// downstream endpoint. Workers only connect, so starting more processes (or
/// threads) shares the work with no configuration change.
public struct PipelineWorker: Sendable {
    public var pullEndpoint: String
    public var pushEndpoint: String
    /// The key names of the services behind the two endpoints (CURVE server keys).
    public var pullServer: String
    public var pushServer: String
    /// Worker threads in this process, each with its own pair of sockets.
    public var threads: Int
    /// Turns an incoming batch into the outgoing one; pure, runs on worker threads.
    public var transform: @Sendable (inout PipelineBatch) -> Void

    public init(pull: (endpoint: String, server: String), push: (endpoint: String, server: String), threads: Int,
                transform: @escaping @Sendable (inout PipelineBatch) -> Void) {
        pullEndpoint = pull.endpoint
        pullServer = pull.server
        pushEndpoint = push.endpoint
        pushServer = push.server
        self.threads = max(1, threads)
        self.transform = transform
    }

    /// Runs until shutdown, then finishes what was already received and returns.
    public func run(service: ServiceContext) {
        let workers = (0..<threads).map { index in
            ServiceThread(name: "\(service.serviceName)-\(index)") { [self] in
                do {
                    try loop(service: service)
                } catch {
                    service.logger.critical("worker thread stopped", metadata: ["error": "\(error)"])
                    service.shutdown.requestAfterFailure()
                }
            }
        }
        service.logger.info("\(service.serviceName) worker running", metadata: [
            "pull": "\(pullEndpoint)", "push": "\(pushEndpoint)", "threads": "\(threads)",
        ])
        for worker in workers { worker.join() }
    }

    private func loop(service: ServiceContext) throws {
        // Small high-water marks: a worker holds few batches, so the others
        // get their share and a killed worker strands little work.
        let input = try PipelineSocket.open(.pull, context: service.zmq, highWaterMark: 1)
        let output = try PipelineSocket.open(.push, context: service.zmq, highWaterMark: 2, lingerMilliseconds: 5_000)
        try output.set(.sendTimeout(100))
        try service.connect(input, pullEndpoint, server: pullServer)
        try service.connect(output, pushEndpoint, server: pushServer)
        var poller = Poller()
        poller.add(input)
        do {
            while !service.shutdown.isRequested {
                guard try poller.poll(timeoutMilliseconds: 100) > 0, let frames = try input.receive(wait: false) else { continue }
                try process(frames, output: output, service: service)
            }
            // Drain: stop receiving new work, finish what is already here.
            try input.disconnect(pullEndpoint)
            while let frames = try input.receive(wait: false) {
                try process(frames, output: output, service: service)
            }
        } catch ZMQError.contextTerminated {}
    }

    private func process(_ frames: [[UInt8]], output: Socket, service: ServiceContext) throws(ZMQError) {
        let started = monotonicNanoseconds()
        guard let last = frames.last, var batch = try? PipelineBatch(serializedBytes: last) else {
            service.reportRejected("earshot_worker_rejected_total", help: "Undecodable pipeline messages dropped",
                                   reason: "undecodable pipeline batch", metadata: ["bytes": "\(frames.last?.count ?? 0)"])
            return
        }
        service.metrics.increment("earshot_worker_received_total", by: Double(batch.posts.count), help: "Posts received")
        transform(&batch)
        let bytes: [UInt8]
        do { bytes = try batch.serializedBytes() } catch {
            service.logger.error("cannot encode a batch", metadata: ["error": "\(error)"])
            return
        }
        // Blocking send in 100 ms slices: a full downstream pushes back on us.
        // On shutdown the batch is kept trying for the LINGER-like grace below.
        var attempts = 0
        while true {
            do {
                try output.send(bytes)
                break
            } catch .wouldBlock {
                attempts += 1
                if service.shutdown.isRequested && attempts > 50 {
                    service.logger.warning("downstream unavailable at shutdown; ingest will redeliver", metadata: ["posts": "\(batch.posts.count)"])
                    return
                }
            }
        }
        service.metrics.increment("earshot_worker_processed_total", by: Double(batch.posts.count), help: "Posts processed and passed on")
        let elapsed = Double(monotonicNanoseconds() - started)
        service.metrics.increment("earshot_worker_processing_seconds_total", by: elapsed / 1e9, help: "Time spent processing")
        service.metrics.observe("earshot_worker_batch_ms", elapsed / 1e6, help: "Milliseconds to process and pass on one batch")
    }
}
