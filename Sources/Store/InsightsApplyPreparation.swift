import Dispatch
import EarshotWire
import Foundation

/// The per-post work of `PostStore.apply` that needs no database: each post's encoded
/// `PostView` and lowercased search text, computed on every core before the write
/// transaction starts (encoding is a third of the apply time on one core).
struct PreparedPosts {
    /// Encoded `PostView` of each post, in input order.
    let views: [[UInt8]]
    /// Lowercased text of each post, in input order.
    let searchTexts: [String]

    /// Posts below this count are prepared on the calling thread.
    static let parallelThreshold = 512

    init(_ posts: [PipelinePost]) throws(WireError) {
        let output = Output(count: posts.count)
        let workers = posts.count < Self.parallelThreshold ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for index in stride(from: worker, to: posts.count, by: workers) {
                let item = posts[index]
                var view = PostView()
                view.post = item.post
                view.enrichment = item.enrichment
                view.scores = item.scores
                output.set(index, view: Result { () throws(WireError) in try view.serializedBytes() }, searchText: item.post.text.lowercased())
            }
        }
        views = try output.views.map { result throws(WireError) in try result.get() }
        searchTexts = output.searchTexts
    }

    /// Slots the workers fill; each index is written by exactly one worker.
    private final class Output: @unchecked Sendable {
        var views: [Result<[UInt8], WireError>]
        var searchTexts: [String]

        init(count: Int) {
            views = Array(repeating: .success([]), count: count)
            searchTexts = Array(repeating: "", count: count)
        }

        func set(_ index: Int, view: Result<[UInt8], WireError>, searchText: String) {
            views.withUnsafeMutableBufferPointer { $0[index] = view }
            searchTexts.withUnsafeMutableBufferPointer { $0[index] = searchText }
        }
    }
}
