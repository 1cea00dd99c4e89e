import Collectors
import EarshotWire
import Foundation
import Testing

@Suite struct BackoffScheduleTests {
    @Test func waitsDoubleUpToTheMaximumWithJitterBelowTheBase() {
        let schedule = BackoffSchedule(initialSeconds: 1, maximumSeconds: 8, multiplier: 2, jitter: 0.5)
        #expect(schedule.delaySeconds(afterFailures: 1, random: 0) == 1)
        #expect(schedule.delaySeconds(afterFailures: 2, random: 0) == 2)
        #expect(schedule.delaySeconds(afterFailures: 4, random: 0) == 8)
        #expect(schedule.delaySeconds(afterFailures: 50, random: 0) == 8)
        #expect(schedule.delaySeconds(afterFailures: 3, random: 0.999) > 2)
        #expect(schedule.delaySeconds(afterFailures: 3, random: 0.5) == 3)
        #expect(schedule.delaySeconds(afterFailures: 10_000, random: 0.2) == 7.2)
    }

    @Test func retryAfterIsHonouredEvenAboveTheMaximum() {
        let schedule = BackoffSchedule(initialSeconds: 1, maximumSeconds: 8)
        #expect(schedule.delaySeconds(afterFailures: 1, random: 0, retryAfterSeconds: 30) == 30)
        #expect(schedule.delaySeconds(afterFailures: 4, random: 0, retryAfterSeconds: 2) == 8)
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.seconds("120", now: now) == 120)
        #expect(RetryAfter.seconds(" 0 ", now: now) == 0)
        #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds("-5", now: now) == nil)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
    }
}

@Suite struct SourceCursorTests {
    @Test func aCursorRoundTripsAndIsIgnoredForAnotherEndpoint() {
        let cursor = SourceCursor(endpoint: "mastodon https://a.example public", position: "109", acknowledgedAtMs: 5)
        #expect(SourceCursor.decoded(cursor.encoded(), endpoint: cursor.endpoint) == cursor)
        #expect(SourceCursor.decoded(cursor.encoded(), endpoint: "mastodon https://a.example local") == nil)
        #expect(SourceCursor.decoded(Data("{half".utf8), endpoint: cursor.endpoint) == nil)
    }

    @Test func statusIdsCompareAsNumbers() {
        #expect(MastodonStatusID.isNewer("110", than: "99"))
        #expect(!MastodonStatusID.isNewer("99", than: "110"))
        #expect(MastodonStatusID.isNewer("111", than: "110"))
        #expect(MastodonStatusID.newest(["5", "12", "9"], current: nil) == "12")
        #expect(MastodonStatusID.newest(["5"], current: "100") == "100")
        #expect(MastodonStatusID.newest([], current: nil) == nil)
    }

    @Test func theGapFillPagesPastTheNewestIdUntilAShortPage() {
        var gap = MastodonGapFill(cursor: "100")
        #expect(!gap.isFinished)
        #expect(gap.query.first! == ("min_id", "100"))
        gap.advance(pastIds: (101...140).map(String.init), elementCount: 40)
        #expect(!gap.isFinished && gap.minimumId == "140")
        gap.advance(pastIds: ["141"], elementCount: 2)
        #expect(gap.isFinished && gap.minimumId == "141")
        #expect(MastodonGapFill(cursor: nil).isFinished)
    }

    @Test func timelinesGiveTheirStreamingAndRESTAddresses() {
        #expect(MastodonTimeline("public") == .federated)
        #expect(MastodonTimeline("hashtag:#Swift") == .hashtag("Swift"))
        #expect(MastodonTimeline("list:42")?.timeline.path == "/api/v1/timelines/list/42")
        #expect(MastodonTimeline("hashtag:a/b") == nil)
        #expect(MastodonTimeline("home") == nil)
        #expect(MastodonTimeline.local.streaming.path == "/api/v1/streaming/public/local")
        #expect(MastodonTimeline.hashtag("x").streaming.query.first! == ("tag", "x"))
    }
}

@Suite struct SourceHealthRecordTests {
    @Test func postsPerMinuteCountsTheLastFiveMinutes() {
        var health = SourceHealthRecord()
        health.recordAcknowledged(30, newestCreatedAtMs: 1_000, nowMs: 60_000)
        health.recordAcknowledged(0, newestCreatedAtMs: 9_999, nowMs: 60_000)
        #expect(health.posts == 30 && health.lastPostCreatedAtMs == 1_000)
        #expect(health.postsPerMinute(nowMs: 120_000, startedAtMs: 0) == 15)
        health.recordAcknowledged(10, newestCreatedAtMs: 500, nowMs: 400_000)
        #expect(health.lastPostCreatedAtMs == 1_000)
        #expect(health.postsPerMinute(nowMs: 400_000, startedAtMs: 0) == 2)
    }

