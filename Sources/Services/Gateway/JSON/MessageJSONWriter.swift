import CProtobufC
import Foundation
import EarshotWire
import SourceFormats

/// The gateway's JSON of a proto message (what ``ProtoJSON`` writes: lowerCamelCase keys in
/// sorted order, every field present with its zero value, enums by name; plus every time as
/// RFC 3339 in UTC, "2026-12-06T15:00:00.000Z", a zero time as null), written in one pass
/// straight from the message's protobuf-c struct, driven by its descriptor.
///
/// Encoding through `JSONEncoder` and re-writing the times through `JSONSerialization` cost
/// about a millisecond per post, which capped the export near 900 posts/s; this writer is the
/// hot path of every JSON answer and of each line of `/v1/export.jsonl`.
public final class MessageJSONWriter: @unchecked Sendable {
    // @unchecked: the descriptor and the zero message are immutable after init and only read.
    private let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    private let fields: [Field]
    /// A message with every field at its zero value: what an unset sub-message is written as.
    private let zeroMessage: UnsafeMutableRawPointer

    /// A class, not a struct: the writer's loop then retains one reference per field, not each of its arrays.
    private final class Field {
        /// `"name":`
        let key: [UInt8]
        let type: ProtobufCType
        let isRepeated: Bool
        let offset: Int
        let quantifierOffset: Int
        let isTimestamp: Bool
        /// An enum's JSON names (each quoted) by number; unknown numbers are written as the first.
        let enumNames: [Int32: [UInt8]]
        let firstEnumName: [UInt8]
        let nested: MessageJSONWriter?

        init(key: [UInt8], type: ProtobufCType, isRepeated: Bool, offset: Int, quantifierOffset: Int, isTimestamp: Bool,
             enumNames: [Int32: [UInt8]], firstEnumName: [UInt8], nested: MessageJSONWriter?) {
            self.key = key
            self.type = type
            self.isRepeated = isRepeated
            self.offset = offset
            self.quantifierOffset = quantifierOffset
            self.isTimestamp = isTimestamp
            self.enumNames = enumNames
            self.firstEnumName = firstEnumName
            self.nested = nested
        }
    }

    /// The writer of `M`'s JSON.
    public convenience init<M: ProtoMessage>(of type: M.Type) {
        self.init(descriptor: M.cDescriptor)
    }

