import SourceFormats
import Testing

@Suite struct CountSeriesCSVTests {
    /// The error `text` is rejected with.
    static func rejection(_ text: String) -> CountSeriesError? {
        do {
            _ = try CountSeriesCSV.read(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsBothTimestampFormsAndTheNegativeColumn() throws {
        let series = try CountSeriesCSV.read("""
            timestamp,value,negative
            2015-02-26 21:42:53,104,3
            2015-02-26T21:47:53Z,100,0
            2015-02-26T23:52:53+02:00,7,7

            """)
        #expect(series.hasNegativeColumn)
        let rows = series.rows
        #expect(rows.map(\.timestampMs) == [1_424_986_973_000, 1_424_987_273_000, 1_424_987_573_000])
        #expect(rows.map(\.value) == [104, 100, 7])
        #expect(rows.map(\.negative) == [3, 0, 7])
        #expect(rows.map(\.line) == [2, 3, 4])
    }

    @Test func columnsInAnyOrderAndEmptySeries() throws {
        #expect(try CountSeriesCSV.read("value,timestamp\n5,2015-02-26 21:42:53\n").rows.map(\.value) == [5])
        #expect(try CountSeriesCSV.read("timestamp,value\n").rows.isEmpty)
        #expect(try !CountSeriesCSV.read("timestamp,value\n").hasNegativeColumn)
    }

    @Test func badInputNamesTheLine() {
        let header = "timestamp,value\n"
        #expect(Self.rejection("")?.description == "line 1: no header: expected a first line like timestamp,value")
        #expect(Self.rejection("time,value\n2015-02-26 21:42:53,1")?.line == 1)
        #expect(Self.rejection("time,value\n")?.problem.contains("missing column \"timestamp\"") == true)
        #expect(Self.rejection("timestamp,count\n")?.problem.contains("missing column \"value\"") == true)
        #expect(Self.rejection(header + "2015-02-26 21:42:53,1\nyesterday,2\n")?.line == 3)
        let unsorted = Self.rejection(header + "2015-02-26 21:42:53,1\n2015-02-26 21:52:53,1\n2015-02-26 21:47:53,1\n")
        #expect(unsorted?.line == 4)
        #expect(unsorted?.problem.contains("is earlier than line 3") == true)
        let duplicate = Self.rejection(header + "2015-02-26 21:42:53,1\n2015-02-26 21:42:53,2\n")
        #expect(duplicate?.line == 3)
        #expect(duplicate?.problem.contains("duplicates") == true)
        #expect(Self.rejection(header + "2015-02-26 21:42:53,-4\n")?.description == "line 2: negative count -4 in column \"value\"")
        #expect(Self.rejection(header + "2015-02-26 21:42:53,2.5\n")?.problem.contains("not a whole count") == true)
        #expect(Self.rejection(header + "2015-02-26 21:42:53\n")?.problem == "1 fields, the header has 2")
        #expect(Self.rejection("timestamp,value,negative\n2015-02-26 21:42:53,2,3\n")?.problem == "negative = 3 exceeds value = 2")
    }
}

@Suite struct CountSeriesCSVBytesTests {
    @Test func crlfLinesQuotesAndSpellingsOfCounts() throws {
        let series = try CountSeriesCSV.read("timestamp,value\r\n\"2015-02-26 21:42:53\", 12 \r\n2015-02-26 21:47:53,3.0\r\n\r\n")
        #expect(series.rows.map(\.value) == [12, 3])
        #expect(series.rows.map(\.line) == [2, 3])
        #expect(CountSeriesCSVTests.rejection("timestamp,value\r\n2015-02-26 21:42:53,x\r\n")?.description == "line 2: value \"x\" is not a whole count")
        #expect(CountSeriesCSVTests.rejection("timestamp,value\n2015-02-26 21:42:53,12345678901234567\n")?.problem.contains("not a whole count") == true)
    }

    @Test func aYearOfLinesIsReadInOrder() throws {
        // 105,120 rows (a year of 5-minute buckets), as the speed benchmark reads them.
        var text = "timestamp,value\n"
        for index in 0..<105_120 {
            text += Timestamp.iso8601String(milliseconds: 1_420_070_400_000 + Int64(index) * 300_000) + ",\(index % 97)\n"
        }
        let rows = try CountSeriesCSV.read(text).rows
        #expect(rows.count == 105_120)
        let last = try #require(rows.last)
        #expect(last.timestampMs == Int64(1_420_070_400_000) + 105_119 * 300_000)
        #expect(rows.last?.value == 105_119 % 97)
        #expect(rows.last?.line == 105_121)
    }
}
