import GameQuery
import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything a status embed shows about one server at one moment.
public struct ServerSnapshot: Sendable, Equatable {
    /// The server as listed by the panel (name, limits, node, address).
    public var server: GameServer
    /// The state to show: live, derived from a panel answer, or the last known one when ``isStale``.
    public var state: ServerState
    /// The latest usage figures (the last known ones when ``isStale``).
    public var resources: ServerResources?
    /// Why the values are not current (e.g. "the panel refuses the bot's key"), `nil` when they are.
    public var staleReason: String?
    /// When the figures were taken.
    public var observedAt: Date
    /// Who is online, when the game server answered a player query; nil when unknown.
    public var players: PlayerCount?

    /// Creates a snapshot.
    public init(
        server: GameServer,
        state: ServerState,
        resources: ServerResources?,
        staleReason: String? = nil,
        observedAt: Date
    ) {
        self.server = server
        self.state = state
        self.resources = resources
        self.staleReason = staleReason
        self.observedAt = observedAt
    }

    /// The snapshot of a monitor observation.
    /// - Parameters:
    ///   - observation: What the monitor knows.
    ///   - now: Shown as the time when no sample was ever taken.
    public init(_ observation: ServerObservation, now: Date) {
        self.init(
            server: observation.server,
            state: observation.state,
            resources: observation.usage,
            staleReason: observation.staleReason,
            observedAt: observation.sampledAt ?? now
        )
    }

    /// True when the panel could not be asked and the figures are the last known ones.
    public var isStale: Bool { staleReason != nil }
}
