import EarshotRPC
import EarshotStore
import EarshotWire
import Listening
import ServiceRuntime

/// SearchPosts with a listening-query expression (`query`): the store's search order and
/// filters, each post matched by the expression here, since no index answers an arbitrary
/// expression. A call reads at most ``maxScanned`` posts and stops at the time budget of
/// ``TestQueryRPC``; a page shorter than asked with a `next_page_token` then means "keep
/// paging", so every match is reached, a bounded read at a time.
enum ExpressionSearch {
    /// Posts one call reads at most.
    static let maxScanned = 20_000

    /// The expression of a request; INVALID_ARGUMENT naming the first mistake and its position.
    static func expression(_ text: String) throws(StoreError) -> ListeningQuery {
        do throws(QuerySyntaxError) {
            return try ListeningQuery.parse(text)
        } catch {
            throw .invalidArgument("query: \(error.description)")
        }
    }

    /// The page of matches of `query` after `pageToken` (at most `pageSize`, 1...500), with
    /// the token of the first post not yet read ("" once every post was read).
    static func page(_ query: ListeningQuery, selection: PostSelection, filter: PostFilter, pageSize: Int, pageToken: String,
                     search: any SearchReadModel, budgetEndMs: Int64) throws(StoreError) -> PostPage {
        try ReadArguments.checkPageSize(pageSize)
        var matches = PostPage()
        var scanned = 0
        matches.nextPageToken = pageToken
        repeat {
            // At most as many posts as matches still wanted, so that every post read is
            // either on this page or not a match, and the store's token resumes after them.
            let page = try search.search(selection, filter: filter, pageSize: min(500, pageSize - matches.posts.count), pageToken: matches.nextPageToken)
            for (post, view) in zip(page.posts, try page.views()) where query.matches(ListeningRPC.document(view)) {
                matches.posts.append(post)
            }
            scanned += page.posts.count
            matches.nextPageToken = page.nextPageToken
        } while !matches.nextPageToken.isEmpty && matches.posts.count < pageSize && scanned < maxScanned && wallClockMilliseconds() < budgetEndMs
        return matches
    }
}
