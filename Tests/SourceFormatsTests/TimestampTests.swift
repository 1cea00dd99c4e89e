@testable import SourceFormats
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        "2024-02-29T23:59:59.999Z", "2024-01-05T10:00:00Z", "1999-12-31T23:00:00-05:00", "2024-06-10T14:20:00.123456Z",
        "1970-01-01T00:00:00Z", "2038-01-19T03:14:08+00:00",
    ])
    func agreesWithFoundation(iso: String) {
        #expect(Timestamp.iso8601Milliseconds(iso) == milliseconds(iso))
    }

    @Test func acceptsCommonVariants() {
        #expect(Timestamp.iso8601Milliseconds("2024-01-05") == 1_704_412_800_000)
        #expect(Timestamp.iso8601Milliseconds("2024-01-05 10:00:00") == 1_704_448_800_000)
        #expect(Timestamp.iso8601Milliseconds("2024-01-05T12:00+0200") == 1_704_448_800_000)
        #expect(Timestamp.iso8601Milliseconds("2024-01-05T10:00:00.5Z") == 1_704_448_800_500)
    }

    @Test(arguments: ["2024-02-30", "2023-02-29T00:00:00Z", "2024-13-01", "2024-01-05T24:00:01Z", "2024-01-05T10:00:00Q", "05/01/2024", ""])
    func rejectsImpossibleDates(text: String) {
        #expect(Timestamp.iso8601Milliseconds(text) == nil)
    }

    @Test func unixSecondsAndMillisecondsAreTold() {
        #expect(Timestamp.unixMilliseconds("1704448800") == 1_704_448_800_000)
        #expect(Timestamp.unixMilliseconds("1704448800.25") == 1_704_448_800_250)
        #expect(Timestamp.unixMilliseconds("1704448800000") == 1_704_448_800_000)
        #expect(Timestamp.unixMilliseconds("-5") == nil)
        #expect(Timestamp.unixMilliseconds("soon") == nil)
    }

    /// Writing a time and reading it back gives the same millisecond, across leap days,
    /// century years and times before 1970.
    @Test func iso8601StringReadsBackExactly() {
        var generator = SystemRandomNumberGenerator()
        let fixed: [Int64] = [0, -1, 951_782_400_000, 4_107_542_399_999, -62_135_596_800_000, 1_704_448_800_123]
        for milliseconds in fixed + (0..<2_000).map({ _ in Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &generator) }) {
            let text = Timestamp.iso8601String(milliseconds: milliseconds)
            #expect(Timestamp.iso8601Milliseconds(text) == milliseconds, "\(milliseconds) → \(text)")
        }
        #expect(Timestamp.iso8601String(milliseconds: 951_782_400_000) == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp.iso8601String(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
    }

    @Test func endOfDayIsTheNextMidnight() {
        #expect(Timestamp.iso8601Milliseconds("2026-11-26T24:00:00Z") == Timestamp.iso8601Milliseconds("2026-11-27T00:00:00Z"))
        #expect(Timestamp.iso8601Milliseconds("2026-11-26T24:00Z") == Timestamp.iso8601Milliseconds("2026-11-27T00:00:00Z"))
        #expect(Timestamp.iso8601Milliseconds("2026-11-26T24:00:01Z") == nil)
        #expect(Timestamp.iso8601Milliseconds("2026-11-26T24:30:00Z") == nil)
    }
}
