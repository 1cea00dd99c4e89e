import Foundation
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// A key file that is missing, unreadable or malformed, with its path.
public struct KeyFileError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "\(path): \(message)" }
}

/// The keys folder (`--keys DIR` / `EARSHOT_KEYS`, default `var/keys`):
///
/// - `<name>.key`: a key pair, secret (mode 0600); `<name>.pub`: its public key alone.
/// - `allow-list`: the client keys the services let in, with names and roles (``AllowList``).
/// - `pipeline.mac`: the key with which ingest seals batches for query (``DispatchSeal``), secret.
///
/// Secure by default: ``prepareDefaults()`` creates on first start what a
/// local stack needs (one key for ingest, one for query, one shared by every
/// worker, one admin key `cli` for the command line, one for the HTTP gateway, and the allow-list).
/// Files are created whole or not at all, and never overwritten, so
/// processes starting side by side agree on the same keys.
public struct KeyDirectory: Sendable {
    public let path: String

    /// The default folder, relative to the working directory like the default data paths.
    public static let defaultPath = "var/keys"
    /// The names of the default keys and the roles of those that are clients.
    public static let ingestKey = "ingest", queryKey = "query", workerKey = "worker", commandLineKey = "cli", gatewayKey = "gateway"
    /// Ingest's key is listed too (role worker: Health/Check only on RPC), so its container's health check can use it.
    /// The HTTP gateway's key calls for API token holders (role gateway, ``Delegation``).
    static let defaultClients: [(name: String, role: Role)] = [
        (ingestKey, .worker), (queryKey, .worker), (workerKey, .worker), (commandLineKey, .admin), (gatewayKey, .gateway),
    ]

    public init(path: String) { self.path = path }

    public var allowListPath: String { file("allow-list") }
    public var sealKeyPath: String { file("pipeline.mac") }
    public func secretKeyPath(_ name: String) -> String { file("\(name).key") }
    public func publicKeyPath(_ name: String) -> String { file("\(name).pub") }
    private func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Creates whatever of the defaults is missing; leaves existing files alone.
    public func prepareDefaults() throws(KeyFileError) {
        for name in Self.defaultClients.map(\.name) where !FileManager.default.fileExists(atPath: secretKeyPath(name)) {
            _ = try generate(name: name)
        }
        if !FileManager.default.fileExists(atPath: sealKeyPath) {
            try createOnce(sealKeyPath, Z85.encode(DispatchSeal.generateKey())! + "\n", secret: true)
        }
        if !FileManager.default.fileExists(atPath: allowListPath) {
            let entries = try Self.defaultClients.map { client throws(KeyFileError) in
                AllowList.Entry(publicKey: try publicKey(client.name), name: client.name, role: client.role)
            }
            try createOnce(allowListPath, AllowList(entries).text, secret: false)
        }
    }

    /// What the process holding key `name` needs, and only that: its key pair, the public
    /// keys of the servers it connects to, and, for a service, the allow-list (and for
    /// ingest and query the pipeline seal key). Any other name is a client of every service.
    public static func kit(for name: String) -> (servers: [String], allowList: Bool, seal: Bool) {
        switch name {
        case ingestKey: return ([ingestKey], true, true)
        case queryKey: return ([ingestKey, queryKey], true, true)
        case workerKey: return ([ingestKey, queryKey, workerKey], true, false)
        default: return ([ingestKey, queryKey, workerKey], false, false)
        }
    }

    /// Copies the ``kit(for:)`` of `name` into `target` (replacing older copies), so a
    /// container mounts only its own secret key (see compose/compose.yaml).
    public func share(_ name: String, into target: KeyDirectory) throws(KeyFileError) {
        let kit = Self.kit(for: name)
        var files = [("\(name).key", true), ("\(name).pub", false)] + kit.servers.map { ("\($0).pub", false) }
        if kit.allowList { files.append(("allow-list", false)) }
        if kit.seal { files.append(("pipeline.mac", true)) }
        for (fileName, secret) in files {
            try target.replace(fileName, with: try read(file(fileName)), secret: secret)
        }
    }

