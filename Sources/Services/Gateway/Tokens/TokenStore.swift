import Foundation
import Synchronization

/// The API token file as the running gateway sees it: read again when its inode (the file is
/// replaced by a rename), modification time or size changed, checked with one `stat` per
/// request (made before the lock is taken, so requests do not queue behind each other's system
/// call), so `earshot tokens create` and `revoke` take effect at once, without a restart.
/// A file that becomes unreadable keeps the tokens read last and is reported once.
public final class TokenStore: Sendable {
    public let path: String
    private struct State {
        var tokens = APITokens()
        /// The tokens found valid since the file was read, by id: a token seen again is compared
        /// (in constant time) with the one checked, not hashed again. At most one per entry.
        var checked: [String: (token: [UInt8], entry: APITokens.Entry)] = [:]
        var stamp: Stamp?
        var lastProblem: String?
    }
    private struct Stamp: Equatable { var inode: UInt64; var modified: Double; var size: Int }
    private let state = Mutex(State())
    private let report: @Sendable (String) -> Void

    /// Reads `path` now; `report` hears of a file that cannot be read (then and on later reloads).
    public init(path: String, report: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.report = report
        let stamp = currentStamp()
        state.withLock { reload(&$0, stamp: stamp, force: true) }
    }

    /// The entry of `token`, from the file as it is now.
    public func entry(token: String) -> APITokens.Entry? {
        let stamp = currentStamp()
        return state.withLock { state in
            reload(&state, stamp: stamp, force: false)
            guard let id = APITokens.id(of: token) else { return nil }
            let presented = Array(token.utf8)
            if let checked = state.checked[String(id)], APITokens.sameBytes(checked.token, presented) { return checked.entry }
            guard let entry = state.tokens.entry(token: token) else { return nil }
            state.checked[String(id)] = (presented, entry)
            return entry
        }
    }

    /// Whether the file had any token when last read.
    public var isEmpty: Bool { state.withLock { $0.tokens.entries.isEmpty } }

    /// The file's stamp now, or nil when there is no file. stat(2) directly: this runs on every
    /// request, and FileManager builds a dictionary of every attribute.
    private func currentStamp() -> Stamp? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return Stamp(inode: UInt64(status.st_ino), modified: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9,
                     size: Int(status.st_size))
    }

    /// Brings `state` up to the file whose stamp is `stamp` (read before the lock was taken). A
    /// request whose stamp is older than the state's only reads the file once more: the file is
    /// always read under the lock, so the tokens are never older than the stamp kept with them.
    private func reload(_ state: inout State, stamp: Stamp?, force: Bool) {
        guard let stamp else {
            if state.stamp != nil || force { problem(&state, "\(path): no API token file (create a token with `earshot tokens create`)") }
            state.stamp = nil
            state.tokens = APITokens()
            state.checked = [:]
            return
        }
        if !force, state.stamp == stamp { return }
        do {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            state.tokens = try APITokens(parsing: text, path: path)
            state.checked = [:]
            state.stamp = stamp
            state.lastProblem = nil
        } catch {
            problem(&state, "\(error); keeping the \(state.tokens.entries.count) tokens read before")
        }
    }

    private func problem(_ state: inout State, _ message: String) {
        guard state.lastProblem != message else { return }
        state.lastProblem = message
        report(message)
    }
}
