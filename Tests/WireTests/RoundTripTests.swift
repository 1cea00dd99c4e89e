import Testing
@testable import EarshotWire

/// A post with every field set, non-ASCII text and references.
func samplePost(_ index: Int = 1) -> Post {
    var post = Post()
    post.id = "x:\(index)"
    post.platform = .mastodon
    post.source = "fixture"
    post.author.id = "a\(index)"
    post.author.handle = "zoë@mastodon.social"
    post.author.displayName = "Zoë 🦊 Ünïcødé"
    post.author.followers = 1_234_567_890_123
    post.author.following = 42
    post.author.verified = true
    post.author.bot = true
    post.text = "Ça marche ✨ #Déjà vu — 日本語のテキスト 👩‍👩‍👧"
    post.textIsHtml = true
    post.createdAtMs = 1_790_000_000_000
    post.url = "https://example.social/@zoë/\(index)"
    post.languageHint = "fr"
    post.engagement.likes = 5
    post.engagement.reposts = Int64.max
    post.engagement.replies = 1
    post.engagement.quotes = 2
    post.engagement.views = 1_000
    var reference = Reference()
    reference.kind = .quoteOf
    reference.postId = "x:0"
    post.references = [reference, Reference()]
    return post
}

func samplePipelinePost(_ index: Int = 1) -> PipelinePost {
    var item = PipelinePost()
    item.deliverySeq = UInt64.max - UInt64(index)
    item.post = samplePost(index)
    item.enrichment.language = "fr"
    item.enrichment.languageConfidence = 0.97
    item.enrichment.sentiment.available = true
    item.enrichment.sentiment.compound = -0.25
    item.enrichment.sentiment.positive = 0.1
    item.enrichment.sentiment.neutral = 0.6
    item.enrichment.sentiment.negative = 0.3
    item.enrichment.sentiment.label = "negative"
    item.enrichment.entities.hashtags = ["déjà"]
    item.enrichment.entities.emoji = ["✨", "👩‍👩‍👧"]
    item.enrichment.entities.urls = ["https://example.com/a_(b)"]
    item.enrichment.entities.domains = ["example.com"]
    item.enrichment.matchedQueryIds = ["q1", "q2"]
    item.scores.reach = 1e12
    item.scores.priority = 87
    item.scores.intents = ["refund"]
    item.ingestedAtMs = 1_790_000_000_001
    item.deliveryAttempt = 3
    return item
}

@Suite struct RoundTripTests {
    func roundTrip<M: ProtoMessage & Equatable>(_ message: M) throws -> M {
        try M(serializedBytes: message.serializedBytes())
    }

    @Test func emptyMessagesEncodeToNothingAndBack() throws {
        #expect(try Post().serializedBytes().isEmpty)
        #expect(try roundTrip(Post()) == Post())
        #expect(try roundTrip(PipelineBatch()) == PipelineBatch())
        #expect(try roundTrip(RpcRequest()) == RpcRequest())
        #expect(try roundTrip(StatsRequest()) == StatsRequest())
    }

    @Test func fullPostRoundTripsWithNonASCIIText() throws {
        let post = samplePost()
        let decoded = try roundTrip(post)
        #expect(decoded == post)
        #expect(decoded.author.displayName == "Zoë 🦊 Ünïcødé")
        #expect(decoded.engagement.reposts == Int64.max)
    }

    @Test func pipelineBatchWithManyPostsRoundTrips() throws {
        let batch = PipelineBatch(posts: (0..<2_000).map(samplePipelinePost))
        let decoded = try roundTrip(batch)
        #expect(decoded.posts.count == 2_000)
        #expect(decoded == batch)
    }

    @Test func sourceHealthWithACollectorsReportRoundTrips() throws {
        var health = SourceHealth()
        health.source = "news"
        health.silent = true
        health.collectorState = "backing_off"
        health.collectorLastError = "SSL connect error"
        health.collectorReconnects = 4
        health.collectorReportedMs = 1_796_000_000_000
        var response = ListSourcesResponse()
        response.sources = [health, SourceHealth()]
        #expect(try roundTrip(response) == response)
        #expect(try roundTrip(response).sources.filter(\.silent).map(\.lastCreatedAtMs) == [0])
    }

    @Test func largeRepeatedFieldsRoundTrip() throws {
        let ack = AckBatch(deliverySeqs: Array(0..<100_000).map(UInt64.init))
        #expect(try roundTrip(ack) == ack)
        var entities = PostEntities()
        entities.hashtags = (0..<10_000).map { "tag\($0)" }
        #expect(try roundTrip(entities) == entities)
    }

    @Test func envelopeWithMapAndBytesRoundTrips() throws {
        var request = RpcRequest()
        request.method = "earshot.v1.Query/Overview"
        request.requestId = "r-1"
        request.deadlineUnixMs = 1_790_000_002_500
        request.metadata = ["client": "tests", "trace": "αβγ", "": "empty key"]
        request.payload = Array(0...255) + [0, 0, 0]
        #expect(try roundTrip(request) == request)

        var response = RpcResponse()
        response.requestId = "r-1"
        response.statusCode = 3
        response.statusMessage = "bad"
        response.payload = try samplePost().serializedBytes()
        let decoded = try roundTrip(response)
        #expect(decoded == response)
        #expect(try Post(serializedBytes: decoded.payload) == samplePost())
    }

