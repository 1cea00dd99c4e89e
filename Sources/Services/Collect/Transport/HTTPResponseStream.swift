import Collectors
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Why a source's connection ended or failed; shown in its health and log, never holding a credential.
public struct CollectError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// What the server asked to wait with `Retry-After` (429 or 503), if it did.
    public var retryAfterSeconds: Double?

    public init(_ message: String, retryAfterSeconds: Double? = nil) {
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { message }
}

/// One HTTP request whose response body arrives in chunks as the server sends it (an event
/// stream never ends), read by a collector's thread with timeouts. URLSession does the HTTP
/// and TLS; at most ``maximumBufferedBytes`` wait unread (the server is then slowed down).
final class HTTPResponseStream: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    /// What the connection delivered, in order.
    enum Piece {
        case head(status: Int, headers: [String: String])
        case body(Data)
        case end((any Error)?)
    }

    static let maximumBufferedBytes = 8 << 20

    private let condition = NSCondition()
    private var pieces: [Piece] = []
    private var bufferedBytes = 0
    private var cancelled = false
    /// Whether the head was delivered (by the response callback, or taken from the task when
    /// body bytes or the end came first).
    private var headSent = false
    private var session: URLSession?
    private let address: String
    /// Whether the reader gave up (its source stopped): waits then end early.
    private let stopRequested: @Sendable () -> Bool

    /// Starts `method url` with `headers` and `body`; `stop` says when a wait should end early.
    init(url: URL, headers: [String: String], method: String = "GET", body: Data? = nil, stop: @escaping @Sendable () -> Bool) {
        stopRequested = stop
        address = "\(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
        super.init()
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = 24 * 3600
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        // The collector keeps its own silence deadline; URLSession's must not cut a quiet stream.
        configuration.timeoutIntervalForRequest = request.timeoutInterval
        configuration.timeoutIntervalForResource = 30 * 24 * 3600
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: queue)
        self.session = session
        session.dataTask(with: request).resume()
    }

    /// The next piece, waiting at most `timeoutSeconds`; nil when nothing came in that time
    /// (or the reader stopped).
    func next(timeoutSeconds: Double) -> Piece? {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        condition.lock()
        defer { condition.unlock() }
        while pieces.isEmpty {
            if Date() >= deadline || stopRequested() { return nil }
            _ = condition.wait(until: min(deadline, Date().addingTimeInterval(0.25)))
        }
        let piece = pieces.removeFirst()
        if case .body(let data) = piece { bufferedBytes -= data.count }
        condition.broadcast()
        return piece
    }

    /// The status and headers, or an error naming the address when the connection failed first.
    func head(timeoutSeconds: Double) throws(CollectError) -> (status: Int, headers: [String: String]) {
        switch next(timeoutSeconds: timeoutSeconds) {
        case .head(let status, let headers)?: return (status, headers)
        case .end(let error)?: throw CollectError("cannot connect to \(address): \(error.map(Self.describe) ?? "closed before the response")")
        case .body?, nil: throw CollectError("no response from \(address) within \(Int(timeoutSeconds)) s")
        }
    }

    /// Stops the request; the stream can no longer be read.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
        session?.invalidateAndCancel()
        session = nil
    }

    /// A failure as one line (TLS failures included), e.g. "An SSL error has occurred…".
    static func describe(_ error: any Error) -> String {
        let error = error as NSError
        return "\(error.localizedDescription) (\(error.domain) \(error.code))"
    }

    private func push(_ piece: Piece, task: URLSessionTask) {
        condition.lock()
        if case .head = piece {
            if headSent { condition.unlock(); return }
            headSent = true
        } else if !headSent, let response = task.response {
            headSent = true
            pieces.append(Self.head(response))
        }
        if case .body(let data) = piece {
            while bufferedBytes > Self.maximumBufferedBytes && !cancelled { condition.wait() }
            bufferedBytes += data.count
        }
        if !cancelled { pieces.append(piece) }
        condition.broadcast()
        condition.unlock()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        push(Self.head(response), task: dataTask)
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        push(.body(data), task: dataTask)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        push(.end(error), task: task)
    }

    /// The status and headers (names in lower case) of `response`.
    private static func head(_ response: URLResponse) -> Piece {
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return .head(status: http?.statusCode ?? 0, headers: headers)
    }
}

extension HTTPResponseStream: RelayedStream {
    func nextPiece(timeoutSeconds: Double) -> RelayPiece<Data>? {
        switch next(timeoutSeconds: timeoutSeconds) {
        case nil: nil
        case .head?: .activity
        case .body(let data)?: .chunk(data)
        case .end(let error)?: .end(error.map(Self.describe) ?? "the server closed the stream")
        }
    }
}

extension HTTPResponseStream {
    /// The most body bytes ``fetch(_:headers:silenceSeconds:accepting:)`` keeps (a REST page, a feed).
    static let maximumBodyBytes = 16 << 20

    /// Throws for a status not in `accepted`: with the `Retry-After` wait for 429 and 503.
    static func check(_ head: (status: Int, headers: [String: String]), what: String, accepted: Set<Int> = [200]) throws(CollectError) {
        guard !accepted.contains(head.status) else { return }
        let retryAfter = head.headers["retry-after"].flatMap { RetryAfter.seconds($0, now: Date()) }
        throw CollectError("\(what) answered HTTP \(head.status)", retryAfterSeconds: [429, 503].contains(head.status) ? retryAfter : nil)
    }

    /// The status, headers and whole body of `method url` (at most ``maximumBodyBytes``), for a status in `accepted`.
    static func fetch(_ url: URL, headers: [String: String], silenceSeconds: Double, accepting accepted: Set<Int> = [200],
                      method: String = "GET", body requestBody: Data? = nil, stop: @escaping @Sendable () -> Bool)
        throws(CollectError) -> (status: Int, headers: [String: String], body: Data) {
        let stream = HTTPResponseStream(url: url, headers: headers, method: method, body: requestBody, stop: stop)
        defer { stream.cancel() }
        let head = try stream.head(timeoutSeconds: silenceSeconds)
        try check(head, what: url.path, accepted: accepted)
        var body = Data()
        while true {
            switch stream.next(timeoutSeconds: silenceSeconds) {
            case .body(let data)?:
                body.append(data)
                guard body.count <= maximumBodyBytes else { throw CollectError("\(url.path) sent over \(maximumBodyBytes) bytes") }
            case .end(nil)?: return (head.status, head.headers, body)
            case .end(let error?)?: throw CollectError("\(url.path): \(describe(error))")
            case .head?: continue
            case nil: throw CollectError(stop() ? "stopped" : "\(url.path) sent nothing for \(Int(silenceSeconds)) s")
            }
        }
    }
}

extension URL {
    /// This address with `path` and `query` in place of its own.
    func replacing(path: String, query: [(String, String)]) -> URL? {
        guard var components = URLComponents(url: self, resolvingAgainstBaseURL: false) else { return nil }
        components.path = (components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path) + path
        components.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.url
    }
}
