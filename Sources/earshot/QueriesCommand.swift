import ArgumentParser
import EarshotRPC
import EarshotWire
import EnrichService
import Foundation
import Listening
import PostMatching
import SourceFormats
import TextAnalysis

/// `earshot queries`: manage listening queries on the query service, and try
/// a query locally before saving it.
struct QueriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries", abstract: "Manage listening queries (what Earshot listens for).",
        discussion: "The query language is described in docs/QUERY-LANGUAGE.md. Changes reach every enrich worker within 2 seconds.",
        subcommands: [Add.self, List.self, Update.self, Remove.self, Validate.self, Test.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Save a new listening query.")
        @Option(help: "Name, unique within the group") var name: String
        @Option(help: "Group (project): a brand and its competitors") var group = ""
        @Flag(help: "Also match the posts already stored (progress in `queries list`)") var backfill = false
        @Argument(help: "The query, e.g. '\"acme phone\" OR #acme NOT jobs'") var query: String
        @OptionGroup var endpoints: EndpointOptions
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            try requireValid(query)
            var request = CreateQueryRequest()
            request.name = name
            request.group = group
            request.query = query
            request.backfill = backfill
            try save(ListeningMethod.createQuery, request, endpoints: endpoints, json: json, done: "created")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the listening queries.")
        @Option(help: "Only this group") var group = ""
        @OptionGroup var endpoints: EndpointOptions
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            var request = ListQueriesRequest()
            request.group = group
            let response = try call(endpoints.query, ListeningMethod.listQueries, request, as: ListQueriesResponse.self, timeoutMs: endpoints.timeoutMs)
            if json {
                print(ProtoJSON.encode(response))
                return
            }
            print(table(["id", "group", "name", "backfill", "updated (UTC)", "query"], response.queries.map { saved in
                [saved.id, saved.group, saved.name, saved.backfillState.isEmpty ? "-" : saved.backfillState, formatTime(saved.updatedAtMs), saved.query]
            }))
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a query's name, group or text.")
        @Argument(help: "The query id (q-…)") var id: String
        @Option(help: "New name") var name = ""
        @Option(help: "New group") var group = ""
        @Option(help: "New query text") var query = ""
        @OptionGroup var endpoints: EndpointOptions
        @Flag(help: "Print JSON") var json = false

        func run() throws {
            guard !(name.isEmpty && group.isEmpty && query.isEmpty) else { throw ValidationError("give at least one of --name, --group, --query") }
            if !query.isEmpty { try requireValid(query) }
            var request = UpdateQueryRequest()
            request.id = id
            request.name = name
            request.group = group
            request.query = query
            try save(ListeningMethod.updateQuery, request, endpoints: endpoints, json: json, done: "updated")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete a query with its matches and aggregates.")
        @Argument(help: "The query id (q-…)") var id: String
        @OptionGroup var endpoints: EndpointOptions

        func run() throws {
            var request = DeleteQueryRequest()
            request.id = id
            _ = try call(endpoints.query, ListeningMethod.deleteQuery, request, as: DeleteQueryResponse.self, timeoutMs: endpoints.timeoutMs)
            print("deleted \(id)")
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a query's syntax (no service needed).")
        @Argument(help: "The query") var query: String

        func run() throws {
            try requireValid(query)
            print("valid")
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test", abstract: "Print the lines of standard input that a query matches.",
            discussion: """
                Standard input holds posts in any format `import` reads (Earshot JSON, X, Mastodon, Reddit, Bluesky, \
                CSV; detected per line or forced with --format), analysed as the enrich stage does, so hashtags, \
                mentions and language are found. A JSON line with a "text" but no "id" is a MatchableDocument \
                ({"text": "…", "hashtags": […], "followers": 1200}). A line matches when any of its posts does.
                """
        )
        @Argument(help: "The query") var query: String
        @OptionGroup var postFormat: PostFormatOptions

        func run() throws {
            let compiled: ListeningQuery
            do { compiled = try ListeningQuery.parse(query) } catch {
                printError(QueryTester.diagnose(query) ?? error.description)
                throw ExitCode(1)
            }
            let analyzer = TextAnalyzer()
            var posts = try postFormat.reader()
            var lineNumber = 0, lines = 0, matched = 0, unreadable = 0
            var reader = LineReader(FileHandle.standardInput)
            while let readLine = reader.next() {
                lineNumber += 1
                guard case .text(let bytes) = readLine else {
                    if case .tooLong(let count) = readLine {
                        unreadable += 1
                        if let open = posts.skip(lineNumber: lineNumber) { printError("line \(open.line): skipped: \(open.reason)") }
                        printError("line \(lineNumber): skipped: \(LineReader.tooLongReason(bytes: count))")
                    }
                    continue
                }
                let line = String(decoding: bytes, as: UTF8.self)
                guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                let documents: [MatchableDocument]
                if postFormat.format == .auto, let document = matchableDocument(line) {
                    documents = [document]
                } else {
                    switch posts.read(line: line, lineNumber: lineNumber) {
                    case .success(let found): documents = found.map { MatchableDocument(post: $0, analyzer: analyzer) }
                    case .failure(let rejection):
                        lines += 1
                        unreadable += 1
                        printError("line \(rejection.line): skipped: \(rejection.reason)")
                        continue
                    }
                }
                // A CSV header, or a line that a CSV record continues past, holds no post.
                guard !documents.isEmpty else { continue }
                lines += 1
                if documents.contains(where: compiled.matches) {
                    matched += 1
                    print(line)
                }
            }
            if let rejection = posts.finish() {
                unreadable += 1
                printError("line \(rejection.line): skipped: \(rejection.reason)")
            }
            printError("\(matched) of \(lines) lines match" + (unreadable > 0 ? " (\(unreadable) unreadable)" : ""))
            try reader.checkReadToEnd()
        }
    }
}

/// Sends a create or update and prints the saved query ("created q-3", or its JSON).
private func save<Request: ProtoMessage>(_ method: String, _ request: Request, endpoints: EndpointOptions, json: Bool, done: String) throws {
    let saved = try call(endpoints.query, method, request, as: SavedQuery.self, timeoutMs: endpoints.timeoutMs)
    print(json ? ProtoJSON.encode(saved) : "\(done) \(saved.id)")
}

/// Prints the query with a caret under its mistake and exits 1 when it does not parse.
private func requireValid(_ query: String) throws {
    guard let problem = QueryTester.diagnose(query) else { return }
    printError(problem)
    throw ExitCode(1)
}

/// A JSON line with a "text" but no "id" as a MatchableDocument, else nil (a post, read by the source reader).
private func matchableDocument(_ line: String) -> MatchableDocument? {
    let data = Data(line.utf8)
    guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
          object["id"] == nil, object["text"] != nil else { return nil }
    return try? JSONDecoder().decode(MatchableDocument.self, from: data)
}
