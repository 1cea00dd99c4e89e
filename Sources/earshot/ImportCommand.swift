import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation
import Launcher
import SourceFormats
import ZeroMQ

extension SourceFormat: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Publish posts from a file or a live stream through ingest.",
        discussion: """
            Reads X API v2, Mastodon, Reddit (Pushshift), Bluesky, CSV or Earshot JSON, one record per line, \
            detected per line or forced with --format (docs/SOURCE-FORMATS.md). Every rejected line is reported \
            with its number and reason (and written to --rejects) and counted against the source in ingest's \
            source health; nothing else is dropped. Reading - lets a connector pipe into it.
            """
    )

    @Argument(help: "The file, or - for standard input") var file: String
    @OptionGroup var postFormat: PostFormatOptions
    @Option(help: "Source name for every post (default: the post's own, else the format's name)") var source: String?
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
            guard FileManager.default.createFile(atPath: rejects, contents: nil), let sink = FileHandle(forWritingAtPath: rejects) else {
                printError("earshot import: cannot write the rejects file \(rejects)")
                throw ExitCode(1)
            }
            rejectSink = sink
        }
        let context = try Context()
        let client = try endpoints.client(endpoints.ingest, context: context, clientName: "earshot-import")
        let publisher = Publisher(client: client, timeoutMilliseconds: endpoints.timeoutMs)
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
        var reader = try postFormat.reader(sourceName: source)
        // Rejected lines by the source the input's posts get (nil: no format recognised yet).
        var rejectedBySource: [String?: Int64] = [:]
        func reject(_ rejection: SourceRejection, input: String) {
            progress.rejected += 1
            rejectedBySource[reader.postSource, default: 0] += 1
            printError("line \(rejection.line): rejected: \(rejection.reason)")
            rejectSink?.write(Data((#"{"line":\#(rejection.line),"reason":\#(jsonString(rejection.reason)),"input":\#(jsonString(input))}"# + "\n").utf8))
        }
        var lines = LineReader(input)
        // From a live stream (a pipe), what was read is published before waiting for more, so
        // posts do not sit in a half-full batch; a file is read in full batches.
        let waitsForInput = !lines.readsRegularFile
        var publishError: (any Error)?
        while let line = lines.next(beforeReading: {
            guard waitsForInput, publishError == nil else { return }
            do { try flush() } catch { publishError = error }
        }) {
            if let publishError { throw publishError }
            progress.lines += 1
            guard case .text(let bytes) = line else {
                if case .tooLong(let count) = line {
                    if let open = reader.skip(lineNumber: progress.lines) { reject(open, input: "") }
                    reject(SourceRejection(line: progress.lines, reason: LineReader.tooLongReason(bytes: count)), input: "")
                }
                continue
            }
            let text = String(decoding: bytes, as: UTF8.self)
            switch reader.read(line: text, lineNumber: progress.lines) {
            case .success(let posts): pending += posts
            case .failure(let rejection): reject(rejection, input: text)
            }
            if pending.count >= batchSize { try flush() }
        }
        if let publishError { throw publishError }
        if let rejection = reader.finish() { reject(rejection, input: "") }
        try flush()
        try lines.checkReadToEnd()
        progress.report(final: true)
        guard progress.rejected > 0 else { return }
        // Lines rejected before any format was recognised count against the one recognised last.
        let counts = Dictionary(rejectedBySource.map { ($0.key ?? reader.postSource ?? "", $0.value) }, uniquingKeysWith: +)
        for (source, count) in counts.sorted(by: { $0.key < $1.key }) {
            recordRejections(count, source: source, client: client)
        }
        throw ExitCode(2)
    }

    /// Counts rejected lines against `source` in ingest's source health (best effort: a failure only warns).
    private func recordRejections(_ count: Int64, source: String, client: RPCClient) {
        var request = RecordRejectionsRequest()
        request.source = source
        request.count = count
        do {
            _ = try client.call(SourcesMethod.recordRejections, request, as: RecordRejectionsResponse.self,
                                timeoutMilliseconds: endpoints.timeoutMs)
        } catch {
            printError("earshot import: could not report the rejected lines to ingest's source health: \(error)")
        }
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
        FileHandle.standardError.write(Data(("\r" + summary + (final ? "\n" : "")).utf8))
    }
}

/// A JSON string literal for `text`.
func jsonString(_ text: String) -> String {
    let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
}

/// Lines of a file handle, read in 64 KB chunks (no whole-file buffering; see `LineSplitter`):
/// a trailing CR is dropped, a last line without a newline is still a line, and a line over
/// ``maximumLineBytes`` comes as `.tooLong` rather than filling memory.
struct LineReader: Sequence, IteratorProtocol {
    /// Longer lines are reported, not kept: far above any post (a Mastodon HTML post is at
    /// most a few hundred KB), low enough that a file without newlines cannot exhaust memory.
    static let maximumLineBytes = 4 << 20

    private let handle: FileHandle
    private var splitter = LineSplitter(maximumLineBytes: maximumLineBytes)
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    private var atEnd = false

    init(_ handle: FileHandle) { self.handle = handle }

    /// Whether the input is a regular file (all of it there), rather than a pipe or terminal.
    var readsRegularFile: Bool {
        var status = stat()
        return fstat(handle.fileDescriptor, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Why a line of `bytes` bytes was not read.
    static func tooLongReason(bytes: Int) -> String {
        LineSplitter.tooLongReason(bytes: bytes, limit: maximumLineBytes)
    }

    mutating func next() -> LineSplitter.Line? {
        next(beforeReading: {})
    }

    /// The next line; `beforeReading` runs whenever no whole line is left in memory and the
    /// reader is about to read (and perhaps wait for) more input, the moment to act on the
    /// lines already returned.
    mutating func next(beforeReading: () -> Void) -> LineSplitter.Line? {
        while true {
            if let line = splitter.nextLine(atEnd: atEnd) { return line }
            if atEnd { return nil }
            beforeReading()
            let count = readChunk()
            if count == 0 { atEnd = true } else { splitter.append(chunk[..<count]) }
        }
    }

    /// Why reading stopped before the end of the input, if it did.
    private(set) var readFailure: String?

    /// Stops the command with exit status 1 when the input could not be read to its end, after
    /// whatever was read has been handled.
    func checkReadToEnd() throws {
        guard let readFailure else { return }
        printError("earshot: the input could not be read to its end: \(readFailure)")
        throw ExitCode(1)
    }

    /// Reads what the input has, up to one chunk, waiting only until some bytes arrive (unlike
    /// `FileHandle.readData(ofLength:)`, which waits for the whole length on a pipe); 0 at the
    /// end. A read error ends the input and is kept in ``readFailure``.
    private mutating func readChunk() -> Int {
        let descriptor = handle.fileDescriptor
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return count }
            if errno == EINTR { continue }
            readFailure = String(cString: strerror(errno))
            return 0
        }
    }
}
