import Dispatch
import EarshotRPC
import EarshotSecurity
import Synchronization
import ZeroMQ

/// RPC clients of one service behind the gateway, shared by the HTTP requests:
/// a client (a DEALER socket) serves one call at a time, so calls borrow one, run it
/// on a thread of their own (the RPC client blocks) and give it back. At most
/// `capacity` calls run at once; one more is refused with RESOURCE_EXHAUSTED (429
/// with Retry-After), so a flood of requests cannot make the gateway hold unbounded
/// sockets or threads.
final class RPCPool: Sendable {
    private struct State: ~Copyable {
        var idle: [UncheckedClient] = []
        var open = 0
    }
    /// An RPC client crossing threads: only ever used by the one call that borrowed it.
    private struct UncheckedClient: @unchecked Sendable { let client: RPCClient }

    let backend: GatewayBackend
    let endpoint: String
    private let capacity: Int
    private let makeClient: @Sendable () throws -> RPCClient
    private let state = Mutex(State())
    private let queue: DispatchQueue

    init(backend: GatewayBackend, endpoint: String, capacity: Int, makeClient: @escaping @Sendable () throws -> RPCClient) {
        self.backend = backend
        self.endpoint = endpoint
        self.capacity = capacity
        self.makeClient = makeClient
        queue = DispatchQueue(label: "earshot.gateway.\(backend.rawValue)", attributes: .concurrent)
    }

    /// Calls `method` with the encoded request `payload` and returns the encoded response.
    func call(_ method: String, payload: [UInt8], metadata: [String: String], timeoutMilliseconds: Int64) async throws(GatewayError) -> [UInt8] {
        let borrowed = try borrow()
        let outcome: Result<[UInt8], RPCError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(RPCError) {
                    let bytes = try borrowed.client.callRaw(method, payload: payload, timeoutMilliseconds: timeoutMilliseconds, metadata: metadata)
                    continuation.resume(returning: .success(bytes))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        switch outcome {
        case .success(let bytes):
            giveBack(borrowed, reusable: true)
            return bytes
        case .failure(let error):
            // After a timeout a late answer may still arrive; the client discards answers to
            // earlier calls, but a socket that saw no answer at all is replaced to be safe.
            giveBack(borrowed, reusable: error.code != .deadlineExceeded && error.code != .unavailable)
            throw GatewayError(error)
        }
    }

    private func borrow() throws(GatewayError) -> UncheckedClient {
        let reserved: UncheckedClient?? = state.withLock { state in
            if let client = state.idle.popLast() { return .some(client) }
            guard state.open < capacity else { return nil }
            state.open += 1
            return .some(nil)
        }
        switch reserved {
        case .none:
            throw GatewayError(.resourceExhausted, "\(capacity) calls to the \(backend.rawValue) service are in flight; retry shortly")
        case .some(.some(let client)):
            return client
        case .some(.none):
            do { return UncheckedClient(client: try makeClient()) } catch {
                state.withLock { $0.open -= 1 }
                throw GatewayError(.unavailable, "cannot open a connection to the \(backend.rawValue) service at \(endpoint): \(error)")
            }
        }
    }

    private func giveBack(_ client: UncheckedClient, reusable: Bool) {
        state.withLock { state in
            if reusable { state.idle.append(client) } else { state.open -= 1 }
        }
    }
}
