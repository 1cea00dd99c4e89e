import Foundation
import Testing
import TextBytes

@Suite("Table images")
struct TableImageTests {
    @Test("sections read back as written, aligned, in a mapped file as in memory")
    func roundTrip() throws {
        var writer = TableImageWriter()
        writer.add("numbers", elements: [UInt64(1), 2, 3])
        writer.add("codes", strings: ["en", "de", ""])
        writer.add("empty", elements: [UInt32]())
        writer.add("bytes", bytes: [7])
        let bytes = writer.bytes
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("table-image-\(UUID().uuidString).bin")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for image in [try TableImage(bytes: bytes, origin: "memory"), try TableImage(contentsOfFile: file.path)] {
            #expect(Array(try image.elements("numbers", as: UInt64.self)) == [1, 2, 3])
            #expect(try image.strings("codes") == ["en", "de", ""])
            #expect(try image.elements("empty", as: UInt32.self).isEmpty)
            #expect(Array(try image.section("bytes")) == [7])
            for name in ["numbers", "codes", "bytes"] {
                #expect(Int(bitPattern: try image.section(name).baseAddress) % TableImage.alignment == 0)
            }
            #expect(throws: TableImageError.self) { try image.section("missing") }
            #expect(throws: TableImageError.self) { try image.elements("bytes", as: UInt64.self) }
        }
        #expect(writer.bytes == bytes, "the same sections give the same bytes")
    }

    @Test("truncated, foreign and missing files are reported, not read")
    func badImages() throws {
        var writer = TableImageWriter()
        writer.add("numbers", elements: [UInt64(1), 2, 3])
        let bytes = writer.bytes
        #expect(throws: TableImageError.self) { try TableImage(bytes: Array(bytes.prefix(80)), origin: "truncated") }
        #expect(throws: TableImageError.self) { try TableImage(bytes: Array(bytes.prefix(12)), origin: "header only") }
        #expect(throws: TableImageError.self) { try TableImage(bytes: Array("not an image at all".utf8), origin: "text") }
        #expect(throws: TableImageError.self) { try TableImage(contentsOfFile: "/nonexistent/tables.bin") }
    }
}
