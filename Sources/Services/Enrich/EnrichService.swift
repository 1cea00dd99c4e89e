import EarshotWire
import Emotions
import Listening
import PostMatching
import EarshotSecurity
import ServiceRuntime
import TextAnalysis

/// Endpoints of an enrich worker. It only connects: start as many as needed.
public struct EnrichConfiguration: Sendable {
    /// Ingest's dispatch socket (PUSH) to pull posts from.
    public var pullEndpoint = "tcp://127.0.0.1:5551"
    /// Ingest's relay input (PULL) to push enriched posts to.
    public var pushEndpoint = "tcp://127.0.0.1:5552"
    /// Worker threads; each analyses whole batches.
    public var threads = 1
    /// Control RPC (Health, Stats) bind address; nil = none.
    public var rpcEndpoint: String?
    /// The query service's listening query-set feed (PUB) to subscribe to;
    /// nil = match no listening queries and do not wait for them.
    public var querySetEndpoint: String? = "tcp://127.0.0.1:5561"
    /// The deployment's default language (`--default-language`), for texts that would be "und"; nil = none.
    public var defaultLanguage: String?

    public init() {}
}

/// The enrich stage: language, sentiment, emotions and entities for every post.
public enum EnrichService {
    /// Adds the text analysis of each post to the batch, and the ids of the listening `queries` it matches.
    /// The batch is analysed step by step across its posts (``TextAnalyzer``'s batch `analyze`).
    public static func enrich(_ batch: inout PipelineBatch, analyzer: TextAnalyzer, queries: QuerySet? = nil) {
        let analyses = analyzer.analyze(batch.posts.map { input(of: $0.post) })
        for index in batch.posts.indices {
            let post = batch.posts[index].post
            let analysis = analyses[index]
            var enrichment = Enrichment(analysis)
            if let queries, queries.count > 0 {
                enrichment.matchedQueryIds = queries.matches(MatchableDocument(post: post, enrichment: enrichment, text: analysis.text))
            }
            batch.posts[index].enrichment = enrichment
        }
    }

    /// The text analysis of `post`: its text (HTML when the source says so) with the source's
    /// language hint, if any.
    public static func analysis(of post: Post, analyzer: TextAnalyzer) -> TextAnalysis {
        analyzer.analyze([input(of: post)])[0]
    }

    /// What the analyser needs of a post: its text, the source's language hint, whether it is HTML.
    private static func input(of post: Post) -> TextInput {
        TextInput(post.text, languageHint: post.languageHint.isEmpty ? nil : post.languageHint, isHTML: post.textIsHtml)
    }

    /// Runs the worker until shutdown.
    public static func run(configuration: EnrichConfiguration, service: ServiceContext) throws {
        let analyzer = TextAnalyzer(defaultLanguage: configuration.defaultLanguage)
        let control = try configuration.rpcEndpoint.map { endpoint in try ControlServer.start(endpoint: endpoint, service: service) }
        let subscription = configuration.querySetEndpoint.map { QuerySubscription(endpoint: $0, service: service) }
        // A worker takes no post before it has the current listening queries.
        if subscription?.waitForFirstSnapshot(service: service) ?? true {
            PipelineWorker(pull: (configuration.pullEndpoint, KeyDirectory.ingestKey), push: (configuration.pushEndpoint, KeyDirectory.ingestKey),
                           threads: configuration.threads) { batch in
                enrich(&batch, analyzer: analyzer, queries: subscription?.queries)
            }.run(service: service)
        }
        subscription?.join()
        control?.join()
    }
}

extension Enrichment {
    /// The wire form of a text analysis.
    init(_ analysis: TextAnalysis) {
        self.init()
        language = analysis.language.code
        languageConfidence = analysis.language.confidence
        languageSource = analysis.language.source.rawValue
        if let scores = analysis.sentiment {
            sentiment.available = true
            sentiment.compound = scores.compound
            sentiment.positive = scores.positive
            sentiment.neutral = scores.neutral
            sentiment.negative = scores.negative
            sentiment.label = scores.label.rawValue
            sentiment.modelLanguage = analysis.sentimentModel ?? ""
        }
        entities.hashtags = analysis.entities.hashtags
        entities.mentions = analysis.entities.mentions
        entities.urls = analysis.entities.urls
        entities.domains = analysis.entities.domains
        entities.cashtags = analysis.entities.cashtags
        entities.emoji = analysis.entities.emoji
        if let scores = analysis.emotions {
            emotions = PostEmotions(scores)
        }
    }
}

extension PostEmotions {
    /// The wire form of an emotion verdict.
    init(_ scores: EmotionScores) {
        self.init()
        available = true
        labels = scores.labels.map(\.name)
        anger = scores.probability(of: .anger)
        disgust = scores.probability(of: .disgust)
        fear = scores.probability(of: .fear)
        joy = scores.probability(of: .joy)
        neutral = scores.probability(of: .neutral)
        sadness = scores.probability(of: .sadness)
        surprise = scores.probability(of: .surprise)
    }
}
