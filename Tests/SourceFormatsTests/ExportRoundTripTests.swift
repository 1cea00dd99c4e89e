import EarshotWire
import SourceFormats
import Testing

/// `earshot export` output read back by `earshot import`.
@Suite struct ExportRoundTripTests {
    /// A post view as the query service returns it for export.
    private func exportedView() -> PostView {
        var view = PostView()
        view.post.id = "x:42"
        view.post.platform = .x
        view.post.source = "firehose"
        view.post.author.id = "1001"
        view.post.author.handle = "ann"
        view.post.author.followers = 1200
        view.post.text = "Loving the new phone, truly"
        view.post.createdAtMs = 1_704_448_800_000
        view.post.url = "https://x.com/ann/status/42"
        view.enrichment.language = "en"
        view.scores.priority = 50
        return view
    }

    @Test(arguments: [SourceFormat.auto, .earshot])
    func jsonlLinesGiveTheirPost(format: SourceFormat) throws {
        let view = exportedView()
        // As `earshot export --format jsonl` writes it (InsightsCommands.swift: ProtoJSON.encode(view)).
        let line = ProtoJSON.encode(view)
        var reader = SourceReader(format: format)
        let posts = try reader.read(line: line, lineNumber: 1).get()
        #expect(posts == [view.post])
    }

    @Test func aBlueskyFeedItemIsStillBluesky() throws {
        let view = try #require(try fixture("bluesky.jsonl").split(separator: "\n").first)
        var reader = SourceReader(format: .auto)
        let posts = try reader.read(line: #"{"post":\#(view)}"#, lineNumber: 1).get()
        #expect(posts.first?.platform == .bluesky && posts.first?.source == "bluesky")
    }

    /// The CSV export read back gives the post's own fields, for platform posts and others alike.
    @Test(arguments: [("x:42", Platform.x), ("rss:feed-7", .other), ("csv:9f3a", .other), ("csv:0123456789abcdef", .x)])
    func csvExportsGiveTheirPostBack(id: String, platform: Platform) throws {
        var view = exportedView()
        view.post.id = id
        view.post.platform = platform
        view.post.createdAtMs = 1_704_448_800_123  // milliseconds survive
        view.post.text = "Loving the new phone, truly \"great\"\nsecond line"
        let (posts, rejections) = SourceReader.read(text: CSVExport.header + "\n" + CSVExport.row(view) + "\n", format: .auto)
        #expect(rejections.isEmpty)
        let imported = try #require(posts.first)
        #expect(imported.id == id && imported.platform == platform)
        #expect(imported.author.id == "1001" && imported.author.handle == "ann" && imported.author.followers == 1200)
        #expect(imported.text == view.post.text && imported.url == view.post.url)
        #expect(imported.createdAtMs == view.post.createdAtMs)
    }

    @Test func bareIdsOfOtherSourcesGetTheCSVPrefix() throws {
        let csv = "id,created_at,platform,text\n123,2024-01-05T10:00:00Z,other,hello\n2024:05,2024-01-05T10:00:00Z,,hi\n"
        let (posts, rejections) = SourceReader.read(text: csv, format: .auto)
        #expect(rejections.isEmpty)
        #expect(posts.map(\.id) == ["csv:123", "csv:2024:05"])
    }
}
