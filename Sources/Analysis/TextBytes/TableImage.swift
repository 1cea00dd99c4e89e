#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// A file of prebuilt lookup tables, used as it lies in memory: the analysers' tables are
/// compiled once from their sources (TSV and text files) by `scripts/gen-tables.sh` and read at
/// start-up by mapping the file, with no parsing, hashing or building per entry.
///
/// Layout (little-endian, the byte order of every platform Earshot builds for): the 8-byte
/// ``magic``, the number of sections (UInt64), then one directory entry per section (a name
/// of up to ``nameBytes`` bytes padded with zeros, its offset and its length as UInt64), then the
/// sections, each starting at a multiple of ``alignment`` from the start of the file. A section
/// holds the elements of one table as they lie in memory (see ``TableImageWriter``).
///
/// The image is immutable; its memory (a read-only mapping of the file, or a copy of built
/// bytes) lives as long as the image, so tables that point into it must keep it.
public final class TableImage: @unchecked Sendable {
    /// The first eight bytes of every image.
    public static let magic: [UInt8] = Array("ESTABLE1".utf8)
    /// Sections start at multiples of this many bytes (enough for any table element).
    public static let alignment = 64
    /// The longest section name, in bytes.
    public static let nameBytes = 48
    /// Bytes of one directory entry: the name, the offset and the length.
    static let entryBytes = nameBytes + 16

    private let base: UnsafeRawPointer
    private let byteCount: Int
    /// Whether `base` is a mapping (unmapped on deinit) rather than an allocation (freed).
    private let isMapped: Bool
    /// The sections by name (a few dozen: built once per image).
    private let sections: [String: Range<Int>]
    /// Where the image came from, for error messages.
    public let origin: String

    /// Maps the image file at `path` read-only.
    public convenience init(contentsOfFile path: String) throws(TableImageError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        let size = Int(status.st_size)
        guard size > 0 else { throw .malformed(origin: path, reason: "empty file") }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        do {
            try self.init(base: UnsafeRawPointer(mapping), byteCount: size, isMapped: true, origin: path)
        } catch {
            munmap(mapping, size)
            throw error
        }
    }

    /// An image of `bytes` (as ``TableImageWriter/bytes`` makes them), copied to aligned memory.
    public convenience init(bytes: [UInt8], origin: String) throws(TableImageError) {
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: Self.alignment)
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        do {
            try self.init(base: UnsafeRawPointer(memory), byteCount: bytes.count, isMapped: false, origin: origin)
        } catch {
            memory.deallocate()
            throw error
        }
    }

    private init(base: UnsafeRawPointer, byteCount: Int, isMapped: Bool, origin: String) throws(TableImageError) {
        (self.base, self.byteCount, self.isMapped, self.origin) = (base, byteCount, isMapped, origin)
        let headerBytes = Self.magic.count + 8
        guard byteCount >= headerBytes, UnsafeRawBufferPointer(start: base, count: Self.magic.count).elementsEqual(Self.magic) else {
            throw .malformed(origin: origin, reason: "not a table image (regenerate it with scripts/gen-tables.sh)")
        }
        let count = Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: Self.magic.count, as: UInt64.self)))
        guard count <= (byteCount - headerBytes) / Self.entryBytes else { throw .malformed(origin: origin, reason: "truncated directory") }
        var sections: [String: Range<Int>] = [:]
        sections.reserveCapacity(count)
        for index in 0..<count {
            let entry = headerBytes + index * Self.entryBytes
            let nameField = UnsafeRawBufferPointer(start: base + entry, count: Self.nameBytes)
            let name = String(decoding: nameField.prefix { $0 != 0 }, as: UTF8.self)
            let offset = Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: entry + Self.nameBytes, as: UInt64.self)))
            let length = Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: entry + Self.nameBytes + 8, as: UInt64.self)))
            guard offset % Self.alignment == 0, offset >= 0, length >= 0, offset <= byteCount, length <= byteCount - offset else {
                throw .malformed(origin: origin, reason: "section \(name) lies outside the file")
            }
            sections[name] = offset..<(offset + length)
        }
        self.sections = sections
    }

    deinit {
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), byteCount)
        } else {
            base.deallocate()
        }
    }

    /// The bytes of the section `name`.
    public func section(_ name: String) throws(TableImageError) -> UnsafeRawBufferPointer {
        guard let range = sections[name] else { throw .malformed(origin: origin, reason: "no section \(name)") }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// The section `name` as elements of `type`, which it must hold a whole number of.
    public func elements<Element: BitwiseCopyable>(_ name: String, as type: Element.Type) throws(TableImageError) -> UnsafeBufferPointer<Element> {
        let bytes = try section(name)
        guard bytes.count % MemoryLayout<Element>.stride == 0 else {
            throw .malformed(origin: origin, reason: "section \(name) is not a whole number of \(Element.self)")
        }
        return UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: Element.self), count: bytes.count / MemoryLayout<Element>.stride)
    }

    /// The section `name` as newline-separated UTF-8 strings (as ``TableImageWriter/add(_:strings:)`` writes them).
    public func strings(_ name: String) throws(TableImageError) -> [String] {
        let bytes = try section(name)
        return bytes.isEmpty ? [] : bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Builds the bytes of a ``TableImage``: sections in the order added.
public struct TableImageWriter: Sendable {
    private var sections: [(name: String, bytes: [UInt8])] = []

    /// An empty image.
    public init() {}

    /// Adds a section holding `elements` as they lie in memory.
    public mutating func add<Element: BitwiseCopyable>(_ name: String, elements: [Element]) {
        add(name, bytes: elements.withUnsafeBytes { Array($0) })
    }

    /// Adds a section holding `strings`, separated by newlines (none may contain one).
    public mutating func add(_ name: String, strings: [String]) {
        precondition(!strings.contains { $0.utf8.contains(0x0A) }, "a string of a table image holds a newline")
        add(name, bytes: Array(strings.joined(separator: "\n").utf8))
    }

    /// Adds a section of raw bytes; `name` must be new, and at most ``TableImage/nameBytes`` bytes of UTF-8.
    public mutating func add(_ name: String, bytes: [UInt8]) {
        precondition(name.utf8.count <= TableImage.nameBytes && !name.utf8.contains(0), "invalid section name \(name)")
        precondition(!sections.contains { $0.name == name }, "duplicate section \(name)")
        sections.append((name, bytes))
    }

    /// The image file's bytes.
    public var bytes: [UInt8] {
        func aligned(_ offset: Int) -> Int { (offset + TableImage.alignment - 1) / TableImage.alignment * TableImage.alignment }
        func append(_ value: Int, to output: inout [UInt8]) {
            withUnsafeBytes(of: UInt64(value).littleEndian) { output.append(contentsOf: $0) }
        }
        var output = TableImage.magic
        append(sections.count, to: &output)
        var offset = aligned(output.count + sections.count * TableImage.entryBytes)
        for section in sections {
            output += Array(section.name.utf8) + [UInt8](repeating: 0, count: TableImage.nameBytes - section.name.utf8.count)
            append(offset, to: &output)
            append(section.bytes.count, to: &output)
            offset = aligned(offset + section.bytes.count)
        }
        for section in sections {
            output += [UInt8](repeating: 0, count: aligned(output.count) - output.count)
            output += section.bytes
        }
        return output
    }
}

/// A table image that cannot be used.
public enum TableImageError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case unreadable(path: String, reason: String)
    /// The bytes are not an image, or lack a section a reader needs.
    case malformed(origin: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read table image \(path): \(reason)"
        case let .malformed(origin, reason): "table image \(origin): \(reason)"
        }
    }
}
