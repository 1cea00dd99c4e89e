/// When collection was silent, in data time, from the sources' health (the ingest service's
/// `Sources/List`): a silent source sends nothing after its newest post, so a bucket from that
/// post's time on may be short of posts for want of collection, not of conversation. Such a bucket
/// is judged with `SpikeDetector.judge(_:collectionSilent:)`.
///
/// A source silent for longer than `limitMs` (a feed that was retired) stops counting: its absence
/// becomes the new normal, which the baseline then learns.
public struct CollectionSilence: Sendable, Equatable {
    /// The silent spans: from each silent source's newest post, `limitMs` long.
    public private(set) var spans: [Range<Int64>]

    /// The spans of the sources now silent, given the creation time (Unix ms) of each one's
    /// newest post.
    public init(newestPostOfSilentSources: [Int64], limitMs: Int64) {
        spans = newestPostOfSilentSources.map { $0..<($0 + max(0, limitMs)) }
    }

    /// Whether the bucket `[bucketStart, bucketStart + widthMs)` overlaps a silent span.
    public func covers(bucketStart: Int64, widthMs: Int64) -> Bool {
        spans.contains { $0.overlaps(bucketStart..<(bucketStart + widthMs)) }
    }
}
