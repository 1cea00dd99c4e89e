import EarshotRPC

/// A Health/Stats RPC server on its own thread, for processes whose main
/// loops have no RPC socket (the enrich and score workers).
public enum ControlServer {
    /// Binds `endpoint` and serves Health/Check and Stats/Get until shutdown.
    public static func start(endpoint: String, service: ServiceContext) throws -> ServiceThread {
        ServiceThread(name: "control") {
            do {
                let server = try service.makeRPCServer(endpoint: endpoint)
                service.logger.info("control RPC listening", metadata: ["endpoint": "\(server.boundEndpoint)"])
                try server.serve { service.shutdown.isRequested }
            } catch {
                service.logger.error("control RPC stopped", metadata: ["error": "\(error)"])
            }
        }
    }
}
