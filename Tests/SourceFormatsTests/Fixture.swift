import Foundation
import SourceFormats
import EarshotWire

/// The text of a file in Fixtures/, next to this source file.
func fixture(_ name: String) throws -> String {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    return try String(contentsOf: url, encoding: .utf8)
}

/// Reads a fixture file in `format`.
func readFixture(_ name: String, format: SourceFormat, csvMapping: CSVColumnMapping? = nil) throws -> (posts: [Post], rejections: [SourceRejection]) {
    SourceReader.read(text: try fixture(name), format: format, csvMapping: csvMapping)
}

/// The Unix milliseconds of an ISO-8601 time, computed by Foundation for comparison.
func milliseconds(_ iso: String) -> Int64 {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let date = formatter.date(from: iso) ?? ISO8601DateFormatter().date(from: iso)!
    return Int64((date.timeIntervalSince1970 * 1000).rounded())
}

/// Why `line`, read alone with auto-detection, is rejected; nil if it is accepted.
func autoRejection(of line: String, lineNumber: Int) -> SourceRejection? {
    var reader = SourceReader(format: .auto)
    guard case .failure(let rejection) = reader.read(line: line, lineNumber: lineNumber) else { return nil }
    return rejection
}
