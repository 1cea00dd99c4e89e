import Foundation
import Synchronization

/// The API token file as the running gateway sees it: read again when its modification
/// time or size changed (checked at most once a second), so `earshot tokens create` and
/// `revoke` take effect without a restart. A file that becomes unreadable keeps the
/// tokens read last and is reported once.
public final class TokenStore: Sendable {
    public let path: String
    private struct State {
        var tokens = APITokens()
        var stamp: (modified: Double, size: Int)?
        var checkedAt: UInt64 = 0
        var lastProblem: String?
    }
    private let state = Mutex(State())
    private let report: @Sendable (String) -> Void

    /// Reads `path` now; `report` hears of a file that cannot be read (then and on later reloads).
    public init(path: String, report: @escaping @Sendable (String) -> Void) {
        self.path = path
        self.report = report
        state.withLock { reload(&$0, now: DispatchTime.now().uptimeNanoseconds, force: true) }
    }

    /// The entry of `token`, from the file as it is now (at most a second old).
    public func entry(token: String) -> APITokens.Entry? {
        state.withLock { state in
            reload(&state, now: DispatchTime.now().uptimeNanoseconds, force: false)
            return state.tokens.entry(token: token)
        }
    }

    /// Whether the file had any token when last read.
    public var isEmpty: Bool { state.withLock { $0.tokens.entries.isEmpty } }

    private func reload(_ state: inout State, now: UInt64, force: Bool) {
        guard force || now &- state.checkedAt >= 1_000_000_000 else { return }
        state.checkedAt = now
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            if state.stamp != nil || force { problem(&state, "\(path): no API token file (create a token with `earshot tokens create`)") }
            state.stamp = nil
            state.tokens = APITokens()
            return
        }
        let stamp = ((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0, (attributes[.size] as? Int) ?? 0)
        if !force, let old = state.stamp, old == stamp { return }
        do {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            state.tokens = try APITokens(parsing: text, path: path)
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
