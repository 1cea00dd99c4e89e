/// A mistake in a listening query, phrased for the marketer who wrote it.
///
/// `position` is the 1-based character offset in the query text where the
/// problem starts, so `description` reads like `unclosed quote at 14`.
public struct QuerySyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based character (grapheme) offset of the problem in the query text.
    public var position: Int
    /// What is wrong and, where it helps, how to fix it.
    public var message: String

    /// Creates an error at a 1-based character `position`.
    public init(position: Int, message: String) {
        self.position = position
        self.message = message
    }

    /// The message followed by its position, e.g. `unclosed quote at 14`.
    public var description: String { "\(message) at \(position)" }
}
