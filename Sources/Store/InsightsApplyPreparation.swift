import Dispatch
import EarshotWire
import Foundation

/// The per-post work of `PostStore.apply` that needs no database: each post's
/// encoded `PostView`, lowercased search text and lowercased author handle,
/// computed before the write transaction starts (on all cores for big batches)
/// so the transaction holds the write lock briefly.
struct PreparedPosts {
    /// Encoded `PostView` of each post, in input order.
    let views: [[UInt8]]
    /// Lowercased text of each post, in input order.
    let searchTexts: [String]
    /// Lowercased author handle of each post, in input order.
    let handles: [String]

    /// Batches smaller than this are prepared on the calling thread.
    static let parallelMinimum = 2_000

    init(_ posts: [PipelinePost]) throws(WireError) {
        let workers = posts.count < Self.parallelMinimum ? 1 : max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
        let chunkSize = (posts.count + workers - 1) / max(workers, 1)
        // One result object per worker, each written by its worker only and read after
        // concurrentPerform returns: no thread writes storage another thread touches.
        let chunks = (0..<workers).map { worker in
            PreparedChunk(posts[min(posts.count, worker * chunkSize)..<min(posts.count, (worker + 1) * chunkSize)])
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in chunks[worker].prepare() }
        var views: [[UInt8]] = [], searchTexts: [String] = [], handles: [String] = []
        views.reserveCapacity(posts.count)
        searchTexts.reserveCapacity(posts.count)
        handles.reserveCapacity(posts.count)
        for chunk in chunks {
            if let error = chunk.error { throw error }
            views += chunk.views
            searchTexts += chunk.searchTexts
            handles += chunk.handles
        }
        self.views = views
        self.searchTexts = searchTexts
        self.handles = handles
    }
}

/// One worker's share of ``PreparedPosts``: filled by exactly one thread, then read.
private final class PreparedChunk: @unchecked Sendable {
    let posts: ArraySlice<PipelinePost>
    var views: [[UInt8]] = []
    var searchTexts: [String] = []
    var handles: [String] = []
    var error: WireError?

    init(_ posts: ArraySlice<PipelinePost>) { self.posts = posts }

    func prepare() {
        views.reserveCapacity(posts.count)
        searchTexts.reserveCapacity(posts.count)
        handles.reserveCapacity(posts.count)
        do throws(WireError) {
            for item in posts {
                var view = PostView()
                view.post = item.post
                view.enrichment = item.enrichment
                view.scores = item.scores
                views.append(try view.serializedBytes())
                searchTexts.append(item.post.text.storeLowercased)
                handles.append(item.post.author.handle.storeLowercased)
            }
        } catch {
            self.error = error
        }
    }
}

extension String {
    /// `lowercased()`, with ASCII lowered byte by byte instead of through the Unicode tables:
    /// the same result, since `lowercased()` maps each scalar on its own.
    var storeLowercased: String {
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
