import Foundation
import Testing
@testable import Scoring

@Suite struct ScoringModelTests {
    let model = ScoringModel()
    let hour: Int64 = 3_600_000
    let now: Int64 = 1_800_000_000_000

    @Test func emptyInputScoresZeroAndLowestPriority() {
        let scores = model.score(ScoringInput())
        #expect(scores.reach == 0)
        #expect(scores.engagement == 0)
        #expect(scores.engagementRate == 0)
        #expect(scores.influence == 0)
        #expect(scores.virality == 0)
        #expect(scores.spamRisk == 0)
        #expect(scores.intent.isEmpty)
        #expect((1...100).contains(scores.priority))
    }

    @Test func reachIsEarnedImpressionsWithoutViews() {
        let scores = model.score(ScoringInput(followers: 1000, reposts: 10))
        // 1000 × 0.1 + 10 reposts × 300 audience × 0.1
        #expect(scores.reach == 400)
    }

    @Test func reachUsesViewsWhenKnownAndNeverUndercountsInteractions() {
        #expect(model.score(ScoringInput(followers: 1000, reposts: 10, views: 5000)).reach == 5000)
        #expect(model.score(ScoringInput(likes: 50, views: 10)).reach == 50)
        #expect(model.score(ScoringInput(followers: 0, likes: 7, replies: 3)).reach == 10)
    }

    @Test func engagementIsWeightedAndRateUsesViewsOrReach() {
        let withViews = model.score(ScoringInput(likes: 10, reposts: 2, replies: 3, quotes: 1, views: 1000))
        let expectedEngagement: Double = 10 + 4 + 6 + 3 // likes×1 + reposts×2 + replies×2 + quotes×3
        #expect(withViews.engagement == expectedEngagement)
        #expect(abs(withViews.engagementRate - 23.0 / 1000) < 1e-12)
        let withoutViews = model.score(ScoringInput(followers: 10_000, likes: 10))
        #expect(abs(withoutViews.engagementRate - 10.0 / 1000) < 1e-12)
    }

    @Test func influenceGrowsWithAudienceVerificationAndRatio() {
        let small = model.score(ScoringInput(followers: 100, following: 100)).influence
        let large = model.score(ScoringInput(followers: 1_000_000, following: 100)).influence
        let verified = model.score(ScoringInput(followers: 100, following: 100, verified: true)).influence
        let follower = model.score(ScoringInput(followers: 100, following: 5000)).influence
        let bot = model.score(ScoringInput(followers: 1_000_000, following: 100, isBot: true)).influence
        #expect(small < large)
        #expect(abs(verified - small - 10) < 1e-9)
        #expect(follower < small)
        #expect(abs(bot - large / 2) < 1e-9)
        #expect(abs(model.score(ScoringInput(followers: .max, verified: true)).influence - 100) < 1e-9)
    }

    @Test func viralityDecaysWithAge() {
        func virality(ageHours: Int64) -> Double {
            model.score(ScoringInput(likes: 100, createdAtMillis: now - ageHours * hour, nowMillis: now)).virality
        }
        #expect(virality(ageHours: 0) > virality(ageHours: 1))
        #expect(virality(ageHours: 1) > virality(ageHours: 24))
        #expect(abs(virality(ageHours: 2) - 100 / pow(4, 1.5)) < 1e-9)
    }

    @Test func futureAndUnknownTimestampsCountAsAgeZero() {
        let fresh = model.score(ScoringInput(likes: 100, createdAtMillis: now, nowMillis: now))
        let future = model.score(ScoringInput(likes: 100, createdAtMillis: now + 48 * hour, nowMillis: now))
        let unknown = model.score(ScoringInput(likes: 100))
        #expect(future == fresh)
        #expect(unknown == fresh)
    }

