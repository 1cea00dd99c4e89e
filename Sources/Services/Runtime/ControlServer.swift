import Dispatch
import EarshotRPC
import Synchronization
import ZeroMQ

/// A Health/Stats RPC server on its own thread, for processes whose main
/// loops have no RPC socket (the enrich and score workers).
public enum ControlServer {
    /// Binds `endpoint` (on the serving thread, which owns the socket) and
    /// serves Health/Check and Stats/Get until shutdown. Throws when the bind
    /// fails, so a worker whose control port is taken stops at once with a
    /// clear error instead of running without health checks.
    public static func start(endpoint: String, service: ServiceContext) throws -> ServiceThread {
        let bound = DispatchSemaphore(value: 0)
        let failure = Mutex<(any Error)?>(nil)
        let thread = ServiceThread(name: "control") {
            let server: RPCServer
            do {
                server = try service.makeRPCServer(endpoint: endpoint)
            } catch {
                failure.withLock { $0 = error }
                bound.signal()
                return
            }
            bound.signal()
            service.logger.info("control RPC listening", metadata: ["endpoint": "\(server.boundEndpoint)"])
            do {
                try server.serve { service.shutdown.isRequested }
            } catch {
                service.logger.error("control RPC stopped", metadata: ["error": "\(error)"])
            }
        }
        bound.wait()
        if let error = failure.withLock({ $0 }) { throw error }
        return thread
    }
}
