import EarshotWire
import SourceFormats

/// `/v1/export.csv` and `/v1/export.jsonl`: every post a search finds, streamed a page
/// of ``pageSize`` posts at a time (the gateway holds one page, whatever the export's size).
/// CSV rows are `earshot export --format csv`'s (``CSVExport``, which `earshot import`
/// reads back); JSON lines are the `PostView`s as /v1/posts shows them.
public enum PostExport: String, Sendable, CaseIterable {
    case csv, jsonl

    /// Posts asked of the query service per call.
    public static let pageSize: Int32 = 500
    /// The search parameters an export does not take (it pages by itself).
    public static let pagingFields: Set<String> = ["pageSize", "pageToken"]

    public var path: String { "/v1/export.\(rawValue)" }
    public var contentType: String { self == .csv ? "text/csv; charset=utf-8" : "application/x-ndjson" }

    /// The bytes before the first page: the CSV header line.
    public var preamble: [UInt8] { self == .csv ? Array((CSVExport.header + "\n").utf8) : [] }

    /// One page of an export: its lines, each ending in a newline, and the token of the next page ("" after the last).
    public struct Page: Sendable {
        public var lines: [UInt8]
        public var nextPageToken: String
    }

    /// The page of an encoded SearchPostsResponse: JSON lines written by `json` (a PostView writer)
    /// straight from the decoded protobuf-c struct, or CSV rows; INTERNAL when it does not decode.
    public func page(_ response: [UInt8], json: MessageJSONWriter) throws(GatewayError) -> Page {
        let page = CStructReader.withUnpacked(SearchPostsResponse.cDescriptor, response) { message in
            let page = message.assumingMemoryBound(to: SearchPostsResponse.CStruct.self).pointee
            var lines: [UInt8] = []
            lines.reserveCapacity(response.count * 2)
            for index in 0..<page.n_posts {
                guard let view = page.posts[index] else { continue }
                switch self {
                case .csv: lines += Array(CSVExport.row(PostView(cStruct: view)).utf8)
                case .jsonl: json.write(UnsafeRawPointer(view), into: &lines)
                }
                lines.append(0x0A)
            }
            return Page(lines: lines, nextPageToken: CStructReader.string(page.next_page_token))
        }
        guard let page else { throw GatewayError(.internal, "cannot decode a page of posts from the query service (\(response.count) bytes)") }
        return page
    }

    /// The search of an export request: its query parameters as for /v1/posts, paging refused.
    public static func request(query: [(name: String, value: String)], schema: MessageSchema) throws(GatewayError) -> SearchPostsRequest {
        if let paging = query.first(where: { pagingFields.contains($0.name) }) {
            throw GatewayError(.invalidArgument, "an export pages by itself; drop the query parameter '\(paging.name)'")
        }
        var request = try JSONTranslation.request(SearchPostsRequest.self, schema: schema, body: [], query: query)
        request.pageSize = pageSize
        return request
    }
}