    @Test func everyQueryMessageRoundTrips() throws {
        var overview = OverviewResponse()
        overview.posts = 10
        overview.netSentiment = -12.5
        overview.languages = [LabeledCount(label: "en", count: 7), LabeledCount(label: "und", count: 3)]
        #expect(try roundTrip(overview) == overview)

        var series = TimeSeriesRequest()
        series.range = TimeRange(fromMs: 1, toMs: 2)
        series.granularity = .day
        #expect(try roundTrip(series) == series)

        var buckets = TimeSeriesResponse()
        buckets.buckets = (0..<50).map { var b = TimeBucket(); b.startMs = Int64($0) * 60_000; b.posts = Int64($0); return b }
        #expect(try roundTrip(buckets) == buckets)

        var search = SearchPostsRequest()
        search.platform = .bluesky
        search.textContains = "naïve"
        search.pageToken = "abc"
        #expect(try roundTrip(search) == search)

        var page = SearchPostsResponse()
        var view = PostView()
        view.post = samplePost()
        page.posts = [view, PostView()]
        page.nextPageToken = "next"
        #expect(try roundTrip(page) == page)

        var health = HealthCheckResponse()
        health.status = .notServing
        health.serviceName = "query"
        #expect(try roundTrip(health) == health)

        var stats = StatsResponse()
        stats.metrics = [{ var m = Metric(); m.name = "x"; m.value = 1.5; return m }()]
        #expect(try roundTrip(stats) == stats)
    }

    @Test func garbageBytesAreRejectedWithATypedError() {
        #expect(throws: WireError.malformed(messageType: "earshot.v1.Post", byteCount: 4)) {
            try Post(serializedBytes: [0xFF, 0xFF, 0xFF, 0xFF])
        }
        // A length-delimited field claiming more bytes than there are.
        #expect(throws: WireError.self) { try RpcRequest(serializedBytes: [0x0A, 0x7F, 0x41]) }
    }

    @Test func unknownEnumValuesDecodeAsTheZeroCase() throws {
        // field 2 (platform), varint 99
        let post = try Post(serializedBytes: [0x10, 99])
        #expect(post.platform == .unspecified)
    }
}

@Suite struct WireSpliceTests {
    @Test func splicedPipelineBatchDecodesLikeTheCodecsOwn() throws {
        let items = (0..<50).map { index in
            WireSplice.Item(deliverySeq: UInt64(index) * 1_000_003, post: try! samplePost(index).serializedBytes(),
                            ingestedAtMs: 1_790_000_000_000 + Int64(index), deliveryAttempt: UInt32(index % 3))
        }
        let decoded = try PipelineBatch(serializedBytes: WireSplice.pipelineBatch(items, seal: [7, 8, 9]))
        var expected = PipelineBatch()
        expected.dispatchSeal = [7, 8, 9]
        expected.posts = (0..<50).map { index in
            var item = PipelinePost()
            item.deliverySeq = UInt64(index) * 1_000_003
            item.post = samplePost(index)
            item.ingestedAtMs = 1_790_000_000_000 + Int64(index)
            item.deliveryAttempt = UInt32(index % 3)
            return item
        }
        #expect(decoded == expected)
        #expect(try PipelineBatch(serializedBytes: WireSplice.pipelineBatch([])) == PipelineBatch())
    }

    @Test func postsAreCutOutOfAPublishBatchRequestUnchanged() throws {
        let posts = (0..<20).map(samplePost)
        let request = try PublishBatchRequest(posts: posts).serializedBytes()
        let slices = try #require(WireSplice.lengthDelimitedFields(1, in: request))
        #expect(try slices.map { try Post(serializedBytes: Array($0)) } == posts)
        #expect(WireSplice.lengthDelimitedFields(1, in: [0x0A, 0x7F, 0x01]) == nil)
        #expect(WireSplice.lengthDelimitedFields(1, in: []) == [])
    }

    @Test func nextPageTokenIsReadWithoutDecodingThePosts() throws {
        var page = SearchPostsResponse()
        page.posts = (1...3).map { var view = PostView(); view.post = samplePost($0); return view }
        page.nextPageToken = "p1.1790000000000.42"
        #expect(WireSplice.nextPageToken(ofPostPage: try page.serializedBytes()) == "p1.1790000000000.42")
        page.nextPageToken = ""
        #expect(WireSplice.nextPageToken(ofPostPage: try page.serializedBytes()) == "")
        #expect(WireSplice.nextPageToken(ofPostPage: []) == "")
        // A length-delimited field claiming more bytes than there are.
        #expect(WireSplice.nextPageToken(ofPostPage: [0x12, 0x7F, 0x41]) == nil)
    }
}
