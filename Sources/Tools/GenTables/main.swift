// earshot-gen-tables: compiles the analysers' source tables (TSV and text files) into the
// table images that `earshot` maps at start-up. Run by scripts/gen-tables.sh.
//
// Usage: earshot-gen-tables [--check] REPOSITORY_ROOT
// Writes Sources/Analysis/LanguageID/Resources/language-tables.bin and
// Sources/Analysis/Sentiment/Resources/sentiment-tables.bin under REPOSITORY_ROOT from the
// sources in the modules' resource bundles (copies of the same folders, made by the build).
// With --check, writes nothing and exits with status 1 when a committed image differs from
// what its sources compile to.
import Foundation
import LanguageID
import Sentiment

var arguments = Array(CommandLine.arguments.dropFirst())
let checking = arguments.first == "--check"
if checking { arguments.removeFirst() }
guard arguments.count == 1 else {
    FileHandle.standardError.write(Data("usage: earshot-gen-tables [--check] REPOSITORY_ROOT\n".utf8))
    exit(2)
}
let root = URL(fileURLWithPath: arguments[0])

let images: [(path: String, compile: () throws -> [UInt8])] = [
    ("Sources/Analysis/LanguageID/Resources/\(LanguageTables.fileName)", { LanguageTables.compile() }),
    ("Sources/Analysis/Sentiment/Resources/\(SentimentTables.fileName)", { try SentimentTables.compile() }),
]
var stale: [String] = []
for image in images {
    let url = root.appendingPathComponent(image.path)
    do {
        let bytes = try image.compile()
        if checking {
            if (try? Data(contentsOf: url)) != Data(bytes) { stale.append(image.path) }
        } else {
            // Atomically (a file beside it, renamed over it): processes map these files.
            try Data(bytes).write(to: url, options: .atomic)
            print("wrote \(image.path) (\(bytes.count) bytes)")
        }
    } catch {
        FileHandle.standardError.write(Data("error: \(image.path): \(error)\n".utf8))
        exit(1)
    }
}
if !stale.isEmpty {
    FileHandle.standardError.write(Data("stale compiled tables (run scripts/gen-tables.sh): \(stale.joined(separator: ", "))\n".utf8))
    exit(1)
}
