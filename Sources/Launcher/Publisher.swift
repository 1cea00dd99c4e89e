import EarshotRPC
import EarshotWire
import Foundation

/// Publishes posts to ingest in batches, waiting and retrying while ingest
/// pushes back (RESOURCE_EXHAUSTED: backlog full) or is briefly unavailable.
public struct Publisher {
    public let client: RPCClient
    /// Deadline of one PublishBatch call.
    public let timeoutMilliseconds: Int64

    public init(client: RPCClient, timeoutMilliseconds: Int64 = 30_000) {
        self.client = client
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    /// Publishes one batch; returns (accepted, duplicates). The batch is encoded once; one over
    /// the RPC payload limit fails at once with INVALID_ARGUMENT instead of being retried.
    public func publish(_ posts: [Post], maxAttempts: Int = 120) throws(RPCError) -> (accepted: Int, duplicates: Int) {
        let payload: [UInt8]
        do { payload = try PublishBatchRequest(posts: posts).serializedBytes() } catch {
            throw RPCError(.internal, "cannot encode a batch of \(posts.count) posts: \(error)")
        }
        let limit = RPCServerConfiguration.defaultMaxPayloadBytes
        guard payload.count <= limit else {
            throw .invalidArgument("a batch of \(posts.count) posts is \(payload.count) bytes, over ingest's limit of \(limit); publish fewer posts per batch")
        }
        var attempt = 0
        while true {
            attempt += 1
            let bytes: [UInt8]
            do {
                bytes = try client.callRaw(IngestMethod.publishBatch, payload: payload, timeoutMilliseconds: timeoutMilliseconds)
            } catch where [.resourceExhausted, .unavailable, .deadlineExceeded].contains(error.code) && attempt < maxAttempts {
                Thread.sleep(forTimeInterval: min(2.0, 0.05 * Double(attempt)))
                continue
            }
            do {
                let response = try PublishBatchResponse(serializedBytes: bytes)
                return (Int(response.accepted), Int(response.duplicates))
            } catch {
                throw RPCError(.internal, "cannot decode PublishBatchResponse: \(error)")
            }
        }
    }
}
