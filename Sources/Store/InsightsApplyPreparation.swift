/// The per-post work of `PostStore.apply` that needs no database: each post's lowercased
/// search text and author handle, computed before the write transaction starts (on all
/// cores for big batches) so the transaction holds the write lock briefly.
struct PreparedPosts {
    /// Lowercased text of each post, in input order.
    let searchTexts: [String]
    /// Lowercased author handle of each post, in input order.
    let handles: [String]

    init(_ posts: [ScoredPost]) {
        let lowered = chunkedMap(posts) { (post: ScoredPost) in (post.text.storeLowercased, post.authorHandle.storeLowercased) }
        searchTexts = lowered.map(\.0)
        handles = lowered.map(\.1)
    }
}

extension String {
    /// `lowercased()`, with ASCII lowered byte by byte instead of through the Unicode tables:
    /// the same result, since `lowercased()` maps each scalar on its own.
    public var storeLowercased: String {
        var text = self
        let ascii: String? = text.withUTF8 { bytes in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count) { output in
                for (index, byte) in bytes.enumerated() { output[index] = Self.asciiLowercased(byte) }
                return bytes.count
            }
        }
        if let ascii { return ascii }
        var lowered: [UInt8] = []
        lowered.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            if scalar.isASCII {
                lowered.append(Self.asciiLowercased(UInt8(scalar.value)))
            } else {
                lowered.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            }
        }
        return String(decoding: lowered, as: UTF8.self)
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
}
