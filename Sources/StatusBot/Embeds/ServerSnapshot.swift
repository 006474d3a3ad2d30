import Pterodactyl

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything a status embed shows about one server at one moment.
public struct ServerSnapshot: Sendable, Equatable {
    /// The server as listed by the panel (name, limits, node, address).
    public var server: PanelServer
    /// The state to show: live power state or one derived from a panel error.
    public var state: ServerState
    /// The latest usage figures (the last known ones when ``isStale``).
    public var resources: ServerResources?
    /// True when the panel could not be asked and the figures are the last known ones.
    public var isStale: Bool
    /// When the figures were taken.
    public var observedAt: Date

    /// Creates a snapshot.
    public init(server: PanelServer, state: ServerState, resources: ServerResources?, isStale: Bool, observedAt: Date) {
        self.server = server
        self.state = state
        self.resources = resources
        self.isStale = isStale
        self.observedAt = observedAt
    }
}