    @Test func negativeCountsAreClampedToZero() {
        let garbage = ScoringInput(
            followers: -5, following: -1, likes: -10, reposts: -3, replies: -2, quotes: -1, views: -100,
            hashtagCount: -4, mentionCount: -9, urlCount: -2
        )
        #expect(model.score(garbage) == model.score(ScoringInput()))
    }

    @Test func countsNearInt64MaxStayFiniteAndBounded() {
        let huge = ScoringInput(
            followers: .max, following: .max, verified: true, likes: .max, reposts: .max, replies: .max,
            quotes: .max, views: .max, createdAtMillis: 1, nowMillis: .max, sentimentCompound: -1,
            text: "refund now", hashtagCount: .max, mentionCount: .max, urlCount: .max
        )
        let scores = model.score(huge)
        for value in [scores.reach, scores.engagement, scores.engagementRate, scores.influence, scores.virality, scores.spamRisk] {
            #expect(value.isFinite)
            #expect(value >= 0)
        }
        #expect(scores.influence <= 100)
        #expect(scores.spamRisk <= 1)
        #expect((1...100).contains(scores.priority))
    }

    @Test func garbageSentimentIsTreatedAsUnknown() {
        let unknown = model.score(ScoringInput(sentimentCompound: nil, text: "refund")).priority
        #expect(model.score(ScoringInput(sentimentCompound: .nan, text: "refund")).priority == unknown)
        #expect(model.score(ScoringInput(sentimentCompound: -7, text: "refund")).priority
            == model.score(ScoringInput(sentimentCompound: -1, text: "refund")).priority)
    }

    @Test func carePriorityOrdersTheQueue() {
        let angryRefund = ScoringInput(
            followers: 50_000, createdAtMillis: now, nowMillis: now, sentimentCompound: -0.8,
            text: "@acme charged twice and still waiting for my refund. Unacceptable!"
        )
        var smallAccount = angryRefund
        smallAccount.followers = 20
        var stale = angryRefund
        stale.createdAtMillis = now - 72 * hour
        var repost = angryRefund
        repost.isRepost = true
        let happy = ScoringInput(followers: 50_000, sentimentCompound: 0.9, text: "love the new update")
        let neutral = ScoringInput(followers: 50_000, sentimentCompound: 0, text: "saw an ad today")

        let top = model.score(angryRefund).priority
        #expect(top > model.score(smallAccount).priority)
        #expect(top > model.score(stale).priority)
        #expect(top > model.score(repost).priority)
        #expect(model.score(smallAccount).priority > model.score(neutral).priority)
        #expect(model.score(neutral).priority > model.score(happy).priority)
        #expect(model.score(angryRefund).intent == ["refund", "waiting", "billing", "complaint"])
    }

    @Test func urgentIntentRaisesUrgencyOfOldPosts() {
        let old = ScoringInput(createdAtMillis: now - 48 * hour, nowMillis: now, sentimentCompound: -0.5, text: "my app is broken")
        var urgent = old
        urgent.text = "my app is broken, urgent"
        #expect(model.score(urgent).priority > model.score(old).priority)
    }

    @Test func spamRiskSignals() {
        let clean = model.score(ScoringInput(followers: 300, following: 200, text: "The new update fixed my battery issue, thanks team"))
        let repeated = model.score(ScoringInput(text: "buy now buy now buy now buy now buy now"))
        let linkOnly = model.score(ScoringInput(text: "wow https://spam.example/x"))
        let hashtags = model.score(ScoringInput(text: "deal #a #b #c #d #e #f #g #h"))
        let mentions = model.score(ScoringInput(text: "hi @a @b @c @d @e @f @g @h @i"))
        let bot = model.score(ScoringInput(isBot: true, text: "hello there"))
        let followFarm = model.score(ScoringInput(followers: 10, following: 5000, text: "hello there"))
        #expect(clean.spamRisk == 0)
        #expect(repeated.spamRisk > 0.5)
        #expect(linkOnly.spamRisk == 0.5)
        #expect(abs(hashtags.spamRisk - 0.75) < 1e-9)
        #expect(abs(mentions.spamRisk - 0.75) < 1e-9)
        #expect(bot.spamRisk == 0.9)
        #expect(abs(followFarm.spamRisk - 0.3) < 1e-9)
        let everything = model.score(ScoringInput(isBot: true, text: "buy buy buy buy buy buy #a #b #c #d #e https://x.example"))
        #expect(everything.spamRisk > bot.spamRisk)
        #expect(everything.spamRisk <= 1)
    }

    @Test func sourceCountsAndTextCountsTakeTheLarger() {
        let fromSource = model.score(ScoringInput(text: "deal", hashtagCount: 8))
        let fromText = model.score(ScoringInput(text: "deal #a #b #c #d #e #f #g #h", hashtagCount: 1))
        #expect(fromSource.spamRisk == fromText.spamRisk)
        #expect(fromSource.spamRisk > 0)
    }

    @Test func spamLowersPriority() {
        let complaint = ScoringInput(sentimentCompound: -0.9, text: "refund my order, this is broken and I am still waiting for help")
        var botComplaint = complaint
        botComplaint.isBot = true
        #expect(model.score(botComplaint).priority < model.score(complaint).priority)
    }

    @Test func weightsChangeTheModel() {
        var weights = ScoringWeights.default
        weights.followerImpressionRate = 1
        weights.likeWeight = 5
        let tuned = ScoringModel(weights: weights).score(ScoringInput(followers: 1000, likes: 2))
        #expect(tuned.reach == 1000)
        #expect(tuned.engagement == 10)
    }
}

