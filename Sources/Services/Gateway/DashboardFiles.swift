import Foundation
import Hummingbird

/// The web dashboard's static files (Dashboard/: HTML, CSS and JavaScript modules, no build
/// step), served by the gateway at `/` and `/dashboard/<file>`. The files are the target's
/// SwiftPM resources, read once when the gateway starts; the pages use only the /v1 JSON API
/// with the signed-in API token, so serving them needs no token.
struct DashboardFiles: Sendable {
    /// The URL path prefix of every file but the start page.
    static let prefix = "/dashboard/"

    private struct File: Sendable {
        let contentType: String
        let bytes: [UInt8]
    }

    private let files: [String: File]

    /// The files of `directory`; none when it does not exist (the gateway then answers 404 at `/`).
    init(directory: URL?) {
        var files: [String: File] = [:]
        if let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
            for name in names {
                guard let type = Self.contentTypes[(name as NSString).pathExtension],
                      let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
                files[name] = File(contentType: type, bytes: Array(data))
            }
        }
        self.files = files
    }

    /// Where SwiftPM puts the target's resources: the bundle next to the executable.
    static var bundledDirectory: URL? {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidates = [executable.deletingLastPathComponent(), Bundle.main.bundleURL].map {
            $0.appendingPathComponent("Earshot_GatewayService.resources/Dashboard")
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Whether any file was found.
    var isEmpty: Bool { files.isEmpty }

    /// The response for a GET of `path`, or nil when the path is not the dashboard's.
    func response(path: String) -> Response? {
        let name: String
        if path == "/" {
            name = "index.html"
        } else if path.hasPrefix(Self.prefix) {
            name = String(path.dropFirst(Self.prefix.count))
        } else {
            return nil
        }
        guard let file = files[name] else {
            let message = files.isEmpty ? "the dashboard's files are not installed next to the earshot binary"
                                        : "no dashboard file '\(name.prefix(100))'"
            return Gateway.errorResponse(GatewayError(.notFound, message))
        }
        var headers = HTTPFields()
        headers[.contentType] = file.contentType
        headers[.cacheControl] = "no-cache"
        headers[.init("Content-Security-Policy")!] = Self.contentSecurityPolicy
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    /// Only the dashboard's own files and the gateway's API: no inline script, no other origin,
    /// so a post whose text is markup cannot run anything even if it were inserted as HTML.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

    private static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml",
    ]
}
