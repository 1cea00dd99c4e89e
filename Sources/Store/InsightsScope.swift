import GRDB

/// The aggregate scopes one request covers: every post (`[""]`), one listening
/// query, or the queries of a group (`listening_queries.group_name`).
///
/// Aggregates of a group are the sums of its queries' aggregates, so a post
/// matching two queries of the same group counts twice in the group's posts,
/// reach and sentiment (each query did hear it); unique authors are merged
/// sketches and count each author once.
struct ResolvedScope: Equatable {
    /// Aggregate scope keys ("" = every post, else listening query ids), never empty.
    let scopes: [String]

    static let allPosts = ResolvedScope(scopes: [AggregateDelta.allPosts])

    /// Whether this is every post rather than listening queries.
    var isAllPosts: Bool { scopes == [AggregateDelta.allPosts] }

    /// `column IN (?, ?, …)` for the scopes, with the arguments.
    func condition(_ column: String) -> (sql: String, arguments: StatementArguments) {
        ("\(column) IN (\(scopes.map { _ in "?" }.joined(separator: ", ")))", StatementArguments(scopes))
    }

    /// The aggregate scopes of `scope`. NOT_FOUND for an unknown query id or group.
    static func resolve(_ scope: PostScope, _ db: Database) throws -> ResolvedScope {
        switch scope {
        case .allPosts:
            return .allPosts
        case .query(let queryID):
            guard try isKnownQuery(queryID, db) else {
                throw StoreError.notFound("unknown query id '\(queryID)'")
            }
            return ResolvedScope(scopes: [queryID])
        case .group(let group):
            let members = try groupMembers(group, db)
            guard !members.isEmpty else { throw StoreError.notFound("unknown group '\(group)': no listening query has it") }
            return ResolvedScope(scopes: members)
        }
    }

    /// A query is known when it is a saved listening query (only those have aggregates).
    static func isKnownQuery(_ queryID: String, _ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM listening_queries WHERE id = ?", arguments: [queryID]) == true
    }

    /// The ids of a group's listening queries, by name.
    static func groupMembers(_ group: String, _ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT id FROM listening_queries WHERE group_name = ? ORDER BY name, id", arguments: [group])
    }
}
