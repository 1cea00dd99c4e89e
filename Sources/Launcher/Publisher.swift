import EarshotRPC
import EarshotWire
import Foundation

/// Publishes posts to ingest in batches, waiting and retrying while ingest
/// pushes back (RESOURCE_EXHAUSTED: backlog full) or is briefly unavailable.
public struct Publisher {
    public let client: RPCClient
    public let batchSize: Int

    public init(client: RPCClient, batchSize: Int = 500) {
        self.client = client
        self.batchSize = batchSize
    }

    /// Publishes one batch; returns (accepted, duplicates).
    public func publish(_ posts: [Post], maxAttempts: Int = 120) throws(RPCError) -> (accepted: Int, duplicates: Int) {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try client.call(IngestMethod.publishBatch, PublishBatchRequest(posts: posts), as: PublishBatchResponse.self, timeoutMilliseconds: 30_000)
                return (Int(response.accepted), Int(response.duplicates))
            } catch where [.resourceExhausted, .unavailable, .deadlineExceeded].contains(error.code) && attempt < maxAttempts {
                Thread.sleep(forTimeInterval: min(2.0, 0.05 * Double(attempt)))
            }
        }
    }
}
