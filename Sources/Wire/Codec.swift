import CProtobufC
import EarshotProtoC

/// Converts ``ProtoMessage`` values to and from protobuf-c structs, driven by
/// the generated descriptors, and to and from bytes through libprotobuf-c.
enum ProtoCodec {
    static func encode<M: ProtoMessage>(_ message: M) throws(WireError) -> [UInt8] {
        let arena = Arena()
        let root = try encodeStruct(message, arena: arena)
        let packed = root.assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(packed)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = protobuf_c_message_pack(packed, buffer.baseAddress!)
        }
    }

    static func decode<M: ProtoMessage>(_ type: M.Type, from bytes: [UInt8]) throws(WireError) -> M {
        let schema = try MessageSchema.of(M.self)
        let unpacked: UnsafeMutablePointer<ProtobufCMessage>? = bytes.withUnsafeBufferPointer { buffer in
            withUnsafePointer(to: 0 as UInt8) { empty in
                protobuf_c_message_unpack(schema.descriptor, nil, buffer.count, buffer.baseAddress ?? empty)
            }
        }
        guard let unpacked else { throw .malformed(messageType: M.protoName, byteCount: bytes.count) }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        return try decode(M.self, fromStruct: UnsafeRawPointer(unpacked))
    }

    /// Fills a new arena struct from `message`; returns the struct.
    static func encodeStruct<M: ProtoMessage>(_ message: M, arena: Arena) throws(WireError) -> UnsafeMutableRawPointer {
        let schema = try MessageSchema.of(M.self)
        let base = arena.message(schema.descriptor)
        do {
            try message.encode(to: StructEncoder(base: base, schema: schema, arena: arena))
        } catch {
            throw wireError(error, schema)
        }
        return base
    }

    /// Reads `M` from a protobuf-c struct of its type.
    static func decode<M: ProtoMessage>(_ type: M.Type, fromStruct base: UnsafeRawPointer) throws(WireError) -> M {
        let schema = try MessageSchema.of(M.self)
        do {
            return try M(from: StructDecoder(base: base, schema: schema))
        } catch {
            throw wireError(error, schema)
        }
    }

    private static func wireError(_ error: any Error, _ schema: MessageSchema) -> WireError {
        error as? WireError ?? .schemaMismatch(messageType: schema.name, detail: "\(error)")
    }
}

// MARK: - Encoding

private struct StructEncoder: Encoder {
    let base: UnsafeMutableRawPointer
    let schema: MessageSchema
    let arena: Arena
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(StructWriter<Key>(base: base, schema: schema, arena: arena))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("\(schema.name): proto messages encode as keyed containers")
    }
    func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("\(schema.name): proto messages encode as keyed containers")
    }
}

