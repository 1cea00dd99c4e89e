/// Calls `body` with the UTF-8 bytes of `text`, lent in place when the string is stored
/// contiguously (native strings are, short ones included), so no copy of the string, and no
/// reference-count round trip on its storage, is made; other strings are copied first.
@inlinable
public func withUTF8Bytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
    if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = text
    return try copy.withUTF8(body)
}
