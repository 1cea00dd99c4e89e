import Foundation

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

    /// Whether `key` is present with a non-null value.
    func has(_ key: String) -> Bool {
        guard let value = fields[key] else { return false }
        return !(value is NSNull)
    }

    /// A string value; integers are accepted too (some dumps write ids as numbers).
    func string(_ key: String) throws(RecordProblem) -> String? {
        switch fields[key] {
        case nil, is NSNull: return nil
        case let string as String: return string
        case let number as NSNumber where !number.isBoolean && number.doubleValue.rounded() == number.doubleValue:
            return String(number.int64Value)
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
        switch fields[key] {
        case nil, is NSNull: return nil
        case let number as NSNumber where !number.isBoolean:
            if let exact = Int64(exactly: number.int64Value), Double(exact) == number.doubleValue { return exact }
            parsed = number.doubleValue
        case let string as String:
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
        switch fields[key] {
        case nil, is NSNull: return false
        case let number as NSNumber where number.isBoolean: return number.boolValue
        default: throw RecordProblem("\(subject): \(key) is not true or false")
        }
    }

    /// A nested object, described as `subject` in messages; missing is nil.
    func object(_ key: String, subject: String? = nil) throws(RecordProblem) -> JSONObject? {
        switch fields[key] {
        case nil, is NSNull: return nil
        case let object as [String: Any]: return JSONObject(object, subject: subject ?? "\(self.subject): \(key)")
        default: throw RecordProblem("\(subject ?? self.subject): \(key) is not an object")
        }
    }

    /// A nested array; missing is empty.
    func array(_ key: String) throws(RecordProblem) -> [Any] {
        switch fields[key] {
        case nil, is NSNull: return []
        case let array as [Any]: return array
        default: throw RecordProblem("\(subject): \(key) is not an array")
        }
    }

    /// A nested array of objects, each described as `"<subject>: <key>[i]"`.
    func objects(_ key: String) throws(RecordProblem) -> [JSONObject] {
        var result: [JSONObject] = []
        for (index, element) in try array(key).enumerated() {
            guard let object = element as? [String: Any] else { throw RecordProblem("\(subject): \(key)[\(index)] is not an object") }
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

extension NSNumber {
    /// Whether JSONSerialization made this number from `true` or `false`.
    var isBoolean: Bool { type(of: self) == type(of: NSNumber(value: true)) }
}
