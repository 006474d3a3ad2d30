import Monitoring
import PanelCore

/// Finds servers that were running and are now stopping or offline, from one cycle's observations to the next.
/// Pure: whether someone asked for the stop is decided afterwards (the bot's own buttons, the panel's activity log).
public struct StopDetector: Sendable {
    private var lastState: [ServerID: ServerState] = [:]

    /// Creates a detector that knows nothing yet: the first observation of a server never counts as a stop.
    public init() {}

    /// Records the observed states and returns the servers that went from running to stopping or offline.
    /// Stale observations (the panel did not answer for that server) change nothing: a server is only seen
    /// stopping when the panel says so.
    /// - Parameter servers: One cycle's observations.
    /// - Returns: The servers that stopped since the previous observation, sorted.
    public mutating func stops(in servers: [ServerID: ServerObservation]) -> [ServerID] {
        var stopped: [ServerID] = []
        for (id, observation) in servers where !observation.isStale {
            let previous = lastState[id]
            lastState[id] = observation.state
            if previous == .running, observation.state == .offline || observation.state == .stopping {
                stopped.append(id)
            }
        }
        return stopped.sorted()
    }

    /// Forgets servers no longer observed, so the state map does not grow with every server ever seen.
    /// - Parameter kept: The servers still watched.
    public mutating func retain(_ kept: Set<ServerID>) {
        lastState = lastState.filter { kept.contains($0.key) }
    }
}
