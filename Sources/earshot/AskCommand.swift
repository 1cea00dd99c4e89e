import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask", abstract: "Ask the query service (tables for people, --json for machines).",
        subcommands: [Overview.self, Series.self, Hashtags.self, Search.self, Stats.self, SourcesCommand.self,
                      ShareOfVoiceCommand.self, TrendingCommand.self, TopAuthorsCommand.self, CareQueueCommand.self, MarkHandledCommand.self]
    )

    struct Overview: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "overview", abstract: "Volume, sentiment, emotions, reach and engagement.")
        @OptionGroup var endpoints: EndpointOptions
        @OptionGroup var range: RangeOptions
        @OptionGroup var scope: ScopeOptions
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            let request = scope.request(OverviewRequest.self, over: try range.range())
            let response = try call(endpoints.query, QueryMethod.overview, request, as: OverviewResponse.self, timeoutMs: endpoints.timeoutMs)
            print(json ? ProtoJSON.encode(response) : Report.overview(response))
        }
    }

    struct Series: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "timeseries", abstract: "Volume and sentiment per time bucket.")
        @OptionGroup var endpoints: EndpointOptions
        @OptionGroup var range: RangeOptions
        @OptionGroup var scope: ScopeOptions
        @Option(help: "Bucket length (default: hour)") var granularity: Granularity?
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            var request = scope.request(TimeSeriesRequest.self, over: try range.range())
            request.granularity = granularity ?? .hour
            let response = try call(endpoints.query, QueryMethod.timeSeries, request, as: TimeSeriesResponse.self, timeoutMs: endpoints.timeoutMs)
            print(json ? ProtoJSON.encode(response) : Report.timeSeries(response))
        }
    }

    struct Hashtags: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "hashtags", abstract: "The most used hashtags.")
        @OptionGroup var endpoints: EndpointOptions
        @OptionGroup var range: RangeOptions
        @OptionGroup var scope: ScopeOptions
        @Option(help: "How many (1-1000)") var limit: Int32 = 10
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            var request = scope.request(TopHashtagsRequest.self, over: try range.range())
            request.limit = limit
            let response = try call(endpoints.query, QueryMethod.topHashtags, request, as: TopHashtagsResponse.self, timeoutMs: endpoints.timeoutMs)
            print(json ? ProtoJSON.encode(response) : Report.hashtags(response))
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "search", abstract: "Find posts, newest first, a page at a time.")
        @OptionGroup var endpoints: EndpointOptions
        @OptionGroup var range: RangeOptions
        @OptionGroup var scope: ScopeOptions
        @OptionGroup var filters: PostFilterOptions
        @Option(help: "Posts per page (1-500)") var pageSize: Int32 = 20
        @Option(help: "next_page_token of the previous page") var pageToken = ""
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            var request = scope.request(SearchPostsRequest.self, over: try range.range())
            try filters.apply(to: &request)
            request.pageSize = pageSize
            request.pageToken = pageToken
            let response = try call(endpoints.query, QueryMethod.searchPosts, request, as: SearchPostsResponse.self, timeoutMs: endpoints.timeoutMs)
            print(json ? ProtoJSON.encode(response) : Report.posts(response))
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stats", abstract: "Counters and gauges of the services.")
        @OptionGroup var endpoints: EndpointOptions
        @Option(help: "More RPC endpoints to include (worker control endpoints)") var endpoint: [String] = []
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            for target in [endpoints.ingest, endpoints.query] + endpoint {
                let response = try call(target, StatsMethod.get, StatsRequest(), as: StatsResponse.self, timeoutMs: endpoints.timeoutMs)
                if json {
                    print(ProtoJSON.encode(response))
                } else {
                    print("\(response.serviceName) \(response.instance) up \(response.uptimeMs / 1000) s (\(target))")
                    print(table(["metric", "value"], response.metrics.map { [$0.name, humanNumber($0.value)] }))
                    print()
                }
            }
        }
    }
}

