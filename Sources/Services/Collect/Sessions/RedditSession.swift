import Collectors
import EarshotWire
import Foundation

/// A Reddit source: an app-only OAuth token (client credentials, the secret from the source's
/// credential), then every `interval_seconds` the newest listing page and older ones (`after`)
/// back to the cursor, the newest acknowledged fullname. Waits out the rate-limit window when
/// `X-Ratelimit-Remaining` runs out.
struct RedditSession: SourceSession {
    let settings: SourceSettings
    private let reddit: RedditSettings
    private var listing: RedditListing
    /// The bearer token and when it expires.
    private var token: (value: String, expires: Date)?

    init(settings: SourceSettings) {
        self.settings = settings
        guard case .reddit(let reddit) = settings.endpoint else { preconditionFailure("not a Reddit source") }
        self.reddit = reddit
        listing = RedditListing(sourceName: settings.name)
    }

    mutating func run(_ runner: SourceRunner) throws -> SessionEnd {
        let bearer = try accessToken(runner)
        let headers = ["Authorization": "Bearer \(bearer)", "User-Agent": reddit.userAgent, "Accept": "application/json"]
        var cursor = runner.loadCursor()
        var poll = RedditPoll(cursor: cursor.position)
        var fresh: [RedditItem] = []
        var rateLimitWait = 0.0
        let target = reddit.listing
        while !poll.isFinished, !runner.isStopped {
            guard let url = reddit.apiURL.replacing(path: target.path, query: target.query + poll.query) else { throw CollectError("cannot form the listing address") }
            let response = try HTTPResponseStream.fetch(url, headers: headers, silenceSeconds: Double(settings.silenceSeconds), accepting: [200, 401], stop: { runner.isStopped })
            guard response.status == 200 else {
                token = nil
                throw CollectError("\(target.path) answered HTTP 401: the token is refused; fetching a new one")
            }
            runner.markConnected()
            guard let page = listing.read(page: response.body) else { throw CollectError("\(target.path) did not answer with a listing") }
            runner.reject(page.rejected.count, reason: page.rejected.first ?? "")
            fresh += poll.take(page.items, after: page.after)
            rateLimitWait = RedditRateLimit.waitSeconds(remaining: response.headers["x-ratelimit-remaining"], reset: response.headers["x-ratelimit-reset"])
            if rateLimitWait > 0 { break }
        }
        // Oldest first, so an interrupted publish leaves the cursor before what was not sent.
        let items = Array(fresh.reversed())
        guard !items.isEmpty else { return .pollAgain(afterSeconds: max(Double(reddit.intervalSeconds), rateLimitWait)) }
        try runner.publish(items.map(\.post))
        cursor.position = RedditFullname.newest(items.map(\.fullname), current: cursor.position)
        cursor.acknowledgedAtMs = wallClockMilliseconds()
        try runner.saveCursor(cursor)
        return .pollAgain(afterSeconds: max(Double(reddit.intervalSeconds), rateLimitWait))
    }

    /// The cached token, or a new one from the token endpoint (client credentials grant).
    private mutating func accessToken(_ runner: SourceRunner) throws(CollectError) -> String {
        if let token, token.expires > Date() { return token.value }
        guard let secret = try runner.credential() else { throw CollectError("a reddit source needs its app secret in token_file or token_env") }
        let basic = Data("\(reddit.clientId):\(secret)".utf8).base64EncodedString()
        let response = try HTTPResponseStream.fetch(reddit.tokenURL, headers: ["Authorization": "Basic \(basic)", "User-Agent": reddit.userAgent,
                                                                             "Content-Type": "application/x-www-form-urlencoded"],
                                                    silenceSeconds: Double(settings.silenceSeconds), method: "POST",
                                                    body: Data("grant_type=client_credentials".utf8), stop: { runner.isStopped })
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any], let value = object["access_token"] as? String else {
            throw CollectError("the token endpoint answered without an access_token")
        }
        let lifetime = (object["expires_in"] as? Double) ?? (object["expires_in"] as? Int).map(Double.init) ?? 3600
        token = (value, Date().addingTimeInterval(max(60, lifetime - 60)))
        return value
    }
}
