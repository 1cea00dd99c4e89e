import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import ZeroMQ

/// The TCP ports of a stack on one machine, all derived from a base port.
public struct StackPorts: Sendable {
    public let base: Int
    public init(base: Int) { self.base = base }

    public var ingestRPC: String { endpoint(0) }
    public var dispatch: String { endpoint(1) }
    public var relayIn: String { endpoint(2) }
    public var relayOut: String { endpoint(3) }
    public var acks: String { endpoint(4) }
    public var collect: String { endpoint(5) }
    public var queryRPC: String { endpoint(10) }
    /// The query service's listening query-set feed (PUB).
    public var querySet: String { endpoint(11) }
    /// The query service's spike alerts (PUB).
    public var alerts: String { endpoint(12) }
    /// RPC of the n-th query reader (`query --role reader`), n in 1…6.
    public func queryReader(_ n: Int) -> String { endpoint(13 + n) }
    /// Control RPC of the n-th worker process (health and stats).
    public func workerControl(_ n: Int) -> String { endpoint(20 + n) }

    private func endpoint(_ offset: Int) -> String { "tcp://127.0.0.1:\(base + offset)" }
}

/// A failure to start or stop a local stack.
public struct StackError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The four services as separate local processes of this `earshot` binary,
/// as `earshot demo`, `earshot bench pipeline` and the end-to-end tests run them.
public final class LocalStack {
    /// One running service process.
    public final class Member {
        public let name: String
        public let arguments: [String]
        public private(set) var process: Process
        /// Where the member writes its standard output and error.
        public let logFile: URL

        init(name: String, arguments: [String], process: Process, logFile: URL) {
            self.name = name
            self.arguments = arguments
            self.process = process
            self.logFile = logFile
        }

        public var pid: Int32 { process.processIdentifier }
        /// Whether the process still runs. Foundation's own flag is not enough: under load its
        /// SIGCHLD handling has been seen to leave an exited child as an unreaped zombie for good,
        /// so a child that /proc shows as a zombie (or not at all) counts as exited too.
        public var isRunning: Bool { process.isRunning && !Member.hasEnded(pid) }

        /// True when /proc shows `pid` as a zombie or no longer has it.
        private static func hasEnded(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let end = stat.lastIndex(of: ")") else { return true }
            return stat[stat.index(after: end)...].dropFirst().first == "Z"
        }

        /// Waits up to `seconds` for the process to end; never blocks for good.
        func waitUntilEnded(seconds: Double) {
            let deadline = Date().addingTimeInterval(seconds)
            while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        }

        func replace(with process: Process) { self.process = process }
    }

    public let executable: URL
    public let directory: URL
    public let ports: StackPorts
    public private(set) var members: [Member] = []
    /// The keys folder of the stack (`<directory>/keys`), nil when it runs insecure.
    public let keys: KeyDirectory?
    private let extraEnvironment: [String: String]
    private var workerCount = 0

    /// A stack whose data lives in `directory` and whose ports start at `basePort`:
    /// secure (CURVE, keys created in `<directory>/keys`) unless `insecure`.
    public init(executable: URL, directory: URL, basePort: Int, environment: [String: String] = [:], insecure: Bool = false) throws {
        self.executable = executable
        self.directory = directory
        ports = StackPorts(base: basePort)
        extraEnvironment = environment
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if insecure {
            keys = nil
        } else {
            let keys = KeyDirectory(path: directory.appendingPathComponent("keys").path)
            try keys.prepareDefaults()
            self.keys = keys
        }
    }

    /// What every member gets: the keys folder, or `--insecure`; also what points
    /// an `earshot` command (tests, tools) at this stack's keys.
    public var securityArguments: [String] { keys.map { ["--keys", $0.path] } ?? ["--insecure"] }

    /// A client of `endpoint`, served by the key named `server`, with the key pair `key`
    /// (the admin key `cli` by default; any name in the keys folder).
    public func client(_ endpoint: String, server: String, key: String = KeyDirectory.commandLineKey,
                       context: Context, clientName: String = "earshot") throws -> RPCClient {
        try RPCClient(endpoint: endpoint, context: context, clientName: clientName,
                      socketOptions: clientOptions(endpoint, server: server, key: key))
    }

    /// The options with which a socket of any kind connects to `endpoint` (served by the key
    /// named `server`) with the key pair `key`: e.g. a SUB socket of the alert feed.
    public func clientOptions(_ endpoint: String, server: String, key: String = KeyDirectory.commandLineKey) throws -> [SocketOption] {
        let security: SocketSecurity = try keys.map { .curve(ownKey: try $0.keyPair(key), keys: $0) } ?? .insecure
        return try security.clientOptions(server: server, endpoint: endpoint)
    }

    /// Creates the key pair `name` with `role` in the stack's keys folder and allows it;
    /// waits a second for the services to reload their allow-lists.
    public func addClientKey(_ name: String, role: Role) throws {
        guard let keys else { throw StackError("an insecure stack has no keys") }
        let pair = try keys.generate(name: name)
        try keys.updateAllowList { $0.append(AllowList.Entry(publicKey: pair.publicKey, name: name, role: role)) }
        Thread.sleep(forTimeInterval: 1)
    }

    /// A client of ingest's RPC endpoint (see ``client(_:server:key:context:clientName:)``).
    public func ingestClient(key: String = KeyDirectory.commandLineKey, context: Context, clientName: String = "earshot") throws -> RPCClient {
        try client(ports.ingestRPC, server: KeyDirectory.ingestKey, key: key, context: context, clientName: clientName)
    }

