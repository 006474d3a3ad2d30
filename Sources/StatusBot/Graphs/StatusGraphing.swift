import GameQuery
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Keeps each server's recent samples and draws its graph; the status updater's only view of metrics.
public protocol StatusGraphing: Sendable {
    /// Records a new sample of a running server.
    func record(_ resources: ServerResources, for server: GameServer, at time: Date) async
    /// Records a new sample of a running server with its player count at that time.
    /// - Parameters:
    ///   - resources: The usage sample.
    ///   - players: The count known at that time; nil when unknown (a gap in the graph, never 0).
    ///   - server: The server.
    ///   - time: When the sample was taken.
    func record(_ resources: ServerResources, players: PlayerCount?, for server: GameServer, at time: Date) async
    /// True once six samples exist, so a graph can be drawn (cheap: nothing is rendered).
    func hasEnoughData(for server: ServerID) async -> Bool
    /// The PNG graph, or `nil` while fewer than six samples exist.
    func graph(for server: GameServer) async -> [UInt8]?
    /// Drops the samples of a server (stopped, removed, no longer tracked).
    func forget(_ server: ServerID) async
}

extension StatusGraphing {
    /// Graphs without a players series drop the count.
    public func record(_ resources: ServerResources, players: PlayerCount?, for server: GameServer, at time: Date) async
    {
        await record(resources, for: server, at: time)
    }
}
