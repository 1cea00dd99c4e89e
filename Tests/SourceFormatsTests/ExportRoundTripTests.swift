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

    @Test func csvExportsMapTheAuthorHandle() throws {
        let view = exportedView()
        let post = view.post
        // ExportFormat.csvHeader and csvRow in InsightsCommands.swift.
        let header = "id,created_at,platform,author_id,author_handle,followers,language,sentiment,compound,reach,engagement,priority,intents,query_ids,hashtags,url,text"
        let row = [post.id, "2024-01-05T10:00:00Z", post.platform.name, post.author.id, post.author.handle, "\(post.author.followers)",
                   "en", "positive", "0.6", "0.1", "0.2", "0.5", "", "", "", post.url, "\"\(post.text)\""].joined(separator: ",")
        let (posts, rejections) = SourceReader.read(text: header + "\n" + row + "\n", format: .auto)
        #expect(rejections.isEmpty)
        let imported = try #require(posts.first)
        #expect(imported.author.handle == "ann")
        #expect(imported.id == "x:42" && imported.platform == .x && imported.text == post.text)
        #expect(imported.createdAtMs == post.createdAtMs && imported.author.followers == 1200 && imported.url == post.url)
    }
}
