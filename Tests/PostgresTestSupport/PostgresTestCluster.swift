import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Why the throwaway PostgreSQL cluster could not be used.
public struct PostgresTestClusterError: Error, CustomStringConvertible {
    public let description: String
}

/// A throwaway PostgreSQL 15 cluster for the PostgreSQL tests, run by
/// scripts/postgres-test-cluster.sh: started on first use in a temporary folder, on a free
/// loopback port with trust authentication, and stopped (its folder removed) when the test
/// process exits. Each test takes a database of its own (``newDatabase()``).
///
/// Without the server binaries the tests are skipped (``shouldRun`` is false), unless
/// `EARSHOT_REQUIRE_POSTGRES=1` (CI sets it): then they run and fail, saying what is missing.
public final class PostgresTestCluster: Sendable {
    /// Debian's postgresql-15 server binaries.
    public static let serverBinaries = "/usr/lib/postgresql/15/bin"
    /// Set to 1 to make missing PostgreSQL a failure instead of a skip.
    public static let requiredVariable = "EARSHOT_REQUIRE_POSTGRES"

    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: serverBinaries + "/initdb") }
    public static var isRequired: Bool { ProcessInfo.processInfo.environment[requiredVariable] == "1" }
    /// Whether the PostgreSQL tests run: the server is installed, or CI requires it.
    public static var shouldRun: Bool { isInstalled || isRequired }
    /// Why the PostgreSQL tests are skipped, for the test report.
    public static let skipReason = "PostgreSQL tests skipped: no PostgreSQL 15 server at \(serverBinaries) (apt-get install postgresql-15, or scripts/setup.sh); \(requiredVariable)=1 makes this a failure"

    /// The cluster of this test process, started on first use.
    public static let shared: Result<PostgresTestCluster, PostgresTestClusterError> = Result { () throws(PostgresTestClusterError) in try PostgresTestCluster() }

    /// A cluster of the caller's own (stopped when the test process exits), for a test that
    /// stops and starts its server (``pause()``, ``resume()``) while other tests use ``shared``.
    public static func dedicated() throws(PostgresTestClusterError) -> PostgresTestCluster { try PostgresTestCluster() }

    private let directory: String
    private let script: String
    private let databaseNumber = Mutex(0)

    private init() throws(PostgresTestClusterError) {
        guard Self.isInstalled else {
            throw PostgresTestClusterError(description: "no PostgreSQL 15 server at \(Self.serverBinaries), and \(Self.requiredVariable)=1 requires the PostgreSQL tests: install postgresql-15 (scripts/setup.sh)")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        script = root.appendingPathComponent("scripts/postgres-test-cluster.sh").path
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-postgres-\(UUID().uuidString)").path
        let port = try Self.freeLoopbackPort()
        _ = try Self.run(script, ["start", directory, "\(port)"])
        let first = clustersToStop.withLock { clusters in
            clusters.append((script, directory))
            return clusters.count == 1
        }
        if first {
            atexit {
                for (script, directory) in clustersToStop.withLock({ $0 }) { _ = try? PostgresTestCluster.run(script, ["stop", directory]) }
            }
        }
    }

    /// Stops the server (a clean shutdown: what it committed stays), keeping its data.
    public func pause() throws(PostgresTestClusterError) { _ = try Self.run(script, ["pause", directory]) }

    /// Starts the paused server again, on its port.
    public func resume() throws(PostgresTestClusterError) { _ = try Self.run(script, ["resume", directory]) }

    /// A new empty database of the cluster; returns its store URL.
    public func newDatabase() throws(PostgresTestClusterError) -> String {
        let number = databaseNumber.withLock { number in
            number += 1
            return number
        }
        return try createDatabase("test_\(number)")
    }

    /// Creates the empty database `name` (not one of ``newDatabase()``'s "test_<n>"); returns its store URL.
    @discardableResult
    public func createDatabase(_ name: String) throws(PostgresTestClusterError) -> String {
        try Self.run(script, ["createdb", directory, name]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The cluster's loopback port.
    public var port: Int {
        (try? String(contentsOfFile: directory + "/port", encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
    }

    /// The store URL of database `name` (which need not exist yet).
    public func url(ofDatabase name: String) -> String { "postgres://earshot@127.0.0.1:\(port)/\(name)" }

    /// Runs the script and returns its standard output; throws with its standard error when it fails.
    /// Spawned and waited for directly: Foundation's `Process` sometimes never sees a child end
    /// under load (waitUntilExit hangs), and the server the script starts must not inherit pipes.
    private static func run(_ script: String, _ arguments: [String]) throws(PostgresTestClusterError) -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-postgres-run-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (outputPath, errorPath) = (folder + "/stdout", folder + "/stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv: [UnsafeMutablePointer<CChar>?] = ([script] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, script, &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresTestClusterError(description: "cannot run \(script): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let printed = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let complaint = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw PostgresTestClusterError(description: "\(script) \(arguments.joined(separator: " ")) failed (wait status \(status)): \(complaint)")
        }
        return printed
    }

    /// A loopback TCP port nothing listens on now (the kernel's pick).
    private static func freeLoopbackPort() throws(PostgresTestClusterError) -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw PostgresTestClusterError(description: "socket() failed: errno \(errno)") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw PostgresTestClusterError(description: "cannot pick a free loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// The clusters atexit stops: the script and each cluster's folder.
private let clustersToStop = Mutex<[(String, String)]>([])
