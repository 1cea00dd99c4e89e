import EarshotWire

/// The per-post work of `PostStore.apply` that needs no database: each post's
/// encoded `PostView` and lowercased search text, computed before the write
/// transaction starts so the transaction holds the write lock briefly.
struct PreparedPosts {
    /// Encoded `PostView` of each post, in input order.
    let views: [[UInt8]]
    /// Lowercased text of each post, in input order.
    let searchTexts: [String]

    init(_ posts: [PipelinePost]) throws(WireError) {
        var views: [[UInt8]] = []
        views.reserveCapacity(posts.count)
        for item in posts {
            var view = PostView()
            view.post = item.post
            view.enrichment = item.enrichment
            view.scores = item.scores
            views.append(try view.serializedBytes())
        }
        self.views = views
        searchTexts = posts.map { $0.post.text.lowercased() }
    }
}
