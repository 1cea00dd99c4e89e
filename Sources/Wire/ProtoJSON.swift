import Foundation

/// JSON forms of the messages, in the spirit of proto3's JSON mapping:
/// lowerCamelCase keys (snake_case accepted on input), enums as names,
/// missing keys as zero values, 64-bit integers as numbers or strings.
///
/// Like ``ProtoCodec`` this is driven by the messages' Codable conformance,
/// so no message has its own JSON code.
public enum ProtoJSON {
    /// A JSON input problem, with where it is.
    public struct DecodingProblem: Error, Equatable, CustomStringConvertible {
        public var path: String
        public var message: String
        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }
        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    /// Decodes one JSON object into `M`.
    public static func decode<M: ProtoMessage>(_ type: M.Type, from data: Data) throws(DecodingProblem) -> M {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw DecodingProblem(path: "", message: "not valid JSON (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "syntax error"))")
        }
        guard let dictionary = object as? [String: Any] else {
            throw DecodingProblem(path: "", message: "expected a JSON object")
        }
        return try decode(type, from: dictionary)
    }

    /// Decodes `M` from a JSON object already parsed by `JSONSerialization`,
    /// for callers that looked at the object first (so it is parsed once).
    public static func decode<M: ProtoMessage>(_ type: M.Type, from object: [String: Any]) throws(DecodingProblem) -> M {
        do {
            return try M(from: LenientDecoder(value: object, path: []))
        } catch let problem as DecodingProblem {
            throw problem
        } catch {
            throw DecodingProblem(path: "", message: "\(error)")
        }
    }

    /// Encodes `message` as one line of JSON (keys sorted, no spaces).
    public static func encode<M: ProtoMessage>(_ message: M) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of strings and numbers cannot fail.
        let data = (try? encoder.encode(message)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension ProtoEnum {
    /// The JSON name: the Swift case name ("mastodon", "replyTo").
    public var jsonName: String { String(describing: self) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(jsonName)
    }

    /// The names that decode to this case, compared in uppercase: the JSON
    /// name ("MASTODON", "REPLYTO"), its snake_case form ("REPLY_TO") and the
    /// proto value name, prefixed with the enum's name ("PLATFORM_MASTODON",
    /// "KIND_REPLY_TO"). So "mastodon", "platform_mastodon" and "PLATFORM_MASTODON"
    /// all name `.mastodon`, while "linux" names nothing (not `.x`).
    private var acceptedNames: [String] {
        let snake = Self.upperSnakeCase(jsonName)
        return [jsonName.uppercased(), snake, Self.upperSnakeCase(String(describing: Self.self)) + "_" + snake]
    }

    /// "replyTo" → "REPLY_TO", "TrendKind" → "TREND_KIND".
    private static func upperSnakeCase(_ camelCase: String) -> String {
        var result = ""
        for character in camelCase {
            if character.isUppercase, !result.isEmpty { result += "_" }
            result += character.uppercased()
        }
        return result
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            self.init(protoValue: number)
            return
        }
        let name = try container.decode(String.self)
        guard let match = Self.allCases.first(where: { $0.acceptedNames.contains(name.uppercased()) }) else {
            throw ProtoJSON.DecodingProblem(path: decoder.codingPath.map(\.stringValue).joined(separator: "."),
                                           message: "unknown value '\(name)'; expected one of \(Self.allCases.map(\.jsonName).joined(separator: ", "))")
        }
        self = match
    }
}

/// Decodes from JSONSerialization output, with zero values for missing keys.
private struct LenientDecoder: Decoder {
    let value: Any?
    let path: [any CodingKey]
    var codingPath: [any CodingKey] { path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func problem(_ message: String) -> ProtoJSON.DecodingProblem {
        ProtoJSON.DecodingProblem(path: path.map(\.stringValue).joined(separator: "."), message: message)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if value == nil || value is NSNull { return KeyedDecodingContainer(LenientKeyed<Key>(object: [:], path: path)) }
        guard let object = value as? [String: Any] else { throw problem("expected an object") }
        return KeyedDecodingContainer(LenientKeyed<Key>(object: object, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        if value == nil || value is NSNull { return LenientUnkeyed(items: [], path: path) }
        guard let items = value as? [Any] else { throw problem("expected an array") }
        return LenientUnkeyed(items: items, path: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { LenientSingle(decoder: self) }
}

private struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) { stringValue = "[\(index)]"; intValue = index }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.init(intValue) }
}

private struct LenientKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: [String: Any]
    let path: [any CodingKey]
    var codingPath: [any CodingKey] { path }
    var allKeys: [Key] { object.keys.compactMap(Key.init(stringValue:)) }

    /// The value for a lowerCamelCase key, also found under its snake_case spelling.
    private func value(_ key: Key) -> Any? {
        if let value = object[key.stringValue] { return value }
        let snake = key.stringValue.reduce(into: "") { result, character in
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return object[snake]
    }

    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { value(key) == nil || value(key) is NSNull }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: LenientDecoder(value: value(key), path: path + [key]))
    }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try LenientDecoder(value: value(key), path: path + [key]).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try LenientDecoder(value: value(key), path: path + [key]).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { LenientDecoder(value: object, path: path) }
    func superDecoder(forKey key: Key) throws -> any Decoder { LenientDecoder(value: value(key), path: path + [key]) }
}

private struct LenientUnkeyed: UnkeyedDecodingContainer {
    let items: [Any]
    let path: [any CodingKey]
    var codingPath: [any CodingKey] { path }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }
    var currentIndex = 0

    init(items: [Any], path: [any CodingKey]) {
        self.items = items
        self.path = path
    }

    private mutating func next() -> LenientDecoder {
        defer { currentIndex += 1 }
        return LenientDecoder(value: items[currentIndex], path: path + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard items[currentIndex] is NSNull else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next()) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { next() }
}

private struct LenientSingle: SingleValueDecodingContainer {
    let decoder: LenientDecoder
    var codingPath: [any CodingKey] { decoder.path }
    private var value: Any? { decoder.value is NSNull ? nil : decoder.value }

    func decodeNil() -> Bool { value == nil }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let value else { return false }
        if let bool = value as? Bool { return bool }
        if let string = value as? String, let bool = Bool(string) { return bool }
        throw decoder.problem("expected true or false")
    }

    func decode(_ type: String.Type) throws -> String {
        guard let value else { return "" }
        if let string = value as? String { return string }
        throw decoder.problem("expected a string")
    }

    private func number<T>(_ parse: (String) -> T?, _ convert: (NSNumber) -> T?, _ name: String) throws -> T {
        if let number = value as? NSNumber, let converted = convert(number) { return converted }
        if let string = value as? String, let parsed = parse(string) { return parsed }
        throw decoder.problem("expected \(name)")
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard value != nil else { return 0 }
        return try number({ T($0) }, { number in
            let double = number.doubleValue
            guard double.rounded() == double, let exact = T(exactly: number.int64Value) ?? T(exactly: double) else { return nil }
            return exact
        }, "an integer in the range of \(T.self)")
    }

    private func floating<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        guard value != nil else { return 0 }
        return try number({ T($0) }, { T($0.doubleValue) }, "a number")
    }

    func decode(_ type: Double.Type) throws -> Double { try floating(type) }
    func decode(_ type: Float.Type) throws -> Float { try floating(type) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: decoder) }
}
