import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The panel's host machines as the monitor last fetched them, carried by every ``Observation`` once a consumer
/// wants nodes (``ObservationConsumer/wantsNodes``).
///
/// A failed fetch keeps the previous listing and its ``fetchedAt``, marked with the ``failure``; the next success
/// clears it. The panel's node listing has no live usage or health (reference §8.3): whether a node is down is
/// inferred from its servers' answers (§11).
public struct NodeListing: Sendable, Equatable {
    /// The nodes of the last successful fetch; empty before the first one.
    public var nodes: [PanelNodeSummary]
    /// When ``nodes`` was fetched (wall clock), `nil` before the first successful fetch.
    public var fetchedAt: Date?
    /// Why the latest fetch failed, `nil` when it succeeded.
    public var failure: PanelFailure?

    /// Creates a listing.
    /// - Parameters:
    ///   - nodes: The nodes.
    ///   - fetchedAt: When they were fetched.
    ///   - failure: Why the latest fetch failed, if it did.
    public init(nodes: [PanelNodeSummary], fetchedAt: Date?, failure: PanelFailure? = nil) {
        self.nodes = nodes
        self.fetchedAt = fetchedAt
        self.failure = failure
    }

    /// True when the nodes shown are not from the latest fetch.
    public var isStale: Bool { failure != nil }
}
