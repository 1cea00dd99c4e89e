import Foundation

/// One value of `JSONSerialization` output, by kind.
///
/// The casts are tried in an order that never asks the runtime whether a
/// Swift dictionary or array is an `NSNull` or `NSNumber`: on Linux that
/// question bridges (copies) the whole collection to Foundation first, which
/// made reading several times slower.
enum JSONValue {
    case null, string(String), number(NSNumber), bool(Bool), object([String: Any]), array([Any])

    init(_ value: Any?) {
        switch value {
        case nil: self = .null
        case let string as String: self = .string(string)
        case let object as [String: Any]: self = .object(object)
        case let array as [Any]: self = .array(array)
        case let number as NSNumber:
            self = ObjectIdentifier(type(of: number)) == Self.booleanClass ? .bool(number.boolValue) : .number(number)
        default: self = .null
        }
    }

    /// The class JSONSerialization uses for `true` and `false`.
    private static let booleanClass = ObjectIdentifier(type(of: NSNumber(value: true)))
}

/// A JSON object as `JSONSerialization` returns it, with typed accessors that
/// treat a missing key and `null` alike and explain wrong types.
struct JSONObject {
    let fields: [String: Any]
    /// What the object is, for messages ("X post 12", "Mastodon status 9").
    var subject: String

    init(_ fields: [String: Any], subject: String) {
        self.fields = fields
        self.subject = subject
    }

    /// The value of `key` by kind.
    func value(_ key: String) -> JSONValue { JSONValue(fields[key]) }

    /// Whether `key` is present with a non-null value.
    func has(_ key: String) -> Bool {
        if case .null = value(key) { return false }
        return true
    }

    /// A string value; integers are accepted too (some dumps write ids as numbers).
    func string(_ key: String) throws(RecordProblem) -> String? {
        switch value(key) {
        case .null: return nil
        case .string(let string): return string
        case .number(let number) where number.doubleValue.rounded() == number.doubleValue: return String(number.int64Value)
        default: throw RecordProblem("\(subject): \(key) is not a string")
        }
    }

    /// The value of the first of `keys` that has a string.
    func firstString(_ keys: String...) throws(RecordProblem) -> String? {
        for key in keys {
            if let value = try string(key) { return value }
        }
        return nil
    }

    /// A string value that must be present and non-empty.
    func requiredString(_ key: String) throws(RecordProblem) -> String {
        guard let value = try string(key), !value.isEmpty else { throw RecordProblem("\(subject) without \(key)") }
        return value
    }

    /// A count: a non-negative integer written as a number or a string; missing is 0.
    func count(_ key: String) throws(RecordProblem) -> Int64 {
        guard let value = try number(key) else { return 0 }
        guard value >= 0 else { throw RecordProblem("\(subject): \(key) is negative (\(value))") }
        return value
    }

    /// An integer written as a number or a numeric string (fractions are truncated); missing is nil.
    func number(_ key: String) throws(RecordProblem) -> Int64? {
        let parsed: Double?
        switch value(key) {
        case .null: return nil
        case .number(let number):
            if Double(number.int64Value) == number.doubleValue { return number.int64Value }
            parsed = number.doubleValue
        case .string(let string):
            if let exact = Int64(string) { return exact }
            parsed = Double(string)
        default: parsed = nil
        }
        guard let parsed, parsed.isFinite, abs(parsed) < 9.0e18 else {
            throw RecordProblem("\(subject): \(key) is not a number (\(fields[key].map { "\($0)" } ?? ""))")
        }
        return Int64(parsed)
    }

    /// A boolean; missing is false.
    func bool(_ key: String) throws(RecordProblem) -> Bool {
        switch value(key) {
        case .null: return false
        case .bool(let bool): return bool
        default: throw RecordProblem("\(subject): \(key) is not true or false")
        }
    }

    /// A nested object, described as `subject` in messages; missing is nil.
    func object(_ key: String, subject: String? = nil) throws(RecordProblem) -> JSONObject? {
        switch value(key) {
        case .null: return nil
        case .object(let object): return JSONObject(object, subject: subject ?? "\(self.subject): \(key)")
        default: throw RecordProblem("\(subject ?? self.subject): \(key) is not an object")
        }
    }

    /// A nested array; missing is empty.
    func array(_ key: String) throws(RecordProblem) -> [Any] {
        switch value(key) {
        case .null: return []
        case .array(let array): return array
        default: throw RecordProblem("\(subject): \(key) is not an array")
        }
    }

    /// A nested array of objects, each described as `"<subject>: <key>[i]"`.
    func objects(_ key: String) throws(RecordProblem) -> [JSONObject] {
        var result: [JSONObject] = []
        for (index, element) in try array(key).enumerated() {
            guard case .object(let object) = JSONValue(element) else { throw RecordProblem("\(subject): \(key)[\(index)] is not an object") }
            result.append(JSONObject(object, subject: "\(subject): \(key)[\(index)]"))
        }
        return result
    }

    /// A creation time given as an ISO-8601 string, in Unix milliseconds.
    func isoTime(_ key: String) throws(RecordProblem) -> Int64 {
        let text = try requiredString(key)
        guard let milliseconds = Timestamp.iso8601Milliseconds(text) else {
            throw RecordProblem("\(subject): \(key) \"\(text)\" is not an ISO-8601 date")
        }
        return milliseconds
    }
}
