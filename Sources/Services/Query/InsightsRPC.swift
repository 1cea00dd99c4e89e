import EarshotRPC
import EarshotStore
import EarshotWire
import Insights
import ServiceRuntime

extension StoreError {
    /// The gRPC status a store failure maps to.
    var rpcError: RPCError {
        switch self {
        case .invalidArgument(let message): return RPCError(.invalidArgument, message)
        case .notFound(let message): return RPCError(.notFound, message)
        case .database: return RPCError(.internal, description)
        }
    }
}

extension RPCServer {
    /// Registers a store-backed method: store failures become their gRPC status (``StoreError/rpcError``).
    func registerStoreMethod<Request: ProtoMessage, Response: ProtoMessage>(_ method: String, _ body: @escaping (Request) throws(StoreError) -> Response) {
        register(method) { (request: Request, _: CallContext) throws(RPCError) -> Response in
            do throws(StoreError) { return try body(request) } catch { throw error.rpcError }
        }
    }
}

/// The `earshot.v1.Insights` methods: store reads plus the pure ranking of module Insights.
enum InsightsRPC {
    /// Registers every Insights method on `server`.
    static func register(on server: RPCServer, store: PostStore) {
        server.registerStoreMethod(InsightsMethod.shareOfVoice) { (request: ShareOfVoiceRequest) throws(StoreError) in try shareOfVoice(store.voiceTotals(request)) }
        server.registerStoreMethod(InsightsMethod.trending) { (request: TrendingRequest) throws(StoreError) in
            try trending(store.trendCounts(request, now: wallClockMilliseconds()), limit: request.limit)
        }
        server.registerStoreMethod(InsightsMethod.topAuthors, store.topAuthors)
        server.registerStoreMethod(InsightsMethod.careQueue, store.careQueue)
        // The agent is who the caller authenticated as (its allow-list name), never what it claims;
        // only an unauthenticated (--insecure) server takes the request's word for it.
        server.register(InsightsMethod.markHandled) { (request: MarkHandledRequest, context: CallContext) throws(RPCError) in
            var claim = request
            if let identity = context.userID { claim.agent = identity }
            do throws(StoreError) { return try store.markHandled(claim, now: wallClockMilliseconds()) } catch { throw error.rpcError }
        }
        server.registerStoreMethod(InsightsMethod.alerts, store.alerts)
    }

    /// Fills each query's shares of the group's mentions and reach.
    static func shareOfVoice(_ totals: [VoiceShare]) -> ShareOfVoiceResponse {
        let entries = ShareOfVoice.compute(totals.map { VoiceTotals(query: $0.queryId, mentions: Int($0.mentions), reach: $0.reach) })
        var response = ShareOfVoiceResponse()
        response.shares = zip(totals, entries).map { total, entry in
            var share = total
            share.mentionShare = entry.mentionShare
            share.reachShare = entry.reachShare
            return share
        }
        response.totalMentions = totals.reduce(0) { $0 + $1.mentions }
        response.totalReach = totals.reduce(0) { $0 + $1.reach }
        return response
    }

    /// Ranks the window's items by volume and by lift against their baseline.
    static func trending(_ counts: TrendCounts, limit: Int32) -> TrendingResponse {
        var config = TrendScorerConfig.default
        config.limit = limit == 0 ? 20 : Int(limit)
        let ranking = TrendScorer(config: config).rank(current: counts.current, baseline: counts.baseline,
                                                       baselineWindows: Double(counts.baselineWindows))
        func item(_ trend: TrendItem) -> TrendingItem {
            var item = TrendingItem()
            item.key = trend.key
            item.count = Int64(trend.count)
            item.baselineCount = trend.baselineCount
            item.lift = trend.lift
            item.isNew = trend.isNew
            return item
        }
        var response = TrendingResponse()
        response.byVolume = ranking.byVolume.map(item)
        response.byLift = ranking.byLift.map(item)
        response.window = counts.window
        response.baseline = counts.baselineRange
        return response
    }
}
