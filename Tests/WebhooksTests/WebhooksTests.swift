import Foundation
import Testing
import Webhooks

@Suite struct WebhookSignatureTests {
    @Test func hmacMatchesRFC4231() {
        // RFC 4231, test case 2 (a key shorter than the block) and 6 (a key longer than the block).
        #expect(WebhookSignature.hmacSHA256Hex(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(WebhookSignature.hmacSHA256Hex(key: [UInt8](repeating: 0xaa, count: 131),
                                               message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func signsTimestampDotBody() {
        let body = Array(#"{"id":"a"}"#.utf8)
        let header = WebhookSignature.sign(secret: "whsec_test", timestampSeconds: 1_796_558_400, body: body)
        let digest = WebhookSignature.hmacSHA256Hex(key: Array("whsec_test".utf8), message: Array("1796558400.".utf8) + body)
        #expect(header == "t=1796558400,v1=\(digest)")
    }

    @Test func verifiesAndRefuses() throws {
        let body = Array(#"{"id":"a"}"#.utf8)
        let header = WebhookSignature.sign(secret: "s3cret", timestampSeconds: 1_000, body: body)
        try WebhookSignature.verify(header: header, secret: "s3cret", body: body, nowSeconds: 1_100)
        try WebhookSignature.verify(header: "v1=00," + header, secret: "s3cret", body: body, nowSeconds: 1_000)
        #expect(throws: WebhookSignature.Refusal.mismatch) {
            try WebhookSignature.verify(header: header, secret: "other", body: body, nowSeconds: 1_000)
        }
        #expect(throws: WebhookSignature.Refusal.mismatch) {
            try WebhookSignature.verify(header: header, secret: "s3cret", body: body + [0x20], nowSeconds: 1_000)
        }
        #expect(throws: WebhookSignature.Refusal.staleTimestamp) {
            try WebhookSignature.verify(header: header, secret: "s3cret", body: body, nowSeconds: 1_301)
        }
        #expect(throws: WebhookSignature.Refusal.malformedHeader) {
            try WebhookSignature.verify(header: "t=1000", secret: "s3cret", body: body, nowSeconds: 1_000)
        }
        #expect(throws: WebhookSignature.Refusal.malformedHeader) {
            try WebhookSignature.verify(header: "garbage", secret: "s3cret", body: body, nowSeconds: 1_000)
        }
    }
}

@Suite struct RetryScheduleTests {
    @Test func delaysDoubleWithinTheirUpperHalfUpToTheCap() {
        let schedule = RetrySchedule.standard
        #expect(schedule.delaySeconds(afterAttempt: 1, random: 0) == 5)
        #expect(schedule.delaySeconds(afterAttempt: 1, random: 0.999_999) > 9.99)
        #expect(schedule.delaySeconds(afterAttempt: 3, random: 0) == 20)
        #expect(schedule.delaySeconds(afterAttempt: 3, random: 1) == 40)
        #expect(schedule.delaySeconds(afterAttempt: 20, random: 1) == 3_600)
        #expect(schedule.delaySeconds(afterAttempt: 10_000, random: 0) == 1_800)
        for attempt in 1...30 {
            let delay = schedule.delaySeconds(afterAttempt: attempt, random: Double(attempt % 7) / 7)
            #expect(delay >= 5 && delay <= 3_600)
        }
    }

    @Test func givesUpAfterTheWindow() {
        let schedule = RetrySchedule.standard
        let queued: Int64 = 1_000_000
        #expect(schedule.nextAttemptMs(queuedMs: queued, attempt: 1, nowMs: queued, random: 0) == queued + 5_000)
        #expect(schedule.nextAttemptMs(queuedMs: queued, attempt: 30, nowMs: queued + 86_400_000 - 1_800_000, random: 0) == queued + 86_400_000)
        #expect(schedule.nextAttemptMs(queuedMs: queued, attempt: 30, nowMs: queued + 86_400_000 - 1_000_000, random: 0) == nil)
        // Attempts over a day: about 10 doubling ones, then one an hour at most.
        var now = queued
        var attempts = 0
        while let next = schedule.nextAttemptMs(queuedMs: queued, attempt: attempts + 1, nowMs: now, random: 0.5) {
            attempts += 1
            now = next
        }
        #expect(attempts > 24 && attempts < 60, "\(attempts)")
    }
}

@Suite struct WebhookTopicTests {
    let spike = WebhookEvent(type: .alert, id: "q-1/volume/1", queryID: "q-1", alertKind: "volume", summary: "s", occurredAtMs: 0, data: Array("{}".utf8))
    let allPosts = WebhookEvent(type: .alert, id: "*/negative/1", alertKind: "negativeSentiment", summary: "s", occurredAtMs: 0, data: [])
    let urgent = WebhookEvent(type: .care, id: "care/p1", queryIDs: ["q-1", "q-2"], priority: 80, summary: "s", occurredAtMs: 0, data: [])

    @Test func alertsByQueryAndKind() {
        #expect(WebhookTopic(event: .alert).admits(spike))
        #expect(WebhookTopic(event: .alert).admits(allPosts))
        #expect(WebhookTopic(event: .alert, queryID: "q-1").admits(spike))
        #expect(!WebhookTopic(event: .alert, queryID: "q-2").admits(spike))
        #expect(WebhookTopic(event: .alert, queryID: "*").admits(allPosts))
        #expect(!WebhookTopic(event: .alert, queryID: "*").admits(spike))
        #expect(WebhookTopic(event: .alert, alertKind: "volume").admits(spike))
        #expect(!WebhookTopic(event: .alert, alertKind: "volume").admits(allPosts))
        #expect(!WebhookTopic(event: .care).admits(spike))
    }

    @Test func careByPriorityAndQuery() {
        #expect(WebhookTopic(event: .care, minPriority: 80).admits(urgent))
        #expect(!WebhookTopic(event: .care, minPriority: 81).admits(urgent))
        #expect(WebhookTopic(event: .care, queryID: "q-2", minPriority: 50).admits(urgent))
        #expect(!WebhookTopic(event: .care, queryID: "q-3").admits(urgent))
        #expect(!WebhookTopic(event: .alert).admits(urgent))
    }
}

@Suite struct WebhookBodyTests {
    @Test func jsonEnvelopeAndSlackText() throws {
        let event = WebhookEvent(type: .alert, id: "q-1/volume/1\"x", queryID: "q-1", summary: "Spike: \"acme\" ×4 / hour",
                                 occurredAtMs: 1_796_558_400_123, data: Array(#"{"z":1}"#.utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(WebhookBody.json.bytes(event))) as? [String: Any])
        #expect(json["id"] as? String == "q-1/volume/1\"x")
        #expect(json["type"] as? String == "alert")
        #expect(json["occurredAt"] as? String == "2026-12-06T12:00:00.123Z")
        #expect((json["data"] as? [String: Any])?["z"] as? Int == 1)
        let slack = try #require(try JSONSerialization.jsonObject(with: Data(WebhookBody.slack.bytes(event))) as? [String: Any])
        #expect(slack as? [String: String] == ["text": "Spike: \"acme\" ×4 / hour"])
    }
}
