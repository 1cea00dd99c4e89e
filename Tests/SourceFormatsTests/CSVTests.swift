import EarshotWire
import SourceFormats
import Testing

@Suite struct CSVTests {
    @Test func quotedCommasDoubledQuotesAndLineBreaks() throws {
        let (posts, rejections) = try readFixture("posts.csv", format: .csv)
        #expect(rejections.isEmpty)
        #expect(posts.map(\.text) == ["Hello, world", "She said \"wow\" twice", "line one\nline two, still text\nline three", "No id here"])
        #expect(posts.map(\.createdAtMs) == [1_704_448_800_000, 1_704_448_800_000, 1_704_448_800_000, 1_704_454_200_000])
    }

    @Test func columnsMapByCommonNames() throws {
        let posts = try readFixture("posts.csv", format: .csv).posts
        let first = posts[0]
        #expect(first.id == "x:1" && first.platform == .x, "twitter is X")
        #expect(first.author.handle == "ann", "leading @ dropped")
        #expect(first.engagement.likes == 5 && first.engagement.reposts == 1)
        #expect(first.author.followers == 1200, "thousands separators")
        #expect(first.languageHint == "en")
        #expect(first.source == "csv")
        #expect(posts[1].id == "csv:2" && posts[1].platform == .other)
        #expect(posts[2].id == "mastodon:3" && posts[2].engagement.likes == 2)
        #expect(posts[3].id.hasPrefix("csv:") && posts[3].id.count == 20, "a content hash stands in for a missing id")
    }

    @Test func missingIdsHashTheSameContentTheSameWay() throws {
        let text = "text,date\nsame,2024-01-01\nsame,2024-01-01\nother,2024-01-01\n"
        let ids = SourceReader.read(text: text, format: .csv).posts.map(\.id)
        #expect(ids.count == 3 && ids[0] == ids[1] && ids[0] != ids[2])
    }

    @Test func explicitMappingWinsAndSemicolonsAreDetected() throws {
        let text = "Nachricht;Zeit;Wer;Text\nHallo, Welt;2024-03-01T00:00:00Z;jo;ignored\n"
        let mapping = try CSVColumnMapping(parsing: ["text=Nachricht", "created_at=zeit", "author=Wer"])
        let (posts, rejections) = SourceReader.read(text: text, format: .csv, csvMapping: mapping, sourceName: "export")
        #expect(rejections.isEmpty)
        #expect(posts.first?.text == "Hallo, Welt" && posts.first?.author.handle == "jo" && posts.first?.source == "export")
    }

    @Test func mappingFlagsAreChecked() {
        #expect(throws: CSVColumnMapping.ParseError.self) { try CSVColumnMapping(parsing: ["words=Body"]) }
        #expect(throws: CSVColumnMapping.ParseError.self) { try CSVColumnMapping(parsing: ["text"]) }
        let missing = SourceReader.read(text: "a,b\n1,2\n", format: .csv, csvMapping: CSVColumnMapping([.text: "Body"]))
        #expect(missing.rejections.map(\.line) == [1, 2])
        #expect(missing.rejections.first?.reason == "CSV header has no column \"Body\" (mapped to text); its columns are a, b")
        #expect(missing.rejections.last?.reason == "no usable CSV header (see line 1)")
    }

    @Test func badRowsAreRejectedOnTheirFirstLine() {
        let text = """
        text,created_at,likes
        "ok",2024-01-01,1
        "two
        lines",not a date,1
        too,many,fields,here
        "x"y,2024-01-01,1
        fine,2024-01-01,lots
        ,2024-01-01,1
        "never closed,2024-01-01,1
        """
        let (posts, rejections) = SourceReader.read(text: text, format: .csv)
        #expect(posts.map(\.text) == ["ok"])
        #expect(rejections.map(\.line) == [3, 5, 6, 7, 8, 9])
        #expect(rejections[0].reason == "CSV created_at \"not a date\" is not an ISO-8601 date or Unix seconds or milliseconds")
        #expect(rejections[1].reason == "CSV row has 4 fields but the header has 3")
        #expect(rejections[2].reason == "CSV line 6 has text after a closing quote at column 4")
        #expect(rejections[3].reason == "CSV likes \"lots\" is not a whole number")
        #expect(rejections[4].reason == "CSV row with empty text")
        #expect(rejections[5].reason == "CSV record starting on this line has a quote that is never closed")
    }

    @Test func autoSwitchesToCSVOnAHeaderLine() throws {
        let (posts, rejections) = SourceReader.read(text: try fixture("posts.csv"), format: .auto)
        #expect(rejections.isEmpty)
        #expect(posts.count == 4)
        let notCSV = SourceReader.read(text: "hello there\n", format: .auto)
        #expect(notCSV.rejections.first?.reason.hasPrefix("not JSON") == true)
    }

    @Test func aStreamedRecordYieldsItsPostOnTheClosingLine() {
        var reader = SourceReader(format: .csv)
        #expect(reader.read(line: "text,created_at", lineNumber: 1) == .success([]))
        #expect(reader.read(line: "\"first half", lineNumber: 2) == .success([]))
        #expect(reader.read(line: "", lineNumber: 3) == .success([]))
        let posts = try? reader.read(line: "second half\",1704448800", lineNumber: 4).get()
        #expect(posts?.first?.text == "first half\n\nsecond half")
        #expect(reader.finish() == nil)
    }

    @Test func aByteOrderMarkBeforeTheHeaderIsIgnored() {
        let (posts, rejections) = SourceReader.read(text: "\u{FEFF}Text,Date\nhi,2024-01-01\n", format: .auto)
        #expect(rejections.isEmpty && posts.first?.text == "hi")
    }

    @Test func aQuoteLeftOpenCannotSwallowTheInput() {
        var reader = SourceReader(format: .csv)
        _ = reader.read(line: "text,created_at", lineNumber: 1)
        _ = reader.read(line: "\"open", lineNumber: 2)
        let long = String(repeating: "a", count: 1 << 20)
        #expect(reader.read(line: long, lineNumber: 3)
                == .failure(SourceRejection(line: 2, reason: "CSV record is longer than 1048576 bytes (is a quote left open?)")))
        #expect((try? reader.read(line: "after,2024-01-01", lineNumber: 4).get())?.first?.text == "after")
    }

    /// A line that could not be read inside a quoted field rejects that record instead of
    /// completing it with a piece missing; the records after it are read as usual.
    @Test func aSkippedLineRejectsTheRecordItWouldHaveContinued() throws {
        var reader = SourceReader(format: .csv)
        _ = reader.read(line: "id,created_at,text", lineNumber: 1)
        #expect(try reader.read(line: #"1,2024-01-05T10:00:00Z,"starts here"#, lineNumber: 2).get().isEmpty)
        let skipped = reader.skip(lineNumber: 3)
        let rejection = try #require(skipped)
        #expect(rejection.line == 2 && rejection.reason.contains("line 3"))
        let next = try reader.read(line: "2,2024-01-05T10:00:00Z,fine", lineNumber: 4).get()
        #expect(next.map(\.text) == ["fine"])
        let nothingOpen = reader.skip(lineNumber: 5)
        #expect(nothingOpen == nil)  // no record open: nothing to reject
    }
}
