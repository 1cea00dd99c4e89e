import Collectors
import Testing

@Suite struct ServerSentEventParserTests {
    @Test func eventsSplitAcrossChunksAndLineEndsAreJoined() {
        var parser = ServerSentEventParser()
        let stream = "event: update\ndata: {\"a\":\r\ndata: 1}\r\n\r\n:heartbeat\n\nid: 7\ndata:x\r\rdata: y\n\n"
        var items: [ServerSentEventItem] = []
        for byte in stream.utf8 { items += parser.append([byte]) }
        #expect(items == [.event(ServerSentEvent(name: "update", data: "{\"a\":\n1}")),
                          .event(ServerSentEvent(data: "x", id: "7")),
                          .event(ServerSentEvent(data: "y"))])
    }

    @Test func anEventCutOffByTheEndOfTheStreamIsNeverReturned() {
        var parser = ServerSentEventParser()
        let items = parser.append(Array("event: update\ndata: {\"half\":".utf8))
        #expect(items.isEmpty)
    }

    @Test func oversizedEventsAndEndlessLinesAreSkippedWithBoundedMemory() {
        var parser = ServerSentEventParser(maximumEventBytes: 64)
        var items = parser.append(Array(("data: " + String(repeating: "x", count: 10_000) + "\ndata: more\n\n").utf8))
        items += parser.append(Array("data: ok\n\n".utf8))
        guard case .oversized(let bytes) = items.first else { Issue.record("expected oversized, got \(items)"); return }
        #expect(bytes > 10_000)
        #expect(items.dropFirst() == [.event(ServerSentEvent(data: "ok"))])
        // A line that never ends keeps nothing past the limit.
        for _ in 0..<1_000 {
            let endless = parser.append(Array(repeating: UInt8(ascii: "z"), count: 1_000))
            #expect(endless.isEmpty)
        }
    }

    @Test func invalidUTF8IsReportedAndTheStreamGoesOn() {
        var parser = ServerSentEventParser()
        let items = parser.append(Array("data: ".utf8) + [0xFF, 0xFE] + Array("\n\ndata: fine\n\n".utf8))
        #expect(items == [.invalidText, .event(ServerSentEvent(data: "fine"))])
    }
}
