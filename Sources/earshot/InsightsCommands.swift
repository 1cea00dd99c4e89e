import ArgumentParser
import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import SourceFormats
import QueryService
import ZeroMQ

/// Spike-alert settings of the query service (flags or environment variables).
struct AlertOptions: ParsableArguments {
    @Option(help: "Alerts PUB bind endpoint; empty = do not publish [EARSHOT_ALERTS_PUB_BIND]")
    var alertsPub = environment("EARSHOT_ALERTS_PUB_BIND", AlertMonitorConfiguration().publishEndpoint)
    @Option(help: "Spike detection bucket in minutes, 1-60 [EARSHOT_ALERT_BUCKET_MINUTES]")
    var alertBucketMinutes = environment("EARSHOT_ALERT_BUCKET_MINUTES", AlertMonitorConfiguration().bucketMinutes)
    @Option(help: "k: z-score that raises an alert [EARSHOT_ALERT_K]")
    var alertK = environment("EARSHOT_ALERT_K", AlertMonitorConfiguration().detector.zThreshold)
    @Option(help: "Baseline window in blocks (a block: the last 12 buckets) [EARSHOT_ALERT_WINDOW]")
    var alertWindow = environment("EARSHOT_ALERT_WINDOW", AlertMonitorConfiguration().detector.baselineBuckets)
    @Option(help: "Minimum posts (negative posts for sentiment) in a bucket to alert [EARSHOT_ALERT_MIN_VOLUME]")
    var alertMinVolume = environment("EARSHOT_ALERT_MIN_VOLUME", AlertMonitorConfiguration().detector.minimumVolume)
    @Option(help: "Buckets after an alert during which the same series cannot alert again [EARSHOT_ALERT_COOLDOWN]")
    var alertCooldown = environment("EARSHOT_ALERT_COOLDOWN", AlertMonitorConfiguration().detector.cooldownBuckets)
    @Option(help: "Minutes the newest post must be past a bucket's end before it is judged [EARSHOT_ALERT_GRACE_MINUTES]")
    var alertGraceMinutes = environment("EARSHOT_ALERT_GRACE_MINUTES", AlertMonitorConfiguration().graceMinutes)
    @Option(help: "Milliseconds between checks for completed buckets [EARSHOT_ALERT_INTERVAL_MS]")
    var alertIntervalMs = environment("EARSHOT_ALERT_INTERVAL_MS", AlertMonitorConfiguration().intervalMilliseconds)
    @Option(help: "Ingest RPC endpoint asked for source health, so a silent source's missing posts are outages; empty = do not ask [EARSHOT_ALERT_SOURCES]")
    var alertSources = environment("EARSHOT_ALERT_SOURCES", AlertMonitorConfiguration().sourcesEndpoint)
    @Option(help: "Any detector setting, by the backtest's names: NAME=VALUE,… (e.g. z-threshold=4,block-buckets=6); applied after the flags above [EARSHOT_ALERT_SETTINGS]")
    var alertSettings = environment("EARSHOT_ALERT_SETTINGS", "")

    /// The monitor configuration these options describe.
    func configuration() throws -> AlertMonitorConfiguration {
        var configuration = AlertMonitorConfiguration()
        configuration.publishEndpoint = alertsPub
        configuration.bucketMinutes = alertBucketMinutes
        configuration.graceMinutes = alertGraceMinutes
        configuration.intervalMilliseconds = alertIntervalMs
        configuration.sourcesEndpoint = alertSources
        configuration.detector.zThreshold = alertK
        configuration.detector.baselineBuckets = alertWindow
        configuration.detector.minimumBaselineBuckets = min(configuration.detector.minimumBaselineBuckets, alertWindow)
        configuration.detector.minimumVolume = alertMinVolume
        configuration.detector.cooldownBuckets = alertCooldown
        do { configuration.detector = try configuration.detector.applying(settings: alertSettings) } catch {
            throw ValidationError("alert settings: \(error)")
        }
        do { try configuration.validate() } catch { throw ValidationError("alert settings: \(error)") }
        return configuration
    }
}

