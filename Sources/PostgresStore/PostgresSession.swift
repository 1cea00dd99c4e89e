import Dispatch
import EarshotStore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// One PostgreSQL connection behind blocking calls, for the store's synchronous callers (the
/// collector and the RPC loop): each call runs on the store's own event loop and the calling
/// thread waits, so no caller ever runs on an event loop. Calls are serialized (a transaction
/// owns the connection until it ends). A lost connection is opened again by the next call.
final class PostgresSession: Sendable {
    private let location: PostgresLocation
    private let eventLoops: any EventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox<PostgresConnection?>(nil)
    /// Held for a whole call or transaction.
    private let turn = NIOLock()

    init(location: PostgresLocation, eventLoops: any EventLoopGroup, logger: Logger) {
        self.location = location
        self.eventLoops = eventLoops
        self.logger = logger
    }

    /// Runs `body` with the connection held; the statements of `body` see nothing of other callers.
    func exclusively<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        turn.lock()
        defer { turn.unlock() }
        return try body()
    }

    /// Runs `sql` with `binds` and returns every row; call inside ``exclusively(_:)``.
    @discardableResult
    func rows(_ operation: String, _ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws(StoreError) -> [PostgresRow] {
        let sent = try send(operation, sql, binds)
        do {
            return try sent.result.wait().rows
        } catch {
            throw failure(of: sent, error)
        }
    }

    /// A statement sent by ``send(_:_:_:)`` whose rows were not awaited yet.
    struct SentStatement {
        fileprivate let operation: String
        fileprivate let connection: PostgresConnection
        fileprivate let result: EventLoopFuture<PostgresQueryResult>
    }

    /// Sends `sql` with `binds` without waiting for it, so that the caller prepares its next
    /// statement while the server runs this one: the connection runs statements in the order they
    /// were sent. Wait for them with ``completedWithoutUniqueViolation(_:)``; call inside ``exclusively(_:)``.
    func send(_ operation: String, _ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws(StoreError) -> SentStatement {
        let connection = try connected()
        return SentStatement(operation: operation, connection: connection,
                             result: connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger))
    }

    /// Waits for every statement of `sent`, in order: false when one broke a unique constraint
    /// (SQLSTATE 23505; those after it did not run, as the transaction failed), else throws the
    /// first failure or returns true.
    func completedWithoutUniqueViolation(_ sent: [SentStatement]) throws(StoreError) -> Bool {
        var violated = false
        var failure: StoreError?
        for statement in sent {
            do {
                _ = try statement.result.wait()
            } catch {
                let state = (error as? PSQLError)?.serverInfo?[.sqlState]
                if state == "23505" && failure == nil {
                    violated = true
                } else if state != "25P02" || !violated {  // 25P02: skipped, the transaction had failed
                    let statementFailure = self.failure(of: statement, error)
                    failure = failure ?? statementFailure
                }
            }
        }
        if let failure { throw failure }
        return !violated
    }

    /// `error`, the failure of `sent`, as a store error; a connection that failed is dropped.
    private func failure(of sent: SentStatement, _ error: any Error) -> StoreError {
        let failure = Self.storeError(sent.operation, error)
        if case .unavailable = failure { drop(sent.connection) }
        return failure
    }

    /// Asks the server for `SELECT 1`: UNAVAILABLE when it cannot be reached or has not answered
    /// within `timeout` (the connection is then closed, which fails the query, and dropped); call
    /// inside ``exclusively(_:)``.
    func ping(timeout: TimeAmount) throws(StoreError) {
        let connection = try connected()
        let deadline = connection.eventLoop.scheduleTask(in: timeout) {
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
        defer { deadline.cancel() }
        do {
            _ = try connection.query("SELECT 1", logger: logger).wait()
        } catch {
            drop(connection)
            throw Self.unreachable("ping \(location)", error)
        }
    }

    /// Runs `body` in a transaction (BEGIN … COMMIT; ROLLBACK when it throws); call inside ``exclusively(_:)``.
    func transaction<T>(_ operation: String, _ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try rows(operation, "BEGIN")
        do {
            let result = try body()
            try rows(operation, "COMMIT")
            return result
        } catch {
            _ = try? rows(operation, "ROLLBACK")
            throw error
        }
    }

    /// Decodes a row's only column; a mismatch is a database failure of `operation`.
    static func decode<Column: PostgresDecodable>(_ row: PostgresRow, _ column: Column.Type, _ operation: String) throws(StoreError) -> Column {
        do { return try row.decode(column) } catch { throw .database(operation: operation, message: "\(String(reflecting: error))") }
    }

    /// Decodes a row's columns; a mismatch is a database failure of `operation`.
    static func decode<each Column: PostgresDecodable>(_ row: PostgresRow, _ columns: (repeat each Column).Type,
                                                        _ operation: String) throws(StoreError) -> (repeat each Column) {
        do { return try row.decode(columns) } catch { throw .database(operation: operation, message: "\(String(reflecting: error))") }
    }

    /// Closes the connection, if open.
    func close() {
        if let connection = state.withLockedValue({ connection in defer { connection = nil }; return connection }) {
            let closing: EventLoopFuture<Void> = connection.close()
            try? closing.wait()
        }
    }

    private func connected() throws(StoreError) -> PostgresConnection {
        if let connection = state.withLockedValue({ $0 }), !connection.isClosed { return connection }
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: location.password, database: location.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        do {
            let connection = try PostgresConnection.connect(on: eventLoops.next(), configuration: configuration, id: 1, logger: logger).wait()
            state.withLockedValue { $0 = connection }
            return connection
        } catch {
            // Whatever stops the connection (refused, no such database, authentication) leaves the store unreachable.
            throw Self.unreachable("connect to \(location)", error)
        }
    }

    private func drop(_ connection: PostgresConnection) {
        state.withLockedValue { if $0 === connection { $0 = nil } }
        let closing: EventLoopFuture<Void> = connection.close()
        _ = closing
    }

    /// `error` as UNAVAILABLE whatever it is: for failures that mean the server cannot be used now.
    static func unreachable(_ operation: String, _ error: any Error) -> StoreError {
        switch storeError(operation, error) {
        case .database(let operation, let message): return .unavailable("\(operation): \(message)")
        case let failure: return failure
        }
    }

    /// UNAVAILABLE for a connection that could not be made or was lost, else a database failure
    /// with the server's message.
    static func storeError(_ operation: String, _ error: any Error) -> StoreError {
        guard let error = error as? PSQLError else {
            return .unavailable("\(operation): \(error)")  // the connection's channel failed (refused, reset, timed out)
        }
        switch error.code {
        case .server where error.serverInfo?[.sqlState] == "57014":
            // query_canceled: a read's statement_timeout (its call's deadline, PostgresStore.read).
            return .deadlineExceeded("\(operation) stopped at the call's deadline")
        case .server where ["08", "57"].contains(error.serverInfo?[.sqlState]?.prefix(2) ?? ""):
            // Connection exceptions and operator intervention (shutting down, starting up).
            return .unavailable("\(operation): \(error.serverInfo?[.message] ?? "server unavailable")")
        case .server:
            let message = [error.serverInfo?[.sqlState], error.serverInfo?[.message], error.serverInfo?[.detail]].compactMap { $0 }
            return .database(operation: operation, message: message.joined(separator: ": "))
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return .unavailable("\(operation): \(error.underlying.map { "\($0)" } ?? "\(error.code)")")
        default:
            return .database(operation: operation, message: String(reflecting: error))
        }
    }
}

/// The reader connections of a ``PostgresStore``: a read takes a free one for its transaction
/// and gives it back, waiting while every one is taken.
final class ReaderSessions: Sendable {
    private let sessions: [PostgresSession]
    /// Indices of the sessions no read holds.
    private let free: NIOLockedValueBox<[Int]>
    private let available: DispatchSemaphore

    init(_ sessions: [PostgresSession]) {
        precondition(!sessions.isEmpty, "a store needs a reader connection")
        self.sessions = sessions
        free = NIOLockedValueBox(Array(sessions.indices))
        available = DispatchSemaphore(value: sessions.count)
    }

    /// The first connection (for the reads that do not take one of their own).
    var first: PostgresSession { sessions[0] }

    /// Runs `body` with a connection no other read holds meanwhile.
    func withSession<T>(_ body: (PostgresSession) throws(StoreError) -> T) throws(StoreError) -> T {
        available.wait()
        let index = free.withLockedValue { $0.removeLast() }
        defer {
            free.withLockedValue { $0.append(index) }
            available.signal()
        }
        return try body(sessions[index])
    }

    /// Closes every connection.
    func close() {
        for session in sessions { session.close() }
    }
}