private struct StructWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let base: UnsafeMutableRawPointer
    let schema: MessageSchema
    let arena: Arena
    var codingPath: [any CodingKey] { [] }

    private func scalar(_ value: some ProtoFieldValue, _ key: Key) throws {
        let field = try schema.field(key)
        try value.write(base + field.offset, field: field, arena: arena)
    }

    private func unsupported(_ type: Any.Type, _ key: Key) -> WireError {
        .schemaMismatch(messageType: schema.name, detail: "property '\(key.stringValue)' has unsupported Swift type \(type)")
    }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode(_ value: Bool, forKey key: Key) throws { try scalar(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws {
        if !value.isEmpty { try scalar(value, key) }
    }
    mutating func encode(_ value: Double, forKey key: Key) throws { try scalar(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try scalar(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try scalar(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try scalar(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try scalar(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try scalar(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { throw unsupported(Int.self, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { throw unsupported(Int8.self, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { throw unsupported(Int16.self, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { throw unsupported(UInt.self, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { throw unsupported(UInt8.self, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { throw unsupported(UInt16.self, key) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let field = try schema.field(key)
        let slot = base + field.offset
        if field.isRepeated {
            let written: (UnsafeMutableRawPointer?, Int)
            if let map = value as? [String: String] {
                written = try MapField.write(map, field: field, arena: arena)
            } else if let scalars = value as? any ProtoRepeatedValue {
                written = try scalars.write(field: field, arena: arena)
            } else if let messages = value as? any ProtoRepeatedMessages {
                written = try messages.write(field: field, arena: arena)
            } else {
                throw unsupported(T.self, key)
            }
            (base + field.countOffset).storeBytes(of: written.1, as: Int.self)
            slot.storeBytes(of: written.0, as: UnsafeMutableRawPointer?.self)
        } else if field.type == PROTOBUF_C_TYPE_BYTES, let bytes = value as? [UInt8] {
            BytesField.write(bytes, slot, arena: arena)
        } else if let value = value as? any ProtoFieldValue {
            try value.write(slot, field: field, arena: arena)
        } else if let value = value as? any ProtoEnum {
            try EnumField.write(value, slot, field: field)
        } else if let value = value as? any ProtoMessage {
            try MessageField.writeUnlessEmpty(value, slot, field: field, arena: arena)
        } else {
            throw unsupported(T.self, key)
        }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        preconditionFailure("\(schema.name): nested containers are not proto fields")
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        preconditionFailure("\(schema.name): nested containers are not proto fields")
    }
    mutating func superEncoder() -> any Encoder { preconditionFailure("\(schema.name): no superclass encoding") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("\(schema.name): no superclass encoding") }
}

// MARK: - Decoding

private struct StructDecoder: Decoder {
    let base: UnsafeRawPointer
    let schema: MessageSchema
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(StructReader<Key>(base: base, schema: schema))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw WireError.schemaMismatch(messageType: schema.name, detail: "proto messages decode from keyed containers")
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw WireError.schemaMismatch(messageType: schema.name, detail: "proto messages decode from keyed containers")
    }
}

private struct StructReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let base: UnsafeRawPointer
    let schema: MessageSchema
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { (try? schema.field(key)) != nil }

    private func scalar<T: ProtoFieldValue>(_ type: T.Type, _ key: Key) throws -> T {
        let field = try schema.field(key)
        return try T.read(base + field.offset, field: field)
    }

    private func unsupported(_ type: Any.Type, _ key: Key) -> WireError {
        .schemaMismatch(messageType: schema.name, detail: "property '\(key.stringValue)' has unsupported Swift type \(type)")
    }

    func decodeNil(forKey key: Key) throws -> Bool { false }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try scalar(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try scalar(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try scalar(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try scalar(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { throw unsupported(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw unsupported(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw unsupported(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw unsupported(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw unsupported(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw unsupported(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let field = try schema.field(key)
        let slot = base + field.offset
        if field.isRepeated {
            let count = (base + field.countOffset).loadUnaligned(as: Int.self)
            let elements = slot.loadUnaligned(as: UnsafeRawPointer?.self)
            if T.self == [String: String].self {
                return try MapField.read(elements: elements, count: count, field: field) as! T
            } else if let scalars = T.self as? any ProtoRepeatedValue.Type {
                return try scalars.read(elements: elements, count: count, field: field) as! T
            } else if let messages = T.self as? any ProtoRepeatedMessages.Type {
                return try messages.read(elements: elements, count: count, field: field) as! T
            }
        } else if field.type == PROTOBUF_C_TYPE_BYTES, T.self == [UInt8].self {
            return BytesField.read(slot) as! T
        } else if let scalar = T.self as? any ProtoFieldValue.Type {
            return try scalar.read(slot, field: field) as! T
        } else if let enumeration = T.self as? any ProtoEnum.Type {
            return try EnumField.read(enumeration, slot, field: field) as! T
        } else if let message = T.self as? any ProtoMessage.Type {
            return try MessageField.read(message, slot, field: field) as! T
        }
        throw unsupported(T.self, key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw unsupported(type, key)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw WireError.schemaMismatch(messageType: schema.name, detail: "nested containers are not proto fields")
    }
    func superDecoder() throws -> any Decoder {
        throw WireError.schemaMismatch(messageType: schema.name, detail: "no superclass decoding")
    }
    func superDecoder(forKey key: Key) throws -> any Decoder { try superDecoder() }
}

// MARK: - map<string, string>

/// `map<string, string>` fields: protoc-c makes them repeated entry messages
/// with `key` and `value` fields.
private enum MapField {
    private static func entryFields(_ field: FieldInfo) throws(WireError) -> (MessageSchema, FieldInfo, FieldInfo) {
        guard let descriptor = field.messageDescriptor else {
            throw .schemaMismatch(messageType: "field \(field.protoName)", detail: "a Swift dictionary needs a proto map")
        }
        let schema = MessageSchema.of(descriptor)
        return (schema, try schema.field(EntryKey.key), try schema.field(EntryKey.value))
    }

    private enum EntryKey: String, CodingKey { case key, value }

    static func read(elements: UnsafeRawPointer?, count: Int, field: FieldInfo) throws(WireError) -> [String: String] {
        guard let elements, count > 0 else { return [:] }
        let (_, keyField, valueField) = try entryFields(field)
        var map: [String: String] = [:]
        for index in 0..<count {
            guard let entry = (elements + index * MemoryLayout<UnsafeRawPointer>.stride).loadUnaligned(as: UnsafeRawPointer?.self) else { continue }
            map[try String.read(entry + keyField.offset, field: keyField)] = try String.read(entry + valueField.offset, field: valueField)
        }
        return map
    }

    static func write(_ map: [String: String], field: FieldInfo, arena: Arena) throws(WireError) -> (UnsafeMutableRawPointer?, Int) {
        guard !map.isEmpty else { return (nil, 0) }
        let (schema, keyField, valueField) = try entryFields(field)
        let elements = arena.allocate(MemoryLayout<UnsafeRawPointer>.stride * map.count)
        for (index, (key, value)) in map.sorted(by: { $0.key < $1.key }).enumerated() {
            let entry = arena.message(schema.descriptor)
            try key.write(entry + keyField.offset, field: keyField, arena: arena)
            try value.write(entry + valueField.offset, field: valueField, arena: arena)
            (elements + index * MemoryLayout<UnsafeRawPointer>.stride).storeBytes(of: entry, as: UnsafeMutableRawPointer.self)
        }
        return (elements, map.count)
    }
}
