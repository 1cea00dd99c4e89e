import Foundation

/// Where a source's secret comes from; the secret itself is read only when the source starts
/// and is never logged or shown.
public enum CredentialLocation: Sendable, Equatable, CustomStringConvertible {
    /// A file holding the token (surrounding whitespace is dropped).
    case file(String)
    /// An environment variable holding the token.
    case environment(String)

    public var description: String {
        switch self {
        case .file(let path): "the file \(path)"
        case .environment(let name): "the environment variable \(name)"
        }
    }
}

/// What a source connects to.
public enum SourceEndpoint: Sendable, Equatable {
    /// A Mastodon server's streaming API, with REST gap fill.
    case mastodon(instance: URL, timeline: MastodonTimeline)
    /// An RSS or Atom feed, polled every `intervalSeconds`.
    case feed(url: URL, intervalSeconds: Int)
    /// A subreddit's new items or a search, polled with OAuth app credentials.
    case reddit(RedditSettings)
    /// The X API v2 filtered stream with these rules (bearer token).
    case x(rules: [String], apiURL: URL, backfillMinutes: Int)
    /// A Bluesky Jetstream subscription (WebSocket, `ws://` or `wss://`) to new posts, keeping
    /// those whose text holds one of `keywords` (all when empty).
    case bluesky(endpoint: URL, keywords: [String])

    /// The `kind` naming it in the configuration.
    public var kind: String {
        switch self {
        case .mastodon: "mastodon"
        case .feed: "rss"
        case .reddit: "reddit"
        case .x: "x"
        case .bluesky: "bluesky"
        }
    }
}

/// A Reddit source: what to poll and the OAuth app (its secret is the source's credential).
public struct RedditSettings: Sendable, Equatable {
    /// The subreddit (without r/); nil searches all of Reddit.
    public var subreddit: String?
    /// A search query; nil lists the subreddit's new items.
    public var query: String?
    public var clientId: String
    public var userAgent: String
    public var intervalSeconds: Int
    /// The API (`https://oauth.reddit.com`) and the token endpoint, settable for tests.
    public var apiURL: URL
    public var tokenURL: URL

    public init(subreddit: String?, query: String?, clientId: String, userAgent: String, intervalSeconds: Int, apiURL: URL, tokenURL: URL) {
        self.subreddit = subreddit
        self.query = query
        self.clientId = clientId
        self.userAgent = userAgent
        self.intervalSeconds = intervalSeconds
        self.apiURL = apiURL
        self.tokenURL = tokenURL
    }

    /// The listing's path and fixed query items.
    public var listing: (path: String, query: [(String, String)]) {
        switch (subreddit, query) {
        case (let subreddit?, let query?): ("/r/\(subreddit)/search", [("q", query), ("restrict_sr", "1"), ("sort", "new")])
        case (nil, let query?): ("/search", [("q", query), ("sort", "new")])
        case (let subreddit?, nil): ("/r/\(subreddit)/new", [])
        case (nil, nil): ("/r/all/new", [])
        }
    }
}

/// One configured source.
public struct SourceSettings: Sendable, Equatable {
    /// The source name the posts get (and ingest's source health shows); unique in the file.
    public var name: String
    public var endpoint: SourceEndpoint
    public var credential: CredentialLocation?
    /// A stream quiet for longer than this is reconnected.
    public var silenceSeconds: Int

    public init(name: String, endpoint: SourceEndpoint, credential: CredentialLocation? = nil, silenceSeconds: Int = 300) {
        self.name = name
        self.endpoint = endpoint
        self.credential = credential
        self.silenceSeconds = silenceSeconds
    }
}

/// A `sources.toml`: where collectors keep their cursors, and the sources.
public struct SourcesConfiguration: Sendable, Equatable {
    /// The folder of the sources' cursor files.
    public var stateDirectory: String
    /// The most posts per PublishBatch call.
    public var batchSize: Int
    public var sources: [SourceSettings]

