import GRDB
import Synchronization

/// The ids of the saved listening queries as of one `listening_state` version
/// (bumped by every create, update and delete).
struct SavedQueryIDs: Sendable, Equatable {
    /// The `listening_state` version the ids were read at.
    var version: Int64
    /// The saved query ids.
    var ids: Set<String>
}

/// The saved listening query ids, re-read only when the query set changed, so
/// `PostStore.apply` checks a batch's matches against them with one row read.
final class SavedQueryCache: Sendable {
    private let current = Mutex<SavedQueryIDs?>(nil)

    /// The ids last read, nil before the first read; possibly stale, so a writer checks
    /// them against ``ids(_:)`` in its transaction.
    var latest: SavedQueryIDs? { current.withLock { $0 } }

    /// The ids as of `db`'s transaction.
    func ids(_ db: Database) throws -> SavedQueryIDs {
        let version = try Int64.fetchOne(db, sql: "SELECT version FROM listening_state") ?? 0
        if let cached = latest, cached.version == version { return cached }
        let fresh = SavedQueryIDs(version: version, ids: Set(try String.fetchAll(db, sql: "SELECT id FROM listening_queries")))
        current.withLock { $0 = fresh }
        return fresh
    }
}