/// `--query-id` or `--group`: which conversation a question is about.
struct ScopeOptions: ParsableArguments {
    @Option(help: "A listening query id (default: all posts)") var queryId = ""
    @Option(help: "A group of listening queries") var group = ""

    /// A new request of type `Request` about `range` within this scope.
    func request<Request: ScopedRangeRequest>(_ type: Request.Type, over range: TimeRange) -> Request {
        var request = Request()
        request.range = range
        request.queryId = queryId
        request.group = group
        return request
    }
}

/// A request about a time range of one listening query, a query group, or all posts.
protocol ScopedRangeRequest: ProtoMessage {
    var range: TimeRange { get set }
    var queryId: String { get set }
    var group: String { get set }
}

extension OverviewRequest: ScopedRangeRequest {}
extension TimeSeriesRequest: ScopedRangeRequest {}
extension TopHashtagsRequest: ScopedRangeRequest {}
extension SearchPostsRequest: ScopedRangeRequest {}
extension TrendingRequest: ScopedRangeRequest {}
extension TopAuthorsRequest: ScopedRangeRequest {}
extension CareQueueRequest: ScopedRangeRequest {}

/// `ask sov`: share of voice among a group's queries.
struct ShareOfVoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sov", abstract: "Share of voice among a group's queries, by mentions and reach.")
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var range: RangeOptions
    @Option(help: "The group of listening queries") var group = ""
    @Option(name: .customLong("query-id"), help: "Or: a query id (repeat for each)") var queryIds: [String] = []
    @Flag(help: "Print JSON") var json = false

    func run() throws {
        var request = ShareOfVoiceRequest()
        request.range = try range.range()
        request.group = group
        request.queryIds = queryIds
        let response = try call(endpoints.query, InsightsMethod.shareOfVoice, request, as: ShareOfVoiceResponse.self, timeoutMs: endpoints.timeoutMs)
        print(json ? ProtoJSON.encode(response) : table(["query", "mentions", "share", "reach", "reach share"], response.shares.map { share in
            [share.queryId, "\(share.mentions)", percent(share.mentionShare), humanNumber(share.reach), percent(share.reachShare)]
        }))
    }
}

/// `ask trending`: what is big and what is growing.
struct TrendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trending", abstract: "Hashtags, terms, domains or mentions by volume and by lift.")
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var scope: ScopeOptions
    @Option(help: "Start of the current window (required): ISO-8601, Unix ms or an age like 6h") var from: String
    @Option(help: "End of the current window (default: now)") var to: String?
    @Option(help: "What to rank (default: hashtag)") var kind: TrendKind?
    @Option(help: "Windows of the same length before, as the baseline (1-168)") var baselineWindows: Int32 = 24
    @Option(help: "Items per ranking (1-1000)") var limit: Int32 = 10
    @Flag(help: "Print JSON") var json = false

    func run() throws {
        var request = scope.request(TrendingRequest.self, over: TimeRange(fromMs: try parseTime(from), toMs: try to.map(parseTime) ?? 0))
        request.kind = kind ?? .hashtag
        request.baselineWindows = baselineWindows
        request.limit = limit
        let response = try call(endpoints.query, InsightsMethod.trending, request, as: TrendingResponse.self, timeoutMs: endpoints.timeoutMs)
        guard !json else { return print(ProtoJSON.encode(response)) }
        func rows(_ items: [TrendingItem]) -> [[String]] {
            items.map { [$0.key, "\($0.count)", String(format: "%.1f", $0.baselineCount), String(format: "%.2f", $0.lift), $0.isNew ? "new" : ""] }
        }
        let header = [request.kind.argumentName, "count", "baseline", "lift", ""]
        print("by volume\n" + table(header, rows(response.byVolume)) + "\n\nby lift\n" + table(header, rows(response.byLift)))
    }
}

