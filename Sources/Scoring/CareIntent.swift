/// A customer-care intent detected in a post's text.
///
/// The raw value is the stable name written to storage and shown to care teams
/// (`PostScores.intent` carries these raw values in declaration order).
public enum CareIntent: String, CaseIterable, Sendable, Codable {
    /// The author asks something ("how do I…", "anyone know…", a question mark).
    case question
    /// The author wants money back ("refund", "money back", "chargeback").
    case refund
    /// Something does not work ("broken", "doesn't work", "keeps crashing").
    case broken
    /// The author wants to leave ("cancel", "close my account", "unsubscribe").
    case cancel
    /// The author has been waiting for an answer or a delivery ("still waiting", "no response").
    case waiting
    /// A billing problem ("charged twice", "overcharged", "hidden fee").
    case billing
    /// A service outage ("is down", "outage", "no signal").
    case outage
    /// A general complaint ("worst", "unacceptable", "never again").
    case complaint
    /// The author signals urgency ("urgent", "asap", "right now").
    case urgent

    /// The index of this intent in `allCases` (declaration order).
    var position: Int {
        switch self {
        case .question: 0
        case .refund: 1
        case .broken: 2
        case .cancel: 3
        case .waiting: 4
        case .billing: 5
        case .outage: 6
        case .complaint: 7
        case .urgent: 8
        }
    }

    /// The bit of this intent inside a `CareIntentSet`.
    var bit: UInt16 { UInt16(1) << UInt16(position) }
}

/// A small allocation-free set of `CareIntent`s, used on the scoring hot path.
public struct CareIntentSet: OptionSet, Sendable, Hashable {
    /// The bit pattern; bit *i* stands for `CareIntent.allCases[i]`.
    public let rawValue: UInt16

    /// Creates a set from its bit pattern.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Creates a set holding exactly one intent.
    public init(_ intent: CareIntent) { self.rawValue = intent.bit }

    /// Whether the set holds `intent`.
    public func contains(_ intent: CareIntent) -> Bool { contains(position: intent.position) }

    /// Whether the set holds `CareIntent.allCases[position]`.
    func contains(position: Int) -> Bool { rawValue & UInt16(1) << UInt16(position) != 0 }

    /// The intents in the set, in `CareIntent.allCases` order.
    public var intents: [CareIntent] { CareIntent.allCases.filter { contains($0) } }

    /// The raw names of the intents in the set, in `CareIntent.allCases` order.
    public var names: [String] {
        if rawValue == 0 { return [] }
        return intents.map(\.rawValue)
    }
}
