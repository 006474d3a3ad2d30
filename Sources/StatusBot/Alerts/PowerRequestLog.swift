import ClientSupport
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The power signals the bot itself sent (from its buttons), so a stop the bot asked for never reads as a crash.
/// The panel's activity log has them too, but reading it costs a request and may be refused.
public actor PowerRequestLog {
    private var requests: [ServerID: [(signal: PowerSignal, at: Date)]] = [:]
    private let keepFor: TimeInterval

    /// Creates an empty log.
    /// - Parameter keepFor: How long a request is remembered.
    public init(keepFor: Duration = .seconds(900)) {
        self.keepFor = keepFor.inSeconds
    }

    /// Records a signal sent to `server` at `at`.
    public func record(_ signal: PowerSignal, to server: ServerID, at: Date) {
        var entries = requests[server, default: []].filter { at.timeIntervalSince($0.at) <= keepFor }
        entries.append((signal, at))
        requests[server] = entries
    }

    /// Whether a signal that stops the server (stop, restart, kill) was sent to `server` at or after `since`.
    public func requestedStop(of server: ServerID, since: Date) -> Bool {
        requests[server, default: []].contains { $0.at >= since && $0.signal != .start }
    }
}