/// `ask authors`: who reaches and engages most.
struct TopAuthorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "authors", abstract: "Top authors by reach, engagement or posts.")
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var scope: ScopeOptions
    @Option(help: "Order of the ranking (default: reach)") var by: AuthorOrder?
    @Option(help: "How many (1-1000)") var limit: Int32 = 20
    @Flag(help: "Print JSON") var json = false

    func run() throws {
        var request = scope.request(TopAuthorsRequest.self, over: try range.range())
        request.orderBy = by ?? .reach
        request.limit = limit
        let response = try call(endpoints.query, InsightsMethod.topAuthors, request, as: TopAuthorsResponse.self, timeoutMs: endpoints.timeoutMs)
        print(json ? ProtoJSON.encode(response) : table(["author", "posts", "reach", "engagement"], response.authors.map {
            ["@" + $0.handle, "\($0.posts)", humanNumber($0.reach), humanNumber($0.engagement)]
        }))
    }
}

/// `ask care`: the care queue, highest priority first.
struct CareQueueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "care", abstract: "Unhandled posts by care priority, a page at a time.")
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var scope: ScopeOptions
    @Option(help: "Minimum care priority (0-100)") var minPriority: Int32 = 0
    @Option(help: "Posts per page (1-500)") var pageSize: Int32 = 20
    @Option(help: "next_page_token of the previous page") var pageToken = ""
    @Flag(help: "Print JSON") var json = false

    func run() throws {
        var request = scope.request(CareQueueRequest.self, over: try range.range())
        request.minPriority = minPriority
        request.pageSize = pageSize
        request.pageToken = pageToken
        let response = try call(endpoints.query, InsightsMethod.careQueue, request, as: CareQueueResponse.self, timeoutMs: endpoints.timeoutMs)
        guard !json else { return print(ProtoJSON.encode(response)) }
        print(Report.posts(SearchPostsResponse(carePage: response)))
    }
}

/// `ask handled`: claims a post of the care queue for an agent.
struct MarkHandledCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "handled", abstract: "Mark a post handled (claim it) so no other agent takes it.")
    @OptionGroup var endpoints: EndpointOptions
    @Argument(help: "The post id") var postId: String
    @Option(help: "Who handles it [EARSHOT_AGENT]") var agent = environment("EARSHOT_AGENT", "")

    func run() throws {
        let response = try call(endpoints.query, InsightsMethod.markHandled, MarkHandledRequest(postId: postId, agent: agent),
                                as: MarkHandledResponse.self, timeoutMs: endpoints.timeoutMs)
        guard response.claimed else {
            printError("earshot: \(postId) is already handled by \(response.handledBy) since \(formatTime(response.handledAtMs))")
            throw ExitCode(2)
        }
        print("\(postId) handled by \(response.handledBy)")
    }
}

/// `earshot export`: streams every post of a search as CSV or JSON lines.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every post matching the filters as CSV or JSON lines, page by page (no cap).")
    @OptionGroup var endpoints: EndpointOptions
    @OptionGroup var range: RangeOptions
    @OptionGroup var scope: ScopeOptions
    /// What `export` writes.
    enum Format: String, CaseIterable, ExpressibleByArgument {
        case csv, jsonl
    }

    @Option(help: "Output format") var format: Format = .jsonl
    @OptionGroup var filters: PostFilterOptions
    @Option(help: "Output file (default: standard output)") var output: String?

    func run() throws {
        var request = scope.request(SearchPostsRequest.self, over: try range.range())
        try filters.apply(to: &request)
        request.pageSize = 500
        let sink: FileHandle
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: nil), let handle = FileHandle(forWritingAtPath: output) else {
                throw ValidationError("cannot write \(output)")
            }
            sink = handle
        } else {
            sink = FileHandle.standardOutput
        }
        let context = try Context()
        let client = try endpoints.client(endpoints.query, context: context, clientName: "earshot-export")
        if format == .csv { sink.write(Data((CSVExport.header + "\n").utf8)) }
        var exported = 0
        repeat {
            let page: SearchPostsResponse
            do {
                page = try client.call(QueryMethod.searchPosts, request, as: SearchPostsResponse.self, timeoutMilliseconds: endpoints.timeoutMs)
            } catch {
                printError("earshot: export stopped after \(exported) posts: \(error)")
                throw ExitCode(1)
            }
            let lines = page.posts.map { format == .csv ? CSVExport.row($0) : ProtoJSON.encode($0) }
            if !lines.isEmpty { sink.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }
            exported += page.posts.count
            request.pageToken = page.nextPageToken
        } while !request.pageToken.isEmpty
        if output != nil { printError("exported \(exported) posts") }
    }
}

