import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Everything the **Nodes** board shows, gathered by its caller: the node listing (or why it failed), each node's
/// health and server counts. Health and counts are keyed by node name, the name servers carry
/// (``GameServer/nodeName``) and ``PanelNodeSummary/name``.
///
/// Build one per cycle observation with ``init(panelName:observation:tracker:)``, or by hand from
/// ``Observation/nodes`` (``init(panelName:listing:health:serverCounts:)``),
/// ``NodeHealthTracker/record(_:nodeNames:)`` and ``NodeServerCount/count(nodeNames:servers:)``. Watch every
/// server (``ObservationConsumer/wantsEveryServer``) so the counts and "the key sees no server there" cover the
/// whole panel, not only the servers with a status message.
public struct NodesBoardSnapshot: Sendable, Hashable {
    /// The panel's display name, shown in the footer.
    public var panelName: String
    /// The nodes of the last successful listing, in panel order; empty before the first one.
    public var nodes: [PanelNodeSummary]
    /// When ``nodes`` was listed (shown as the embed's timestamp), `nil` before the first successful listing.
    public var listedAt: Date?
    /// Why the latest listing failed, `nil` when it worked. With no earlier listing the board shows only this
    /// failure; otherwise it shows the earlier nodes with a note.
    public var listingFailure: PanelFailure?
    /// Each node's health; a node missing here shows "not checked yet".
    public var health: [String: NodeHealth]
    /// Each node's polled servers; a node missing here has none.
    public var serverCounts: [String: NodeServerCount]

    /// Creates a snapshot.
    /// - Parameters:
    ///   - panelName: The panel's display name.
    ///   - nodes: The nodes of the last successful listing.
    ///   - listedAt: When they were listed, `nil` before the first successful listing.
    ///   - listingFailure: Why the latest listing failed, if it did.
    ///   - health: Health per node name.
    ///   - serverCounts: Server counts per node name.
    public init(
        panelName: String,
        nodes: [PanelNodeSummary],
        listedAt: Date?,
        listingFailure: PanelFailure? = nil,
        health: [String: NodeHealth] = [:],
        serverCounts: [String: NodeServerCount] = [:]
    ) {
        self.panelName = panelName
        self.nodes = nodes
        self.listedAt = listedAt
        self.listingFailure = listingFailure
        self.health = health
        self.serverCounts = serverCounts
    }

    /// Creates a snapshot from the monitor's node listing.
    /// - Parameters:
    ///   - panelName: The panel's display name.
    ///   - listing: ``Observation/nodes``.
    ///   - health: Health per node name.
    ///   - serverCounts: Server counts per node name.
    public init(
        panelName: String,
        listing: NodeListing,
        health: [String: NodeHealth] = [:],
        serverCounts: [String: NodeServerCount] = [:]
    ) {
        self.init(
            panelName: panelName,
            nodes: listing.nodes,
            listedAt: listing.fetchedAt,
            listingFailure: listing.failure,
            health: health,
            serverCounts: serverCounts
        )
    }

}

extension NodesBoardSnapshot {
    /// The board after one cycle: the observation's node listing, the health ``NodeVerdict`` infers from its
    /// servers (recorded in `tracker`, which keeps outage start times) and the server counts.
    ///
    /// Feed cycle observations only (``Observation/Origin/cycle(_:)``): an on-demand poll covers a few servers.
    /// Without ``Observation/nodes`` (no consumer wants nodes, or the backend lists none: check
    /// ``PanelCapabilities/listsNodes``) the board waits for a first listing.
    /// - Parameters:
    ///   - panelName: The panel's display name.
    ///   - observation: A cycle's observation.
    ///   - tracker: The board's tracker, kept between cycles.
    public init(panelName: String, observation: Observation, tracker: inout NodeHealthTracker) {
        let listing = observation.nodes ?? NodeListing(nodes: [], fetchedAt: nil)
        // Before a first listing the node set is unknown: only the nodes named by servers are judged.
        let names = listing.fetchedAt == nil ? nil : listing.nodes.map(\.name)
        self.init(
            panelName: panelName,
            listing: listing,
            health: tracker.record(observation, nodeNames: names),
            serverCounts: NodeServerCount.count(nodeNames: names, servers: observation.servers.values)
        )
    }
}

/// When a node's allocation earns a warning on the board.
///
/// CPU has no threshold: CPU is shared by time and commonly handed out past the node's cores, so a high CPU
/// allocation is not a problem the way memory or disk is.
public struct NodesBoardThresholds: Sendable, Hashable {
    /// Memory allocated above this percentage of the capacity is a warning.
    public var memoryWarningPercent: Double
    /// Disk allocated above this percentage of the capacity is a warning.
    public var diskWarningPercent: Double

    /// Creates thresholds.
    /// - Parameters:
    ///   - memoryWarningPercent: Memory warning above this percentage; 90 by default.
    ///   - diskWarningPercent: Disk warning above this percentage; 95 by default.
    public init(memoryWarningPercent: Double = 90, diskWarningPercent: Double = 95) {
        self.memoryWarningPercent = memoryWarningPercent
        self.diskWarningPercent = diskWarningPercent
    }
}
