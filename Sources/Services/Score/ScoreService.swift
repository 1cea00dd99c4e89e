import EarshotRPC
import EarshotWire
import Scoring
import EarshotSecurity
import ServiceRuntime

/// Endpoints of a score worker. It only connects: start as many as needed.
public struct ScoreConfiguration: Sendable {
    /// Ingest's relay output (PUSH) to pull enriched posts from.
    public var pullEndpoint = "tcp://127.0.0.1:5553"
    /// The query service's collector (PULL) to push scored posts to.
    public var pushEndpoint = "tcp://127.0.0.1:5555"
    public var threads = 1
    /// Control RPC (Health, Stats) bind address; nil = none.
    public var rpcEndpoint: String?
    public var weights = ScoringWeights.default

    public init() {}
}

/// The score stage: stateless models over each enriched post.
public enum ScoreService {
    /// Adds the scores of each post to the batch, as of `nowMillis`.
    public static func score(_ batch: inout PipelineBatch, model: ScoringModel, nowMillis: Int64) {
        for index in batch.posts.indices {
            let item = batch.posts[index]
            batch.posts[index].scores = Scores(model.score(ScoringInput(item, nowMillis: nowMillis)))
        }
    }

    /// Runs the worker until shutdown.
    public static func run(configuration: ScoreConfiguration, service: ServiceContext) throws {
        let model = ScoringModel(weights: configuration.weights)
        let control = try configuration.rpcEndpoint.map { endpoint in try ControlServer.start(endpoint: endpoint, service: service) }
        PipelineWorker(pull: (configuration.pullEndpoint, KeyDirectory.ingestKey), push: (configuration.pushEndpoint, KeyDirectory.queryKey),
                       threads: configuration.threads) { batch in
            score(&batch, model: model, nowMillis: wallClockMilliseconds())
        }.run(service: service)
        control?.join()
    }
}

extension ScoringInput {
    /// What the models read from an enriched post.
    init(_ item: PipelinePost, nowMillis: Int64) {
        let post = item.post
        let entities = item.enrichment.entities
        self.init(
            followers: post.author.followers, following: post.author.following,
            verified: post.author.verified, isBot: post.author.bot,
            likes: post.engagement.likes, reposts: post.engagement.reposts, replies: post.engagement.replies,
            quotes: post.engagement.quotes, views: post.engagement.views,
            createdAtMillis: post.createdAtMs, nowMillis: nowMillis,
            sentimentCompound: item.enrichment.sentiment.available ? item.enrichment.sentiment.compound : nil,
            text: post.text, hashtagCount: entities.hashtags.count, mentionCount: entities.mentions.count,
            urlCount: entities.urls.count,
            isReply: post.references.contains { $0.kind == .replyTo },
            isRepost: post.references.contains { $0.kind == .repostOf }
        )
    }
}

extension Scores {
    /// The wire form of the models' output.
    init(_ scores: PostScores) {
        self.init()
        reach = scores.reach
        engagement = scores.engagement
        engagementRate = scores.engagementRate
        influence = scores.influence
        virality = scores.virality
        priority = Int32(clamping: scores.priority)
        spamRisk = scores.spamRisk
        intents = scores.intent
    }
}
