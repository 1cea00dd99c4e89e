import ZeroMQ

/// A refused security setting: an `--insecure` endpoint off loopback, or a key that cannot be used.
public struct SecurityError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// How one process secures the sockets it opens: CURVE with its own key pair,
/// or (only with `--insecure`, only on loopback) not at all.
public enum SocketSecurity: Sendable {
    /// No encryption, no authentication: refused unless every endpoint is on loopback.
    case insecure
    /// CURVE with this process's key pair; public keys of servers come from `keys`.
    case curve(ownKey: CurveKeyPair, keys: KeyDirectory)

    /// Options for a socket that binds `endpoint` and is the CURVE server of the
    /// handshake, with the ZAP domain that tells the handler what the socket is.
    public func serverOptions(domain: ZAPDomain, endpoint: String) throws(SecurityError) -> [SocketOption] {
        switch self {
        case .insecure:
            try Self.requireLoopback(endpoint)
            return []
        case .curve(let ownKey, _):
            return [.curveServer(true), .curveSecretKey(ownKey.secretKey), .zapDomain(domain.rawValue)]
        }
    }

    /// Options for a socket that connects to `endpoint`, whose server holds the key named `server`.
    public func clientOptions(server: String, endpoint: String) throws(SecurityError) -> [SocketOption] {
        switch self {
        case .insecure:
            try Self.requireLoopback(endpoint)
            return []
        case .curve(let ownKey, let keys):
            let serverKey: String
            do { serverKey = try keys.publicKey(server) } catch { throw SecurityError("the public key of \(server), to connect to \(endpoint): \(error)") }
            return Self.clientOptions(ownKey: ownKey, serverKey: serverKey)
        }
    }

    /// The CURVE client options for a connection with `ownKey` to the server holding `serverKey`.
    public static func clientOptions(ownKey: CurveKeyPair, serverKey: String) -> [SocketOption] {
        [.curveServerKey(serverKey), .curvePublicKey(ownKey.publicKey), .curveSecretKey(ownKey.secretKey)]
    }

    /// Throws unless `endpoint` stays on this machine: inproc, ipc, or TCP on
    /// 127.0.0.0/8, ::1 or localhost (a wildcard or any other address is refused).
    public static func requireLoopback(_ endpoint: String) throws(SecurityError) {
        guard !isLoopback(endpoint) else { return }
        throw SecurityError("--insecure is refused on \(endpoint): without authentication every endpoint must be on loopback (127.0.0.1, ::1, localhost)")
    }

    /// Whether `endpoint` stays on this machine (see ``requireLoopback(_:)``).
    public static func isLoopback(_ endpoint: String) -> Bool {
        if endpoint.hasPrefix("inproc://") || endpoint.hasPrefix("ipc://") { return true }
        guard endpoint.hasPrefix("tcp://") else { return false }
        var address = endpoint.dropFirst("tcp://".count)
        // A connect endpoint may name a source address first: "tcp://source;host:port".
        if let separator = address.lastIndex(of: ";") { address = address[address.index(after: separator)...] }
        guard let colon = address.lastIndex(of: ":") else { return false }
        var host = address[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