    @Test func theExpositionHasOneSeriesPerSourceWithEscapedNames() {
        var health = SourceHealthRecord()
        health.state = .backingOff
        health.reconnects = 3
        let text = SourceHealthExposition.text([("a\"b", health)], nowMs: 0, startedAtMs: 0)
        #expect(text.contains("earshot_collect_backing_off{source=\"a\\\"b\"} 1.0"))
        #expect(text.contains("earshot_collect_reconnects_total{source=\"a\\\"b\"} 3.0"))
        #expect(text.contains("# TYPE earshot_collect_posts_total counter"))
    }
}

@Suite struct RedditTests {
    static func listing(_ ids: [String], after: String?) -> Data {
        let children = ids.map { id in
            #"{"kind":"t3","data":{"id":"\#(id)","name":"t3_\#(id)","subreddit":"swift","title":"Post \#(id)","selftext":"","author":"ann","created_utc":1767323045,"permalink":"/r/swift/comments/\#(id)/x/"}}"#
        }
        return Data(#"{"kind":"Listing","data":{"after":\#(after.map { "\"\($0)\"" } ?? "null"),"children":[\#(children.joined(separator: ","))]}}"#.utf8)
    }

    @Test func listingsGiveItemsAndTheNextPage() throws {
        var reader = RedditListing(sourceName: "r-swift")
        let read = reader.read(page: Self.listing(["1b", "1a"], after: "t3_1a"))
        let page = try #require(read)
        #expect(page.items.map(\.fullname) == ["t3_1b", "t3_1a"] && page.after == "t3_1a" && page.rejected.isEmpty)
        #expect(page.items[0].post.id == "reddit:t3_1b" && page.items[0].post.source == "r-swift")
        let readBroken = reader.read(page: Data(#"{"data":{"children":[{"kind":"t3"},{"kind":"t3","data":{"subreddit":"x"}}]}}"#.utf8))
        let broken = try #require(readBroken)
        #expect(broken.items.isEmpty && broken.rejected.count == 2)
        let notAListing = reader.read(page: Data("[]".utf8))
        #expect(notAListing == nil)
    }

    @Test func aPollPagesBackToTheCursor() {
        var poll = RedditPoll(cursor: "t3_1c")
        let page = { (ids: [String]) in ids.map { RedditItem(fullname: "t3_\($0)", post: Post()) } }
        let newest = poll.take(page(["1f", "1e"]), after: "t3_1e")
        #expect(newest.map(\.fullname) == ["t3_1f", "t3_1e"])
        #expect(!poll.isFinished && poll.query.contains { $0 == ("after", "t3_1e") })
        let older = poll.take(page(["1d", "1c", "1b"]), after: "t3_1b")
        #expect(older.map(\.fullname) == ["t3_1d"])
        #expect(poll.isFinished)
        var first = RedditPoll(cursor: nil)
        let firstPage = first.take(page(["z"]), after: "t3_z")
        #expect(firstPage.count == 1 && first.isFinished)
        #expect(RedditFullname.isNewer("t3_10", than: "t3_z") && !RedditFullname.isNewer("t1_a", than: "t3_b"))
    }

    @Test func theRateLimitWaitsOnlyWhenNoRequestIsLeft() {
        #expect(RedditRateLimit.waitSeconds(remaining: "0.0", reset: "42") == 42)
        #expect(RedditRateLimit.waitSeconds(remaining: "57.0", reset: "42") == 0)
        #expect(RedditRateLimit.waitSeconds(remaining: nil, reset: "42") == 0)
    }
}

@Suite struct XStreamRulesTests {
    @Test func onlyThisSourcesRulesAreAddedOrDeleted() {
        let existing = [XStreamRule(id: "1", value: "acme", tag: "earshot:x"), XStreamRule(id: "2", value: "old", tag: "earshot:x"),
                        XStreamRule(id: "3", value: "theirs", tag: "other-tool")]
        let changes = XStreamRules.changes(existing: existing, wanted: ["acme", "new", "new", "theirs"], tag: "earshot:x")
        #expect(changes.add == ["new", "theirs"] && changes.delete == ["2"])
    }

    @Test func rulesResponsesAreRead() throws {
        let body = Data(#"{"data":[{"id":"9","value":"a b","tag":"earshot:x"}],"meta":{"result_count":1}}"#.utf8)
        #expect(XStreamRule.rules(in: body) == [XStreamRule(id: "9", value: "a b", tag: "earshot:x")])
        #expect(XStreamRule.rules(in: Data(#"{"meta":{"result_count":0}}"#.utf8)) == [])
        #expect(XStreamRule.rules(in: Data("nope".utf8)) == nil)
        let added = try JSONSerialization.jsonObject(with: XStreamRules.addBody(["a"], tag: "t")) as? [String: [[String: String]]]
        #expect(added?["add"]?.first == ["value": "a", "tag": "t"])
    }
}
