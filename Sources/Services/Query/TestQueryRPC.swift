import EarshotRPC
import EarshotStore
import EarshotWire
import Listening
import ServiceRuntime

/// `Listening/TestQuery`: an unsaved query tried on the newest stored posts (the pure part is
/// ``QueryPreview``); reads pages of SearchPosts' order and saves nothing.
enum TestQueryRPC {
    /// Longest a call reads posts, in milliseconds (less when the caller's deadline is sooner).
    static let timeBudgetMs: Int64 = 2_000
    /// Time kept back before the caller's deadline to encode and send the answer.
    static let deadlineMarginMs: Int64 = 100

    /// Registers the method on `server`, reading posts from `search`.
    static func register(on server: RPCServer, search: any SearchReadModel) {
        server.register(ListeningMethod.testQuery) { (request: TestQueryRequest, context: CallContext) throws(RPCError) -> TestQueryResponse in
            try test(request, search: search, context: context)
        }
    }

    private static func test(_ request: TestQueryRequest, search: any SearchReadModel, context: CallContext) throws(RPCError) -> TestQueryResponse {
        let query: ListeningQuery
        do { query = try ListeningQuery.parse(request.query) } catch { throw .invalidArgument("query: \(error.description)") }
        let limits: QueryPreviewLimits
        do { limits = try QueryPreviewLimits(matches: Int(request.limit), scanned: Int(request.maxScanned)) } catch {
            throw .invalidArgument(error.description)
        }
        var preview = QueryPreview<PostView>(query: query, limits: limits, budgetEndMs: budgetEnd(deadline: context.deadline))
        var pageToken = ""
        do throws(StoreError) {
            let selection = try PostSelection(range: request.range, queryID: "", group: "")
            reading: while true {
                // One post over what the preview may read: a refusal tells the posts did not run out.
                let page = try search.search(selection, filter: PostFilter(), pageSize: min(500, preview.remaining + 1), pageToken: pageToken)
                for view in try page.views() {
                    guard preview.read(view, as: ListeningRPC.document(view), nowMs: wallClockMilliseconds()) else { break reading }
                }
                if page.nextPageToken.isEmpty { break }
                pageToken = page.nextPageToken
            }
        } catch {
            throw error.rpcError
        }
        var response = TestQueryResponse()
        response.posts = preview.matches
        response.matched = Int32(preview.matched)
        response.scanned = Int32(preview.scanned)
        response.complete = preview.stop == nil
        return response
    }

    /// The end of the time budget on the wall clock: ``timeBudgetMs`` from now, or the caller's
    /// deadline less ``deadlineMarginMs`` if sooner.
    static func budgetEnd(deadline: Int64?) -> Int64 {
        let budgetEnd = wallClockMilliseconds() + timeBudgetMs
        guard let deadline else { return budgetEnd }
        return min(budgetEnd, deadline - deadlineMarginMs)
    }
}
