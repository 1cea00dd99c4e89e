import CProtobufC
import EarshotProtoC

/// A Swift message type whose wire form is the protobuf-c message named
/// ``protoName`` in proto/.
///
/// Conforming types are plain `Codable` structs whose stored properties are
/// the proto fields in lowerCamelCase (`created_at_ms` → `createdAtMs`). No
/// per-message conversion code exists: ``ProtoCodec`` walks the descriptors
/// that protoc-c generated, reading and writing the C structs at the offsets
/// they give, and lets libprotobuf-c do the (de)serialisation.
public protocol ProtoMessage: Codable, Sendable {
    /// The full proto name, e.g. "earshot.v1.Post".
    static var protoName: String { get }
    /// A message with every field at its zero value.
    init()
}

/// A proto enum: a Swift enum over the proto's Int32 values. Unknown values
/// read from the wire become the enum's first case (the proto's zero value).
public protocol ProtoEnum: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == Int32 {}

extension ProtoEnum {
    init(protoValue: Int32) {
        self = Self(rawValue: protoValue) ?? Self.allCases.first!
    }
}

/// A failure to turn bytes into a message or a message into bytes.
public enum WireError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not a valid encoding of the message.
    case malformed(messageType: String, byteCount: Int)
    /// The Swift type does not match the proto descriptor (a programming error
    /// caught by the round-trip tests).
    case schemaMismatch(messageType: String, detail: String)

    public var description: String {
        switch self {
        case .malformed(let type, let count): return "cannot decode \(type) from \(count) bytes"
        case .schemaMismatch(let type, let detail): return "\(type) does not match its proto descriptor: \(detail)"
        }
    }
}

extension ProtoMessage {
    /// The message in protobuf wire format.
    public func serializedBytes() throws(WireError) -> [UInt8] {
        try ProtoCodec.encode(self)
    }

    /// Decodes a message from protobuf wire format.
    public init(serializedBytes bytes: [UInt8]) throws(WireError) {
        self = try ProtoCodec.decode(Self.self, from: bytes)
    }
}
