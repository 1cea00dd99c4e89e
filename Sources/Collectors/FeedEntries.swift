import EarshotWire
import Foundation
import SourceFormats
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A feed that could not be read as RSS or Atom.
public struct FeedProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The entries of an RSS 2.0 or Atom 1.0 feed as posts with platform `web`: title and
/// body as HTML, the entry's link as its address, its guid (or id, or link) naming the post so
/// that an entry seen again on the next poll is a duplicate in ingest. Entries without a
/// usable id or body are rejected with a reason; the others are kept.
public enum FeedEntries {
    /// The posts of `document`, fetched from `feedURL`; an entry without a date gets `nowMs`.
    public static func posts(in document: Data, feedURL: URL, sourceName: String, nowMs: Int64) throws(FeedProblem) -> (posts: [Post], rejected: [String]) {
        let reader = FeedXMLReader()
        let parser = XMLParser(data: document)
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse() else {
            throw FeedProblem("not well-formed XML at line \(parser.lineNumber): \(parser.parserError.map { ($0 as NSError).localizedDescription } ?? "unknown error")")
        }
        // libxml2 accepts a document cut short (its SAX mode reports no error for unclosed elements).
        guard reader.openElements == 0 else { throw FeedProblem("the document ends inside an element: cut short?") }
        guard let kind = reader.kind else { throw FeedProblem("neither an RSS <rss>/<rdf:RDF> nor an Atom <feed> document") }
        var posts: [Post] = []
        var rejected: [String] = []
        for (index, entry) in reader.entries.enumerated() {
            switch post(entry, kind: kind, feedURL: feedURL, sourceName: sourceName, nowMs: nowMs) {
            case .success(let post): posts.append(post)
            case .failure(let problem): rejected.append("entry \(index + 1): \(problem.description)")
            }
        }
        return (posts, rejected)
    }

    private static func post(_ entry: [String: String], kind: FeedXMLReader.Kind, feedURL: URL, sourceName: String, nowMs: Int64) -> Result<Post, FeedProblem> {
        let link = entry["link"].flatMap { URL(string: $0, relativeTo: feedURL)?.absoluteString } ?? ""
        let identity = entry["guid"] ?? entry["id"] ?? ""
        let key: String
        if !identity.isEmpty {
            // A guid that is not an address ("1234") is only unique within its feed.
            key = identity.contains("://") || identity.hasPrefix("urn:") || identity.hasPrefix("tag:") ? identity : "\(feedURL.absoluteString)#\(identity)"
        } else if !link.isEmpty {
            key = link
        } else {
            return .failure(FeedProblem("no guid, id or link"))
        }
        let title = entry["title"] ?? ""
        let body = entry["content"] ?? entry["description"] ?? entry["summary"] ?? ""
        guard !(title + body).allSatisfy(\.isWhitespace) else { return .failure(FeedProblem("no title and no text")) }
        var post = Post()
        post.id = "web:\(key)"
        post.platform = .web
        post.source = sourceName
        post.url = link
        post.text = (title.isEmpty ? "" : "<p>\(escapedHTML(title))</p>") + body
        post.textIsHtml = true
        let dateText = entry["published"] ?? entry["updated"] ?? entry["pubDate"] ?? entry["date"]
        post.createdAtMs = dateText.flatMap(milliseconds) ?? nowMs
        post.author.handle = entry["author"] ?? feedURL.host ?? ""
        if let problem = post.validationProblem { return .failure(FeedProblem(problem)) }
        return .success(post)
    }

    /// An RFC 822 date (RSS) or an ISO 8601 one (Atom, Dublin Core) as Unix ms.
    static func milliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let iso = Timestamp.iso8601Milliseconds(trimmed) { return iso }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["EEE, dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm:ss zzz", "dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm Z"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: trimmed) { return Int64(date.timeIntervalSince1970 * 1000) }
        }
        return nil
    }

    private static func escapedHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Collects the fields of each `<item>` (RSS) or `<entry>` (Atom) by local element name.
private final class FeedXMLReader: NSObject, XMLParserDelegate {
    enum Kind { case rss, atom }

    private(set) var kind: Kind?
    private(set) var entries: [[String: String]] = []
    private var current: [String: String]?
    /// The field being read inside an entry, and its text so far.
    private var field: (name: String, depth: Int)?
    private var text = ""
    private var depth = 0
    /// Elements opened and not closed yet (0 after a whole document).
    var openElements: Int { depth }
    /// Longest text kept per field; a longer one is cut (bounded memory per entry).
    private static let maximumFieldCharacters = 1 << 20
    private static let fields: Set<String> = ["title", "link", "guid", "id", "description", "summary", "content", "encoded",
                                              "pubDate", "published", "updated", "date", "author", "creator"]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        let local = name.split(separator: ":").last.map(String.init) ?? name
        if depth == 1 {
            kind = local == "feed" ? .atom : (local == "rss" || local == "RDF") ? .rss : nil
            return
        }
        if local == "item" || local == "entry" {
            current = [:]
            return
        }
        guard current != nil, field == nil, Self.fields.contains(local) else { return }
        // An Atom link is an attribute; the alternate (or first) one is the entry's address.
        if local == "link", let href = attributes["href"] {
            if current?["link"] == nil || attributes["rel"] == "alternate" { current?["link"] = href }
            return
        }
        field = (local, depth)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard field != nil, text.count < Self.maximumFieldCharacters else { return }
        text += string
    }

    func parser(_ parser: XMLParser, foundCDATA block: Data) {
        guard field != nil, text.count < Self.maximumFieldCharacters else { return }
        text += String(decoding: block, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        defer { depth -= 1 }
        let local = name.split(separator: ":").last.map(String.init) ?? name
        if let open = field, open.depth == depth {
            let key = switch open.name {
            case "encoded": "content"
            case "creator": "author"
            default: open.name
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !value.isEmpty, current?[key] == nil { current?[key] = value }
            field = nil
            return
        }
        if local == "item" || local == "entry", let entry = current {
            entries.append(entry)
            current = nil
        }
    }
}
