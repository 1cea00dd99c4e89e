import CProtobufC

/// A Swift value that fills one field slot of a protobuf-c struct.
protocol ProtoFieldValue {
    /// Reads the value at `slot`.
    static func read(_ slot: UnsafeRawPointer, field: FieldInfo) throws(WireError) -> Self
    /// Writes the value at `slot`; memory it points to comes from `arena`.
    func write(_ slot: UnsafeMutableRawPointer, field: FieldInfo, arena: Arena) throws(WireError)
}

/// The size in bytes of one element of a field of this type in a C array.
func slotSize(_ type: ProtobufCType) -> Int {
    switch type {
    case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64,
         PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64, PROTOBUF_C_TYPE_DOUBLE:
        return 8
    case PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE:
        return MemoryLayout<UnsafeRawPointer>.size
    case PROTOBUF_C_TYPE_BYTES:
        return MemoryLayout<ProtobufCBinaryData>.size
    default:  // 32-bit integers, enums, float, protobuf_c_boolean (an int)
        return 4
    }
}

private func mismatch(_ field: FieldInfo, _ swiftType: Any.Type) -> WireError {
    .schemaMismatch(messageType: "field \(field.protoName)", detail: "Swift type \(swiftType) does not fit proto type \(field.type.rawValue)")
}

/// Fixed-size numbers stored as themselves.
protocol ProtoNumber: ProtoFieldValue {
    /// The protobuf-c types this Swift type stands for.
    static var protoTypes: [ProtobufCType] { get }
}

extension ProtoNumber {
    static func read(_ slot: UnsafeRawPointer, field: FieldInfo) throws(WireError) -> Self {
        guard protoTypes.contains(field.type) else { throw mismatch(field, Self.self) }
        return slot.loadUnaligned(as: Self.self)
    }
    func write(_ slot: UnsafeMutableRawPointer, field: FieldInfo, arena: Arena) throws(WireError) {
        guard Self.protoTypes.contains(field.type) else { throw mismatch(field, Self.self) }
        slot.storeBytes(of: self, as: Self.self)
    }
}

extension Int32: ProtoNumber {
    static var protoTypes: [ProtobufCType] { [PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32] }
}
extension UInt32: ProtoNumber {
    static var protoTypes: [ProtobufCType] { [PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32] }
}
extension Int64: ProtoNumber {
    static var protoTypes: [ProtobufCType] { [PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64] }
}
extension UInt64: ProtoNumber {
    static var protoTypes: [ProtobufCType] { [PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64] }
}
extension Double: ProtoNumber {
    static var protoTypes: [ProtobufCType] { [PROTOBUF_C_TYPE_DOUBLE] }
}
extension Float: ProtoNumber {
    static var protoTypes: [ProtobufCType] { [PROTOBUF_C_TYPE_FLOAT] }
}

extension Bool: ProtoFieldValue {
    static func read(_ slot: UnsafeRawPointer, field: FieldInfo) throws(WireError) -> Bool {
        guard field.type == PROTOBUF_C_TYPE_BOOL else { throw mismatch(field, Bool.self) }
        return slot.loadUnaligned(as: protobuf_c_boolean.self) != 0
    }
    func write(_ slot: UnsafeMutableRawPointer, field: FieldInfo, arena: Arena) throws(WireError) {
        guard field.type == PROTOBUF_C_TYPE_BOOL else { throw mismatch(field, Bool.self) }
        slot.storeBytes(of: self ? 1 : 0, as: protobuf_c_boolean.self)
    }
}

extension String: ProtoFieldValue {
    static func read(_ slot: UnsafeRawPointer, field: FieldInfo) throws(WireError) -> String {
        guard field.type == PROTOBUF_C_TYPE_STRING else { throw mismatch(field, String.self) }
        guard let pointer = slot.loadUnaligned(as: UnsafePointer<CChar>?.self) else { return "" }
        return String(cString: pointer)
    }
    func write(_ slot: UnsafeMutableRawPointer, field: FieldInfo, arena: Arena) throws(WireError) {
        guard field.type == PROTOBUF_C_TYPE_STRING else { throw mismatch(field, String.self) }
        slot.storeBytes(of: arena.cString(self), as: UnsafeMutablePointer<CChar>.self)
    }
}

