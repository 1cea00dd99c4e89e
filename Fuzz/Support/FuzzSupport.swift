// What the fuzz targets in Fuzz/Targets share: libFuzzer's entry points,
// the seed writer, and the checks that turn a silent inconsistency into a
// crash libFuzzer reports. Built only by scripts/fuzz.sh (EARSHOT_FUZZ=1).
import CLibFuzzer
import EarshotWire
import Foundation
import Listening
import PostMatching

/// libFuzzer's side of a target.
public enum FuzzEntry {
    nonisolated(unsafe) private static var handler: (([UInt8]) -> Void)?

    /// Runs libFuzzer's driver (its usual flags and corpus folders) on
    /// `handler`, then exits. With `-write_seeds=DIR` among the arguments,
    /// writes `seeds` (file name → bytes) into DIR instead.
    public static func run(seeds: () -> [(name: String, bytes: [UInt8])], _ handler: @escaping ([UInt8]) -> Void) -> Never {
        let flag = "-write_seeds="
        if let directory = CommandLine.arguments.first(where: { $0.hasPrefix(flag) })?.dropFirst(flag.count) {
            write(seeds(), into: URL(fileURLWithPath: String(directory), isDirectory: true))
            exit(0)
        }
        Self.handler = handler
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzEntry.handler?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
    }

    private static func write(_ seeds: [(name: String, bytes: [UInt8])], into folder: URL) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for seed in seeds {
                try Data(seed.bytes).write(to: folder.appendingPathComponent(seed.name))
            }
        } catch {
            FileHandle.standardError.write(Data("cannot write the seeds into \(folder.path): \(error)\n".utf8))
            exit(1)
        }
    }

    /// A text file of the repository (a fixture to seed from), by its path from the top.
    public static func repositoryFile(_ path: String) -> [UInt8] {
        let top = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        guard let data = FileManager.default.contents(atPath: top.appendingPathComponent(path).path) else {
            fatalError("seed file \(path) is missing")
        }
        return [UInt8](data)
    }
}

/// Checks on decoded messages that the services rely on without checking.
public enum WireChecks {
    /// A message a service re-encodes (a worker passing a batch on) must
    /// encode to bytes that decode to the same message: encoding the decoded
    /// re-encoding gives the same bytes. (Bytes, not `==`: a NaN double is
    /// never equal to itself.)
    public static func assertStableEncoding<M: ProtoMessage>(_ message: M) {
        guard let bytes = try? message.serializedBytes() else { fatalError("cannot encode a decoded \(M.protoName)") }
        guard let decoded = try? M(serializedBytes: bytes) else {
            fatalError("\(M.protoName): its own encoding (\(bytes.count) bytes) does not decode")
        }
        guard let again = try? decoded.serializedBytes(), again == bytes else {
            fatalError("\(M.protoName): encoding is not stable across a decode")
        }
    }

    /// What ingest does with a post it is given: validate it, and if it is
    /// valid, put it on the wire. A valid post must arrive as it was sent
    /// (nothing cut short or changed by the encoding).
    public static func checkPublished(_ post: Post) {
        guard post.validationProblem == nil else { return }
        guard let bytes = try? post.serializedBytes(), let arrived = try? Post(serializedBytes: bytes) else {
            fatalError("a valid post does not survive encoding")
        }
        guard arrived == post else {
            fatalError("a valid post changes on the wire: sent \(post), arrived \(arrived)")
        }
    }
}

/// Documents that the listening targets match queries against (what enrich
/// builds for a post), chosen to hit every field a query can test.
public enum FuzzDocuments {
    public static let all: [MatchableDocument] = [
        MatchableDocument(text: "Acme's new phone is great, but the battery dies fast #acme @acmehelp $ACME https://acme.example/p/1",
                          hashtags: ["acme"], mentions: ["acmehelp"], cashtags: ["acme"], authorHandle: "dana", authorId: "42",
                          urls: ["https://acme.example/p/1"], domains: ["acme.example"], language: "en", platform: "x",
                          source: "x", followers: 12_000, verified: true, emotions: ["joy", "anger"]),
        MatchableDocument(text: "Servicio pésimo, nunca más. ¡Qué vergüenza! 😡", language: "es", platform: "mastodon",
                          source: "mastodon", followers: 3, emotions: ["anger"]),
        MatchableDocument(text: ""),
    ]

    /// Matches `set` against ``all`` and `more`, as enrich does for every post.
    public static func match(_ set: QuerySet, also more: [MatchableDocument] = []) {
        for document in all + more { _ = set.matches(document) }
    }

    /// A query must match a document alone exactly when a ``QuerySet`` holding
    /// it (which skips queries through its index) says it does.
    public static func assertIndexAgrees(_ query: ListeningQuery) {
        let set = QuerySet([(id: "q", query: query)])
        for document in all where query.matches(document) != (set.matches(document) == ["q"]) {
            fatalError("query \(query.source) matches \(document.text) alone: \(query.matches(document)), in a set: \(set.matches(document))")
        }
    }
}
