import Foundation
import Testing
@testable import GatewayService

@Suite struct DashboardFilesTests {
    private static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Services/Gateway/Dashboard")

    private func folder(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    @Test func servesTheStartPageAndItsFilesWithAStrictPolicy() throws {
        let directory = try folder(["index.html": "<!doctype html>", "app.js": "export {}", "notes.txt": "private"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = DashboardFiles(directory: directory)
        let start = try #require(files.response(path: "/"))
        #expect(start.status.code == 200)
        #expect(start.headers[.contentType] == "text/html; charset=utf-8")
        #expect(start.headers[.init("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
        #expect(files.response(path: "/dashboard/app.js")?.headers[.contentType] == "text/javascript; charset=utf-8")
        // Only known kinds of files, only by their own name; the API's paths are not the dashboard's.
        #expect(files.response(path: "/dashboard/notes.txt")?.status.code == 404)
        #expect(files.response(path: "/dashboard/../index.html")?.status.code == 404)
        #expect(files.response(path: "/v1/overview") == nil)
        #expect(files.response(path: "/healthz") == nil)
    }

    @Test func withoutItsFilesTheStartPageSaysSo() {
        let files = DashboardFiles(directory: URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)"))
        #expect(files.isEmpty)
        #expect(files.response(path: "/")?.status.code == 404)
    }

    /// The pages put text in as text nodes and need no inline script or style (the policy forbids both).
    @Test func thePagesNeitherParseMarkupNorUseInlineCode() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path)
        #expect(names.contains("index.html") && names.contains("app.js"))
        for name in names {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(name), encoding: .utf8)
            for forbidden in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "style="] {
                #expect(!text.contains(forbidden), "\(name) uses \(forbidden)")
            }
            if name.hasSuffix(".html") {
                #expect(!text.contains("<script>") && !text.contains("<style"), "\(name) has inline script or style")
            }
        }
    }
}