/// `bytes` fields: a length and a pointer (ProtobufCBinaryData).
enum BytesField {
    static func read(_ slot: UnsafeRawPointer) -> [UInt8] {
        let data = slot.loadUnaligned(as: ProtobufCBinaryData.self)
        guard data.len > 0, let bytes = data.data else { return [] }
        return [UInt8](UnsafeBufferPointer(start: bytes, count: data.len))
    }
    static func write(_ bytes: [UInt8], _ slot: UnsafeMutableRawPointer, arena: Arena) {
        let memory = arena.allocate(bytes.count)
        bytes.withUnsafeBytes { if $0.count > 0 { memory.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        slot.storeBytes(of: ProtobufCBinaryData(len: bytes.count, data: memory.assumingMemoryBound(to: UInt8.self)), as: ProtobufCBinaryData.self)
    }
}

/// Enum fields: stored as the C enum's int.
enum EnumField {
    static func read(_ type: any ProtoEnum.Type, _ slot: UnsafeRawPointer, field: FieldInfo) throws(WireError) -> any ProtoEnum {
        guard field.type == PROTOBUF_C_TYPE_ENUM else { throw mismatch(field, type) }
        return type.init(protoValue: slot.loadUnaligned(as: Int32.self))
    }
    static func write(_ value: any ProtoEnum, _ slot: UnsafeMutableRawPointer, field: FieldInfo) throws(WireError) {
        guard field.type == PROTOBUF_C_TYPE_ENUM else { throw mismatch(field, type(of: value)) }
        slot.storeBytes(of: value.rawValue, as: Int32.self)
    }
}

/// Message fields: a pointer to the nested struct (NULL = not set).
enum MessageField {
    static func read<M: ProtoMessage>(_ type: M.Type, _ slot: UnsafeRawPointer, field: FieldInfo) throws(WireError) -> M {
        guard field.type == PROTOBUF_C_TYPE_MESSAGE else { throw mismatch(field, type) }
        guard let message = slot.loadUnaligned(as: UnsafeRawPointer?.self) else { return M() }
        return try ProtoCodec.decode(M.self, fromStruct: message)
    }
    static func write<M: ProtoMessage>(_ value: M, _ slot: UnsafeMutableRawPointer, field: FieldInfo, arena: Arena) throws(WireError) {
        guard field.type == PROTOBUF_C_TYPE_MESSAGE else { throw mismatch(field, M.self) }
        slot.storeBytes(of: try ProtoCodec.encodeStruct(value, arena: arena), as: UnsafeMutableRawPointer.self)
    }

    /// Like ``write(_:_:field:arena:)`` but leaves the slot NULL (not set)
    /// when the message is all zero values, as proto3 does for singular fields.
    static func writeUnlessEmpty<M: ProtoMessage>(_ value: M, _ slot: UnsafeMutableRawPointer, field: FieldInfo, arena: Arena) throws(WireError) {
        guard field.type == PROTOBUF_C_TYPE_MESSAGE else { throw mismatch(field, M.self) }
        let message = try ProtoCodec.encodeStruct(value, arena: arena)
        if protobuf_c_message_get_packed_size(message.assumingMemoryBound(to: ProtobufCMessage.self)) > 0 {
            slot.storeBytes(of: message, as: UnsafeMutableRawPointer.self)
        }
    }
}

/// Repeated fields: a C array of slots and its element count.
protocol ProtoRepeatedValue {
    static func read(elements: UnsafeRawPointer?, count: Int, field: FieldInfo) throws(WireError) -> Self
    /// Writes the elements into arena memory; returns the array and its count.
    func write(field: FieldInfo, arena: Arena) throws(WireError) -> (UnsafeMutableRawPointer?, Int)
}

extension Array: ProtoRepeatedValue where Element: ProtoFieldValue {
    static func read(elements: UnsafeRawPointer?, count: Int, field: FieldInfo) throws(WireError) -> [Element] {
        guard let elements, count > 0 else { return [] }
        let stride = slotSize(field.type)
        var result: [Element] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            result.append(try Element.read(elements + index * stride, field: field))
        }
        return result
    }
    func write(field: FieldInfo, arena: Arena) throws(WireError) -> (UnsafeMutableRawPointer?, Int) {
        guard !isEmpty else { return (nil, 0) }
        let stride = slotSize(field.type)
        let elements = arena.allocate(stride * count)
        for (index, element) in enumerated() {
            try element.write(elements + index * stride, field: field, arena: arena)
        }
        return (elements, count)
    }
}

/// Repeated message fields: a C array of struct pointers.
protocol ProtoRepeatedMessages {
    static func read(elements: UnsafeRawPointer?, count: Int, field: FieldInfo) throws(WireError) -> Self
    func write(field: FieldInfo, arena: Arena) throws(WireError) -> (UnsafeMutableRawPointer?, Int)
}

extension Array: ProtoRepeatedMessages where Element: ProtoMessage {
    static func read(elements: UnsafeRawPointer?, count: Int, field: FieldInfo) throws(WireError) -> [Element] {
        guard let elements, count > 0 else { return [] }
        let stride = MemoryLayout<UnsafeRawPointer>.stride
        var result: [Element] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            result.append(try MessageField.read(Element.self, elements + index * stride, field: field))
        }
        return result
    }
    func write(field: FieldInfo, arena: Arena) throws(WireError) -> (UnsafeMutableRawPointer?, Int) {
        guard !isEmpty else { return (nil, 0) }
        let stride = MemoryLayout<UnsafeRawPointer>.stride
        let elements = arena.allocate(stride * count)
        for (index, element) in enumerated() {
            try MessageField.write(element, elements + index * stride, field: field, arena: arena)
        }
        return (elements, count)
    }
}
