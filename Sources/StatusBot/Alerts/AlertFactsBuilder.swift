import Alerting
import Monitoring
import PanelCore

/// Turns one cycle's observation into the alert engine's facts: whether the panel answers, each node's
/// reachability and allocation, each server's state and usage in percent of its limits. Pure; it keeps the node
/// outage times across cycles.
public struct AlertFactsBuilder: Sendable {
    private var nodeHealth = NodeHealthTracker()
    private var lastNodes: [PanelNodeSummary]?

    /// Creates a builder that has seen nothing.
    public init() {}

    /// The facts of a cycle.
    /// - Parameters:
    ///   - observation: A cycle's observation (every server the panel lists, and its nodes when it has them).
    ///   - stopCauses: Servers that stopped with no power action behind them, and what is known of the cause.
    /// - Returns: The facts.
    public mutating func facts(
        from observation: Observation,
        stopCauses: [ServerID: StopCause] = [:]
    ) -> AlertCycleFacts {
        if let listing = observation.nodes, listing.fetchedAt != nil { lastNodes = listing.nodes }
        let listedNames = lastNodes?.map(\.name)
        let health = nodeHealth.record(observation, nodeNames: listedNames)

        let servers = observation.servers.values.sorted { $0.server.id < $1.server.id }.map { observed in
            Self.serverFacts(observed, stopCause: stopCauses[observed.server.id])
        }
        var nodes: [NodeFacts]?
        if let lastNodes {
            nodes = lastNodes.map { node in
                NodeFacts(
                    name: node.name,
                    location: node.location,
                    reachability: Self.reachability(health[node.name]),
                    memoryAllocatedMiB: node.memoryAllocatedMiB,
                    memoryCapacityMiB: node.memoryCapacityMiB,
                    diskAllocatedMiB: node.diskAllocatedMiB,
                    diskCapacityMiB: node.diskCapacityMiB
                )
            }
        } else if !health.isEmpty {
            // Without the Application API key there are no capacities, but node outages still show in the
            // servers' answers.
            nodes = health.keys.sorted().map { NodeFacts(name: $0, reachability: Self.reachability(health[$0])) }
        }
        return AlertCycleFacts(panel: Self.panelFacts(observation), nodes: nodes, servers: servers)
    }

    /// The panel is down when the list or every server's poll says so; it refuses the key when the list or every
    /// server's poll was refused.
    static func panelFacts(_ observation: Observation) -> PanelFacts {
        let failures = observation.servers.values.map(\.failure)
        let everyPoll: (PanelFailure.Kind) -> Bool = { kind in
            !failures.isEmpty && failures.allSatisfy { $0?.kind == kind }
        }
        if let failure = observation.listFailure, failure.kind == .panelUnreachable {
            return .unreachable(detail: failure.detail)
        }
        if everyPoll(.panelUnreachable) {
            return .unreachable(detail: failures.first??.detail ?? "no answer")
        }
        if let failure = observation.listFailure, failure.kind == .keyRefused {
            return .keyRefused(detail: failure.detail)
        }
        if everyPoll(.keyRefused) {
            return .keyRefused(detail: failures.first??.detail ?? "the key was refused")
        }
        return .answering
    }

    static func serverFacts(_ observed: ServerObservation, stopCause: StopCause?) -> ServerFacts {
        let limits = observed.server.limits
        let usage = observed.usage
        return ServerFacts(
            id: observed.server.id,
            name: observed.server.name,
            nodeName: observed.server.nodeName,
            state: observed.state,
            isStale: observed.isStale,
            cpuPercentOfLimit: usage.flatMap { $0.cpuFraction(of: limits) }.map { $0 * 100 },
            memoryPercentOfLimit: usage.flatMap { $0.memoryFraction(of: limits) }.map { $0 * 100 },
            diskPercentOfLimit: usage.flatMap { usage in
                guard usage.reports(.disk) else { return nil }
                return limits.diskBytes.map { Double(usage.diskBytes) / Double($0) * 100 }
            },
            unexpectedStop: stopCause
        )
    }

    private static func reachability(_ health: NodeHealth?) -> NodeReachability {
        switch health {
        case .reachable: .reachable
        case .unreachable(let since): .unreachable(since: since)
        case .unknown, nil: .unknown
        }
    }
}
