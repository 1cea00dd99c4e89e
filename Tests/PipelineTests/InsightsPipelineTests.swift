import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import Launcher
import SampleData
import Testing
import ZeroMQ

/// 2026-09-21T00:00:00Z: the generated day starts here.
let dayStart: Int64 = 1_790_035_200_000
let hour: Int64 = 3_600_000

/// Creates listening queries "Acme" and "Globex" in group "brands"; returns their ids.
func createBrandQueries(_ query: RPCClient) throws -> (acme: String, globex: String) {
    func create(_ name: String) throws -> String {
        var request = CreateQueryRequest()
        request.name = name
        request.group = "brands"
        request.query = name
        return try query.call(ListeningMethod.createQuery, request, as: SavedQuery.self).id
    }
    return (try create("Acme"), try create("Globex"))
}

/// Expects `body` to fail with `code`, and the message to contain `fragment`.
private func expectStatus<T>(_ code: StatusCode, _ fragment: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) {
    do {
        _ = try body()
        Issue.record("expected \(code)", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// An angry, urgent complaint at Acme from a big account, at `time`.
func complaint(_ number: Int, at time: Int64) -> Post {
    var post = Post()
    post.id = "storm-\(number)"
    post.platform = .x
    post.source = "storm"
    post.author.id = "storm-author-\(number % 60)"
    post.author.handle = "angry\(number % 60)"
    post.author.followers = 2_000_000
    post.text = "@acme URGENT: Acme charged twice for my phone, still waiting for a refund and it is broken. Terrible, cancelling! #AcmeFail"
    post.createdAtMs = time
    return post
}

@Suite(.serialized) struct InsightsPipelineTests {
    @Test func insightRPCsAnswerAndRejectBadArgumentsThroughTheSocket() throws {
        let running = try RunningStack(slot: 7, enrich: 1, score: 1)
        defer { running.stack.stop() }
        let (publisher, query) = (running.publisher, running.query)
        let brands = try createBrandQueries(query)
        Thread.sleep(forTimeInterval: 1.5)  // the query set reaches the enrich worker
        var stream = SampleStream(seed: 12, startMs: dayStart, spanMs: 6 * hour, expectedCount: 600)
        let posts = stream.next(600)
        _ = try publisher.publish(posts)
        #expect(try waitForStored(600, query, timeoutSeconds: 90).posts == 600)
        let day = TimeRange(fromMs: dayStart, toMs: dayStart + 24 * hour)

        var voice = ShareOfVoiceRequest()
        voice.range = day
        voice.group = "brands"
        let shares = try query.call(InsightsMethod.shareOfVoice, voice, as: ShareOfVoiceResponse.self)
        #expect(shares.shares.map(\.queryId) == [brands.acme, brands.globex])
        #expect(shares.shares.allSatisfy { $0.mentions > 50 })
        #expect(abs(shares.shares.map(\.mentionShare).reduce(0, +) - 1) < 1e-9)

        var overview = OverviewRequest()
        overview.group = "brands"
        let group = try query.call(QueryMethod.overview, overview, as: OverviewResponse.self)
        #expect(group.posts == shares.totalMentions)

        var trending = TrendingRequest()
        trending.range = TimeRange(fromMs: dayStart + 5 * hour, toMs: dayStart + 6 * hour)
        trending.baselineWindows = 5
        trending.kind = .term
        trending.queryId = brands.acme
        let trends = try query.call(InsightsMethod.trending, trending, as: TrendingResponse.self)
        #expect(trends.byVolume.first?.key == "acme")
        #expect(trends.baseline == TimeRange(fromMs: dayStart, toMs: dayStart + 5 * hour))

        var authors = TopAuthorsRequest()
        authors.limit = 3
        let top = try query.call(InsightsMethod.topAuthors, authors, as: TopAuthorsResponse.self).authors
        #expect(top.count == 3)
        #expect(top[0].reach >= top[1].reach && top[1].reach >= top[2].reach)

        var care = CareQueueRequest()
        care.pageSize = 5
        let first = try query.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self)
        #expect(first.posts.count == 5)
        #expect(first.posts.map(\.scores.priority) == first.posts.map(\.scores.priority).sorted(by: >))
        let top1 = first.posts[0].post.id
        // The agent is the caller's key name, whatever the request says.
        try running.stack.addClientKey("ana", role: .editor)
        try running.stack.addClientKey("bob", role: .editor)
        let ana = try running.stack.queryClient(key: "ana", context: running.context)
        let bob = try running.stack.queryClient(key: "bob", context: running.context)
        #expect(try ana.call(InsightsMethod.markHandled, MarkHandledRequest(postId: top1, agent: "anyone"), as: MarkHandledResponse.self).claimed)
        let rival = try bob.call(InsightsMethod.markHandled, MarkHandledRequest(postId: top1, agent: "ana"), as: MarkHandledResponse.self)
        #expect(!rival.claimed && rival.handledBy == "ana")
        #expect(try query.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self).posts.first?.post.id == first.posts[1].post.id)
        #expect(try query.call(InsightsMethod.alerts, AlertsRequest(), as: AlertsResponse.self).alerts.allSatisfy { !$0.id.isEmpty })

        // Bad arguments: NOT_FOUND for unknown names, INVALID_ARGUMENT with the reason otherwise.
        let inverted = TimeRange(fromMs: dayStart + hour, toMs: dayStart)
        overview = OverviewRequest()
        overview.queryId = "q-404"
        expectStatus(.notFound, "unknown query id 'q-404'") { try query.call(QueryMethod.overview, overview, as: OverviewResponse.self) }
        voice.group = "nobody"
        expectStatus(.notFound, "unknown group 'nobody'") { try query.call(InsightsMethod.shareOfVoice, voice, as: ShareOfVoiceResponse.self) }
        voice.group = "brands"
        voice.range = inverted
        expectStatus(.invalidArgument, "inverted time range") { try query.call(InsightsMethod.shareOfVoice, voice, as: ShareOfVoiceResponse.self) }
        trending.queryId = "q-404"
        expectStatus(.notFound, "unknown query id") { try query.call(InsightsMethod.trending, trending, as: TrendingResponse.self) }
        trending.queryId = ""
        trending.range = inverted
        expectStatus(.invalidArgument, "inverted time range") { try query.call(InsightsMethod.trending, trending, as: TrendingResponse.self) }
        authors.limit = 1_000_000
        expectStatus(.invalidArgument, "limit must be between 1 and 1000") { try query.call(InsightsMethod.topAuthors, authors, as: TopAuthorsResponse.self) }
        authors.limit = 0
        authors.group = "nobody"
        expectStatus(.notFound, "unknown group") { try query.call(InsightsMethod.topAuthors, authors, as: TopAuthorsResponse.self) }
        for size: Int32 in [0, 1_000_000] {
            care.pageSize = size
            expectStatus(.invalidArgument, "page_size must be between 1 and 500") { try query.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self) }
        }
        var search = SearchPostsRequest()
        search.pageSize = 1_000_000
        expectStatus(.invalidArgument, "page_size must be between 1 and 500") { try query.call(QueryMethod.searchPosts, search, as: SearchPostsResponse.self) }
        care.pageSize = 10
        care.range = inverted
        expectStatus(.invalidArgument, "inverted time range") { try query.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self) }
        expectStatus(.notFound, "no stored post with id 'missing'") {
            try query.call(InsightsMethod.markHandled, MarkHandledRequest(postId: "missing", agent: "ana"), as: MarkHandledResponse.self)
        }
        // An empty agent is no way around the claim: the caller is "cli".
        #expect(try !query.call(InsightsMethod.markHandled, MarkHandledRequest(postId: top1, agent: ""), as: MarkHandledResponse.self).claimed)
        var alerts = AlertsRequest()
        alerts.queryId = "q-404"
        expectStatus(.notFound, "unknown query id") { try query.call(InsightsMethod.alerts, alerts, as: AlertsResponse.self) }
        alerts.queryId = ""
        alerts.range = inverted
        expectStatus(.invalidArgument, "inverted time range") { try query.call(InsightsMethod.alerts, alerts, as: AlertsResponse.self) }
    }

    @Test func aComplaintStormRaisesAnAlertTopsTheCareQueueAndMovesShareOfVoice() throws {
        let running = try RunningStack(slot: 8, enrich: 1, score: 1, queryArguments: ["--alert-grace-minutes", "30", "--alert-interval-ms", "200"])
        defer { running.stack.stop() }
        let (stack, context, publisher, query) = (running.stack, running.context, running.publisher, running.query)
        let brands = try createBrandQueries(query)
        let subscriber = try Socket(.sub, context: context)
        try subscriber.set([.linger(0), .receiveTimeout(1_000), .subscribe(Array("alert.\(brands.acme).".utf8))])
        try subscriber.set(stack.clientOptions(stack.ports.alerts, server: KeyDirectory.queryKey))
        try subscriber.connect(stack.ports.alerts)
        Thread.sleep(forTimeInterval: 1.5)  // the query set reaches the enrich worker; the subscription reaches the publisher

        // A day at 6 posts a minute (30 per 5-minute bucket, a quarter about Acme), and
        // 240 complaints at Acme between 15:00 and 15:10.
        let stormStart = dayStart + 15 * hour
        var stream = SampleStream(seed: 31, startMs: dayStart, spanMs: 24 * hour, expectedCount: 8_640, authorCount: 3_000)
        let day = (stream.next(8_640) + (0..<240).map { complaint($0, at: stormStart + Int64($0) * 2_500) }).sorted { $0.createdAtMs < $1.createdAtMs }
        for start in stride(from: 0, to: day.count, by: 500) {
            _ = try publisher.publish(Array(day[start..<min(start + 500, day.count)]))
        }
        #expect(try waitForStored(Int64(day.count), query, timeoutSeconds: 180).posts == Int64(day.count))

        // The alert is published on the PUB socket with the documented topic…
        var published: [(topic: String, alert: Alert)] = []
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !published.contains(where: { $0.alert.bucketStartMs >= stormStart }) {
            guard let frames = try subscriber.receive(), frames.count == 2 else { continue }
            published.append((String(decoding: frames[0], as: UTF8.self), try Alert(serializedBytes: frames[1])))
        }
        let storm = try #require(published.first { $0.alert.bucketStartMs >= stormStart && $0.alert.bucketStartMs < stormStart + 600_000 })
        #expect(storm.topic == storm.alert.topic)
        #expect(storm.topic.hasPrefix("alert.\(brands.acme)."))
        #expect(storm.alert.dominantSentiment == "negative")
        #expect(storm.alert.severity.rawValue >= AlertSeverity.high.rawValue)
        #expect(storm.alert.terms.map(\.key).contains("refund"))
        #expect(storm.alert.authors.contains { $0.key.hasPrefix("angry") })
        // …stored and listed, for the query and for all posts.
        var listed = AlertsRequest()
        listed.range = TimeRange(fromMs: stormStart, toMs: stormStart + 600_000)
        let stored = try query.call(InsightsMethod.alerts, listed, as: AlertsResponse.self).alerts
        #expect(stored.contains(storm.alert))
        #expect(stored.contains { $0.queryId.isEmpty && $0.kind == .volume })
        #expect(stored.contains { $0.queryId == brands.acme && $0.kind == .negativeSentiment })

        // `alerts backtest` over the stored posts (TimeSeries RPC) runs the same detector: it
        // raises Acme's volume alert in the bucket the live monitor did.
        let liveVolume = try #require(stored.first { $0.queryId == brands.acme && $0.kind == .volume })
        let backtest = try runEarshot(["alerts", "backtest", "--query", stack.ports.queryRPC, "--keys", try #require(stack.keys).path,
                                       "--query-id", brands.acme,
                                       "--from", "\(dayStart)", "--to", "\(dayStart + 24 * hour)", "--json"])
        #expect(backtest.status == 0, "\(backtest.errors)")
        let report = try JSONSerialization.jsonObject(with: Data(backtest.output.utf8)) as? [String: Any]
        let backtested = report?["alerts"] as? [[String: Any]] ?? []
        let liveStart = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(liveVolume.bucketStartMs) / 1000))
        #expect(backtested.contains { $0["kind"] as? String == "volume" && $0["bucket_start"] as? String == liveStart }, "\(backtest.output)")
        #expect(report?["buckets"] as? Int == 288)
        // …and over the stored posts of the group: the storm pages within its ten minutes (no
        // cooldown, so that an earlier page of the group's day cannot hide it).
        let grouped = try runEarshot(["alerts", "backtest", "--query", stack.ports.queryRPC, "--keys", try #require(stack.keys).path,
                                      "--group", "brands", "--from", "\(dayStart)", "--to", "\(dayStart + 24 * hour)",
                                      "--cooldown-buckets", "0", "--json"])
        #expect(grouped.status == 0, "\(grouped.errors)")
        let groupAlerts = (try JSONSerialization.jsonObject(with: Data(grouped.output.utf8)) as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
        let stormEnd = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(stormStart + 600_000) / 1000))
        let stormBegins = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(stormStart) / 1000))
        #expect(groupAlerts.contains { $0["kind"] as? String == "volume" && ($0["bucket_start"] as? String ?? "") >= stormBegins
                    && ($0["bucket_start"] as? String ?? "") < stormEnd }, "\(grouped.output)")

        // The care queue starts with the storm.
        var care = CareQueueRequest()
        care.pageSize = 50
        care.group = "brands"
        let queue = try query.call(InsightsMethod.careQueue, care, as: CareQueueResponse.self).posts
        #expect(queue.count == 50)
        #expect(queue.allSatisfy { $0.post.id.hasPrefix("storm-") })

        // Acme's share of voice jumps during the storm.
        func acmeShare(_ from: Int64, _ to: Int64) throws -> Double {
            var voice = ShareOfVoiceRequest()
            voice.group = "brands"
            voice.range = TimeRange(fromMs: from, toMs: to)
            return try query.call(InsightsMethod.shareOfVoice, voice, as: ShareOfVoiceResponse.self).shares.first { $0.queryId == brands.acme }?.mentionShare ?? 0
        }
        let before = try acmeShare(stormStart - 2 * hour, stormStart)
        let during = try acmeShare(stormStart, stormStart + 600_000)
        #expect(before > 0.3 && before < 0.7)
        #expect(during > 0.85)
    }
}