/// The post filters of a search, shared by `ask search` and `export`.
struct PostFilterOptions: ParsableArguments {
    @Option(help: "Text the post contains (case-insensitive)") var text = ""
    @Option(help: "Hashtag, with or without #") var hashtag = ""
    @Option(help: "Author handle") var author = ""
    @Option(help: "Language code") var language = ""
    @Option(help: "Platform") var platform: Platform?
    @Option(help: "positive, neutral, negative, unavailable") var sentiment = ""
    @Option(help: "anger, disgust, fear, joy, neutral, sadness, surprise (English posts)") var emotion = ""
    @Option(help: "Minimum care priority (1-100)") var minPriority: Int32 = 0

    /// Sets the filters on `request`.
    func apply(to request: inout SearchPostsRequest) throws {
        request.textContains = text
        request.hashtag = hashtag
        request.authorHandle = author
        request.language = language
        request.platform = platform ?? .unspecified
        request.sentimentLabel = sentiment
        request.emotion = emotion
        request.minPriority = minPriority
    }
}

/// Human-readable renderings of query responses.
enum Report {
    static func overview(_ response: OverviewResponse) -> String {
        let rated = max(1, response.positive + response.neutral + response.negative)
        func share(_ count: Int64) -> String { String(format: "%5.1f%%", Double(count) * 100 / Double(rated)) }
        var lines = [
            table(["metric", "value"], [
                ["posts", "\(response.posts)"],
                ["unique authors", "\(response.uniqueAuthors)"],
                ["reach (est. impressions)", humanNumber(response.reach)],
                ["engagement", humanNumber(response.engagement)],
                ["positive", "\(response.positive)  \(share(response.positive))"],
                ["neutral", "\(response.neutral)  \(share(response.neutral))"],
                ["negative", "\(response.negative)  \(share(response.negative))"],
                ["sentiment unavailable", "\(response.sentimentUnavailable)"],
                ["net sentiment", String(format: "%+.1f", response.netSentiment)],
            ]),
        ]
        if !response.languages.isEmpty {
            lines.append("\n" + table(["language", "posts"], response.languages.prefix(8).map { [$0.label, "\($0.count)"] }))
        }
        if !response.platforms.isEmpty {
            lines.append("\n" + table(["platform", "posts"], response.platforms.map { [$0.label, "\($0.count)"] }))
        }
        if !response.emotions.isEmpty {
            // Shares of the posts that have emotions (English); a post may have several labels.
            let withEmotions = max(1, response.posts - response.sentimentUnavailable)
            lines.append("\n" + table(["emotion", "posts", "share"], response.emotions.map { emotion in
                [emotion.label, "\(emotion.count)", String(format: "%5.1f%%", Double(emotion.count) * 100 / Double(withEmotions))]
            }))
        }
        return lines.joined()
    }

    static func timeSeries(_ response: TimeSeriesResponse) -> String {
        let peak = max(1, response.buckets.map(\.posts).max() ?? 1)
        return table(["bucket (UTC)", "posts", "neg", "volume"], response.buckets.map { bucket in
            [formatTime(bucket.startMs), "\(bucket.posts)", "\(bucket.negative)", String(repeating: "█", count: Int(max(1, bucket.posts * 30 / peak)))]
        })
    }

    static func hashtags(_ response: TopHashtagsResponse) -> String {
        table(["hashtag", "posts"], response.hashtags.map { ["#" + $0.label, "\($0.count)"] })
    }

    static func posts(_ response: SearchPostsResponse) -> String {
        var text = table(["time (UTC)", "author", "sentiment", "priority", "text"], response.posts.map { view in
            let flat = view.post.text.replacingOccurrences(of: "\n", with: " ")
            return [formatTime(view.post.createdAtMs), "@" + view.post.author.handle,
                    view.enrichment.sentiment.available ? view.enrichment.sentiment.label : "n/a",
                    "\(view.scores.priority)", flat.count > 70 ? String(flat.prefix(69)) + "…" : flat]
        })
        if !response.nextPageToken.isEmpty { text += "\nnext page: --page-token \(response.nextPageToken)" }
        return text
    }
}

extension SearchPostsResponse {
    /// A care-queue page in the shape ``Report/posts(_:)`` prints.
    init(carePage: CareQueueResponse) {
        self.init()
        posts = carePage.posts
        nextPageToken = carePage.nextPageToken
    }
}
