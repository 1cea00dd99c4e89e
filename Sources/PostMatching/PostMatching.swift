// The bridge between the pipeline's messages and the listening-query core:
// what a query sees of a post, and a published query set compiled for
// matching. Used by the enrich workers, the query service's backfill and
// `earshot queries test`.
import EarshotWire
import Listening


extension MatchableDocument {
    /// What listening queries see of a post: `text` is the post's plain
    /// (normalised, HTML-free) text; entities, language come from the enrich
    /// stage, as do the emotion labels; the post's own URL counts as a link, so `site:` also matches the
    /// domain of the post itself.
    public init(post: Post, enrichment: Enrichment, text: String) {
        let entities = enrichment.entities
        self.init(
            text: text,
            hashtags: entities.hashtags,
            mentions: entities.mentions,
            cashtags: entities.cashtags,
            authorHandle: post.author.handle,
            authorId: post.author.id,
            urls: post.url.isEmpty ? entities.urls : entities.urls + [post.url],
            domains: entities.domains,
            language: enrichment.language,
            platform: post.platform.name,
            source: post.source,
            followers: post.author.followers,
            verified: post.author.verified,
            emotions: enrichment.emotions.available ? enrichment.emotions.labels : [])
    }
}

extension QuerySetSnapshot {
    /// The snapshot's queries compiled for matching. A query that no longer
    /// parses (written by a newer or broken server) is left out and reported
    /// in `invalid` with its error, so one bad entry cannot stop matching.
    public func compiled(limits: QueryLimits = .default) -> (set: QuerySet, invalid: [(id: String, error: QuerySyntaxError)]) {
        var parsed: [(id: String, query: ListeningQuery)] = []
        var invalid: [(id: String, error: QuerySyntaxError)] = []
        for saved in queries {
            do { parsed.append((saved.id, try ListeningQuery.parse(saved.query, limits: limits))) } catch {
                invalid.append((saved.id, error))
            }
        }
        return (QuerySet(parsed), invalid)
    }
}
