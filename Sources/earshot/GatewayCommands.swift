import ArgumentParser
import EarshotSecurity
import EarshotWire
import Foundation
import GatewayService
import ServiceRuntime

/// Where the API token file is: `--tokens`, else `api-tokens` in the keys folder.
struct TokenFileOptions: ParsableArguments {
    @Option(help: "API token file; default: api-tokens in the keys folder [EARSHOT_API_TOKENS]")
    var tokens = environment("EARSHOT_API_TOKENS", "")
    @Option(help: "Keys folder [EARSHOT_KEYS]") var keys = environment("EARSHOT_KEYS", KeyDirectory.defaultPath)

    var path: String { Self.path(tokens: tokens, keys: keys) }

    static func path(tokens: String, keys: String) -> String {
        tokens.isEmpty ? (keys as NSString).appendingPathComponent("api-tokens") : tokens
    }
}

/// `earshot gateway`: the HTTP/JSON gateway (docs/HTTP-API.md).
struct GatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "Run the HTTP/JSON gateway to ingest and query (REST under /v1/, OpenAPI at /openapi.json).",
        discussion: "Stateless but for the webhook database (--webhooks, one SQLite file shared by the gateways of a host, of which one delivers): run as many as you like. Every /v1/ request needs an API token (earshot tokens create). The gateway calls the services with its own CURVE key (default 'gateway', role gateway in the allow-list), naming the token's holder and role with each call.")

    @Option(help: "HTTP listen address host:port [EARSHOT_GATEWAY_LISTEN]") var listen = environment("EARSHOT_GATEWAY_LISTEN", GatewayConfiguration().listen)
    @Option(help: "Ingest RPC endpoint [EARSHOT_INGEST]") var ingest = environment("EARSHOT_INGEST", GatewayConfiguration().ingestEndpoint)
    @Option(help: "Query RPC endpoint [EARSHOT_QUERY]") var query = environment("EARSHOT_QUERY", GatewayConfiguration().queryEndpoint)
    @Option(help: "The query service's alerts PUB endpoint, for GET /v1/alerts/stream; empty = no stream [EARSHOT_ALERTS]")
    var alerts = environment("EARSHOT_ALERTS", GatewayConfiguration().alertsEndpoint)
    @Option(help: "API token file; default: api-tokens in the keys folder [EARSHOT_API_TOKENS]") var tokens = environment("EARSHOT_API_TOKENS", "")
    @Option(help: "Largest request body in bytes [EARSHOT_GATEWAY_MAX_BODY]") var maxBody = environment("EARSHOT_GATEWAY_MAX_BODY", GatewayConfiguration().maxBodyBytes)
    @Option(help: "RPC deadline in milliseconds [EARSHOT_GATEWAY_TIMEOUT_MS]") var timeoutMs = environment("EARSHOT_GATEWAY_TIMEOUT_MS", Int(GatewayConfiguration().rpcTimeoutMilliseconds))
    @Option(help: "Milliseconds a client has to send a request's body (then 408; the connection is closed a second later) [EARSHOT_GATEWAY_BODY_TIMEOUT_MS]")
    var bodyTimeoutMs = environment("EARSHOT_GATEWAY_BODY_TIMEOUT_MS", Int(GatewayConfiguration().bodyTimeoutMilliseconds))
    @Option(help: "Seconds a connection may stay without a whole request part or response; also the time a request head has to arrive [EARSHOT_GATEWAY_IDLE_TIMEOUT]")
    var idleTimeout = environment("EARSHOT_GATEWAY_IDLE_TIMEOUT", Int(GatewayConfiguration().idleTimeoutSeconds))
    @Option(help: "Webhook database (SQLite), shared by the gateways of a host; one of them delivers; empty = no webhooks [EARSHOT_WEBHOOKS]")
    var webhooks = environment("EARSHOT_WEBHOOKS", GatewayConfiguration().webhooksPath)
    @Option(help: "Seconds a webhook receiver has to answer an attempt [EARSHOT_WEBHOOK_TIMEOUT]")
    var webhookTimeout = environment("EARSHOT_WEBHOOK_TIMEOUT", Int(GatewayConfiguration().webhookAttemptTimeoutSeconds))
    @Option(help: "Seconds a webhook delivery is retried before it is listed as failed (default 24 h) [EARSHOT_WEBHOOK_RETRY_WINDOW]")
    var webhookRetryWindow = environment("EARSHOT_WEBHOOK_RETRY_WINDOW", Int(GatewayConfiguration().webhookRetryWindowSeconds))
    @Flag(help: "Print the OpenAPI contract (docs/openapi.json) and exit") var printOpenapi = false
    @OptionGroup var security: SecurityOptions

    func validate() throws {
        guard maxBody > 0, timeoutMs > 0, bodyTimeoutMs > 0, idleTimeout > 0, webhookTimeout > 0, webhookRetryWindow > 0 else {
            throw ValidationError("--max-body, --timeout-ms, --body-timeout-ms, --idle-timeout, --webhook-timeout and --webhook-retry-window must be positive")
        }
    }

    func run() throws {
        if printOpenapi {
            FileHandle.standardOutput.write(Data(OpenAPIDocument.json(routes: GatewayRoutes.all)))
            return
        }
        Earshot.bootstrapLogging()
        var configuration = GatewayConfiguration()
        configuration.listen = listen
        configuration.ingestEndpoint = ingest
        configuration.queryEndpoint = query
        configuration.alertsEndpoint = alerts
        configuration.tokensPath = TokenFileOptions.path(tokens: tokens, keys: security.keys)
        configuration.maxBodyBytes = maxBody
        configuration.rpcTimeoutMilliseconds = Int64(timeoutMs)
        configuration.bodyTimeoutMilliseconds = Int64(bodyTimeoutMs)
        configuration.idleTimeoutSeconds = Int64(idleTimeout)
        configuration.webhooksPath = webhooks
        configuration.webhookAttemptTimeoutSeconds = Double(webhookTimeout)
        configuration.webhookRetryWindowSeconds = Double(webhookRetryWindow)
        let socketSecurity: SocketSecurity
        if security.insecure {
            try SocketSecurity.requireLoopback(ingest)
            try SocketSecurity.requireLoopback(query)
            if !alerts.isEmpty { try SocketSecurity.requireLoopback(alerts) }
            socketSecurity = .insecure
        } else {
            let keyName = security.keyName.isEmpty ? KeyDirectory.gatewayKey : security.keyName
            let directory = security.keyDirectory
            guard FileManager.default.fileExists(atPath: directory.secretKeyPath(keyName)) else {
                throw ValidationError("\(directory.secretKeyPath(keyName)) is missing: create it with `earshot keys generate --name \(keyName) --role gateway --allow --keys \(directory.path)` (the services' allow-list must list it with role gateway)")
            }
            socketSecurity = .curve(ownKey: try directory.keyPair(keyName), keys: directory)
        }
        let gateway = try Gateway(configuration: configuration, security: socketSecurity, logger: .init(label: "earshot.gateway"))
        let outcome = BlockingOutcome()
        Task {
            do { try await gateway.run() } catch { outcome.failure = "\(error)" }
            outcome.done.signal()
        }
        outcome.done.wait()
        if let failure = outcome.failure {
            printError("earshot gateway: \(failure)")
            throw ExitCode(1)
        }
    }

    /// The end of the server's task, awaited by the synchronous command.
    private final class BlockingOutcome: @unchecked Sendable {
        let done = DispatchSemaphore(value: 0)
        var failure: String?  // written before `done` is signalled, read after
    }
}

