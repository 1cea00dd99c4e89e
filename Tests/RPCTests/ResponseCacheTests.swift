import EarshotWire
import Synchronization
import Testing
import ZeroMQ
@testable import EarshotRPC

@Suite struct ResponseCacheTests {
    private let overview = "earshot.v1.Query/Overview"

    @Test func anAnswerIsServedUntilTheGenerationAdvances() {
        var cache = ResponseCache(maxBytes: 1 << 20)
        #expect(cache.answer(method: overview, request: [1], generation: 0) == nil)
        cache.store([42], method: overview, request: [1], generation: 0)
        #expect(cache.answer(method: overview, request: [1], generation: 0) == [42])
        #expect(cache.answer(method: overview, request: [2], generation: 0) == nil)
        #expect(cache.answer(method: "earshot.v1.Query/TimeSeries", request: [1], generation: 0) == nil)
        // The store changed: the answer of generation 0 is gone, and the whole cache with it.
        #expect(cache.answer(method: overview, request: [1], generation: 1) == nil)
        #expect(cache.count == 0 && cache.bytes == 0)
        #expect(cache.hits == 1 && cache.misses == 4)
    }

    @Test func anAnswerReadBeforeAChangeIsNotFiledUnderTheNewGeneration() {
        var cache = ResponseCache(maxBytes: 1 << 20)
        // Read at generation 3; meanwhile a batch was applied and a lookup saw generation 4.
        #expect(cache.answer(method: overview, request: [], generation: 4) == nil)
        cache.store([1], method: overview, request: [], generation: 3)
        #expect(cache.answer(method: overview, request: [], generation: 4) == nil)
        #expect(cache.count == 0)
    }

    @Test func theLeastRecentlyUsedAnswersGoFirstAndTheBytesStayUnderTheLimit() {
        let answer = [UInt8](repeating: 7, count: 1_000)
        let entryBytes = overview.utf8.count + 1 + answer.count + ResponseCache.entryOverheadBytes
        var cache = ResponseCache(maxBytes: entryBytes * 4 + 8)
        for request in 0..<4 { cache.store(answer, method: overview, request: [UInt8(request)], generation: 0) }
        #expect(cache.count == 4 && cache.bytes == entryBytes * 4)
        _ = cache.answer(method: overview, request: [0], generation: 0)  // 0 is now the most recent; 1 the least
        cache.store(answer, method: overview, request: [4], generation: 0)
        #expect(cache.count == 4 && cache.bytes <= cache.maxBytes)
        #expect(cache.answer(method: overview, request: [1], generation: 0) == nil)
        for kept: UInt8 in [0, 2, 3, 4] { #expect(cache.answer(method: overview, request: [kept], generation: 0) == answer) }
        // Two-byte requests: entries a byte larger; the last four stay.
        for request in 5..<1_000 { cache.store(answer, method: overview, request: [UInt8(request % 256), UInt8(request / 256)], generation: 0) }
        #expect(cache.count == 4 && cache.bytes == (entryBytes + 1) * 4)
        #expect(cache.answer(method: overview, request: [UInt8(999 % 256), UInt8(999 / 256)], generation: 0) == answer)
        #expect(cache.answer(method: overview, request: [UInt8(995 % 256), UInt8(995 / 256)], generation: 0) == nil)
    }

    @Test func anAnswerOverAQuarterOfTheLimitIsNotKept() {
        var cache = ResponseCache(maxBytes: 4_096)
        cache.store([UInt8](repeating: 0, count: 1_100), method: overview, request: [], generation: 0)
        #expect(cache.count == 0)
        cache.store([UInt8](repeating: 0, count: 100), method: overview, request: [], generation: 0)
        cache.store([UInt8](repeating: 1, count: 200), method: overview, request: [], generation: 0)  // replaces
        #expect(cache.count == 1 && cache.answer(method: overview, request: [], generation: 0) == [UInt8](repeating: 1, count: 200))
    }

    @Test func theServerAnswersRepeatedCallsFromTheCacheUntilTheGenerationAdvances() throws {
        let server = try EchoServer()
        let client = try RPCClient(endpoint: server.endpoint, context: try ZeroMQ.Context(), clientName: "test")
        let method = "test.v1.Echo/CachedEcho"
        for _ in 0..<3 { #expect(try client.call(method, LabeledCount(label: "a", count: 0), as: LabeledCount.self).label == "A") }
        #expect(server.calls.load(ordering: .relaxed) == 1 && server.cacheHits.load(ordering: .relaxed) == 2)
        _ = try client.call(method, LabeledCount(label: "b", count: 0), as: LabeledCount.self)
        #expect(server.calls.load(ordering: .relaxed) == 2)
        server.generation.add(1, ordering: .relaxed)
        _ = try client.call(method, LabeledCount(label: "a", count: 0), as: LabeledCount.self)
        #expect(server.calls.load(ordering: .relaxed) == 3 && server.cacheHits.load(ordering: .relaxed) == 2)
        // Errors are not cached; the uncached twin of the method always runs.
        for _ in 0..<2 { #expect(throws: RPCError.self) { try client.call(method, LabeledCount(label: "invalid", count: 0), as: LabeledCount.self) } }
        for _ in 0..<2 { _ = try client.call("test.v1.Echo/Echo", LabeledCount(label: "a", count: 0), as: LabeledCount.self) }
        #expect(server.calls.load(ordering: .relaxed) == 7 && server.cacheHits.load(ordering: .relaxed) == 2)
    }
}
