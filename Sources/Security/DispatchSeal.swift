import CSodium
import EarshotWire

/// The MAC with which ingest seals every batch it dispatches, so that the
/// query service stores only posts ingest really sent (HMAC-SHA-512/256,
/// libsodium's `crypto_auth`, over each post's delivery seq, id and ingest time).
///
/// Workers re-encode batches, so the MAC covers the fields they keep as
/// they are, not the bytes. The key is shared by ingest and query only
/// (`pipeline.mac` in the keys folder).
public struct DispatchSeal: Sendable {
    /// One sealed post: what ingest assigned to it.
    public struct Item: Sendable, Equatable {
        public var deliverySeq: UInt64
        public var postID: String
        public var ingestedAtMs: Int64

        public init(deliverySeq: UInt64, postID: String, ingestedAtMs: Int64) {
            self.deliverySeq = deliverySeq
            self.postID = postID
            self.ingestedAtMs = ingestedAtMs
        }
    }

    /// Bytes of a key.
    public static let keyBytes = Int(crypto_auth_KEYBYTES)
    private let key: [UInt8]

    /// A seal with `key` (``keyBytes`` long); nil for a key of another length.
    public init?(key: [UInt8]) {
        guard key.count == Self.keyBytes else { return nil }
        self.key = key
    }

    /// A fresh random key.
    public static func generateKey() -> [UInt8] {
        _ = sodium_init()  // idempotent; picks the random source
        var key = [UInt8](repeating: 0, count: keyBytes)
        crypto_auth_keygen(&key)
        return key
    }

    /// The MAC of a batch of `items`.
    public func tag(_ items: [Item]) -> [UInt8] {
        let message = Self.message(items)
        var tag = [UInt8](repeating: 0, count: Int(crypto_auth_BYTES))
        _ = crypto_auth(&tag, message, UInt64(message.count), key)
        return tag
    }

    /// Whether `tag` is the MAC of `items` (compared in constant time).
    public func verify(_ tag: [UInt8], _ items: [Item]) -> Bool {
        guard tag.count == Int(crypto_auth_BYTES) else { return false }
        let message = Self.message(items)
        return crypto_auth_verify(tag, message, UInt64(message.count), key) == 0
    }

    /// The seal of `batch` (its posts as ingest dispatched them).
    public func tag(_ batch: PipelineBatch) -> [UInt8] { tag(Self.items(of: batch)) }

    /// Whether `batch` carries a valid seal: ingest dispatched exactly these posts.
    public func verifies(_ batch: PipelineBatch) -> Bool { verify(batch.dispatchSeal, Self.items(of: batch)) }

    /// Whether the encoded `PipelineBatch` `bytes` carries a valid seal, read in place
    /// (``WireSplice/sealedFields(ofPipelineBatch:)``): what the relay checks, without
    /// decoding the posts it forwards untouched.
    public func verifies(encodedBatch bytes: [UInt8]) -> Bool {
        guard let (items, seal) = WireSplice.sealedFields(ofPipelineBatch: bytes), seal.count == Int(crypto_auth_BYTES) else { return false }
        var message: [UInt8] = []
        message.reserveCapacity(items.reduce(0) { $0 + 20 + $1.postID.count })
        for item in items { Self.append(deliverySeq: item.deliverySeq, ingestedAtMs: item.ingestedAtMs, postID: item.postID, to: &message) }
        return crypto_auth_verify(Array(seal), message, UInt64(message.count), key) == 0
    }

    /// The items a batch's seal covers.
    static func items(of batch: PipelineBatch) -> [Item] {
        batch.posts.map { Item(deliverySeq: $0.deliverySeq, postID: $0.post.id, ingestedAtMs: $0.ingestedAtMs) }
    }

    /// Each item as seq (8 bytes), ingest time (8 bytes), id length (4 bytes) and id, little-endian.
    private static func message(_ items: [Item]) -> [UInt8] {
        var bytes: [UInt8] = []
        for item in items { append(deliverySeq: item.deliverySeq, ingestedAtMs: item.ingestedAtMs, postID: item.postID.utf8, to: &bytes) }
        return bytes
    }

    private static func append(deliverySeq: UInt64, ingestedAtMs: Int64, postID: some Collection<UInt8>, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: deliverySeq.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: ingestedAtMs.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt32(clamping: postID.count).littleEndian) { bytes += $0 }
        bytes += postID
    }
}
