import CSodium
import EarshotSecurity
import Foundation

/// A line of the API token file that cannot be read, or a token that cannot be made.
public struct APITokenError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The gateway's API tokens (`api-tokens` in the keys folder): one per line,
/// `<id> <SHA-256 of the token, hex> <name> <role> <created, Unix ms>`. Only the
/// hash is stored; the token itself is printed once, when it is made.
///
/// A token reads `est_<id>_<secret>`: `id` (8 hex digits) finds the line without
/// a scan, `secret` is 32 random bytes (64 hex digits). Roles are those of the
/// CURVE allow-list (``Role``) a person may hold: reader, publisher, editor, admin.
public struct APITokens: Sendable, Equatable {
    /// One token as stored.
    public struct Entry: Sendable, Equatable {
        public let id: String
        /// SHA-256 of the whole token, lowercase hex.
        public let hash: String
        /// Who holds it: the identity the services see (e.g. the agent of a care claim is `<name>@<gateway key>`).
        public let name: String
        public let role: Role
        public let createdAtMs: Int64

        public var line: String { "\(id) \(hash) \(name) \(role) \(createdAtMs)" }
    }

    /// The roles a token may have (not the services' own: worker, gateway).
    public static let tokenRoles: [Role] = [.reader, .publisher, .editor, .admin]
    static let prefix = "est_"

    public private(set) var entries: [Entry] = []

    public init(_ entries: [Entry] = []) { self.entries = entries }

    /// Reads the file's text; `path` names it in errors.
    public init(parsing text: String, path: String) throws(APITokenError) {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            func fail(_ message: String) -> APITokenError { APITokenError("\(path):\(index + 1): \(message)") }
            guard fields.count == 5 else { throw fail("expected '<id> <sha256> <name> <role> <created ms>', found \(fields.count) fields") }
            guard Self.isHex(fields[0], length: 8) else { throw fail("id '\(fields[0].prefix(20))' is not 8 hex digits") }
            guard Self.isHex(fields[1], length: 64) else { throw fail("hash of '\(fields[2])' is not 64 hex digits") }
            guard let role = Role(rawValue: fields[3]), Self.tokenRoles.contains(role) else {
                throw fail("role '\(fields[3])' is not one of \(Self.tokenRoles.map(\.rawValue).joined(separator: ", "))")
            }
            guard let created = Int64(fields[4]) else { throw fail("created time '\(fields[4])' is not Unix milliseconds") }
            guard !entries.contains(where: { $0.id == fields[0] }) else { throw fail("id \(fields[0]) is listed twice") }
            guard !entries.contains(where: { $0.name == fields[2] }) else { throw fail("name '\(fields[2])' is listed twice") }
            entries.append(Entry(id: fields[0], hash: fields[1], name: fields[2], role: role, createdAtMs: created))
        }
    }

    /// The file's text: a header comment and one line per token.
    public var text: String {
        (["# earshot API tokens: <id> <sha256 of the token> <name> <role> <created, Unix ms>; the tokens themselves are not kept"]
            + entries.map(\.line)).joined(separator: "\n") + "\n"
    }

    /// Makes a token for `name` with `role`: returns the token (to print once) and the tokens with its entry added.
    public func adding(name: String, role: Role, nowMs: Int64) throws(APITokenError) -> (token: String, tokens: APITokens) {
        guard !name.isEmpty, name.utf8.count <= 100, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw APITokenError("token name '\(name)' must be 1 to 100 letters, digits, '-', '_' or '.'")
        }
        guard Self.tokenRoles.contains(role) else {
            throw APITokenError("role '\(role)' is not one of \(Self.tokenRoles.map(\.rawValue).joined(separator: ", "))")
        }
        guard !entries.contains(where: { $0.name == name }) else { throw APITokenError("a token named '\(name)' exists; revoke it first") }
        var id: String
        repeat { id = Self.hex(Self.randomBytes(4)) } while entries.contains { $0.id == id }
        let token = "\(Self.prefix)\(id)_\(Self.hex(Self.randomBytes(32)))"
        return (token, APITokens(entries + [Entry(id: id, hash: Self.sha256Hex(token), name: name, role: role, createdAtMs: nowMs)]))
    }

    /// The tokens without the one named `name`; nil when there is none.
    public func revoking(name: String) -> APITokens? {
        guard entries.contains(where: { $0.name == name }) else { return nil }
        return APITokens(entries.filter { $0.name != name })
    }

    /// The entry of `token` when it is one of these (compared by hash in constant time), nil otherwise.
    public func entry(token: String) -> Entry? {
        guard let id = Self.id(of: token), let entry = entries.first(where: { $0.id == id }) else { return nil }
        let expected = Array(entry.hash.utf8), actual = Array(Self.sha256Hex(token).utf8)
        guard Self.sameBytes(expected, actual) else { return nil }
        return entry
    }

    /// The id part of a token (`est_<id>_<secret>`), nil when it does not have that shape.
    /// Read over UTF-8 bytes: it runs on every request, and splitting the `String` by `Character`
    /// was 2.6 % of the gateway's CPU under wrk.
    static func id(of token: String) -> Substring? {
        guard token.hasPrefix(Self.prefix) else { return nil }
        let bytes = token.utf8
        let underscore = UInt8(ascii: "_")
        let start = bytes.index(bytes.startIndex, offsetBy: Self.prefix.utf8.count)
        guard let end = bytes[start...].firstIndex(of: underscore),
              !bytes[bytes.index(after: end)...].contains(underscore) else { return nil }
        return token[start..<end]
    }

    /// Whether `a` and `b` are equal, compared in constant time (for a given length).
    static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && sodium_memcmp(a, b, a.count) == 0
    }

    /// SHA-256 of `text`'s UTF-8 bytes, lowercase hex.
    static func sha256Hex(_ text: String) -> String {
        var digest = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        let bytes = Array(text.utf8)
        _ = crypto_hash_sha256(&digest, bytes, UInt64(bytes.count))
        return hex(digest)
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        _ = sodium_init()  // idempotent; picks the random source
        var bytes = [UInt8](repeating: 0, count: count)
        randombytes_buf(&bytes, count)
        return bytes
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var result = [UInt8]()
        result.reserveCapacity(bytes.count * 2)
        for byte in bytes { result.append(digits[Int(byte >> 4)]); result.append(digits[Int(byte & 15)]) }
        return String(decoding: result, as: UTF8.self)
    }

    private static func isHex(_ text: String, length: Int) -> Bool {
        text.utf8.count == length && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