    /// A client of the query service's RPC endpoint.
    public func queryClient(key: String = KeyDirectory.commandLineKey, context: Context, clientName: String = "earshot") throws -> RPCClient {
        try client(ports.queryRPC, server: KeyDirectory.queryKey, key: key, context: context, clientName: clientName)
    }

    /// This process's own executable (for `earshot` subcommands that start the stack).
    public static var currentExecutable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// Starts ingest, `enrich` enrich workers, `score` score workers and query.
    public func start(enrich: Int, score: Int, ingestArguments: [String] = [], queryArguments: [String] = [], threads: Int = 1) throws {
        try launch("ingest", ["ingest", "--rpc", ports.ingestRPC, "--dispatch", ports.dispatch, "--relay-in", ports.relayIn,
                              "--relay-out", ports.relayOut, "--acks", ports.acks,
                              "--journal", directory.appendingPathComponent("ingest/journal.sqlite").path] + securityArguments + ingestArguments)
        try launch("query", ["query", "--rpc", ports.queryRPC, "--collect", ports.collect, "--acks", ports.acks,
                             "--store", directory.appendingPathComponent("query/store.sqlite").path, "--query-set", ports.querySet,
                             "--alerts-pub", ports.alerts, "--alert-sources", ports.ingestRPC] + securityArguments + queryArguments)
        for _ in 0..<enrich { try addWorker("enrich", threads: threads) }
        for _ in 0..<score { try addWorker("score", threads: threads) }
    }

    /// Starts the n-th query reader (`query --role reader`, n in 1…6) on ``StackPorts/queryReader(_:)``,
    /// answering from the PostgreSQL store at `store`; ``waitUntilHealthy(timeoutSeconds:)`` does not wait for it.
    @discardableResult
    public func addQueryReader(_ n: Int, store: String) throws -> Member {
        try launch("query-reader-\(n)", ["query", "--role", "reader", "--rpc", ports.queryReader(n), "--store", store] + securityArguments)
    }

    /// Starts one more enrich or score worker process.
    @discardableResult
    public func addWorker(_ kind: String, threads: Int = 1) throws -> Member {
        workerCount += 1
        let (pull, push) = kind == "enrich" ? (ports.dispatch, ports.relayIn) : (ports.relayOut, ports.collect)
        let listening = kind == "enrich" ? ["--query-set", ports.querySet] : []
        return try launch("\(kind)-\(workerCount)", [kind, "--pull", pull, "--push", push, "--threads", "\(threads)",
                                                     "--rpc", ports.workerControl(workerCount)] + listening + securityArguments)
    }

    /// Starts one more process of this binary named `name` with `arguments` (a collector, a
    /// tool), logged and stopped with the stack.
    @discardableResult
    public func launch(_ name: String, _ arguments: [String]) throws -> Member {
        let logFile = directory.appendingPathComponent("\(name).log")
        let member = Member(name: name, arguments: arguments, process: try spawn(arguments, logFile: logFile), logFile: logFile)
        members.append(member)
        return member
    }

    private func spawn(_ arguments: [String], logFile: URL) throws -> Process {
        if !FileManager.default.fileExists(atPath: logFile.path) { FileManager.default.createFile(atPath: logFile.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logFile)
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.environment = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
        try process.run()
        return process
    }

    /// The member named `name`.
    public func member(_ name: String) -> Member? { members.first { $0.name == name } }

    /// Kills a member with SIGKILL (a crash), and waits for it to be gone.
    public func kill(_ member: Member) {
        Foundation.kill(member.pid, SIGKILL)
        member.waitUntilEnded(seconds: 30)
    }

    /// Starts a stopped member again with the same arguments.
    public func restart(_ member: Member) throws {
        member.replace(with: try spawn(member.arguments, logFile: member.logFile))
    }

    /// Waits until every RPC endpoint answers Health/Check with SERVING.
    public func waitUntilHealthy(timeoutSeconds: Double = 60) throws {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        let context = try Context()
        let endpoints = [(ports.ingestRPC, KeyDirectory.ingestKey), (ports.queryRPC, KeyDirectory.queryKey)]
            + (0..<workerCount).map { (ports.workerControl($0 + 1), KeyDirectory.workerKey) }
        for (endpoint, server) in endpoints {
            let client = try client(endpoint, server: server, context: context)
            while true {
                if let response = try? client.call(HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMilliseconds: 1_000),
                   response.status == .serving { break }
                if let dead = members.first(where: { !$0.isRunning }) {
                    let status = dead.process.isRunning ? "unknown" : "\(dead.process.terminationStatus)"
                    throw StackError("\(dead.name) exited with status \(status); see \(dead.logFile.path)")
                }
                if Date() > deadline { throw StackError("\(endpoint) not healthy after \(timeoutSeconds) s") }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    /// Sends SIGTERM to every member and waits for them to exit (SIGKILL after `graceSeconds`).
    public func stop(graceSeconds: Double = 15) {
        for member in members where member.isRunning { Foundation.kill(member.pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(graceSeconds)
        for member in members {
            member.waitUntilEnded(seconds: deadline.timeIntervalSinceNow)
            if member.isRunning {
                Foundation.kill(member.pid, SIGKILL)
                member.waitUntilEnded(seconds: 30)
            }
        }
    }

    /// Peak resident memory (VmHWM) of a running member in bytes, from /proc.
    public func peakResidentBytes(_ member: Member) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(member.pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    /// CPU time (user + system) a running member has used so far, in seconds, from /proc.
    public func cpuSeconds(_ member: Member) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(member.pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    deinit { stop(graceSeconds: 5) }
}
