import EarshotWire

// The pipeline's messages as the store's plain types: the query service, the store's own
// re-reads of stored records (range edges, backfills) and tests convert through here.

extension ScoredPost {
    /// `item` as the store applies it; its record is `item`'s encoded `PostView`.
    public init(_ item: PipelinePost) throws(WireError) {
        var view = PostView()
        view.post = item.post
        view.enrichment = item.enrichment
        view.scores = item.scores
        self.init(view, record: try view.serializedBytes())
    }

    /// A stored record (an encoded `PostView`) as the store counted it.
    package init(record: [UInt8]) throws(WireError) {
        self.init(try PostView(serializedBytes: record), record: record)
    }

    /// `view`, stored as `record`, as the store counts it.
    public init(_ view: PostView, record: [UInt8]) {
        let enrichment = view.enrichment
        self.init(id: view.post.id, createdAtMs: view.post.createdAtMs, authorID: view.post.author.id,
                  authorHandle: view.post.author.handle, platform: view.post.platform.name, text: view.post.text,
                  language: enrichment.language, sentiment: SentimentLabel(enrichment.sentiment),
                  emotions: enrichment.emotions.available ? enrichment.emotions.labels : nil,
                  hashtags: enrichment.entities.hashtags, domains: enrichment.entities.domains,
                  mentions: enrichment.entities.mentions, matchedQueryIDs: enrichment.matchedQueryIds,
                  reach: view.scores.reach, engagement: view.scores.engagement, priority: Int(view.scores.priority), record: record)
    }

    /// The posts of a scored batch, converted on all cores for big batches.
    public static func batch(_ items: [PipelinePost]) throws(WireError) -> [ScoredPost] {
        try chunkedMap(items) { (item: PipelinePost) throws(WireError) in try ScoredPost(item) }
    }
}

extension SentimentLabel {
    /// The label of a post's sentiment; `.neutral` for an available sentiment with another label.
    init(_ sentiment: PostSentiment) {
        guard sentiment.available else { self = .unavailable; return }
        self = SentimentLabel(rawValue: sentiment.label).flatMap { $0 == .unavailable ? nil : $0 } ?? .neutral
    }
}
