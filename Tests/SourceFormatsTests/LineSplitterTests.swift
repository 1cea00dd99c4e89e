import Testing
@testable import SourceFormats

struct LineSplitterTests {
    /// All lines of `stream` fed in chunks of `chunkSize` bytes.
    private func lines(of stream: [UInt8], chunkSize: Int, limit: Int = 16) -> [LineSplitter.Line] {
        var splitter = LineSplitter(maximumLineBytes: limit)
        var lines: [LineSplitter.Line] = []
        var offset = 0
        while offset < stream.count {
            splitter.append(stream[offset..<min(offset + chunkSize, stream.count)])
            offset += chunkSize
            while let line = splitter.nextLine(atEnd: false) { lines.append(line) }
        }
        while let line = splitter.nextLine(atEnd: true) { lines.append(line) }
        return lines
    }

    private func text(_ string: String) -> LineSplitter.Line { .text(Array(string.utf8)[...]) }

    @Test(arguments: [1, 2, 3, 7, 64])
    func linesAreTheSameHoweverTheStreamIsCut(chunkSize: Int) {
        let stream = Array("first\r\nsecond\n\nexactly sixteen.\nthis one is far too long for the limit\r\nafter\nlast".utf8)
        #expect(lines(of: stream, chunkSize: chunkSize) == [
            text("first"), text("second"), text(""), text("exactly sixteen."), .tooLong(bytes: 38), text("after"), text("last"),
        ])
    }

    @Test func aLineAtTheLimitIsKept() {
        #expect(lines(of: Array("0123456789abcdef\n".utf8), chunkSize: 5) == [text("0123456789abcdef")])
    }

    /// A line at the limit ending in CRLF, with the chunk cut between "\r" and "\n", is kept.
    @Test(arguments: [17, 1, 3])
    func aLineAtTheLimitWithCRLFCutBetweenIsKept(chunkSize: Int) {
        #expect(lines(of: Array("0123456789abcdef\r\nxy\n".utf8), chunkSize: chunkSize) == [text("0123456789abcdef"), text("xy")])
    }

    @Test func anUnterminatedOverLongLastLineIsReported() {
        #expect(lines(of: [UInt8](repeating: 0x61, count: 100), chunkSize: 8) == [.tooLong(bytes: 100)])
    }

    @Test func memoryStaysBoundedByTheLimitAndOneChunk() {
        var splitter = LineSplitter(maximumLineBytes: 1_000)
        for _ in 0..<1_000 {
            splitter.append([UInt8](repeating: 0x61, count: 4_096))
            #expect(splitter.nextLine(atEnd: false) == nil)
            #expect(splitter.bufferedBytes <= 1_000 + 4_096)
        }
        splitter.append(Array("\nok\n".utf8))
        #expect(splitter.nextLine(atEnd: false) == .tooLong(bytes: 4_096_000))
        #expect(splitter.nextLine(atEnd: false) == text("ok"))
        #expect(splitter.nextLine(atEnd: true) == nil)
    }

    @Test func emptyStreamHasNoLines() {
        #expect(lines(of: [], chunkSize: 4).isEmpty)
        #expect(lines(of: Array("\n".utf8), chunkSize: 4) == [text("")])
    }
}
