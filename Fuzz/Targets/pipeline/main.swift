// Fuzz target: a frame on a pipeline socket. The same bytes are read as each
// message a pipeline socket takes:
// - a PipelineBatch, as the enrich and score workers and the query service
//   read it: decoded, its posts matched against listening queries (enrich),
//   re-encoded to pass on (workers), its dispatch seal checked (query);
// - an AckBatch, as ingest's acknowledgement socket reads it;
// - a QuerySetSnapshot, as enrich's query-set subscriber reads it: decoded,
//   compiled, and matched.
import EarshotSecurity
import EarshotWire
import FuzzSupport
import Listening
import PostMatching

FuzzEntry.run(seeds: PipelineFrames.seeds) { bytes in
    if let batch = try? PipelineBatch(serializedBytes: bytes) { PipelineFrames.handle(batch) }
    if let ack = try? AckBatch(serializedBytes: bytes) { WireChecks.assertStableEncoding(ack) }
    if let snapshot = try? QuerySetSnapshot(serializedBytes: bytes) { PipelineFrames.handle(snapshot) }
}

enum PipelineFrames {
    static let seal = DispatchSeal(key: [UInt8](repeating: 7, count: DispatchSeal.keyBytes))!
    static let queries: QuerySet = {
        let texts = ["acme OR #acme", #""battery dies"~2 lang:en"#, "pésimo platform:mastodon", "followers:>1000 verified:true"]
        return QuerySet(texts.enumerated().map { (id: "q\($0.offset)", query: try! ListeningQuery.parse($0.element)) })
    }()

    static func handle(_ batch: PipelineBatch) {
        _ = seal.verifies(batch)
        let documents = batch.posts.map { MatchableDocument(post: $0.post, enrichment: $0.enrichment, text: $0.post.text) }
        for document in documents { _ = queries.matches(document) }
        WireChecks.assertStableEncoding(batch)
    }

    static func handle(_ snapshot: QuerySetSnapshot) {
        WireChecks.assertStableEncoding(snapshot)
        FuzzDocuments.match(snapshot.compiled().set)
    }

    /// A sealed batch as ingest dispatches it, the same batch enriched and
    /// scored as query receives it, an acknowledgement and a query set.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        var post = Post()
        post.id = "x:1790000000000000001"
        post.platform = .x
        post.source = "x"
        post.author.handle = "dana"
        post.author.followers = 12_000
        post.author.verified = true
        post.text = "Acme's new phone is great, but the battery dies fast #acme"
        post.createdAtMs = 1_790_000_000_000
        let dispatched = WireSplice.pipelineBatch([
            WireSplice.Item(deliverySeq: 17, post: try! post.serializedBytes(), ingestedAtMs: 1_790_000_000_100, deliveryAttempt: 1),
        ])
        var batch = try! PipelineBatch(serializedBytes: dispatched)
        batch.dispatchSeal = seal.tag(batch)
        var scored = batch
        scored.posts[0].enrichment.language = "en"
        scored.posts[0].enrichment.sentiment.available = true
        scored.posts[0].enrichment.sentiment.compound = -0.42
        scored.posts[0].enrichment.sentiment.label = "negative"
        scored.posts[0].enrichment.entities.hashtags = ["acme"]
        scored.posts[0].enrichment.emotions.available = true
        scored.posts[0].enrichment.emotions.labels = ["anger"]
        scored.posts[0].enrichment.emotions.anger = 0.7
        scored.posts[0].enrichment.matchedQueryIds = ["q0"]
        scored.posts[0].scores.reach = 12_000
        scored.posts[0].scores.priority = 80
        scored.posts[0].scores.intents = ["complaint"]
        var snapshot = QuerySetSnapshot()
        snapshot.version = 3
        var saved = SavedQuery()
        saved.id = "q1"
        saved.name = "acme"
        saved.group = "brands"
        saved.query = #"(acme OR #acme) AND NOT "acme corp""#
        snapshot.queries = [saved]
        return [
            ("dispatched-batch", try! batch.serializedBytes()),
            ("scored-batch", try! scored.serializedBytes()),
            ("ack-batch", try! AckBatch(deliverySeqs: [17, 18, 300_000]).serializedBytes()),
            ("query-set", try! snapshot.serializedBytes()),
        ]
    }
}
