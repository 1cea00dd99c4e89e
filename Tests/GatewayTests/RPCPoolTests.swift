import EarshotRPC
import EarshotWire
import Foundation
import Testing
import ZeroMQ
@testable import GatewayService

@Suite struct RPCPoolTests {
    /// A pool of `capacity` clients of a ROUTER that takes calls and never answers.
    static func silentServer(capacity: Int) throws -> (pool: RPCPool, server: Socket) {
        let context = try Context()
        let server = try Socket(.router, context: context)
        try server.set(.linger(0))
        let endpoint = try server.bind("tcp://127.0.0.1:*")
        let pool = RPCPool(backend: .query, endpoint: endpoint, capacity: capacity) {
            try RPCClient(endpoint: endpoint, context: context, clientName: "pool-test")
        }
        return (pool, server)
    }

    @Test func callsBeyondTheCapacityAreRefusedAt429AndTheSlotComesBack() async throws {
        let (pool, server) = try Self.silentServer(capacity: 1)
        defer { withExtendedLifetime(server) {} }
        let payload = try OverviewRequest().serializedBytes()
        let first = Task { () -> GatewayError? in
            do throws(GatewayError) {
                _ = try await pool.call(QueryMethod.overview, payload: payload, metadata: [:], timeoutMilliseconds: 1_500)
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(nanoseconds: 300_000_000)
        do {
            _ = try await pool.call(QueryMethod.overview, payload: payload, metadata: [:], timeoutMilliseconds: 1_500)
            Issue.record("a second call ran beyond the capacity of 1")
        } catch {
            #expect(error.code == .resourceExhausted && error.httpStatus == 429 && error.retryAfterSeconds == 1, "\(error)")
        }
        let timedOut = await first.value
        #expect(timedOut?.code == .deadlineExceeded && timedOut?.httpStatus == 504, "\(String(describing: timedOut))")
        // The timed-out client was dropped and its slot freed: the next call runs (and times out too).
        do {
            _ = try await pool.call(QueryMethod.overview, payload: payload, metadata: [:], timeoutMilliseconds: 300)
            Issue.record("the silent server answered")
        } catch {
            #expect(error.code == .deadlineExceeded, "\(error)")
        }
    }
}