    /// The source kinds this version collects.
    public static let kinds = ["mastodon", "rss", "reddit", "x", "bluesky"]

    /// The Jetstream instance a bluesky source subscribes to unless it names one.
    public static let defaultJetstream = "wss://jetstream2.us-east.bsky.network/subscribe"

    public init(stateDirectory: String, batchSize: Int = 200, sources: [SourceSettings]) {
        self.stateDirectory = stateDirectory
        self.batchSize = batchSize
        self.sources = sources
    }

    /// Reads and checks a configuration; every problem names its line and key.
    public init(parsing text: String) throws(ConfigurationError) {
        let document = try ConfigurationText(parsing: text)
        var top = Table(entries: document.topLevel, line: 0, subject: "the top level")
        stateDirectory = try top.string("state_directory") ?? "collect-state"
        batchSize = try top.integer("batch_size", in: 1...10_000) ?? 200
        try top.rejectUnknown()
        var sources: [SourceSettings] = []
        for (line, entries) in document.sources {
            var table = Table(entries: entries, line: line, subject: "the [[source]] at line \(line)")
            let settings = try Self.source(&table)
            if let twin = sources.first(where: { $0.name == settings.name }) {
                throw ConfigurationError(line: line, "a second source named \(twin.name); names must be unique")
            }
            sources.append(settings)
        }
        self.sources = sources
    }

    private static func source(_ table: inout Table) throws(ConfigurationError) -> SourceSettings {
        let name = try table.required("name")
        guard !name.isEmpty, name.utf8.count <= 100, name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || (0x30...0x39).contains($0.value) || "._-".unicodeScalars.contains($0) }) else {
            throw ConfigurationError(line: table.line(of: "name"), "name '\(name)' must be 1-100 letters, digits, '.', '_' or '-'")
        }
        let kind = try table.required("kind")
        let endpoint: SourceEndpoint
        switch kind {
        case "mastodon":
            let timelineText = try table.string("timeline") ?? "public"
            guard let timeline = MastodonTimeline(timelineText) else {
                throw ConfigurationError(line: table.line(of: "timeline"), "timeline '\(timelineText)' is not public, local, hashtag:TAG or list:ID")
            }
            endpoint = .mastodon(instance: try table.webAddress("instance"), timeline: timeline)
        case "rss":
            endpoint = .feed(url: try table.webAddress("url"), intervalSeconds: try table.integer("interval_seconds", in: 1...86_400) ?? 300)
        case "reddit":
            let subreddit = try table.string("subreddit"), query = try table.string("query")
            guard subreddit != nil || query != nil else { throw ConfigurationError(line: table.line, "\(table.subject) (reddit) needs a subreddit, a query or both") }
            if let subreddit, !subreddit.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || (0x30...0x39).contains($0.value) || $0 == "_" }) || subreddit.isEmpty {
                throw ConfigurationError(line: table.line, "subreddit '\(subreddit)' must be a name without r/ (letters, digits, _)")
            }
            endpoint = .reddit(RedditSettings(
                subreddit: subreddit, query: query, clientId: try table.required("client_id"),
                userAgent: try table.string("user_agent") ?? "earshot-collect/1.0",
                intervalSeconds: try table.integer("interval_seconds", in: 1...86_400) ?? 60,
                apiURL: try table.webAddress("api_url", default: "https://oauth.reddit.com"),
                tokenURL: try table.webAddress("token_url", default: "https://www.reddit.com/api/v1/access_token")))
        case "x":
            let rulesLine = table.line(of: "rules")
            let rules = try table.strings("rules")
            guard !rules.isEmpty, rules.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 1_024 }) else {
                throw ConfigurationError(line: rulesLine, "rules must list one or more filter rules of 1-1024 bytes")
            }
            endpoint = .x(rules: rules, apiURL: try table.webAddress("api_url", default: "https://api.x.com"),
                          backfillMinutes: try table.integer("backfill_minutes", in: 0...5) ?? 0)
        case "bluesky":
            let keywordsLine = table.line(of: "keywords")
            let keywords = table.has("keywords") ? try table.strings("keywords") : []
            guard keywords.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 200 }) else {
                throw ConfigurationError(line: keywordsLine, "keywords must be non-empty strings of at most 200 bytes")
            }
            endpoint = .bluesky(endpoint: try table.address("endpoint", schemes: ["ws", "wss"], default: defaultJetstream), keywords: keywords)
        default:
            throw ConfigurationError(line: table.line(of: "kind"), "kind '\(kind)' is not one of \(kinds.joined(separator: ", "))")
        }
        let credential: CredentialLocation?
        let environmentLine = table.line(of: "token_env")
        let file = try table.string("token_file"), variable = try table.string("token_env")
        switch (file, variable) {
        case (let file?, nil): credential = .file(file)
        case (nil, let variable?): credential = .environment(variable)
        case (nil, nil): credential = nil
        case (_?, _?): throw ConfigurationError(line: environmentLine, "set token_file or token_env, not both")
        }
        let silence = try table.integer("silence_seconds", in: 1...86_400) ?? 300
        try table.rejectUnknown()
        return SourceSettings(name: name, endpoint: endpoint, credential: credential, silenceSeconds: silence)
    }
}

