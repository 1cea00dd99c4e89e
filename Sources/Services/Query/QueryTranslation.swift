import EarshotRPC
import EarshotStore
import EarshotWire
import Listening

// Translation between the RPC messages (query.proto) and the store's plain Swift types
// (Sources/Store/StoreInterfaces.swift): protobuf types stop here, so the read models
// and their backends never see the wire schema.

extension PostSelection {
    /// The selection of a request's range and `query_id` / `group` pair; INVALID_ARGUMENT
    /// for a bad range or for both a query id and a group.
    init(range: TimeRange, queryID: String, group: String) throws(StoreError) {
        let span = try TimeSpan.requested(fromMs: range.fromMs, toMs: range.toMs)
        self.init(scope: try PostScope(queryID: queryID, group: group), range: span)
    }
}

extension BucketLevel {
    /// The bucket level of a time series granularity (unspecified: hours).
    init(_ granularity: Granularity) {
        switch granularity {
        case .minute: self = .minute
        case .unspecified, .hour: self = .hour
        case .day: self = .day
        }
    }
}

extension LabeledCount {
    init(_ count: ValueCount) {
        self.init(label: count.value, count: Int64(count.count))
    }
}

/// The messages that carry a ``PostTotals``: OverviewResponse and TimeBucket.
protocol PostTotalsMessage {
    var posts: Int64 { get set }
    var reach: Double { get set }
    var engagement: Double { get set }
    var positive: Int64 { get set }
    var neutral: Int64 { get set }
    var negative: Int64 { get set }
    var sentimentUnavailable: Int64 { get set }
    var netSentiment: Double { get set }
}

extension PostTotalsMessage {
    /// Sets the totals' fields, net sentiment included.
    mutating func setTotals(_ totals: PostTotals) {
        posts = Int64(totals.posts)
        reach = totals.reach
        engagement = totals.engagement
        positive = Int64(totals.positive)
        neutral = Int64(totals.neutral)
        negative = Int64(totals.negative)
        sentimentUnavailable = Int64(totals.sentimentUnavailable)
        netSentiment = totals.netSentiment
    }
}

extension OverviewResponse: PostTotalsMessage {
    init(_ figures: OverviewFigures) {
        self.init()
        setTotals(figures.totals)
        languages = figures.languages.map(LabeledCount.init)
        platforms = figures.platforms.map(LabeledCount.init)
        emotions = figures.emotions.map(LabeledCount.init)
        uniqueAuthors = Int64(figures.uniqueAuthors)
        uniqueAuthorsEstimated = figures.uniqueAuthorsEstimated
    }
}

extension TimeBucket: PostTotalsMessage {
    init(_ bucket: SeriesBucket) {
        self.init()
        startMs = bucket.start
        setTotals(bucket.totals)
        emotions = bucket.emotions.map(LabeledCount.init)
    }
}

extension PostFilter {
    /// The filters of a SearchPosts request.
    init(_ request: SearchPostsRequest) {
        self.init()
        textContains = request.textContains
        authorHandle = request.authorHandle
        language = request.language
        platform = request.platform == .unspecified ? "" : request.platform.name
        sentimentLabel = request.sentimentLabel
        emotion = request.emotion
        minPriority = Int(request.minPriority)
        hashtag = request.hashtag
    }
}

extension PostPage {
    /// The page's posts decoded; a stored record that does not decode is INTERNAL (the store wrote it).
    func views() throws(StoreError) -> [PostView] {
        var views: [PostView] = []
        views.reserveCapacity(posts.count)
        for post in posts { views.append(try PostView(post)) }
        return views
    }
}

extension PostPage {
    /// The encoded SearchPostsResponse or CareQueueResponse (the same fields) of the page: the
    /// stored views spliced in as they are, not decoded into Swift values and encoded again
    /// (which cost more than the rest of an export page); INTERNAL when one does not decode.
    func encodedResponse() throws(StoreError) -> [UInt8] {
        for post in posts where !PostView.decodes(post.view) {
            throw .database(operation: "decode stored post \(post.id)", message: "not an encoded \(PostView.protoName) (\(post.view.count) bytes)")
        }
        return WireSplice.postPage(posts.map(\.view), nextPageToken: nextPageToken)
    }
}

/// The `earshot.v1.Query` methods over the read models: Overview, TimeSeries and TopHashtags
/// from a ``VolumeReadModel``, SearchPosts from a ``SearchReadModel`` (with a query-language
/// `query`, through ``ExpressionSearch``).
enum QueryRPC {
    /// Registers the methods on `server`.
    static func register(on server: RPCServer, volume: any VolumeReadModel, search: any SearchReadModel) {
        server.registerEncoding(QueryMethod.searchPosts) { (request: SearchPostsRequest, context: CallContext) throws(RPCError) -> [UInt8] in
            do throws(StoreError) {
                return try ReadDeadline.within(context.deadline) { () throws(StoreError) in
                    let selection = try PostSelection(range: request.range, queryID: request.queryId, group: request.group)
                    let pageSize = request.pageSize == 0 ? 50 : Int(request.pageSize)
                    guard !request.query.isEmpty else {
                        return try search.search(selection, filter: PostFilter(request), pageSize: pageSize, pageToken: request.pageToken).encodedResponse()
                    }
                    return try ExpressionSearch.page(ExpressionSearch.expression(request.query), selection: selection, filter: PostFilter(request), pageSize: pageSize,
                                                     pageToken: request.pageToken, search: search,
                                                     budgetEndMs: TestQueryRPC.budgetEnd(deadline: context.deadline)).encodedResponse()
                }
            } catch {
                throw error.rpcError
            }
        }
        server.registerStoreMethod(QueryMethod.overview) { (request: OverviewRequest) throws(StoreError) in
            OverviewResponse(try volume.overview(PostSelection(range: request.range, queryID: request.queryId, group: request.group)))
        }
        server.registerStoreMethod(QueryMethod.timeSeries) { (request: TimeSeriesRequest) throws(StoreError) in
            let selection = try PostSelection(range: request.range, queryID: request.queryId, group: request.group)
            var response = TimeSeriesResponse()
            response.buckets = try volume.timeSeries(selection, granularity: BucketLevel(request.granularity)).map(TimeBucket.init)
            return response
        }
        server.registerStoreMethod(QueryMethod.topHashtags) { (request: TopHashtagsRequest) throws(StoreError) in
            let selection = try PostSelection(range: request.range, queryID: request.queryId, group: request.group)
            var response = TopHashtagsResponse()
            response.hashtags = try volume.topHashtags(selection, limit: request.limit == 0 ? 10 : Int(request.limit)).map(LabeledCount.init)
            return response
        }
    }
}