    /// Writes `contents` to `fileName` atomically, replacing what was there.
    private func replace(_ fileName: String, with contents: String, secret: Bool) throws(KeyFileError) {
        let temporary = file(".replace-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try createOnce(temporary, contents, secret: secret)
        guard rename(temporary, file(fileName)) == 0 else {
            unlink(temporary)
            throw KeyFileError(path: file(fileName), "cannot replace: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes a new key pair `<name>.key` and `<name>.pub` (unless `name` exists) and returns it.
    @discardableResult
    public func generate(name: String) throws(KeyFileError) -> CurveKeyPair {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !name.hasPrefix(".") else {
            throw KeyFileError(path: path, "key name '\(name)' must be letters, digits, '-', '_' or '.'")
        }
        let pair: CurveKeyPair
        do { pair = try CurveKeyPair.generate() } catch { throw KeyFileError(path: path, "cannot generate a key pair: \(error)") }
        try createOnce(secretKeyPath(name), "# earshot CURVE key pair '\(name)': keep this file secret\npublic \(pair.publicKey)\nsecret \(pair.secretKey)\n", secret: true)
        let stored = try keyPair(name)
        try createOnce(publicKeyPath(name), "# earshot CURVE public key '\(name)'\npublic \(stored.publicKey)\n", secret: false)
        return stored
    }

    /// The key pair `<name>.key`.
    public func keyPair(_ name: String) throws(KeyFileError) -> CurveKeyPair {
        let keyPath = secretKeyPath(name)
        guard let secret = try fields(keyPath)["secret"], let pair = CurveKeyPair(secretKey: secret) else {
            throw KeyFileError(path: keyPath, "no valid 'secret <Z85 key>' line")
        }
        return pair
    }

    /// The public key of `name`: from `<name>.pub`, or from its key pair when only that is present.
    public func publicKey(_ name: String) throws(KeyFileError) -> String {
        if !FileManager.default.fileExists(atPath: publicKeyPath(name)) { return try keyPair(name).publicKey }
        guard let key = try fields(publicKeyPath(name))["public"], CurveKeyPair.isValidKey(key) else {
            throw KeyFileError(path: publicKeyPath(name), "no valid 'public <Z85 key>' line")
        }
        return key
    }

    /// The allow-list.
    public func allowList() throws(KeyFileError) -> AllowList {
        let text = try read(allowListPath)
        do { return try AllowList(parsing: text, path: allowListPath) } catch { throw KeyFileError(path: allowListPath, error.description) }
    }

    /// The pipeline seal key.
    public func seal() throws(KeyFileError) -> DispatchSeal {
        let text = try read(sealKeyPath).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let bytes = Z85.decode(text), let seal = DispatchSeal(key: bytes) else {
            throw KeyFileError(path: sealKeyPath, "not a Z85 key of \(DispatchSeal.keyBytes) bytes")
        }
        return seal
    }

    /// Rewrites the allow-list with `change` applied to its entries, atomically
    /// (a new file renamed into place), so running services reload it whole.
    public func updateAllowList(_ change: (inout [AllowList.Entry]) -> Void) throws(KeyFileError) {
        var entries = try allowList().entries
        change(&entries)
        let text: String
        do { text = try AllowList(parsing: AllowList(entries).text, path: allowListPath).text } catch {
            throw KeyFileError(path: allowListPath, "the change would make it invalid: \(error.message)")
        }
        try replace("allow-list", with: text, secret: false)
    }

    private func read(_ filePath: String) throws(KeyFileError) -> String {
        guard let data = FileManager.default.contents(atPath: filePath) else {
            throw KeyFileError(path: filePath, "missing or unreadable (create the defaults with `earshot keys init --keys \(path)`)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `word value` lines, comments skipped.
    private func fields(_ filePath: String) throws(KeyFileError) -> [String: String] {
        var result: [String: String] = [:]
        for line in try read(filePath).split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }

    /// Creates `filePath` with `contents` unless it exists: written to a temporary
    /// file first and linked into place, so no reader sees half a file and a
    /// racing process's file wins whole.
    private func createOnce(_ filePath: String, _ contents: String, secret: Bool) throws(KeyFileError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw KeyFileError(path: path, "cannot create the keys folder: \(error)") }
        let temporary = file(".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, secret ? 0o600 : 0o644)
        guard descriptor >= 0 else { throw KeyFileError(path: temporary, "cannot create: \(String(cString: strerror(errno)))") }
        defer { unlink(temporary) }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else { throw KeyFileError(path: temporary, "cannot write: \(String(cString: strerror(errno)))") }
        if link(temporary, filePath) != 0 && errno != EEXIST {
            throw KeyFileError(path: filePath, "cannot create: \(String(cString: strerror(errno)))")
        }
    }
}
