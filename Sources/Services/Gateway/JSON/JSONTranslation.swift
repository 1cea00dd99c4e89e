import EarshotWire
import Foundation
import SourceFormats

/// From HTTP requests to proto messages, without sockets: the JSON of the gateway is
/// ``ProtoJSON``'s (lowerCamelCase proto field names, enums by name), checked against the
/// message's ``MessageSchema`` (unknown fields are refused), with times in RFC 3339 (Unix
/// milliseconds accepted). Response bodies are ``MessageJSONWriter``'s.
public enum JSONTranslation {
    /// The query parameters that stand for a field of `range`, for short URLs: `?from=…&to=…`.
    static let parameterAliases = ["from": "range.fromMs", "to": "range.toMs"]

    /// The request message of a call: the JSON body (an object, or empty), then the query
    /// parameters (`field`, `nested.field`, a repeated field once per value), then the
    /// path parameters (each names a string field), each overriding the one before.
    public static func request<M: ProtoMessage>(_ type: M.Type, schema: MessageSchema, body: [UInt8],
                                                 query: [(name: String, value: String)],
                                                 path: [String: String] = [:]) throws(GatewayError) -> M {
        var object: [String: Any] = [:]
        if body.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) {
            let parsed: Any
            do { parsed = try JSONSerialization.jsonObject(with: Data(body), options: []) } catch {
                let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "syntax error"
                throw GatewayError(.invalidArgument, "the body is not valid JSON (\(reason))")
            }
            guard let dictionary = parsed as? [String: Any] else { throw GatewayError(.invalidArgument, "the body must be a JSON object") }
            object = dictionary
        }
        for (name, value) in query {
            try setParameter(&object, path: (parameterAliases[name] ?? name).split(separator: ".").map(String.init), value: value,
                             schema: schema, parameter: name)
        }
        for (name, value) in path { object[name] = value }
        // Nothing given (GET /v1/overview, say): the zero message, without the Codable round.
        guard !object.isEmpty else { return M() }
        let normalized = try normalize(object, schema: schema, path: "")
        do { return try ProtoJSON.decode(type, from: normalized) } catch {
            throw GatewayError(.invalidArgument, error.description)
        }
    }

    /// Puts the query parameter `parameter` (its field path `path`) into `object`, as a string
    /// (``ProtoJSON`` reads numbers and booleans from strings) or appended to an array for a repeated field.
    private static func setParameter(_ object: inout [String: Any], path: [String], value: String, schema: MessageSchema,
                                     parameter: String) throws(GatewayError) {
        guard let key = path.first, let field = schema.field(key) else {
            throw GatewayError(.invalidArgument, "unknown query parameter '\(parameter)'")
        }
        if path.count == 1 {
            if case .message = field.kind { throw GatewayError(.invalidArgument, "query parameter '\(parameter)' names a message; name one of its fields") }
            if field.isRepeated {
                object[field.name] = ((object[field.name] as? [Any]) ?? []) + [value]
            } else {
                object[field.name] = value
            }
            return
        }
        guard case .message(let nested) = field.kind, !field.isRepeated else {
            throw GatewayError(.invalidArgument, "unknown query parameter '\(parameter)'")
        }
        var inner = (object[field.name] as? [String: Any]) ?? [:]
        try setParameter(&inner, path: Array(path.dropFirst()), value: value, schema: nested.schema, parameter: parameter)
        object[field.name] = inner
    }

    /// `object` with every key checked against `schema` and every time in Unix milliseconds.
    static func normalize(_ object: [String: Any], schema: MessageSchema, path: String) throws(GatewayError) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in object {
            let where_ = path.isEmpty ? key : "\(path).\(key)"
            guard let field = schema.field(key) else {
                throw GatewayError(.invalidArgument, "unknown field '\(where_)' in \(schema.componentName)")
            }
            if value is NSNull { continue }
            if field.isRepeated {
                guard let items = value as? [Any] else { throw GatewayError(.invalidArgument, "\(where_): expected an array") }
                var converted: [Any] = []
                converted.reserveCapacity(items.count)
                for (index, item) in items.enumerated() {
                    converted.append(try normalizeValue(item, field: field, path: "\(where_)[\(index)]"))
                }
                result[field.name] = converted
            } else {
                result[field.name] = try normalizeValue(value, field: field, path: where_)
            }
        }
        return result
    }

    private static func normalizeValue(_ value: Any, field: FieldSchema, path: String) throws(GatewayError) -> Any {
        switch field.kind {
        case .message(let nested):
            guard let object = value as? [String: Any] else { throw GatewayError(.invalidArgument, "\(path): expected an object") }
            return try normalize(object, schema: nested.schema, path: path)
        case .timestamp:
            guard let milliseconds = timeMilliseconds(value) else {
                throw GatewayError(.invalidArgument, "\(path): expected an RFC 3339 time (2026-12-06T15:00:00Z) or Unix milliseconds")
            }
            return NSNumber(value: milliseconds)
        default:
            return value
        }
    }

    /// Unix milliseconds of an RFC 3339 string, or of a number or decimal string of Unix milliseconds.
    static func timeMilliseconds(_ value: Any) -> Int64? {
        if let number = value as? NSNumber {
            guard !isJSONBoolean(number) else { return nil }
            let double = number.doubleValue
            guard double.rounded() == double, abs(double) < 9e15 else { return nil }
            return number.int64Value
        }
        guard let text = value as? String else { return nil }
        if let milliseconds = Int64(text) { return milliseconds }
        return Timestamp.iso8601Milliseconds(text)
    }

    /// Whether `number` came from JSON `true` or `false` (Foundation boxes those as char-typed numbers).
    static func isJSONBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }
}
