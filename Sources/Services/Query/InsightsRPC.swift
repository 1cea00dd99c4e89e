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
        case .unavailable: return RPCError(.unavailable, description)
        case .deadlineExceeded(let message): return RPCError(.deadlineExceeded, message)
        }
    }
}

extension RPCServer {
    /// Registers a store-backed method: its reads stop at the call's deadline (``ReadDeadline``)
    /// and store failures become their gRPC status (``StoreError/rpcError``).
    func registerStoreMethod<Request: ProtoMessage, Response: ProtoMessage>(_ method: String, _ body: @escaping (Request) throws(StoreError) -> Response) {
        register(method) { (request: Request, context: CallContext) throws(RPCError) -> Response in
            do throws(StoreError) { return try ReadDeadline.within(context.deadline) { () throws(StoreError) in try body(request) } } catch { throw error.rpcError }
        }
    }

    /// The same for a store read whose answer is encoded already (``PostPage/encodedResponse()``).
    func registerEncodedStoreMethod<Request: ProtoMessage>(_ method: String, _ body: @escaping (Request) throws(StoreError) -> [UInt8]) {
        registerEncoding(method) { (request: Request, context: CallContext) throws(RPCError) -> [UInt8] in
            do throws(StoreError) { return try ReadDeadline.within(context.deadline) { () throws(StoreError) in try body(request) } } catch { throw error.rpcError }
        }
    }
}

/// The `earshot.v1.Insights` methods: store reads plus the pure ranking of module Insights.
enum InsightsRPC {
    /// Registers every Insights method on `server`: share of voice, trending and top authors
    /// from `insights`, the care queue from `care`, claims to `writer` (each advancing `generation`),
    /// alerts from `alerts`.
    static func register(on server: RPCServer, insights: any InsightsReadModel, care: any CareQueueReadModel, writer: any PostWriter,
                         alerts: any AlertStore, generation: StoreGeneration) {
        server.registerStoreMethod(InsightsMethod.shareOfVoice) { (request: ShareOfVoiceRequest) throws(StoreError) in
            let range = try TimeSpan.requested(fromMs: request.range.fromMs, toMs: request.range.toMs)
            guard request.group.isEmpty != request.queryIds.isEmpty else {
                throw .invalidArgument("give a group or query_ids (one of them), got group '\(request.group)' and \(request.queryIds.count) query ids")
            }
            let members: VoiceMembers = request.group.isEmpty ? .queries(request.queryIds) : .group(request.group)
            return shareOfVoice(try insights.voiceTotals(members, range: range))
        }
        server.registerStoreMethod(InsightsMethod.trending) { (request: TrendingRequest) throws(StoreError) in
            guard request.range.fromMs > 0 else {
                throw .invalidArgument("Trending needs range.from_ms (the start of the current window)")
            }
            guard (0...1_000).contains(request.limit) else {
                throw .invalidArgument("limit must be between 1 and 1000 (0 means 20), got \(request.limit)")
            }
            var window = request.range
            if window.toMs == 0 { window.toMs = wallClockMilliseconds() }
            let selection = try PostSelection(range: window, queryID: request.queryId, group: request.group)
            let kind: TrendSubject = switch request.kind {
            case .unspecified, .hashtag: .hashtag
            case .term: .term
            case .domain: .domain
            case .mention: .mention
            }
            let windows = request.baselineWindows == 0 ? 24 : Int(request.baselineWindows)
            return trending(try insights.trendCounts(selection, kind: kind, baselineWindows: windows), limit: request.limit)
        }
        server.registerStoreMethod(InsightsMethod.topAuthors) { (request: TopAuthorsRequest) throws(StoreError) in
            let selection = try PostSelection(range: request.range, queryID: request.queryId, group: request.group)
            let order: AuthorRanking = switch request.orderBy {
            case .unspecified, .reach: .reach
            case .engagement: .engagement
            case .posts: .posts
            }
            var response = TopAuthorsResponse()
            response.authors = try insights.topAuthors(selection, orderBy: order, limit: request.limit == 0 ? 20 : Int(request.limit)).map { figures in
                var author = AuthorStats()
                author.authorId = figures.authorID
                author.handle = figures.handle
                author.posts = Int64(figures.posts)
                author.reach = figures.reach
                author.engagement = figures.engagement
                return author
            }
            return response
        }
        server.registerEncodedStoreMethod(InsightsMethod.careQueue) { (request: CareQueueRequest) throws(StoreError) in
            let selection = try PostSelection(range: request.range, queryID: request.queryId, group: request.group)
            return try care.careQueue(selection, minPriority: Int(request.minPriority), pageSize: Int(request.pageSize),
                                      pageToken: request.pageToken).encodedResponse()
        }
        // The agent is who the caller authenticated as (its allow-list name), never what it claims;
        // only an unauthenticated (--insecure) server takes the request's word for it.
        server.register(InsightsMethod.markHandled) { (request: MarkHandledRequest, context: CallContext) throws(RPCError) in
            do throws(StoreError) {
                let claim = try writer.markHandled(postID: request.postId, agent: context.userID ?? request.agent, now: wallClockMilliseconds())
                generation.advance()
                var response = MarkHandledResponse()
                response.claimed = claim.claimed
                response.handledBy = claim.handledBy
                response.handledAtMs = claim.handledAtMs
                return response
            } catch {
                throw error.rpcError
            }
        }
        server.registerStoreMethod(InsightsMethod.alerts) { (request: AlertsRequest) throws(StoreError) in
            guard (0...1_000).contains(request.limit) else {
                throw .invalidArgument("limit must be between 1 and 1000 (0 means 100), got \(request.limit)")
            }
            let scope: AlertScopeFilter = switch request.queryId {
            case "": .any
            case "*": .allPosts
            case let queryID: .query(queryID)
            }
            let filter = AlertFilter(range: try TimeSpan.requested(fromMs: request.range.fromMs, toMs: request.range.toMs), scope: scope,
                                     kind: request.kind.spikeKind, minSeverity: request.minSeverity.spikeSeverity,
                                     limit: request.limit == 0 ? 100 : Int(request.limit))
            var response = AlertsResponse()
            response.alerts = try alerts.alerts(filter).map { (stored) throws(StoreError) in try Alert(stored) }
            return response
        }
    }

    /// Each query's mentions and reach, with its shares of the members' totals.
    static func shareOfVoice(_ totals: [QueryVoice]) -> ShareOfVoiceResponse {
        let entries = ShareOfVoice.compute(totals.map { VoiceTotals(query: $0.queryID, mentions: $0.mentions, reach: $0.reach) })
        var response = ShareOfVoiceResponse()
        response.shares = zip(totals, entries).map { total, entry in
            var share = VoiceShare()
            share.queryId = total.queryID
            share.mentions = Int64(total.mentions)
            share.reach = total.reach
            share.mentionShare = entry.mentionShare
            share.reachShare = entry.reachShare
            return share
        }
        response.totalMentions = Int64(totals.reduce(0) { $0 + $1.mentions })
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
        response.window = TimeRange(fromMs: counts.window.from, toMs: counts.window.to)
        response.baseline = TimeRange(fromMs: counts.baselineRange.from, toMs: counts.baselineRange.to)
        return response
    }
}
