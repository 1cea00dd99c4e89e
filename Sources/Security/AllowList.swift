import ZeroMQ

/// A line of an allow-list file that cannot be read.
public struct AllowListError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String { "\(path):\(line): \(message)" }
}

/// The client keys a service lets in: one entry per line, `<public key Z85> <name> <role>`;
/// a line starting with `#` is a comment (only at the start: `#` is a Z85 character). Names are unique: the name is the identity the RPC layer sees
/// (the ZAP `User-Id`), e.g. the agent recorded by a care claim.
public struct AllowList: Sendable, Equatable {
    /// One allowed key.
    public struct Entry: Sendable, Equatable {
        public let publicKey: String
        public let name: String
        public let role: Role

        public init(publicKey: String, name: String, role: Role) {
            self.publicKey = publicKey
            self.name = name
            self.role = role
        }

        /// The entry as an allow-list line.
        public var line: String { "\(publicKey) \(name) \(role)" }
    }

    public private(set) var entries: [Entry] = []
    private var byKey: [String: Entry] = [:]
    private var byName: [String: Entry] = [:]

    public init(_ entries: [Entry] = []) {
        for entry in entries { add(entry) }
    }

    private mutating func add(_ entry: Entry) {
        entries.append(entry)
        byKey[entry.publicKey] = entry
        byName[entry.name] = entry
    }

    /// Reads allow-list text; `path` only names the file in errors.
    public init(parsing text: String, path: String) throws(AllowListError) {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if rawLine.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") { continue }
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            if fields.isEmpty { continue }
            func fail(_ message: String) -> AllowListError { AllowListError(path: path, line: index + 1, message: message) }
            guard fields.count == 3 else { throw fail("expected '<public key> <name> <role>', found \(fields.count) fields") }
            guard CurveKeyPair.isValidKey(fields[0]) else { throw fail("'\(fields[0].prefix(48))' is not a Z85 CURVE public key (40 characters)") }
            guard let role = Role(rawValue: fields[2]) else {
                throw fail("unknown role '\(fields[2])'; one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard byName[fields[1]] == nil else { throw fail("name '\(fields[1])' is listed twice") }
            guard byKey[fields[0]] == nil else { throw fail("key of '\(fields[1])' is already listed as '\(byKey[fields[0]]!.name)'") }
            add(Entry(publicKey: fields[0], name: fields[1], role: role))
        }
    }

    /// The entry of the Z85 public key `publicKey`, nil when it is not allowed.
    public func entry(publicKey: String) -> Entry? { byKey[publicKey] }

    /// The entry named `name` (an authenticated `User-Id`), nil when it is no longer listed.
    public func entry(named name: String) -> Entry? { byName[name] }

    /// The file's text: a header comment and one line per entry.
    public var text: String {
        (["# earshot allow-list: <CURVE public key (Z85)> <name> <role: \(Role.allCases.map(\.rawValue).joined(separator: "|"))>"]
            + entries.map(\.line)).joined(separator: "\n") + "\n"
    }
}