/// The keys of one table, taken one by one so that the ones left over can be reported.
private struct Table {
    /// The keys not taken yet.
    var entries: [ConfigurationEntry]
    let line: Int
    let subject: String
    /// Every key's line, taken or not.
    private let lines: [String: Int]

    init(entries: [ConfigurationEntry], line: Int, subject: String) {
        self.entries = entries
        self.line = line
        self.subject = subject
        lines = Dictionary(entries.map { ($0.key, $0.line) }, uniquingKeysWith: { first, _ in first })
    }

    /// The line of `key`, or the table's when the key is missing.
    func line(of key: String) -> Int {
        lines[key] ?? line
    }

    private mutating func take(_ key: String) -> ConfigurationEntry? {
        guard let index = entries.firstIndex(where: { $0.key == key }) else { return nil }
        return entries.remove(at: index)
    }

    mutating func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let entry = take(key) else { return nil }
        guard case .string(let text) = entry.value else { throw ConfigurationError(line: entry.line, "\(key) must be a string") }
        return text
    }

    mutating func strings(_ key: String) throws(ConfigurationError) -> [String] {
        guard let entry = take(key) else { throw ConfigurationError(line: line, "\(subject) has no \(key)") }
        guard case .strings(let items) = entry.value else { throw ConfigurationError(line: entry.line, "\(key) must be an array of strings") }
        return items
    }

    mutating func required(_ key: String) throws(ConfigurationError) -> String {
        guard let text = try string(key) else { throw ConfigurationError(line: line, "\(subject) has no \(key)") }
        return text
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
        guard let entry = take(key) else { return nil }
        guard case .integer(let number) = entry.value, range.contains(number) else {
            throw ConfigurationError(line: entry.line, "\(key) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Whether `key` is present (and not taken yet).
    func has(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    mutating func webAddress(_ key: String, default fallback: String? = nil) throws(ConfigurationError) -> URL {
        try address(key, schemes: ["http", "https"], default: fallback)
    }

    /// An address of one of `schemes` with a host.
    mutating func address(_ key: String, schemes: [String], default fallback: String? = nil) throws(ConfigurationError) -> URL {
        let keyLine = line(of: key)
        guard let text = try string(key) ?? fallback else { throw ConfigurationError(line: line, "\(subject) has no \(key)") }
        guard let url = URL(string: text), schemes.contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw ConfigurationError(line: keyLine, "\(key) '\(text)' is not an \(schemes.joined(separator: " or ")) address")
        }
        return url
    }

    func rejectUnknown() throws(ConfigurationError) {
        if let unknown = entries.first { throw ConfigurationError(line: unknown.line, "unknown key \(unknown.key) in \(subject)") }
    }
}
