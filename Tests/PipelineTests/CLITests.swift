import Foundation
import Testing

/// The earshot command line as a user runs it: a real process, standard input and output.
@Suite struct CommandLineTests {
    /// `analyze` reads lines in batches and answers each one, in order, even those it cannot read.
    @Test func analyzeAnswersEveryLineInOrderAcrossBatches() throws {
        var lines = (0..<150).map { $0 % 10 == 3 ? "" : "line \($0): what a great day #n\($0)" }
        lines[70] = String(repeating: "a", count: 5_000_000)  // over the 4 MiB line limit
        let result = try runEarshot(["analyze"], input: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0)
        let output = result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(output.count == lines.count)
        for (index, line) in output.enumerated() {
            if index == 70 {
                #expect(line == #"{"error":"line of 5000000 bytes is longer than the 4194304-byte limit"}"#)
            } else if index % 10 == 3 {
                #expect(line == #"{"error":"empty line"}"#)
            } else {
                #expect(line.contains(#""hashtags":["n\#(index)"]"#), "line \(index): \(line)")
            }
        }
    }

    /// `analyze --format` reads posts as import does, uses their language hints and HTML, and
    /// answers each record in its place, a rejected line with its number and reason.
    @Test func analyzeReadsPostsOfASourceFormat() throws {
        let status = #"{"id":"ID","created_at":"2026-01-01T10:00:00.000Z","url":"https://mastodon.social/@a/ID","language":"LANG","content":"TEXT","account":{"id":"1","acct":"a"}}"#
        func post(_ id: String, _ language: String, _ text: String) -> String {
            status.replacingOccurrences(of: "ID", with: id).replacingOccurrences(of: "LANG", with: language)
                .replacingOccurrences(of: "TEXT", with: text)
        }
        let input = [
            post("101", "es", "<p>Me encanta este café, qué maravilla &amp; qué buen servicio</p>"),
            "{broken",
            post("102", "de", "<p>Das war leider ein schrecklicher Abend</p>"),
            post("103", "ja", "<p>この映画は最高😍</p>"),
        ].joined(separator: "\n") + "\n"
        let result = try runEarshot(["analyze", "--format", "mastodon"], input: input)
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == 4)
        #expect((lines[0]?["id"] as? String)?.hasSuffix(":101") == true && lines[0]?["lang"] as? String == "es")
        #expect(lines[0]?["sentiment_model"] as? String == "es")
        #expect((lines[0]?["sentiment"] as? [String: Any])?["label"] as? String == "positive")
        #expect((lines[1]?["error"] as? String)?.hasPrefix("line 2: ") == true)
        #expect((lines[2]?["id"] as? String)?.hasSuffix(":102") == true && lines[2]?["sentiment_model"] as? String == "de")
        #expect((lines[2]?["sentiment"] as? [String: Any])?["label"] as? String == "negative")
        #expect(lines[3]?["sentiment_model"] as? String == "emoji")

        let csv = "id,text,lang,created_at\n1,\"Ce film est vraiment génial, j'adore\",fr,2026-01-05T10:00:00Z\n2,\"open quote\n"
        let fromCSV = try runEarshot(["analyze", "--format", "csv"], input: csv)
        let csvLines = fromCSV.output.split(separator: "\n")
        #expect(csvLines.count == 2)
        #expect(csvLines.first?.contains(#""id":"csv:1","lang":"fr""#) == true)
        #expect(csvLines.first?.contains(#""sentiment_model":"fr""#) == true)
        #expect(csvLines.last?.contains(#""error":"line 3: "#) == true)

        let both = try runEarshot(["analyze", "--jsonl", "--format", "x"])
        #expect(both.status == 64)
    }

    /// Options naming a wire enum take its names and list them when given anything else.
    @Test func enumOptionsRejectUnknownNamesWithTheChoices() throws {
        let granularity = try runEarshot(["ask", "timeseries", "--granularity", "week"])
        #expect(granularity.status == 64)
        #expect(granularity.errors.contains("'minute', 'hour' or 'day'"))
        let kind = try runEarshot(["alerts", "list", "--kind", "2"])
        #expect(kind.status == 64)
        #expect(kind.errors.contains("'volume', 'negative' or 'anger'"))
    }

    /// `import` refuses what it cannot do before reading a line, and says why.
    @Test func importRefusesUnusableArgumentsClearly() throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-cli-\(UUID().uuidString).jsonl")
        try Data("{}\n".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let rejects = try runEarshot(["import", input.path, "--rejects", "/nonexistent/dir/rejects.jsonl", "--timeout-ms", "200"])
        #expect(rejects.status == 1 && rejects.errors.contains("cannot write the rejects file /nonexistent/dir/rejects.jsonl"))
        let batch = try runEarshot(["import", input.path, "--batch-size", "0"])
        #expect(batch.status == 64 && batch.errors.contains("--batch-size must be between 1 and 10000"))
        let missing = try runEarshot(["import", input.path + ".missing", "--timeout-ms", "200"])
        #expect(missing.status == 1 && missing.errors.contains("cannot open"))
    }

    /// A slow producer (`tail -f … | earshot analyze`) gets each answer while the input stays
    /// open, not after a batch or a read buffer fills.
    @Test func analyzeAnswersALineBeforeTheInputEnds() throws {
        let process = Process()
        process.executableURL = earshotBinary
        process.arguments = ["analyze"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        defer {
            try? stdin.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        stdin.fileHandleForWriting.write(Data("what a great day\n".utf8))
        var descriptor = pollfd(fd: stdout.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
        let answered = poll(&descriptor, 1, 20_000) == 1
        #expect(answered, "no answer within 20 s while the input is open")
        guard answered else { return }
        let answer = String(decoding: stdout.fileHandleForReading.availableData, as: UTF8.self)
        #expect(answer.hasPrefix(#"{"lang":"en""#) && answer.hasSuffix("\n"))
    }

    /// Input that cannot be read to its end (here a directory) ends with a message and status 1,
    /// not with a clean exit that would pass for all of it.
    @Test func analyzeFailsWhenItsInputCannotBeRead() throws {
        let process = Process()
        process.executableURL = earshotBinary
        process.arguments = ["analyze"]
        process.standardInput = try #require(FileHandle(forReadingAtPath: FileManager.default.temporaryDirectory.path))
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(errors.contains("could not be read to its end"))
    }
}
