import Dispatch
import Foundation
import Logging
import EarshotSecurity
import EarshotWire
import Synchronization
import ZeroMQ

/// The ZAP handler of one service process (`inproc://zeromq.zap.01`): libzmq
/// asks it about every CURVE handshake on the process's sockets, and it
/// answers from the allow-list.
///
/// - An unknown key, or a known key whose role may not use that kind of socket
///   (``Role/mayConnect(to:)``; only the query service's key on ingest's
///   acknowledgement socket), fails the handshake (ZAP 400). Refusals are
///   counted and logged with the key's fingerprint, rate-limited (``RefusalLog``).
/// - An accepted connection carries the entry's name as its `User-Id`, which the
///   RPC layer checks against the role on every call.
/// - The allow-list is read again on SIGHUP and when the file changes (checked
///   every 250 ms), so a removed key opens no new connection within a second.
///   Connections already open stay open; the RPC layer refuses their calls
///   (UNAUTHENTICATED) once the name is gone, and restarting the service closes them.
public final class ZAPAuthenticator: Sendable {
    /// The endpoint libzmq sends ZAP requests to.
    public static let endpoint = "inproc://zeromq.zap.01"
    private let keys: KeyDirectory
    /// The only name accepted on the acknowledgement domain.
    public let acknowledgerName: String
    private let state: Mutex<(list: AllowList, signature: [Int])>
    private let reloadRequested = Atomic<Bool>(false)
    private let refusals = Mutex(RefusalLog())

    /// Reads the allow-list; ``start(service:)`` serves it.
    public init(keys: KeyDirectory, acknowledgerName: String = KeyDirectory.queryKey) throws(KeyFileError) {
        self.keys = keys
        self.acknowledgerName = acknowledgerName
        state = Mutex((try keys.allowList(), Self.fileSignature(keys.allowListPath)))
    }

    /// The allowed entry named `name` (an authenticated `User-Id`), nil when it is no longer listed.
    public func entry(named name: String) -> AllowList.Entry? { state.withLock { $0.list.entry(named: name) } }

    /// Asks for the allow-list to be read again (what SIGHUP does).
    public func requestReload() { reloadRequested.store(true, ordering: .releasing) }

    /// Binds the ZAP endpoint in the service's context and answers handshakes on
    /// a thread of its own until the context ends. Returns once bound, so no
    /// CURVE socket bound afterwards is ever without its handler.
    public func start(service: ServiceContext) throws(ZMQError) {
        let bound = DispatchSemaphore(value: 0)
        let failure = Mutex<ZMQError?>(nil)
        Thread.detachNewThread { [self] in
            let socket: Socket
            do throws(ZMQError) {
                socket = try Socket(.rep, context: service.zmq)
                try socket.bind(Self.endpoint)
            } catch {
                failure.withLock { $0 = error }
                bound.signal()
                return
            }
            signal(SIGHUP, SIG_IGN)
            let hangups = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
            hangups.setEventHandler { [self] in requestReload() }
            hangups.resume()
            bound.signal()
            serve(socket, service: service)
            hangups.cancel()
        }
        bound.wait()
        if let error = failure.withLock({ $0 }) { throw error }
    }

    private func serve(_ socket: Socket, service: ServiceContext) {
        var poller = Poller()
        poller.add(socket)
        var nextFileCheck: Int64 = 0
        do {
            while true {
                if try poller.poll(timeoutMilliseconds: 100) > 0, let request = try socket.receive(wait: false) {
                    try socket.send(answer(request, service: service))
                }
                let now = wallClockMilliseconds()
                let forced = reloadRequested.exchange(false, ordering: .acquiring)
                if forced || now >= nextFileCheck {
                    nextFileCheck = now + 250
                    reload(force: forced, service: service)
                }
            }
        } catch {
            if case .contextTerminated = error { return }
            service.logger.critical("ZAP handler stopped; no new connection can be authenticated", metadata: ["error": "\(error)"])
        }
    }

    /// The ZAP reply to `request` (RFC 27: version, request id, domain, address,
    /// identity, mechanism, credentials; reply: version, request id, status, text, user id, metadata).
    private func answer(_ request: [[UInt8]], service: ServiceContext) -> [[UInt8]] {
        guard request.count >= 6 else { return [Array("1.0".utf8), [], Array("500".utf8), Array("malformed ZAP request".utf8), [], []] }
        func reply(_ status: String, _ text: String, user: String = "") -> [[UInt8]] {
            [request[0], request[1], Array(status.utf8), Array(text.utf8), Array(user.utf8), []]
        }
        let domain = String(decoding: request[2], as: UTF8.self)
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        guard mechanism == "CURVE", request.count == 7, request[6].count == 32, let publicKey = Z85.encode(request[6]) else {
            refuse("no CURVE key", fingerprint: "mechanism-\(mechanism)", domain: domain, address: address, service: service)
            return reply("400", "CURVE required")
        }
        let fingerprint = KeyFingerprint.of(request[6])
        guard let entry = state.withLock({ $0.list.entry(publicKey: publicKey) }) else {
            refuse("unknown key", fingerprint: fingerprint, domain: domain, address: address, service: service)
            return reply("400", "unknown key")
        }
        let allowed: Bool
        switch ZAPDomain(rawValue: domain) {
        case .acknowledgements: allowed = entry.name == acknowledgerName
        case let known?: allowed = entry.role.mayConnect(to: known)
        case nil: allowed = false
        }
        guard allowed else {
            refuse("key '\(entry.name)' (role \(entry.role)) may not connect here", fingerprint: fingerprint, domain: domain, address: address, service: service)
            return reply("400", "role \(entry.role) may not connect to \(domain)")
        }
        return reply("200", "OK", user: entry.name)
    }

    private func refuse(_ reason: String, fingerprint: String, domain: String, address: String, service: ServiceContext) {
        service.metrics.increment("earshot_auth_refused_total", help: "Connections refused in the CURVE handshake (unknown key or role)")
        let now = wallClockMilliseconds()
        guard let suppressed = refusals.withLock({ $0.shouldLog(fingerprint: fingerprint, nowMs: now) }) else { return }
        service.logger.warning("refused a connection: \(reason)", metadata: [
            "fingerprint": "\(fingerprint)", "domain": "\(domain)", "peer": "\(address)", "suppressed_since_last": "\(suppressed)",
        ])
    }

    /// Reads the allow-list again when `force`d (SIGHUP) or when the file changed.
    private func reload(force: Bool, service: ServiceContext) {
        let signature = Self.fileSignature(keys.allowListPath)
        guard force || signature != state.withLock({ $0.signature }) else { return }
        do {
            let list = try keys.allowList()
            state.withLock { $0 = (list, signature) }
            service.logger.info("allow-list reloaded", metadata: ["path": "\(keys.allowListPath)", "keys": "\(list.entries.count)"])
        } catch {
            state.withLock { $0.signature = signature }
            service.logger.error("keeping the previous allow-list: the new one cannot be read", metadata: ["error": "\(error)"])
        }
    }

    /// Inode, size and modification time of `path`: any rewrite, even within a second, changes it.
    private static func fileSignature(_ path: String) -> [Int] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }
}
