// swift-tools-version:6.0
// Earshot: a self-hosted social media intelligence pipeline.
//
// The folders follow the pipeline: native shims (CZeroMQ, CProtobufC,
// EarshotProtoC), the messaging layer (ZeroMQ, Wire, RPC), the pure cores
// (Analysis/*, Listening, Scoring, Insights, Store) and the services that move
// messages between sockets and those cores (Services/*), driven by the
// `earshot` command.
import PackageDescription

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let postgresNIO = Target.Dependency.product(name: "PostgresNIO", package: "postgres-nio")

let package = Package(
    name: "Earshot",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "earshot", targets: ["earshot"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through hummingbird: named for the gateway's request-deadline channel handler.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        // Already in the graph through postgres-nio: named for the collectors' wss:// (Bluesky Jetstream).
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.25.0"),
    ],
    targets: [
        // MARK: Native libraries
        .systemLibrary(name: "CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CSodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),
        // protoc-c output for proto/ (scripts/gen-proto.sh); never edited by hand.
        .target(name: "EarshotProtoC", dependencies: ["CProtobufC"]),

        // MARK: Messaging
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        .target(name: "EarshotWire", dependencies: ["EarshotProtoC", "CProtobufC"], path: "Sources/Wire"),
        .target(name: "EarshotRPC", dependencies: ["ZeroMQ", "EarshotWire", logging], path: "Sources/RPC"),
        // CURVE keys, the allow-list and roles, the pipeline seal.
        .target(name: "EarshotSecurity", dependencies: ["ZeroMQ", "EarshotWire", "CSodium"], path: "Sources/Security"),

        // MARK: Pure cores
        .target(name: "TextBytes", path: "Sources/Analysis/TextBytes"),
        .target(name: "Sentiment", dependencies: ["TextBytes", "Emotions"], path: "Sources/Analysis/Sentiment",
                resources: [.copy("Resources/vader_lexicon.tsv"), .copy("Resources/vader_emoji.tsv"),
                            .copy("Resources/social_lexicon.tsv"), .copy("Resources/sentiment_model.tsv"),
                            .copy("Resources/sentiment-tables.bin"), .copy("Languages/Lexicons")]),
        .target(name: "LanguageID", dependencies: ["TextBytes"], path: "Sources/Analysis/LanguageID",
                resources: [.copy("Resources/langdetect-profiles.txt"), .copy("Resources/frequent-words.txt"),
                            .copy("Resources/language-tables.bin")]),
        .target(name: "Entities", dependencies: ["TextBytes"], path: "Sources/Analysis/Entities"),
        .target(name: "Emotions", path: "Sources/Analysis/Emotions", resources: [.copy("Resources/emotions.model")]),
        .target(name: "TextAnalysis", dependencies: ["Sentiment", "LanguageID", "Entities", "Emotions", "TextBytes"], path: "Sources/Analysis/TextAnalysis"),
        .target(name: "Listening", dependencies: ["Emotions"]),
        .target(name: "Scoring"),
        .target(name: "Insights"),
        .target(name: "SourceFormats", dependencies: ["EarshotWire"]),
        // Webhook signing, retry schedule, topics and bodies (the gateway delivers them).
        .target(name: "Webhooks", dependencies: ["CSodium"]),
        .target(name: "PostMatching", dependencies: ["EarshotWire", "Listening"]),
        // Live collectors' pure parts: sources.toml, back-off, event streams, cursors, source health.
        .target(name: "Collectors", dependencies: ["EarshotWire", "SourceFormats"]),
        .target(name: "EarshotStore", dependencies: ["EarshotWire", "Scoring", "Emotions", "Insights", grdb], path: "Sources/Store"),
        // The same store interfaces on PostgreSQL 15 (`query --store postgres://…`).
        .target(name: "EarshotPostgresStore", dependencies: ["EarshotStore", "EarshotWire", "Insights", postgresNIO, logging], path: "Sources/PostgresStore"),

        // MARK: Services
        .target(name: "ServiceRuntime", dependencies: ["ZeroMQ", "EarshotWire", "EarshotRPC", "EarshotSecurity", logging],
                path: "Sources/Services/Runtime"),
        .target(name: "IngestService", dependencies: ["ServiceRuntime", "EarshotStore"], path: "Sources/Services/Ingest"),
        .target(name: "EnrichService", dependencies: ["ServiceRuntime", "TextAnalysis", "Emotions", "Listening", "PostMatching"], path: "Sources/Services/Enrich"),
        .target(name: "ScoreService", dependencies: ["ServiceRuntime", "Scoring"], path: "Sources/Services/Score"),
        .target(name: "QueryService", dependencies: ["ServiceRuntime", "EarshotStore", "EarshotPostgresStore", "Listening", "PostMatching", "Entities", "Insights"], path: "Sources/Services/Query"),
        // The HTTP/JSON gateway (docs/HTTP-API.md): routes, JSON translation and tokens are pure; the Hummingbird shell calls ingest and query.
        .target(name: "GatewayService", dependencies: ["ServiceRuntime", "EarshotRPC", "EarshotSecurity", "EarshotWire", "SourceFormats",
                                                       "CSodium", "CProtobufC", "Webhooks", logging, grdb,
                                                       .product(name: "Hummingbird", package: "hummingbird"),
                                                       .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras")],
                path: "Sources/Services/Gateway", resources: [.copy("Dashboard")]),

        // The live collectors (`earshot collect`): one thread per source, HTTP by URLSession, WebSocket (Bluesky
        // Jetstream) by swift-nio with NIOSSL (in the graph through postgres-nio), publishing through ingest.
        .target(name: "CollectService", dependencies: ["Collectors", "Launcher", "ServiceRuntime", "EarshotRPC", "EarshotWire", "SourceFormats", logging,
                                                       .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                                                       .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
                                                       .product(name: "NIOSSL", package: "swift-nio-ssl")],
                path: "Sources/Services/Collect"),

        // MARK: Running the stack
        .target(name: "SampleData", dependencies: ["EarshotWire"]),
        .target(name: "Launcher", dependencies: ["EarshotRPC", "EarshotWire", "EarshotSecurity", "ZeroMQ"]),

        // MARK: The command
        .executableTarget(name: "earshot", dependencies: [
            "IngestService", "EnrichService", "ScoreService", "QueryService", "GatewayService", "ServiceRuntime", "CollectService", "Collectors",
            "TextAnalysis", "SampleData", "Launcher", "EarshotRPC", "EarshotSecurity", "EarshotWire", "ZeroMQ", "Listening", "PostMatching", "SourceFormats", "Insights",
            "EarshotPostgresStore", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: Benchmarks (run with -c release; see README)
        .executableTarget(name: "earshot-bench-sentiment", dependencies: ["Sentiment", "LanguageID", "Entities", "Emotions", "TextAnalysis"], path: "Sources/Benchmarks/SentimentBench"),
        .executableTarget(name: "earshot-eval-language", dependencies: ["LanguageID", "TextAnalysis", "Entities"], path: "Sources/Benchmarks/LanguageEval"),
        .executableTarget(name: "earshot-bench-listening", dependencies: ["Listening"], path: "Sources/Benchmarks/ListeningBench"),
        // Compiles the analysers' source tables into the images they map at start-up (scripts/gen-tables.sh).
        .executableTarget(name: "earshot-gen-tables", dependencies: ["LanguageID", "Sentiment"], path: "Sources/Tools/GenTables"),

        // MARK: Tests
        .testTarget(name: "TextBytesTests", dependencies: ["TextBytes"]),
        .testTarget(name: "SentimentTests", dependencies: ["Sentiment", "TextBytes"]),
        .testTarget(name: "LanguageIDTests", dependencies: ["LanguageID"]),
        .testTarget(name: "EntitiesTests", dependencies: ["Entities"]),
        .testTarget(name: "EmotionsTests", dependencies: ["Emotions"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TextAnalysisTests", dependencies: ["TextAnalysis", "LanguageID", "Entities", "Sentiment"]),
        .testTarget(name: "ListeningTests", dependencies: ["Listening"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring"]),
        .testTarget(name: "CollectorsTests", dependencies: ["Collectors", "EarshotWire"]),
        .testTarget(name: "InsightsTests", dependencies: ["Insights", "SourceFormats"]),
        .testTarget(name: "SourceFormatsTests", dependencies: ["SourceFormats", "EarshotWire"], exclude: ["Fixtures"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "WireTests", dependencies: ["EarshotWire"]),
        .testTarget(name: "RPCTests", dependencies: ["EarshotRPC"]),
        .testTarget(name: "SecurityTests", dependencies: ["EarshotSecurity", "ZeroMQ"]),
        // A throwaway PostgreSQL cluster for the PostgreSQL tests (scripts/postgres-test-cluster.sh).
        .target(name: "PostgresTestSupport", path: "Tests/PostgresTestSupport"),
        .testTarget(name: "StoreTests", dependencies: ["EarshotStore", "EarshotPostgresStore", "Insights", "PostgresTestSupport", grdb]),
        .testTarget(name: "IngestTests", dependencies: ["IngestService", "EarshotStore"]),
        .testTarget(name: "ServiceRuntimeTests", dependencies: ["ServiceRuntime", "EarshotWire"]),
        .testTarget(name: "WebhooksTests", dependencies: ["Webhooks"]),
        .testTarget(name: "GatewayTests", dependencies: ["GatewayService", "EarshotRPC", "EarshotSecurity", "EarshotWire", "ZeroMQ"]),
        .testTarget(name: "PipelineTests", dependencies: ["earshot", "Launcher", "PostgresTestSupport", "SampleData", "EarshotRPC", "EarshotSecurity", "EarshotWire", "ZeroMQ",
                                                      "CollectService"]),
    ]
)

// MARK: Fuzz targets (scripts/fuzz.sh; README, Development)
// Each hands its input to libFuzzer's driver, so they link only with
// `-sanitize=fuzzer`; they exist only when scripts/fuzz.sh sets EARSHOT_FUZZ=1 (in .build-fuzz),
// and a normal build or `make test` never sees them.
if Context.environment["EARSHOT_FUZZ"] == "1" {
    let fuzzed: [Target.Dependency] = ["FuzzSupport", "EarshotWire", "EarshotSecurity", "SourceFormats", "Listening", "PostMatching"]
    package.targets += [
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", "EarshotWire", "Listening", "PostMatching", "SourceFormats"], path: "Fuzz/Support"),
    ] + ["rpc", "pipeline", "json-posts", "csv-posts", "listening-query"].map { name in
        .executableTarget(name: "fuzz-\(name)", dependencies: fuzzed + ["EarshotProtoC", "CProtobufC"], path: "Fuzz/Targets/\(name)",
                          // gold fails on these links ("internal error in format_file_lineno"); the toolchain's lld does not.
                          linkerSettings: [.unsafeFlags(["-use-ld=lld"])])
    }
}