    init(descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.descriptor = descriptor
        let message = descriptor.pointee
        zeroMessage = UnsafeMutableRawPointer.allocate(byteCount: message.sizeof_message, alignment: 16)
        zeroMessage.initializeMemory(as: UInt8.self, repeating: 0, count: message.sizeof_message)
        message.message_init?(zeroMessage.assumingMemoryBound(to: ProtobufCMessage.self))
        fields = (0..<Int(message.n_fields)).map { index in
            let field = message.fields[index]
            let protoName = String(cString: field.name)
            var enumNames: [Int32: [UInt8]] = [:]
            var firstEnumName: [UInt8] = []
            if field.type == PROTOBUF_C_TYPE_ENUM {
                let enumeration = field.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee
                let shortName = String(cString: enumeration.short_name)
                for valueIndex in 0..<Int(enumeration.n_values) {
                    let value = enumeration.values[valueIndex]
                    let name = Self.quoted(FieldSchema.enumJSONName(String(cString: value.name), enumName: shortName))
                    if valueIndex == 0 { firstEnumName = name }
                    enumNames[value.value] = name
                }
            }
            return Field(
                key: Self.quoted(FieldSchema.lowerCamelCase(protoName)) + [UInt8(ascii: ":")],
                type: field.type, isRepeated: field.label == PROTOBUF_C_LABEL_REPEATED,
                offset: Int(field.offset), quantifierOffset: Int(field.quantifier_offset),
                isTimestamp: [PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64].contains(field.type)
                    && FieldSchema.isTimestamp(protoName: protoName),
                enumNames: enumNames, firstEnumName: firstEnumName,
                nested: field.type == PROTOBUF_C_TYPE_MESSAGE
                    ? MessageJSONWriter(descriptor: field.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)) : nil)
        }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
    }

    deinit {
        zeroMessage.deallocate()  // message_init points its fields at static defaults: nothing else to free
    }

    /// The JSON of the encoded message `bytes`; nil when they are not a valid encoding.
    public func json(encoded bytes: [UInt8]) -> [UInt8]? {
        CStructReader.withUnpacked(descriptor, bytes) { message in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count * 2 + 64)
            write(message, into: &out)
            return out
        }
    }

    /// The JSON of `message`.
    public func json<M: ProtoMessage>(_ message: M) -> [UInt8] {
        // A message this process built always encodes, and its encoding always decodes.
        json(encoded: (try? message.serializedBytes()) ?? []) ?? Array("{}".utf8)
    }

    /// Appends the JSON of the protobuf-c struct at `message` (of this writer's message type) to `out`.
    func write(_ message: UnsafeRawPointer, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += field.key
            if field.isRepeated {
                let count = message.load(fromByteOffset: field.quantifierOffset, as: Int.self)
                let items = message.load(fromByteOffset: field.offset, as: UnsafeRawPointer?.self)
                out.append(UInt8(ascii: "["))
                if let items {
                    for item in 0..<count {
                        if item > 0 { out.append(UInt8(ascii: ",")) }
                        writeValue(field, at: items + item * Self.stride(of: field.type), into: &out)
                    }
                }
                out.append(UInt8(ascii: "]"))
            } else {
                writeValue(field, at: message + field.offset, into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Bytes of one element of a repeated field in protobuf-c's arrays.
    private static func stride(of type: ProtobufCType) -> Int {
        switch type {
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64, PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64,
             PROTOBUF_C_TYPE_DOUBLE, PROTOBUF_C_TYPE_STRING, PROTOBUF_C_TYPE_MESSAGE: 8
        case PROTOBUF_C_TYPE_BYTES: MemoryLayout<ProtobufCBinaryData>.stride
        default: 4  // 32-bit numbers, floats, enums and protobuf_c_boolean
        }
    }

    private func writeValue(_ field: Field, at value: UnsafeRawPointer, into out: inout [UInt8]) {
        switch field.type {
        case PROTOBUF_C_TYPE_STRING:
            Self.appendString(value.load(as: UnsafePointer<CChar>?.self), into: &out)
        case PROTOBUF_C_TYPE_BOOL:
            out += value.load(as: protobuf_c_boolean.self) != 0 ? Self.trueBytes : Self.falseBytes
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32:
            Self.appendInteger(Int64(value.load(as: Int32.self)), into: &out)
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32:
            Self.appendInteger(Int64(value.load(as: UInt32.self)), into: &out)
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            let number = value.load(as: Int64.self)
            if field.isTimestamp {
                if number == 0 {
                    out += Self.nullBytes
                } else {
                    out.append(UInt8(ascii: "\""))
                    Timestamp.appendISO8601(milliseconds: number, to: &out)
                    out.append(UInt8(ascii: "\""))
                }
            } else {
                Self.appendInteger(number, into: &out)
            }
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64:
            out.append(contentsOf: String(value.load(as: UInt64.self)).utf8)
        case PROTOBUF_C_TYPE_FLOAT:
            Self.appendNumber(value.load(as: Float.self), into: &out)
        case PROTOBUF_C_TYPE_DOUBLE:
            Self.appendNumber(value.load(as: Double.self), into: &out)
        case PROTOBUF_C_TYPE_ENUM:
            out += field.enumNames[value.load(as: Int32.self)] ?? field.firstEnumName
        case PROTOBUF_C_TYPE_BYTES:
            let data = value.load(as: ProtobufCBinaryData.self)
            out.append(UInt8(ascii: "["))
            for index in 0..<data.len {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendInteger(Int64(data.data[index]), into: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:  // PROTOBUF_C_TYPE_MESSAGE
            let nested = field.nested!
            nested.write(value.load(as: UnsafeRawPointer?.self) ?? UnsafeRawPointer(nested.zeroMessage), into: &out)
        }
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    private static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { appendEscaped($0, into: &out) }
        return out
    }

    /// A C string as a JSON string (NULL: "").
    private static func appendString(_ string: UnsafePointer<CChar>?, into out: inout [UInt8]) {
        guard let string else {
            out += [UInt8(ascii: "\""), UInt8(ascii: "\"")]
            return
        }
        string.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
            appendEscaped(UnsafeBufferPointer(start: bytes, count: strlen(string)), into: &out)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `utf8` quoted, with `"`, `\` and the control characters escaped (runs of other bytes copied at once).
    private static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default: out += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        out.append(UInt8(ascii: "\""))
    }

    /// A decimal integer, without going through a String.
    private static func appendInteger(_ number: Int64, into out: inout [UInt8]) {
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }

    /// A float or double in its shortest form that reads back the same, whole numbers without
    /// a fraction ("34", not "34.0"); NaN and infinities (which JSON lacks) as null.
    private static func appendNumber<F: BinaryFloatingPoint & LosslessStringConvertible>(_ number: F, into out: inout [UInt8]) {
        guard number.isFinite else {
            out += nullBytes
            return
        }
        if number == number.rounded(), number.magnitude < 1e15 {
            appendInteger(Int64(number), into: &out)
        } else {
            out.append(contentsOf: number.description.utf8)
        }
    }
}
