import Foundation

/// One rule of the X filtered stream, as `GET /2/tweets/search/stream/rules` lists it.
public struct XStreamRule: Sendable, Equatable {
    public var id: String
    public var value: String
    public var tag: String

    public init(id: String, value: String, tag: String) {
        self.id = id
        self.value = value
        self.tag = tag
    }

    /// The rules in a rules response (`{"data": [{"id", "value", "tag"}], "meta": …}`; no
    /// `data` when there are none); nil when the body is not such a response.
    public static func rules(in body: Data) -> [XStreamRule]? {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        guard let data = object["data"] else { return [] }
        guard let list = data as? [[String: Any]] else { return nil }
        return list.compactMap { rule in
            guard let id = rule["id"] as? String, let value = rule["value"] as? String else { return nil }
            return XStreamRule(id: id, value: value, tag: rule["tag"] as? String ?? "")
        }
    }
}

/// Keeps the stream's rules as the configuration says: this source's rules carry its tag, and
/// only those are added or deleted (rules other tools made stay).
public enum XStreamRules {
    /// The tag of `source`'s rules.
    public static func tag(source: String) -> String { "earshot:\(source)" }

    /// The rule values to add and the rule ids to delete so that the rules tagged `tag` are `wanted`.
    public static func changes(existing: [XStreamRule], wanted: [String], tag: String) -> (add: [String], delete: [String]) {
        let ours = existing.filter { $0.tag == tag }
        let delete = ours.filter { !wanted.contains($0.value) }.map(\.id)
        let add = wanted.filter { value in !ours.contains { $0.value == value } }
        var seen: Set<String> = []
        return (add.filter { seen.insert($0).inserted }, delete)
    }

    /// The body of the POST that adds `values` with `tag`.
    public static func addBody(_ values: [String], tag: String) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["add": values.map { ["value": $0, "tag": tag] }])) ?? Data()
    }

    /// The body of the POST that deletes the rules `ids`.
    public static func deleteBody(_ ids: [String]) -> Data {
        (try? JSONSerialization.data(withJSONObject: ["delete": ["ids": ids]])) ?? Data()
    }
}
