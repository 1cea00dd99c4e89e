import EarshotStore
import Foundation

/// Where a PostgreSQL store lives, from `postgres://user@host:port/database`. The password never
/// comes from the URL (a command line that `ps` shows): it comes from a file or the environment.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    /// nil: the server trusts the connection (or wants no password).
    public var password: String?

    /// The environment variable holding the password.
    public static let passwordVariable = "EARSHOT_STORE_PASSWORD"
    /// The environment variable naming a file whose first line is the password.
    public static let passwordFileVariable = "EARSHOT_STORE_PASSWORD_FILE"

    /// Whether `store` names a PostgreSQL store (a `postgres://` or `postgresql://` URL) rather than a SQLite file.
    public static func isPostgresURL(_ store: String) -> Bool {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
    }

    /// Parses `url`; INVALID_ARGUMENT naming what is wrong, also for a password in the URL.
    public init(url: String, password: String? = nil) throws(StoreError) {
        guard Self.isPostgresURL(url), let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw .invalidArgument("store URL '\(url)' is not postgres://user@host:port/database")
        }
        guard components.password == nil else {
            throw .invalidArgument("the store URL must not hold a password (ps shows it): put it in \(Self.passwordVariable) or a file named by \(Self.passwordFileVariable)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .invalidArgument("store URL '\(url)' names no user (postgres://user@host:port/database)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidArgument("store URL '\(url)' names no database (postgres://user@host:port/database)")
        }
        self.user = user
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        self.password = password
    }

    /// The password from the environment: ``passwordVariable``, else the first line of the file
    /// ``passwordFileVariable`` names, else nil. INVALID_ARGUMENT when that file cannot be read.
    public static func password(environment: [String: String]) throws(StoreError) -> String? {
        if let password = environment[passwordVariable] { return password }
        guard let path = environment[passwordFileVariable] else { return nil }
        do {
            let contents = try String(contentsOfFile: path, encoding: .utf8)
            return String(contents.prefix { $0 != "\n" && $0 != "\r" })
        } catch {
            throw .invalidArgument("cannot read the store password file \(path) (\(passwordFileVariable)): \(error.localizedDescription)")
        }
    }

    /// The URL without any password, for logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }
}
