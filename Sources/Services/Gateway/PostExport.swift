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

    /// The lines of one page, each ending in a newline.
    public func lines(_ page: SearchPostsResponse, viewSchema: MessageSchema) -> [UInt8] {
        var bytes: [UInt8] = []
        for view in page.posts {
            switch self {
            case .csv: bytes += Array(CSVExport.row(view).utf8)
            case .jsonl: bytes += JSONTranslation.responseBody(view, schema: viewSchema)
            }
            bytes.append(0x0A)
        }
        return bytes
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
