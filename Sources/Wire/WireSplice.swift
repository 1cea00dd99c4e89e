/// Zero-copy work on protobuf wire format, for the hot path of ingest: the
/// journal keeps each post as its encoded `Post` bytes, and these helpers
/// cut those bytes out of a `PublishBatchRequest` and wrap them into a
/// `PipelineBatch` without decoding and re-encoding every post. Both follow
/// the protobuf encoding rules (varints, length-delimited fields); the tests
/// check them against the generated codec.
public enum WireSplice {
    /// One post for ``pipelineBatch(_:)``: its journal data and encoded `Post`.
    public struct Item {
        public var deliverySeq: UInt64
        public var post: [UInt8]
        public var ingestedAtMs: Int64
        public var deliveryAttempt: UInt32

        public init(deliverySeq: UInt64, post: [UInt8], ingestedAtMs: Int64, deliveryAttempt: UInt32) {
            self.deliverySeq = deliverySeq
            self.post = post
            self.ingestedAtMs = ingestedAtMs
            self.deliveryAttempt = deliveryAttempt
        }
    }

    /// The encoding of a `PipelineBatch` whose posts are `items` (fields
    /// delivery_seq = 1, post = 2, ingested_at_ms = 5, delivery_attempt = 6)
    /// and whose dispatch_seal (10) is `seal`.
    public static func pipelineBatch(_ items: [Item], seal: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(0) { $0 + $1.post.count + 32 })
        var inner: [UInt8] = []
        for item in items {
            inner.removeAll(keepingCapacity: true)
            if item.deliverySeq != 0 { appendTag(1, 0, &inner); appendVarint(item.deliverySeq, &inner) }
            if !item.post.isEmpty {
                appendTag(2, 2, &inner)
                appendVarint(UInt64(item.post.count), &inner)
                inner += item.post
            }
            if item.ingestedAtMs != 0 { appendTag(5, 0, &inner); appendVarint(UInt64(bitPattern: item.ingestedAtMs), &inner) }
            if item.deliveryAttempt != 0 { appendTag(6, 0, &inner); appendVarint(UInt64(item.deliveryAttempt), &inner) }
            appendTag(1, 2, &out)
            appendVarint(UInt64(inner.count), &out)
            out += inner
        }
        if !seal.isEmpty {
            appendTag(10, 2, &out)
            appendVarint(UInt64(seal.count), &out)
            out += seal
        }
        return out
    }

    /// The bytes of every length-delimited field numbered `field` at the top
    /// level of a message (e.g. the encoded posts of a `PublishBatchRequest`),
    /// in order; nil when the bytes are not well-formed protobuf.
    /// The encoding of a page of posts, a SearchPostsResponse or CareQueueResponse (posts = 1,
    /// next_page_token = 2), whose posts are the encoded PostViews `views`.
    public static func postPage(_ views: [[UInt8]], nextPageToken: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(views.reduce(0) { $0 + $1.count + 6 } + nextPageToken.utf8.count + 6)
        for view in views {
            appendTag(1, 2, &out)
            appendVarint(UInt64(view.count), &out)
            out += view
        }
        if !nextPageToken.isEmpty {
            appendTag(2, 2, &out)
            appendVarint(UInt64(nextPageToken.utf8.count), &out)
            out += nextPageToken.utf8
        }
        return out
    }

    public static func lengthDelimitedFields(_ field: UInt64, in bytes: [UInt8]) -> [ArraySlice<UInt8>]? {
        var fields: [ArraySlice<UInt8>] = []
        var index = 0
        while index < bytes.count {
            guard let key = readVarint(bytes, &index) else { return nil }
            switch key & 7 {
            case 0: guard readVarint(bytes, &index) != nil else { return nil }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = readVarint(bytes, &index), length <= UInt64(bytes.count - index) else { return nil }
                if key >> 3 == field { fields.append(bytes[index..<index + Int(length)]) }
                index += Int(length)
            default: return nil
            }
        }
        return index == bytes.count ? fields : nil
    }

    /// What a dispatch seal covers in one post of an encoded `PipelineBatch`.
    public struct SealedItem: Equatable {
        public var deliverySeq: UInt64 = 0
        public var postID: ArraySlice<UInt8> = []
        public var ingestedAtMs: Int64 = 0
    }

    /// The next_page_token (field 2) of an encoded page of posts (a SearchPostsResponse), read
    /// without decoding the posts: "" on the last page, nil when the bytes are not well-formed
    /// protobuf at the top level. As in decoding, the last value wins.
    public static func nextPageToken(ofPostPage bytes: [UInt8]) -> String? {
        var token: ArraySlice<UInt8> = []
        let wellFormed = forEachField(bytes[...]) { field, _, slice in
            if field == 2, let slice { token = slice }
            return true
        }
        return wellFormed ? String(decoding: token, as: UTF8.self) : nil
    }

    /// The fields a dispatch seal covers (each post's delivery_seq, post.id and
    /// ingested_at_ms) and the seal (field 10) of an encoded `PipelineBatch`, read
    /// in place without decoding the posts; nil when the bytes are not well-formed
    /// protobuf at the levels read. As in decoding, a repeated scalar's last value wins.
    public static func sealedFields(ofPipelineBatch bytes: [UInt8]) -> (items: [SealedItem], seal: ArraySlice<UInt8>)? {
        var items: [SealedItem] = []
        var seal: ArraySlice<UInt8> = []
        let wellFormed = forEachField(bytes[...]) { field, value, slice in
            if field == 10 { seal = slice ?? []; return true }
            guard field == 1, let post = slice else { return true }
            var item = SealedItem()
            let itemWellFormed = forEachField(post) { field, value, slice in
                switch field {
                case 1: item.deliverySeq = value
                case 5: item.ingestedAtMs = Int64(bitPattern: value)
                case 2:
                    guard let encodedPost = slice else { return true }
                    return forEachField(encodedPost) { field, _, slice in
                        if field == 1, let id = slice { item.postID = id }
                        return true
                    }
                default: break
                }
                return true
            }
            items.append(item)
            return itemWellFormed
        }
        return wellFormed ? (items, seal) : nil
    }

    /// Calls `body` with each top-level field of `bytes`: its number, its varint value
    /// (0 for other wire types) and, for length-delimited fields, its bytes. Returns
    /// false as soon as `body` does, or when the bytes are not well-formed.
    private static func forEachField(_ bytes: ArraySlice<UInt8>, _ body: (UInt64, UInt64, ArraySlice<UInt8>?) -> Bool) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            guard let key = readVarint(bytes, &index) else { return false }
            var value: UInt64 = 0
            var slice: ArraySlice<UInt8>?
            switch key & 7 {
            case 0: guard let varint = readVarint(bytes, &index) else { return false }; value = varint
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = readVarint(bytes, &index), length <= UInt64(bytes.endIndex - index) else { return false }
                slice = bytes[index..<index + Int(length)]
                index += Int(length)
            default: return false
            }
            guard index <= bytes.endIndex, body(key >> 3, value, slice) else { return false }
        }
        return true
    }

    private static func appendTag(_ field: UInt64, _ wireType: UInt64, _ out: inout [UInt8]) {
        appendVarint(field << 3 | wireType, &out)
    }

    private static func appendVarint(_ value: UInt64, _ out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    private static func readVarint(_ bytes: [UInt8], _ index: inout Int) -> UInt64? {
        readVarint(bytes[...], &index)
    }

    private static func readVarint(_ bytes: ArraySlice<UInt8>, _ index: inout Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.endIndex, shift < 64 {
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
