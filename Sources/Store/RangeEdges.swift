import Foundation
import GRDB

extension PostStore {
    /// The aggregates of the posts of `scope` within `edges` (the parts of a range that
    /// ``TimeCover`` leaves outside whole buckets), counted from the stored posts with
    /// the same counting as ``apply(_:)``: each post once in each scope member that holds
    /// it (`post_queries` for listening queries, so backfilled matches count too).
    ///
    /// Edges are shorter than two minutes, so this reads at most two minutes of posts per scope.
    func edgeDeltas(_ db: Database, scope: ResolvedScope, edges: [TimeSpan]) throws -> BatchDeltas {
        let deltas = BatchDeltas()
        guard !edges.isEmpty else { return deltas }
        for member in scope.scopes {
            var posts: [ScoredPost] = []
            for edge in edges {
                let views = member == AggregateDelta.allPosts
                    ? try Data.fetchCursor(db, sql: "SELECT view FROM posts WHERE created_at_ms >= ? AND created_at_ms < ?",
                                           arguments: [edge.from, edge.to])
                    : try Data.fetchCursor(db, sql: """
                        SELECT p.view FROM post_queries q JOIN posts p ON p.rowid = q.post_rowid
                        WHERE q.query_id = ? AND q.created_at_ms >= ? AND q.created_at_ms < ?
                        """, arguments: [member, edge.from, edge.to])
                while let bytes = try views.next() {
                    posts.append(try ScoredPost(record: [UInt8](bytes)))
                }
            }
            deltas.add(posts, countedIn: .query(member))
        }
        return deltas
    }
}
