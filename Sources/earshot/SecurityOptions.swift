import ArgumentParser
import Foundation
import EarshotRPC
import EarshotSecurity
import ServiceRuntime
import Synchronization
import ZeroMQ

/// How a process secures its sockets: CURVE keys from the keys folder (the
/// default, created on first start), or `--insecure` on loopback only.
struct SecurityOptions: ParsableArguments {
    @Option(help: "Keys folder: key pairs, the allow-list, servers' public keys; the defaults are created on first start [EARSHOT_KEYS]")
    var keys = environment("EARSHOT_KEYS", KeyDirectory.defaultPath)
    @Option(name: .customLong("key"), help: "This process's key pair in the keys folder; default: ingest, query, worker, or cli for commands [EARSHOT_KEY]")
    var keyName = environment("EARSHOT_KEY", "")
    @Flag(help: "No encryption and no authentication (logs a warning; refused unless every endpoint is on loopback) [EARSHOT_INSECURE=1]")
    var insecure = environment("EARSHOT_INSECURE", "") == "1"

    var keyDirectory: KeyDirectory { KeyDirectory(path: keys) }

    /// A service's setting, its key named `defaultKey` unless `--key` says otherwise.
    func service(defaultKey: String) -> ServiceSecurityConfiguration {
        insecure ? .insecure : .curve(keys: keyDirectory, keyName: keyName.isEmpty ? defaultKey : keyName)
    }

    /// The socket security of a command-line client (key `cli` unless `--key` says otherwise).
    func client() throws -> SocketSecurity {
        if insecure { return .insecure }
        let directory = keyDirectory
        return .curve(ownKey: try directory.keyPair(keyName.isEmpty ? KeyDirectory.commandLineKey : keyName), keys: directory)
    }
}

/// The security and endpoints of this command-line process, set once from its
/// options (``EndpointOptions/validate()``), for ``call(_:_:_:as:timeoutMs:)``
/// to find the key of whichever endpoint it is given.
enum CommandLineSecurity {
    private static let current = Mutex<(options: SecurityOptions, servers: [String: String])?>(nil)

    /// Records `options` and which server key serves which endpoint.
    static func configure(_ options: SecurityOptions, servers: [String: String]) {
        current.withLock { $0 = (options, servers) }
    }

    /// A client of `endpoint`: CURVE with this command's key, and the public key of
    /// `server` (default: the one recorded for the endpoint, else the workers' key).
    static func client(_ endpoint: String, server: String? = nil, context: Context, clientName: String) throws -> RPCClient {
        let configured = current.withLock { $0 }
        let (options, servers) = try configured ?? (SecurityOptions.parse([]), [:])
        let serverName = server ?? servers[endpoint] ?? KeyDirectory.workerKey
        let socketOptions = try options.client().clientOptions(server: serverName, endpoint: endpoint)
        return try RPCClient(endpoint: endpoint, context: context, clientName: clientName, socketOptions: socketOptions)
    }
}

/// `earshot keys`: the keys folder of a deployment.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create CURVE key pairs and allow-list lines.",
        subcommands: [Initialize.self, Generate.self, Share.self]
    )

    struct Initialize: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the default keys (ingest, query, worker, cli), the allow-list and the pipeline seal key, where missing.")
        @Option(help: "Keys folder [EARSHOT_KEYS]") var keys = environment("EARSHOT_KEYS", KeyDirectory.defaultPath)

        func run() throws {
            let directory = KeyDirectory(path: keys)
            try directory.prepareDefaults()
            print("keys ready in \(directory.path) (allow-list: \(try directory.allowList().entries.map { "\($0.name) \($0.role)" }.joined(separator: ", ")))")
        }
    }

    struct Share: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "share",
            abstract: "Copy what the holder of one key needs (its key pair, servers' public keys, the allow-list for a service) into its own folder.",
            discussion: "ingest also gets the pipeline seal key; query gets it and ingest.pub; worker gets ingest.pub and query.pub; any other key (cli, a client) gets the three servers' public keys. Run again after changing the allow-list.")
        @Option(help: "Key name: ingest, query, worker, cli or a client's") var name: String
        @Option(help: "Target folder") var to: String
        @Option(help: "Keys folder to copy from [EARSHOT_KEYS]") var keys = environment("EARSHOT_KEYS", KeyDirectory.defaultPath)

        func run() throws {
            try KeyDirectory(path: keys).share(name, into: KeyDirectory(path: to))
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a new key pair <name>.key and <name>.pub and print its allow-list line.",
            discussion: "Add the printed line to the allow-list of the services the key is for; they reload it within a second (or on SIGHUP). Give <name>.key to the client only.")
        @Option(help: "Name of the key: the identity services see (e.g. the agent of a care claim)") var name: String
        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String
        @Option(help: "Keys folder [EARSHOT_KEYS]") var keys = environment("EARSHOT_KEYS", KeyDirectory.defaultPath)
        @Flag(help: "Also add the line to the folder's allow-list (running services pick it up within a second)") var allow = false

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))") }
        }

        func run() throws {
            let directory = KeyDirectory(path: keys)
            guard !FileManager.default.fileExists(atPath: directory.secretKeyPath(name)) else {
                throw ValidationError("\(directory.secretKeyPath(name)) exists already; choose another name")
            }
            let pair = try directory.generate(name: name)
            printError("wrote \(directory.secretKeyPath(name)) (secret) and \(directory.publicKeyPath(name))")
            let entry = AllowList.Entry(publicKey: pair.publicKey, name: name, role: Role(rawValue: role)!)
            if allow {
                try directory.updateAllowList { $0.append(entry) }
                printError("added to \(directory.allowListPath)")
            }
            print(entry.line)
        }
    }
}
