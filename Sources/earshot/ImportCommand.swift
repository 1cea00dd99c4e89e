import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import ZeroMQ

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Publish a JSON Lines file of Earshot posts through ingest.",
        discussion: "One post per line in Earshot's JSON form (the fields of earshot.v1.Post, camelCase or snake_case). Bad lines are reported with their number and skipped; nothing else is dropped."
    )

    @Argument(help: "The file, or - for standard input") var file: String
    @Option(help: "Write rejected lines (with the reason) to this JSONL file") var rejects: String?
    @Option(help: "Posts per PublishBatch call") var batchSize = 500
    @OptionGroup var endpoints: EndpointOptions

    func validate() throws {
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 10000") }
    }

    func run() throws {
        guard let input = file == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: file) else {
            printError("earshot import: cannot open \(file)")
            throw ExitCode(1)
        }
        var rejectSink: FileHandle?
        if let rejects {
            FileManager.default.createFile(atPath: rejects, contents: nil)
            rejectSink = FileHandle(forWritingAtPath: rejects)
        }
        let context = try Context()
        let publisher = Publisher(client: try RPCClient(endpoint: endpoints.ingest, context: context, clientName: "earshot-import"))
        var progress = ImportProgress()
        var pending: [Post] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            do {
                let (accepted, duplicates) = try publisher.publish(pending)
                progress.accepted += accepted
                progress.duplicates += duplicates
            } catch {
                printError("\nearshot import: ingest at \(endpoints.ingest) refused a batch: \(error). \(progress.summary)")
                throw ExitCode(1)
            }
            pending.removeAll(keepingCapacity: true)
            progress.report(final: false)
        }
        for line in LineReader(input) {
            progress.lines += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                let post = try ProtoJSON.decode(Post.self, from: Data(trimmed.utf8))
                if let problem = post.validationProblem { throw ProtoJSON.DecodingProblem(path: "", message: problem) }
                pending.append(post)
            } catch {
                progress.rejected += 1
                printError("line \(progress.lines): rejected: \(error)")
                rejectSink?.write(Data((#"{"line":\#(progress.lines),"reason":\#(jsonString("\(error)")),"input":\#(jsonString(line))}"# + "\n").utf8))
            }
            if pending.count >= batchSize { try flush() }
        }
        try flush()
        progress.report(final: true)
        if progress.rejected > 0 { throw ExitCode(2) }
    }
}

/// Counts of an import, printed as it goes.
struct ImportProgress {
    var lines = 0, accepted = 0, duplicates = 0, rejected = 0
    private var lastReport = Date.distantPast

    var summary: String { "\(lines) lines: \(accepted) accepted, \(duplicates) duplicate, \(rejected) rejected" }

    mutating func report(final: Bool) {
        guard final || Date().timeIntervalSince(lastReport) >= 1 else { return }
        lastReport = Date()
        FileHandle.standardError.write(Data(((final ? "\r" : "\r") + summary + (final ? "\n" : "")).utf8))
    }
}

/// A JSON string literal for `text`.
func jsonString(_ text: String) -> String {
    let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
}

/// Lines of a file handle, read in chunks (no whole-file buffering).
struct LineReader: Sequence, IteratorProtocol {
    private let handle: FileHandle
    private var buffer = Data()
    private var atEnd = false

    init(_ handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = buffer[buffer.startIndex..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                buffer = Data(buffer[(newline + 1)...])
                return String(decoding: line, as: UTF8.self)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                return String(decoding: buffer, as: UTF8.self)
            }
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { atEnd = true } else { buffer.append(chunk) }
        }
    }
}
