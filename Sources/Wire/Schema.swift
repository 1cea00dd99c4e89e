import CProtobufC
import EarshotProtoC
import Synchronization

/// Where one proto field lives in its protobuf-c struct.
struct FieldInfo: @unchecked Sendable {
    let protoName: String
    let type: ProtobufCType
    let isRepeated: Bool
    /// Byte offset of the value (or, when repeated, of the array pointer).
    let offset: Int
    /// Byte offset of the `n_<field>` element count of a repeated field.
    let countOffset: Int
    /// For message fields, the nested message's descriptor.
    let messageDescriptor: UnsafePointer<ProtobufCMessageDescriptor>?
}

/// The fields of one protobuf-c message, keyed by their Swift property names.
final class MessageSchema: @unchecked Sendable {
    let name: String
    let descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    private let fields: [String: FieldInfo]

    private init(descriptor: UnsafePointer<ProtobufCMessageDescriptor>) {
        self.descriptor = descriptor
        self.name = String(cString: descriptor.pointee.name)
        var fields: [String: FieldInfo] = [:]
        for index in 0..<Int(descriptor.pointee.n_fields) {
            let field = descriptor.pointee.fields[index]
            let protoName = String(cString: field.name)
            fields[Self.swiftName(ofProtoField: protoName)] = FieldInfo(
                protoName: protoName,
                type: field.type,
                isRepeated: field.label == PROTOBUF_C_LABEL_REPEATED,
                offset: Int(field.offset),
                countOffset: Int(field.quantifier_offset),
                messageDescriptor: field.type == PROTOBUF_C_TYPE_MESSAGE
                    ? field.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) : nil
            )
        }
        self.fields = fields
    }

    /// `created_at_ms` → `createdAtMs`.
    static func swiftName(ofProtoField name: String) -> String {
        var result = ""
        var upperNext = false
        for character in name {
            if character == "_" { upperNext = true; continue }
            result.append(upperNext ? Character(character.uppercased()) : character)
            upperNext = false
        }
        return result
    }

    /// The field behind a Swift coding key.
    func field(_ key: some CodingKey) throws(WireError) -> FieldInfo {
        guard let field = fields[key.stringValue] else {
            throw .schemaMismatch(messageType: name, detail: "no proto field for Swift property '\(key.stringValue)'")
        }
        return field
    }

    // MARK: Cache

    private struct Cache {
        var byDescriptor: [UInt: MessageSchema] = [:]
        var byType: [ObjectIdentifier: MessageSchema] = [:]
    }
    private static let cache = Mutex(Cache())

    /// The schema of a protobuf-c descriptor, built once per process.
    static func of(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> MessageSchema {
        let address = UInt(bitPattern: descriptor)
        return cache.withLock { cache in
            if let schema = cache.byDescriptor[address] { return schema }
            let schema = MessageSchema(descriptor: UnsafePointer(bitPattern: address)!)
            cache.byDescriptor[address] = schema
            return schema
        }
    }

    /// The schema of a Swift message type, found by its proto name.
    static func of<M: ProtoMessage>(_ type: M.Type) throws(WireError) -> MessageSchema {
        if let schema = cache.withLock({ $0.byType[ObjectIdentifier(type)] }) { return schema }
        guard let descriptor = earshot_find_message_descriptor(M.protoName) else {
            throw .schemaMismatch(messageType: M.protoName, detail: "no generated descriptor with this name")
        }
        let schema = of(descriptor)
        cache.withLock { $0.byType[ObjectIdentifier(type)] = schema }
        return schema
    }
}

/// Memory for the C structs of one encode, released all at once.
final class Arena {
    private var chunks: [UnsafeMutableRawPointer] = []
    private var cursor: UnsafeMutableRawPointer?
    private var remaining = 0
    private static let chunkSize = 16 * 1024

    /// Zeroed, 8-byte aligned memory that lives as long as the arena.
    func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let size = max(8, (byteCount + 7) & ~7)
        if size > Self.chunkSize / 4 {
            let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
            block.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            chunks.append(block)
            return block
        }
        if size > remaining {
            let chunk = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: 8)
            chunks.append(chunk)
            cursor = chunk
            remaining = Self.chunkSize
        }
        let result = cursor!
        result.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        cursor = result + size
        remaining -= size
        return result
    }

    /// A NUL-terminated copy of `string`.
    func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let memory = allocate(utf8.count + 1)
            if utf8.count > 0 { memory.copyMemory(from: utf8.baseAddress!, byteCount: utf8.count) }
            return memory.assumingMemoryBound(to: CChar.self)
        }
    }

    /// An initialised protobuf-c struct for `descriptor`.
    func message(_ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> UnsafeMutableRawPointer {
        let memory = allocate(Int(descriptor.pointee.sizeof_message))
        protobuf_c_message_init(descriptor, memory)
        return memory
    }

    deinit {
        for chunk in chunks { chunk.deallocate() }
    }
}
