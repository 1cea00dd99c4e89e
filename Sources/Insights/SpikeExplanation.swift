/// A key (term or author) whose count grew in a spike bucket.
public struct SpikeContributor: Sendable, Codable, Equatable {
    /// The term or author.
    public var key: String
    /// Its count in the spike bucket.
    public var observed: Int
    /// Its average count per baseline bucket.
    public var expected: Double
    /// observed − expected: how many of the spike's posts it accounts for.
    public var excess: Double
    /// Smoothed lift (observed + α) / (expected + α).
    public var lift: Double
}

/// The terms and authors that grew most in a spike bucket against the baseline.
public struct SpikeExplanation: Sendable, Codable, Equatable {
    /// Terms ranked by excess.
    public var terms: [SpikeContributor]
    /// Authors ranked by excess.
    public var authors: [SpikeContributor]

    /// Explains a spike from per-term and per-author counts in the spike bucket and summed over
    /// `baselineBuckets` baseline buckets. See `topContributors` for the ranking.
    public init(
        spikeTerms: [String: Int], baselineTerms: [String: Int],
        spikeAuthors: [String: Int], baselineAuthors: [String: Int],
        baselineBuckets: Int, limit: Int = 10
    ) {
        terms = Self.topContributors(spike: spikeTerms, baseline: baselineTerms, baselineBuckets: baselineBuckets, limit: limit)
        authors = Self.topContributors(spike: spikeAuthors, baseline: baselineAuthors, baselineBuckets: baselineBuckets, limit: limit)
    }

    /// The keys with the largest positive excess (observed − expected per bucket), ties broken by
    /// larger lift and then by key, at most `limit` of them.
    ///
    /// Ranking by excess rather than lift names what the extra posts are about: a term going from
    /// 200 to 600 explains more of a spike than one going from 0 to 3. `baseline` holds counts summed
    /// over `baselineBuckets` buckets (0 or less means no baseline: every key is new).
    /// `smoothing` is the α of the lift.
    public static func topContributors(
        spike: [String: Int], baseline: [String: Int], baselineBuckets: Int, limit: Int = 10, smoothing: Double = 1
    ) -> [SpikeContributor] {
        let buckets = Double(max(baselineBuckets, 0))
        let grown = spike.compactMap { key, count -> SpikeContributor? in
            let observed = max(0, count)
            let expected = buckets > 0 ? Double(max(0, baseline[key] ?? 0)) / buckets : 0
            let excess = Double(observed) - expected
            guard excess > 0 else { return nil }
            let lift = (Double(observed) + smoothing) / (expected + smoothing)
            return SpikeContributor(key: key, observed: observed, expected: expected, excess: excess, lift: lift)
        }
        let ranked = grown.sorted { lhs, rhs in
            if lhs.excess != rhs.excess { return lhs.excess > rhs.excess }
            if lhs.lift != rhs.lift { return lhs.lift > rhs.lift }
            return lhs.key < rhs.key
        }
        return Array(ranked.prefix(max(0, limit)))
    }
}
