import Foundation

/// The body a subscriber receives, in one of two formats.
public enum WebhookBody: String, Sendable, CaseIterable {
    /// `{"id": …, "type": "alert"|"care", "occurredAt": RFC 3339, "data": <the alert or post as the API shows it>}`.
    case json
    /// `{"text": "<summary>"}`: what a Slack (or Mattermost, Discord /slack) incoming webhook takes.
    case slack

    /// The bytes to send for `event`.
    public func bytes(_ event: WebhookEvent) -> [UInt8] {
        switch self {
        case .json:
            return Array("{\"id\":".utf8) + Self.quoted(event.id) + Array(",\"type\":\"\(event.type.rawValue)\",\"occurredAt\":".utf8)
                + Self.quoted(Self.rfc3339(event.occurredAtMs)) + Array(",\"data\":".utf8) + event.data + [UInt8(ascii: "}")]
        case .slack:
            return Array("{\"text\":".utf8) + Self.quoted(event.summary) + [UInt8(ascii: "}")]
        }
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> [UInt8] {
        let array = Array((try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8))
        return Array(array.dropFirst().dropLast())
    }

    /// Unix milliseconds as RFC 3339 UTC with milliseconds.
    public static func rfc3339(_ ms: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1_000))
    }
}
