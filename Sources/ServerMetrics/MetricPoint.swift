#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One resource sample of a server.
public struct MetricPoint: Sendable, Equatable, Hashable {
    /// When the sample was taken.
    public var timestamp: Date
    /// CPU use in percent of one core (may exceed 100 on multi-core servers).
    public var cpuPercent: Double
    /// Memory in use, in MiB.
    public var memoryMiB: Double
    /// Players online; nil when unknown (the game server did not answer or is not asked), which the graph draws
    /// as a gap, never as 0.
    public var players: Int?
    /// The player limit the game server announced with ``players``; nil when unknown.
    public var maxPlayers: Int?

    /// Creates a sample.
    public init(
        timestamp: Date,
        cpuPercent: Double,
        memoryMiB: Double,
        players: Int? = nil,
        maxPlayers: Int? = nil
    ) {
        self.timestamp = timestamp
        self.cpuPercent = cpuPercent
        self.memoryMiB = memoryMiB
        self.players = players
        self.maxPlayers = maxPlayers
    }
}
