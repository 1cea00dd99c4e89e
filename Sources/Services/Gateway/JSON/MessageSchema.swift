import CProtobufC
import EarshotWire

/// The shape of a proto message as the gateway's JSON shows it, read from the
/// message's protobuf-c descriptor (so it follows proto/ with no list kept by hand):
/// which fields exist (unknown fields are refused), their JSON types (for query
/// parameters and the OpenAPI contract) and which are times (RFC 3339 in JSON).
public struct MessageSchema: Sendable, Equatable {
    /// The full proto name, e.g. "earshot.v1.Post".
    public let protoName: String
    /// The name in the OpenAPI contract's components, e.g. "Post" (the proto name without its package).
    public let componentName: String
    public let fields: [FieldSchema]

    /// The schema of `M`.
    public init<M: ProtoMessage>(of type: M.Type) {
        self.init(descriptor: M.cDescriptor)
    }

    init(descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        let message = descriptor.pointee
        protoName = String(cString: message.name)
        componentName = protoName.hasPrefix("earshot.v1.") ? String(protoName.dropFirst("earshot.v1.".count)) : protoName
        fields = (0..<Int(message.n_fields)).map { FieldSchema(descriptor: message.fields[$0]) }
    }

    /// The field whose JSON name (lowerCamelCase) or proto name (snake_case) is `key`.
    public func field(_ key: String) -> FieldSchema? {
        fields.first { $0.name == key || $0.protoName == key }
    }

    /// This schema and every message schema it reaches, each once, this one first.
    public var reachableSchemas: [MessageSchema] {
        var found: [MessageSchema] = []
        func visit(_ schema: MessageSchema) {
            guard !found.contains(where: { $0.protoName == schema.protoName }) else { return }
            found.append(schema)
            for field in schema.fields { if case .message(let nested) = field.kind { visit(nested.schema) } }
        }
        visit(self)
        return found
    }
}

/// A message schema inside a field (a class, so a message can contain itself).
public final class NestedSchema: Sendable, Equatable {
    public let schema: MessageSchema
    init(_ schema: MessageSchema) { self.schema = schema }
    public static func == (left: NestedSchema, right: NestedSchema) -> Bool { left.schema.protoName == right.schema.protoName }
}

/// One field of a ``MessageSchema``.
public struct FieldSchema: Sendable, Equatable {
    /// The JSON name: the proto name in lowerCamelCase ("created_at_ms" → "createdAtMs").
    public let name: String
    /// The proto name, also accepted on input.
    public let protoName: String
    public let kind: Kind
    public let isRepeated: Bool

    /// What a field holds.
    public enum Kind: Sendable, Equatable {
        case string, bool, bytes
        /// Integers; 64-bit ones are numbers or decimal strings in JSON.
        case int32, int64, uint32, uint64
        case float, double
        /// A proto enum: its JSON names ("mastodon", "replyTo") as ``ProtoJSON`` writes them.
        case enumeration(name: String, values: [String])
        /// A nested message.
        case message(NestedSchema)
        /// A time: Unix milliseconds on the wire, RFC 3339 in the gateway's JSON (Unix ms accepted).
        case timestamp
    }

    /// Fields in Unix milliseconds that are points in time (not durations such as `uptime_ms`).
    static let timestampFieldNames: Set<String> = [
        "from_ms", "to_ms", "start_ms", "bucket_start_ms", "bucket_end_ms", "last_seen_ms", "deadline_unix_ms",
    ]

    /// Whether an int64 field named `protoName` is a point in time: `*_at_ms` or one of ``timestampFieldNames``.
    static func isTimestamp(protoName: String) -> Bool {
        protoName.hasSuffix("_at_ms") || timestampFieldNames.contains(protoName)
    }

    init(descriptor field: ProtobufCFieldDescriptor) {
        protoName = String(cString: field.name)
        name = Self.lowerCamelCase(protoName)
        isRepeated = field.label == PROTOBUF_C_LABEL_REPEATED
        switch field.type {
        case PROTOBUF_C_TYPE_STRING: kind = .string
        case PROTOBUF_C_TYPE_BOOL: kind = .bool
        case PROTOBUF_C_TYPE_BYTES: kind = .bytes
        case PROTOBUF_C_TYPE_INT32, PROTOBUF_C_TYPE_SINT32, PROTOBUF_C_TYPE_SFIXED32: kind = .int32
        case PROTOBUF_C_TYPE_UINT32, PROTOBUF_C_TYPE_FIXED32: kind = .uint32
        case PROTOBUF_C_TYPE_INT64, PROTOBUF_C_TYPE_SINT64, PROTOBUF_C_TYPE_SFIXED64:
            kind = Self.isTimestamp(protoName: protoName) ? .timestamp : .int64
        case PROTOBUF_C_TYPE_UINT64, PROTOBUF_C_TYPE_FIXED64: kind = .uint64
        case PROTOBUF_C_TYPE_FLOAT: kind = .float
        case PROTOBUF_C_TYPE_DOUBLE: kind = .double
        case PROTOBUF_C_TYPE_ENUM:
            let enumeration = field.descriptor.assumingMemoryBound(to: ProtobufCEnumDescriptor.self).pointee
            let shortName = String(cString: enumeration.short_name)
            kind = .enumeration(name: String(cString: enumeration.name), values: (0..<Int(enumeration.n_values)).map {
                Self.enumJSONName(String(cString: enumeration.values[$0].name), enumName: shortName)
            })
        default:  // PROTOBUF_C_TYPE_MESSAGE
            kind = .message(NestedSchema(MessageSchema(descriptor: field.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self))))
        }
    }

    /// "created_at_ms" → "createdAtMs".
    static func lowerCamelCase(_ snakeCase: String) -> String {
        var result = ""
        var upperNext = false
        for character in snakeCase {
            if character == "_" { upperNext = !result.isEmpty; continue }
            result += upperNext ? character.uppercased() : character.lowercased()
            upperNext = false
        }
        return result
    }

    /// The JSON name of an enum value as ``ProtoJSON`` writes it: the proto value name without
    /// the enum's prefix, in lowerCamelCase ("PLATFORM_MASTODON" → "mastodon", "KIND_REPLY_TO" → "replyTo").
    static func enumJSONName(_ valueName: String, enumName: String) -> String {
        var prefix = ""
        for character in enumName {
            if character.isUppercase, !prefix.isEmpty { prefix += "_" }
            prefix += character.uppercased()
        }
        prefix += "_"
        return lowerCamelCase(valueName.hasPrefix(prefix) ? String(valueName.dropFirst(prefix.count)) : valueName)
    }
}
