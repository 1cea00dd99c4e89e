import EarshotWire
import SourceFormats

/// What `earshot import` does with a file, without the publishing: lines cut
/// by a ``LineSplitter`` (a small line limit, so the too-long path is hit),
/// read by a ``SourceReader``, and every post it accepts validated and put
/// on the wire as ingest would.
public enum SourceImport {
    public static let maximumLineBytes = 4096

    public static func read(_ bytes: [UInt8], format: SourceFormat) {
        var splitter = LineSplitter(maximumLineBytes: maximumLineBytes)
        var reader = SourceReader(format: format)
        splitter.append(bytes)
        var lineNumber = 0
        while let line = splitter.nextLine(atEnd: true) {
            lineNumber += 1
            switch line {
            case .tooLong:
                _ = reader.skip(lineNumber: lineNumber)
            case .text(let text):
                if case .success(let posts) = reader.read(line: String(decoding: text, as: UTF8.self), lineNumber: lineNumber) {
                    for post in posts { WireChecks.checkPublished(post) }
                }
            }
        }
        _ = reader.finish()
        _ = reader.postSource
    }

    /// The named fixture files of Tests/SourceFormatsTests/Fixtures.
    public static func seeds(_ files: [String]) -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for file in files {
            let bytes = FuzzEntry.repositoryFile("Tests/SourceFormatsTests/Fixtures/\(file)")
            seeds.append((file, bytes))
        }
        return seeds
    }
}
