import Collectors
import Foundation
import Testing

@Suite struct MastodonRecordsTests {
    /// A status nested 10,000 levels deep, in a streaming event and in a REST page, is rejected
    /// (JSON parsing has a depth limit) without crashing, and the next good status still reads.
    @Test func jsonNestedTenThousandDeepIsRejected() {
        var records = MastodonRecords(sourceName: "mastodon-test")
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        guard case .rejected(let reason) = records.read(ServerSentEvent(name: "update", data: deep)) else {
            Issue.record("a 10,000-deep event was not rejected")
            return
        }
        #expect(reason.contains("not a JSON object"))
        let deepObject = "{\"id\":\"1\",\"content\":" + String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000) + "}"
        guard case .rejected = records.read(ServerSentEvent(name: "update", data: deepObject)) else {
            Issue.record("a status holding a 10,000-deep value was not rejected")
            return
        }
        #expect(records.read(page: Data(("[" + deep + "]").utf8)) == nil)
        let good = #"{"id":"42","created_at":"2026-12-07T01:00:00.000Z","content":"<p>fine</p>","account":{"id":"7","acct":"ann"}}"#
        guard case .status(let status) = records.read(ServerSentEvent(name: "update", data: good)) else {
            Issue.record("the status after the deep ones was not read")
            return
        }
        #expect(status.id == "42")
    }
}