/// `earshot alerts list|watch`.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "Spike alerts: stored ones, live ones as they are raised, or a backtest over a history.",
                                                    subcommands: [List.self, Watch.self, AlertsBacktestCommand.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Stored alerts, newest first.")
        @OptionGroup var endpoints: EndpointOptions
        @OptionGroup var range: RangeOptions
        @Option(help: "A listening query id; * = only alerts on all posts; default: every scope") var queryId = ""
        @Option(help: "Only this kind: volume, negative or anger (default: all)") var kind: AlertKind?
        @Option(help: "Only alerts at least this severe") var minSeverity: AlertSeverity?
        @Option(help: "How many (1-1000)") var limit: Int32 = 50
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            var request = AlertsRequest()
            request.range = try range.range()
            request.queryId = queryId
            request.kind = kind ?? .unspecified
            request.minSeverity = minSeverity ?? .unspecified
            request.limit = limit
            let response = try call(endpoints.query, InsightsMethod.alerts, request, as: AlertsResponse.self, timeoutMs: endpoints.timeoutMs)
            print(json ? ProtoJSON.encode(response) : response.alerts.map(describe).joined(separator: "\n"))
        }
    }

    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "watch", abstract: "Print alerts as the query service publishes them (Ctrl-C stops).")
        @Option(help: "The query service's alerts PUB endpoint [EARSHOT_ALERTS]") var alerts = environment("EARSHOT_ALERTS", "tcp://127.0.0.1:5562")
        @Option(help: "Only this listening query (* = all posts)") var queryId = ""
        @Option(help: "Only this kind: volume, negative or anger (default: all)") var kind: AlertKind?
        @Flag(help: "Print JSON lines") var json = false
        @OptionGroup var security: SecurityOptions

        func run() throws {
            let wanted = kind ?? .unspecified
            let context = try Context()
            let socket = try Socket(.sub, context: context)
            try socket.set([.linger(0), .subscribe(Array(AlertsCommand.topicPrefix(queryId: queryId, kind: wanted).utf8))])
            try socket.set(security.client().clientOptions(server: KeyDirectory.queryKey, endpoint: alerts))
            try socket.connect(alerts)
            printError("watching \(alerts) …")
            while let frames = try socket.receive() {
                guard frames.count == 2, let alert = try? Alert(serializedBytes: frames[1]) else { continue }
                // Without --query-id the prefix cannot name the kind (it follows the query id).
                guard wanted == .unspecified || alert.kind == wanted else { continue }
                FileHandle.standardOutput.write(Data(((json ? ProtoJSON.encode(alert) : describe(alert)) + "\n").utf8))
            }
        }
    }

    /// The subscription prefix of the documented topic "alert.<query_id or *>.<volume|negative>".
    static func topicPrefix(queryId: String, kind: AlertKind) -> String {
        guard !queryId.isEmpty else { return "alert." }
        return "alert.\(queryId)." + (kind == .unspecified ? "" : kind.topicName)
    }
}

/// One line per alert, with its explanation.
private func describe(_ alert: Alert) -> String {
    let unit = switch alert.kind {
    case .volume: String(format: "%.0f posts vs %.1f expected", alert.observed, alert.baselineMean)
    case .anger: String(format: "%.0f%% angry vs %.0f%% expected", alert.observed * 100, alert.baselineMean * 100)
    default: String(format: "%.0f%% negative vs %.0f%% expected", alert.observed * 100, alert.baselineMean * 100)
    }
    let terms = alert.terms.map(\.key).joined(separator: ", ")
    let authors = alert.authors.map { "@" + $0.key }.joined(separator: ", ")
    return "\(formatTime(alert.bucketStartMs)) \(alert.severity.name.uppercased()) \(alert.topic) \(unit) (z \(String(format: "%.1f", alert.zScore)), "
        + "mostly \(alert.dominantSentiment)) terms: \(terms.isEmpty ? "-" : terms) authors: \(authors.isEmpty ? "-" : authors)"
}

private func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
