import PanelCore

/// Decides when "not found" means a server is really gone: the panel's own not-found answer on two consecutive
/// polls, and a freshly fetched server list without it. Anything else resets the count. Pure.
///
/// One stray 404, a proxy's page (classified as panel unreachable, not as not-found) or a panel that still lists
/// the server never untracks a status message.
public struct RemovalConfirmation: Sendable, Equatable {
    /// Consecutive not-found answers needed before the server list is consulted.
    public static let requiredStreak = 2

    private var streaks: [ServerID: Int] = [:]

    /// Creates an empty record.
    public init() {}

    /// Records one poll's result.
    /// - Parameters:
    ///   - id: The server.
    ///   - failure: The poll's failure, `nil` for a live answer.
    /// - Returns: True when the streak is long enough that a fresh server list must decide.
    public mutating func record(_ id: ServerID, failure: PanelFailure?) -> Bool {
        guard failure?.kind == .notFound else {
            streaks[id] = nil
            return false
        }
        let streak = (streaks[id] ?? 0) + 1
        streaks[id] = streak
        return streak >= Self.requiredStreak
    }

    /// Forgets a server (untracked or confirmed removed).
    /// - Parameter id: The server.
    public mutating func forget(_ id: ServerID) {
        streaks[id] = nil
    }

    /// Keeps only the servers in `ids`, so the record never outgrows what is watched.
    /// - Parameter ids: The servers still watched.
    public mutating func retain(_ ids: Set<ServerID>) {
        streaks = streaks.filter { ids.contains($0.key) }
    }
}