@Suite struct CareIntentSetTests {
    @Test func eachIntentHasTheBitOfItsPositionInAllCases() {
        for (index, intent) in CareIntent.allCases.enumerated() {
            #expect(intent.position == index)
            #expect(CareIntentSet(intent).rawValue == UInt16(1) << UInt16(index))
            #expect(CareIntentSet(intent).contains(position: index))
        }
        let set = CareIntentSet(.refund).union(CareIntentSet(.urgent))
        #expect(set.intents == [.refund, .urgent])
        #expect(CareIntent.allCases.indices.filter { set.contains(position: $0) } == [1, 8])
    }
}

@Suite struct ScoringWeightsTests {
    @Test func defaultsAreValid() throws {
        try ScoringWeights.default.validate()
    }

    @Test func rejectsOutOfRangeWeightsNamingTheField() {
        var weights = ScoringWeights.default
        weights.followerImpressionRate = 1.5
        #expect(throws: ScoringWeightsError.outOfRange(field: "followerImpressionRate", value: 1.5, allowed: "0...1.0")) {
            try weights.validate()
        }
        weights = .default
        weights.likeWeight = -.infinity
        #expect(throws: ScoringWeightsError.outOfRange(field: "likeWeight", value: -.infinity, allowed: "0...inf")) {
            try weights.validate()
        }
        weights = .default
        weights.urgencyHalfLifeHours = 0
        #expect(throws: ScoringWeightsError.outOfRange(field: "urgencyHalfLifeHours", value: 0, allowed: "> 0")) {
            try weights.validate()
        }
        weights = .default
        weights.freeHashtags = -1
        #expect(throws: ScoringWeightsError.outOfRange(field: "freeHashtags", value: -1, allowed: "0...inf")) {
            try weights.validate()
        }
    }

    @Test func rejectsUnknownIntentWeights() {
        var weights = ScoringWeights.default
        weights.intentWeights["lunch"] = 0.5
        #expect(throws: ScoringWeightsError.unknownIntent("lunch")) { try weights.validate() }
    }

    @Test func roundTripsThroughJSON() throws {
        var weights = ScoringWeights.default
        weights.reposterAudience = 123
        weights.intentWeights["refund"] = 0.4
        let decoded = try JSONDecoder().decode(ScoringWeights.self, from: JSONEncoder().encode(weights))
        #expect(decoded == weights)
    }
}
