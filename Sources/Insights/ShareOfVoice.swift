/// Mentions and reach of one query of a comparison group (e.g. a brand and its competitors).
public struct VoiceTotals: Sendable, Codable, Equatable {
    /// The query's name or id.
    public var query: String
    /// Posts matched by the query in the period.
    public var mentions: Int
    /// Summed reach of those posts in the period.
    public var reach: Double

    /// Creates totals for one query.
    public init(query: String, mentions: Int, reach: Double) {
        self.query = query
        self.mentions = mentions
        self.reach = reach
    }
}

/// One query's share of voice within its group.
public struct ShareOfVoiceEntry: Sendable, Codable, Equatable {
    /// The query's name or id.
    public var query: String
    /// Mentions counted (negative inputs become 0).
    public var mentions: Int
    /// `mentions` / group mentions, 0…1.
    public var mentionShare: Double
    /// Reach counted (negative or non-finite inputs become 0).
    public var reach: Double
    /// `reach` / group reach, 0…1.
    public var reachShare: Double
}

/// Share of voice: each query's fraction of its group's mentions and of its group's reach.
public enum ShareOfVoice {
    /// The entries of `group`, in input order. Shares are 0 when the group total is 0,
    /// so an empty period shows all queries at 0 rather than dividing by zero.
    public static func compute(_ group: [VoiceTotals]) -> [ShareOfVoiceEntry] {
        let cleaned = group.map { totals in
            VoiceTotals(
                query: totals.query,
                mentions: max(0, totals.mentions),
                reach: totals.reach.isFinite ? max(0, totals.reach) : 0
            )
        }
        let totalMentions = cleaned.reduce(0.0) { $0 + Double($1.mentions) }
        let totalReach = cleaned.reduce(0.0) { $0 + $1.reach }
        return cleaned.map { totals in
            ShareOfVoiceEntry(
                query: totals.query,
                mentions: totals.mentions,
                mentionShare: totalMentions > 0 ? Double(totals.mentions) / totalMentions : 0,
                reach: totals.reach,
                reachShare: totalReach > 0 ? totals.reach / totalReach : 0
            )
        }
    }
}