/// `earshot tokens`: the gateway's API tokens.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Create, list and revoke the HTTP gateway's API tokens (running gateways see changes at once).",
        subcommands: [Create.self, List.self, Revoke.self])

    /// Reads the token file (none yet: no tokens).
    static func load(_ path: String) throws -> APITokens {
        guard FileManager.default.fileExists(atPath: path) else { return APITokens() }
        return try APITokens(parsing: String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self), path: path)
    }

    /// Replaces the token file atomically (a new file renamed into place), readable by its owner only.
    static func save(_ tokens: APITokens, to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let temporary = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(tokens.text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ValidationError("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Make a token and print it once; only its hash is kept.")
        @Option(help: "Who holds it (the agent of its care claims)") var name: String
        @Option(help: "Role: reader, publisher, editor or admin") var role: String
        @OptionGroup var file: TokenFileOptions

        func run() throws {
            guard let parsed = Role(rawValue: role) else { throw ValidationError("--role must be one of reader, publisher, editor, admin") }
            let (token, tokens) = try TokensCommand.load(file.path).adding(name: name, role: parsed, nowMs: wallClockMilliseconds())
            try TokensCommand.save(tokens, to: file.path)
            printError("token '\(name)' (\(parsed)) added to \(file.path); it is shown only now:")
            print(token)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The tokens: name, role, id, created.")
        @OptionGroup var file: TokenFileOptions

        func run() throws {
            for entry in try TokensCommand.load(file.path).entries {
                let created = Date(timeIntervalSince1970: Double(entry.createdAtMs) / 1000)
                print("\(entry.name)\t\(entry.role)\test_\(entry.id)_…\t\(ISO8601DateFormatter().string(from: created))")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Remove a token; running gateways refuse it at once.")
        @Option(help: "The token's name") var name: String
        @OptionGroup var file: TokenFileOptions

        func run() throws {
            guard let tokens = try TokensCommand.load(file.path).revoking(name: name) else {
                throw ValidationError("no token named '\(name)' in \(file.path)")
            }
            try TokensCommand.save(tokens, to: file.path)
            printError("token '\(name)' revoked")
        }
    }
}
