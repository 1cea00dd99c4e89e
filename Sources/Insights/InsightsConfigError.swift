/// Why an Insights configuration was rejected by its `validate()`.
public enum InsightsConfigError: Error, Equatable, CustomStringConvertible {
    /// A parameter lies outside its allowed range.
    case outOfRange(field: String, value: Double, allowed: String)

    /// A human-readable explanation that names the parameter and its value.
    public var description: String {
        switch self {
        case .outOfRange(let field, let value, let allowed):
            return "insights parameter \(field) = \(value) is outside \(allowed)"
        }
    }

    /// Throws `.outOfRange` unless `value` is finite and lies in `range`.
    static func require(_ field: String, _ value: Double, in range: ClosedRange<Double>) throws(InsightsConfigError) {
        guard value.isFinite, range.contains(value) else {
            throw .outOfRange(field: field, value: value, allowed: "\(range)")
        }
    }
}
