import EarshotSecurity
import EarshotWire
import ServiceRuntime
import ZeroMQ

/// The stable middle of the pipeline: enrich workers push here, score workers
/// pull from here, so both sides can scale by only connecting (the zguide's
/// "streamer" device). Frames are forwarded untouched; a full score side
/// stops the relay reading, which pushes back on enrich.
enum Relay {
    static func run(inEndpoint: String, outEndpoint: String, seal: DispatchSeal?, service: ServiceContext) throws {
        let input = try PipelineSocket.open(.pull, context: service.zmq, highWaterMark: 16)
        let output = try PipelineSocket.open(.push, context: service.zmq, highWaterMark: 4)
        try service.bind(input, inEndpoint, as: .pipeline)
        try service.bind(output, outEndpoint, as: .pipeline)
        var poller = Poller()
        let inputIndex = poller.add(input)
        let outputIndex = poller.add(output)
        service.logger.info("relay listening", metadata: ["in": "\(inEndpoint)", "out": "\(outEndpoint)"])
        // Hold at most one message: read only when the last one went out, so a
        // full score side stops the relay reading and pushes back on enrich.
        var held: [[UInt8]]?
        do {
            while !service.shutdown.isRequested {
                poller.setEvents(held == nil ? .readable : [], at: inputIndex)
                poller.setEvents(held == nil ? [] : .writable, at: outputIndex)
                try poller.poll(timeoutMilliseconds: 100)
                if held == nil, let frames = try input.receive(wait: false) {
                    held = isSealed(frames, seal: seal, service: service) ? frames : nil
                }
                if let frames = held, try output.send(frames, wait: false) {
                    held = nil
                    service.metrics.increment("earshot_relay_batches_total", help: "Batches forwarded from enrich to score")
                }
            }
        } catch .contextTerminated {
            return
        }
    }

    /// Whether an enriched batch carries the seal ingest put on it when dispatching
    /// (always true when insecure); a batch ingest never sent is counted and dropped.
    private static func isSealed(_ frames: [[UInt8]], seal: DispatchSeal?, service: ServiceContext) -> Bool {
        guard let seal else { return true }
        guard let last = frames.last, seal.verifies(encodedBatch: last) else {
            service.reportRejected("earshot_relay_rejected_total", help: "Enriched batches dropped: undecodable, or not dispatched by ingest (bad seal)",
                                   reason: "enriched batch without a valid dispatch seal", metadata: ["bytes": "\(frames.last?.count ?? 0)"])
            return false
        }
        return true
    }
}
