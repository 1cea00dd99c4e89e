import ArgumentParser
import EarshotRPC
import EarshotWire
import Foundation
import SampleData
import SourceFormats
import TextAnalysis

struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Call Health/Check on a service; exit 0 when SERVING (for container health checks).")
    @Option(help: "The service's RPC endpoint") var endpoint = environment("EARSHOT_HEALTH_ENDPOINT", "tcp://127.0.0.1:5550")
    @Option(help: "Deadline in milliseconds") var timeoutMs: Int64 = 2_000
    @Option(help: "Key name of the service at the endpoint: ingest, query or worker [EARSHOT_HEALTH_SERVER]")
    var server = environment("EARSHOT_HEALTH_SERVER", "ingest")
    @OptionGroup var security: SecurityOptions

    func validate() throws {
        CommandLineSecurity.configure(security, servers: [endpoint: server])
    }

    func run() throws {
        let response = try call(endpoint, HealthMethod.check, HealthCheckRequest(), as: HealthCheckResponse.self, timeoutMs: timeoutMs)
        print("\(response.serviceName) \(response.instance): \(response.status.jsonName)")
        if response.status != .serving { throw ExitCode(1) }
    }
}

struct AnalyzeCLI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyse texts or posts: one JSON object per input line or record, in order.",
        discussion: """
            Reads plain-text lines (default), Earshot JSONL posts (--jsonl), or posts in any format import reads \
            (--format x, mastodon, reddit, bluesky, csv, earshot or auto; docs/SOURCE-FORMATS.md), using their \
            language hints, from FILE or standard input. Each output line has lang, sentiment (null when \
            unavailable), sentiment_model, hashtags, mentions, urls, domains, cashtags and emoji; a line or record \
            that cannot be read gets an error field instead (with --format: "line N: reason"), in its place.
            """
    )
    @Flag(help: "Input lines are Earshot JSON posts") var jsonl = false
    @Option(help: "Language for texts that would be und and fit it (lang_source prior); empty = none [EARSHOT_DEFAULT_LANGUAGE]")
    var defaultLanguage = environment("EARSHOT_DEFAULT_LANGUAGE", "")
    @Option(help: "Read posts in this format, as import does: auto, earshot, x, mastodon, reddit, bluesky or csv")
    var format: SourceFormat?
    @Option(name: .customLong("csv-column"), help: "With --format csv: a CSV column for a field, e.g. text=body (repeatable)")
    var csvColumns: [String] = []
    @Argument(help: "The file to read (default: standard input)") var file: String = "-"

    func validate() throws {
        if jsonl && format != nil { throw ValidationError("--jsonl and --format exclude each other (--jsonl is --format earshot's fast path)") }
        if !csvColumns.isEmpty && format == nil { throw ValidationError("--csv-column needs --format csv or auto") }
    }

    func run() throws {
        guard let input = file == "-" ? FileHandle.standardInput : FileHandle(forReadingAtPath: file) else {
            printError("earshot analyze: cannot open \(file)")
            throw ExitCode(1)
        }
        var lines = LineReader(input)
        if let format {
            let mapping: CSVColumnMapping?
            do { mapping = csvColumns.isEmpty ? nil : try CSVColumnMapping(parsing: csvColumns) } catch {
                throw ValidationError(error.description)
            }
            try analyzePosts(&lines, reader: SourceReader(format: format, csvMapping: mapping))
        } else {
            try analyzeLines(&lines, format: jsonl ? .jsonPost : .plainText)
        }
    }

    private func analyzeLines(_ lines: inout LineReader, format: AnalyzeCommand.InputFormat) throws {
        let analyzer = TextAnalyzer(defaultLanguage: defaultLanguage)
        var output: [UInt8] = []
        output.reserveCapacity(1 << 17)
        var batch: [ArraySlice<UInt8>] = []
        batch.reserveCapacity(AnalyzeCommand.batchSize)
        func analyzeBatch() {
            AnalyzeCommand.appendOutputLines(for: batch, format: format, analyzer: analyzer, to: &output)
            batch.removeAll(keepingCapacity: true)
        }
        func writeOutput() {
            FileHandle.standardOutput.write(Data(output))
            output.removeAll(keepingCapacity: true)
        }
        // Before the reader waits for more input, the lines read so far are answered: a slow
        // producer (`tail -f … | earshot analyze`) gets its answers without waiting for a full
        // batch, and the batch never holds on to a buffer the reader is about to replace.
        while let line = lines.next(beforeReading: { analyzeBatch(); writeOutput() }) {
            switch line {
            case .text(let bytes): batch.append(bytes)
            case .tooLong(let count):
                // Keep the output aligned: the lines before it, then its error line.
                analyzeBatch()
                AnalyzeCommand.appendErrorLine(LineReader.tooLongReason(bytes: count), to: &output)
            }
            if batch.count == AnalyzeCommand.batchSize { analyzeBatch() }
            if output.count > 1 << 16 { writeOutput() }
        }
        analyzeBatch()
        FileHandle.standardOutput.write(Data(output))
        try lines.checkReadToEnd()
    }

    /// One output line per record the source reader yields: each post's analysis (its text,
    /// language hint and HTML flag; its id copied), each rejected line's "line N: reason".
    private func analyzePosts(_ lines: inout LineReader, reader initial: SourceReader) throws {
        var reader = initial
        let analyzer = TextAnalyzer(defaultLanguage: defaultLanguage)
        var output: [UInt8] = []
        var records: [AnalyzeCommand.Record] = []
        var lineNumber = 0
        func analyzeBatch() {
            AnalyzeCommand.appendOutputLines(for: records, analyzer: analyzer, to: &output)
            records.removeAll(keepingCapacity: true)
        }
        func writeOutput() {
            FileHandle.standardOutput.write(Data(output))
            output.removeAll(keepingCapacity: true)
        }
        func reject(_ rejection: SourceRejection) {
            records.append(.rejected("line \(rejection.line): \(rejection.reason)"))
        }
        while let line = lines.next(beforeReading: { analyzeBatch(); writeOutput() }) {
            lineNumber += 1
            switch line {
            case .tooLong(let count):
                if let open = reader.skip(lineNumber: lineNumber) { reject(open) }
                reject(SourceRejection(line: lineNumber, reason: LineReader.tooLongReason(bytes: count)))
            case .text(let bytes):
                switch reader.read(line: String(decoding: bytes, as: UTF8.self), lineNumber: lineNumber) {
                case .success(let posts):
                    for post in posts {
                        let input = TextInput(post.text, languageHint: post.languageHint.isEmpty ? nil : post.languageHint,
                                              isHTML: post.textIsHtml)
                        records.append(.post(input, rawID: post.id.isEmpty ? nil : jsonString(post.id)))
                    }
                case .failure(let rejection): reject(rejection)
                }
            }
            if records.count >= AnalyzeCommand.batchSize { analyzeBatch() }
            if output.count > 1 << 16 { writeOutput() }
        }
        if let rejection = reader.finish() { reject(rejection) }
        analyzeBatch()
        FileHandle.standardOutput.write(Data(output))
        try lines.checkReadToEnd()
    }
}


struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write a realistic sample stream of posts as Earshot JSONL.")
    @Option(help: "How many posts") var count = 10_000
    @Option(help: "Random seed (the same seed gives the same stream)") var seed: UInt64 = 42
    @Option(help: "Spread created_at over this many hours, ending now") var hours = 24

    func run() throws {
        let span = Int64(max(1, hours)) * 3_600_000
        var stream = SampleStream(seed: seed, startMs: wallClockMilliseconds() - span, spanMs: span, expectedCount: max(1, count))
        var output = Data()
        for _ in 0..<max(0, count) {
            output.append(contentsOf: ProtoJSON.encode(stream.next()).utf8)
            output.append(0x0A)
            if output.count > 1 << 16 {
                FileHandle.standardOutput.write(output)
                output.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardOutput.write(output)
    }
}
