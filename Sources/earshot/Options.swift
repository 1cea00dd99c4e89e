import ArgumentParser
import EarshotRPC
import EarshotSecurity
import EarshotWire
import Foundation
import SourceFormats
import ZeroMQ

/// Where the services are, for commands that talk to a running stack.
struct EndpointOptions: ParsableArguments {
    @Option(help: "Ingest RPC endpoint [EARSHOT_INGEST]") var ingest = environment("EARSHOT_INGEST", "tcp://127.0.0.1:5550")
    @Option(help: "Query RPC endpoint [EARSHOT_QUERY]") var query = environment("EARSHOT_QUERY", "tcp://127.0.0.1:5560")
    @Option(help: "RPC deadline in milliseconds") var timeoutMs: Int64 = 10_000
    @OptionGroup var security: SecurityOptions

    func validate() throws {
        CommandLineSecurity.configure(security, servers: [ingest: KeyDirectory.ingestKey, query: KeyDirectory.queryKey])
    }

    /// A client of `endpoint` (one of ``ingest`` and ``query``) with this command's key.
    func client(_ endpoint: String, context: Context, clientName: String) throws -> RPCClient {
        try CommandLineSecurity.client(endpoint, context: context, clientName: clientName)
    }
}

/// How to read posts from a file or standard input, for the commands that read them.
struct PostFormatOptions: ParsableArguments {
    @Option(help: "auto (detect per line), earshot, x, mastodon, reddit, bluesky or csv") var format = SourceFormat.auto
    @Option(name: .customLong("csv-column"), help: "A CSV column for a field, e.g. text=body (repeatable; default: common column names)")
    var csvColumns: [String] = []

    func validate() throws {
        _ = try csvMapping()
    }

    /// A reader for these options; `sourceName` becomes every post's source.
    func reader(sourceName: String? = nil) throws -> SourceReader {
        SourceReader(format: format, csvMapping: try csvMapping(), sourceName: sourceName)
    }

    private func csvMapping() throws -> CSVColumnMapping? {
        do { return csvColumns.isEmpty ? nil : try CSVColumnMapping(parsing: csvColumns) } catch {
            throw ValidationError(error.description)
        }
    }
}

/// A wire enum as a command-line value, named as in the help: every case but `unspecified`.
/// ArgumentParser then rejects other words itself and lists the choices. Options of these
/// types are optional, their default named in the help: ArgumentParser would print a default
/// by its raw number.
protocol WireEnumArgument: ProtoEnum, ExpressibleByArgument {
    /// The word for this case on the command line.
    var argumentName: String { get }
}

extension WireEnumArgument {
    /// By default the case's JSON name ("hour", "engagement").
    var argumentName: String { jsonName }

    /// Also accepts "" and the unspecified case's own name ("any", "unspecified"): no filter,
    /// as scripts passing an empty variable expect.
    public init?(argument: String) {
        let name = argument.lowercased()
        guard let match = Self.allCases.first(where: { $0.argumentName == name || (name.isEmpty && $0.rawValue == 0) }) else { return nil }
        self = match
    }

    public static var allValueStrings: [String] { allCases.filter { $0.rawValue != 0 }.map(\.argumentName) }

    public static var allValueDescriptions: [String: String] { [:] }
}

extension Granularity: WireEnumArgument {}
extension TrendKind: WireEnumArgument {}
extension AuthorOrder: WireEnumArgument {}

extension AlertKind: WireEnumArgument {
    var argumentName: String { topicName }
}

extension AlertSeverity: WireEnumArgument {
    var argumentName: String { name }
}

extension Platform: WireEnumArgument {
    var argumentName: String { name }
}

/// A time range from command-line words.
struct RangeOptions: ParsableArguments {
    @Option(help: "Start: ISO-8601 (2026-11-26T10:00:00Z), a date, Unix ms, or an age like 24h / 7d (ago)") var from: String?
    @Option(help: "End (exclusive), same forms; default: open") var to: String?

    func range() throws -> TimeRange {
        TimeRange(fromMs: try from.map(parseTime) ?? 0, toMs: try to.map(parseTime) ?? 0)
    }
}

/// Parses a time given as Unix ms, ISO-8601, a date, or an age ("15m", "24h", "7d").
func parseTime(_ given: String) throws -> Int64 {
    let text = given.trimmingCharacters(in: .whitespaces)
    if let milliseconds = Int64(text) { return milliseconds }
    if let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 {
        let seconds: Double? = switch unit {
        case "s": amount
        case "m": amount * 60
        case "h": amount * 3_600
        case "d": amount * 86_400
        default: nil
        }
        if let seconds {
            let milliseconds = (Date().timeIntervalSince1970 - seconds) * 1000
            guard milliseconds.isFinite, abs(milliseconds) < 1e15 else { throw ValidationError("'\(text)' is too far back in time") }
            return Int64(milliseconds)
        }
    }
    if let milliseconds = Timestamp.iso8601Milliseconds(text) { return milliseconds }
    throw ValidationError("cannot read '\(text)' as a time: use 2026-11-26T10:00:00Z, 2026-11-26, Unix milliseconds or an age like 24h")
}

/// Formats Unix ms as ISO-8601 UTC.
func formatTime(_ milliseconds: Int64) -> String {
    timeFormatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
}

/// One formatter for every row a command prints or exports (ISO8601DateFormatter is thread-safe).
nonisolated(unsafe) private let timeFormatter: ISO8601DateFormatter = {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter
}()

/// Calls an RPC and turns a failure into a clear message and exit status 1.
func call<Request: ProtoMessage, Response: ProtoMessage>(_ endpoint: String, _ method: String, _ request: Request,
                                                         as type: Response.Type, timeoutMs: Int64) throws -> Response {
    let context = try Context()
    let client = try CommandLineSecurity.client(endpoint, context: context, clientName: "earshot-cli")
    do {
        return try client.call(method, request, as: type, timeoutMilliseconds: timeoutMs)
    } catch {
        printError("earshot: \(method) at \(endpoint) failed: \(error)")
        throw ExitCode(1)
    }
}

/// A plain text table with aligned columns.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            let padding = String(repeating: " ", count: widths[index] - cell.count)
            return index == 0 ? cell + padding : padding + cell
        }.joined(separator: "  ")
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
}

/// Numbers for people: 12,345 and 1.2M.
func humanNumber(_ value: Double) -> String {
    switch abs(value) {
    case 1e9...: return String(format: "%.1fB", value / 1e9)
    case 1e6...: return String(format: "%.1fM", value / 1e6)
    case 1e4...: return String(format: "%.1fk", value / 1e3)
    default: return value == value.rounded() ? String(Int64(value)) : String(format: "%.2f", value)
    }
}

/// Throws a ValidationError naming the first option whose value is not positive.
func requirePositive(_ options: KeyValuePairs<String, Int>) throws {
    for (name, value) in options where value <= 0 {
        throw ValidationError("--\(name) must be positive, got \(value)")
    }
}
