import Alerting
import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Turns one cycle's observation into the alert engine's facts: whether each panel answers, each node's
/// reachability and allocation, each server's state and usage in percent of its limits. Pure; it keeps the node
/// outage times, the node listing and the panels' display names across cycles.
///
/// With several panels (``MultiPanelBackend``) each is judged on its own servers, which carry its name in their
/// ``ServerID/panel``: one panel down never hides the others' alerts.
public struct AlertFactsBuilder: Sendable {
    /// What alerts call the default panel among several when none of its servers said its name.
    static let defaultPanelFallbackName = "the default panel"

    private var nodeHealth = NodeHealthTracker()
    private var lastNodes: [PanelNodeSummary]?
    private var lastNodesFetchedAt: Date?
    /// Each panel's display name (``GameServer/panelName``) as its servers last gave it.
    private var displayNames: [String?: String] = [:]
    /// Whether the last cycle with servers showed several panels (``MultiPanelBackend`` names them then).
    private var servesSeveral = false

    /// Creates a builder that has seen nothing.
    public init() {}

    /// The facts of a cycle.
    /// - Parameters:
    ///   - observation: A cycle's observation (every server the panels list, and their nodes when they have them).
    ///   - stopCauses: Servers that stopped with no power action behind them, and what is known of the cause.
    ///   - panelReports: Each panel's own report (``MultiPanelBackend/panelReports()``; empty with one panel):
    ///     it tells about a panel none of whose servers is in the observation, such as one down since start-up.
    /// - Returns: The facts.
    public mutating func facts(
        from observation: Observation,
        stopCauses: [ServerID: StopCause] = [:],
        panelReports: [PanelReport] = []
    ) -> AlertCycleFacts {
        let panels = panelFacts(observation, reports: panelReports)
        let answering = Set(panels.filter { $0.status == .answering }.map(\.name))
        let panelOfNode = Self.panelsOfNodes(observation)
        if let listing = observation.nodes, let fetchedAt = listing.fetchedAt, fetchedAt != lastNodesFetchedAt {
            lastNodesFetchedAt = fetchedAt
            let fresh = listing.nodes
            let freshPanels = Set(fresh.map { Self.panel(of: $0, panelOfNode) })
            // A panel that is down cannot list its nodes: it keeps the ones it had, so their alerts neither
            // clear as gone nor stop being inhibited.
            let kept = (lastNodes ?? []).filter { node in
                let panel = Self.panel(of: node, panelOfNode)
                return !freshPanels.contains(panel) && panels.contains { $0.name == panel }
                    && !answering.contains(panel)
            }
            lastNodes = fresh + kept
        }
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
                    panel: Self.panel(of: node, panelOfNode),
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
            nodes = health.keys.sorted().map { name in
                NodeFacts(name: name, panel: panelOfNode[name] ?? nil, reachability: Self.reachability(health[name]))
            }
        }
        return AlertCycleFacts(panels: panels, nodes: nodes, servers: servers)
    }

    // MARK: - Panels

    /// Each panel's facts: the default panel always, and every other panel that has servers this cycle (one with
    /// none cannot be told from a panel that is not configured).
    ///
    /// With one panel its alerts say "the panel"; with several each is named after its servers'
    /// ``GameServer/panelName``.
    mutating func panelFacts(_ observation: Observation, reports: [PanelReport] = []) -> [PanelCycleFacts] {
        var byPanel: [String?: [ServerObservation]] = [:]
        for observed in observation.servers.values { byPanel[observed.server.id.panel, default: []].append(observed) }
        for observed in observation.servers.values.sorted(by: { $0.server.id < $1.server.id }) {
            if let name = observed.server.panelName { displayNames[observed.server.id.panel] = name }
        }
        for report in reports { displayNames[report.name] = report.displayName }
        let named = byPanel.keys.compactMap { $0 }.sorted()
        // A cycle without any server cannot tell: the last one that could stands, so names do not flip.
        if !reports.isEmpty {
            servesSeveral = true
        } else if !observation.servers.isEmpty {
            servesSeveral = !named.isEmpty || observation.servers.values.contains { $0.server.panelName != nil }
        }
        let several = servesSeveral
        let listed = ([nil] + named).map { (panel: String?) in
            let servers = byPanel[panel] ?? []
            // The list failure reaches the observation only when no panel could give a list, and then it is the
            // default panel's (the first one asked); the others show their outage in their servers' polls.
            let listFailure = panel == nil ? observation.listFailure : nil
            let report = servers.isEmpty && listFailure == nil ? reports.first { $0.name == panel } : nil
            let status = report.map(Self.panelStatus) ?? Self.panelStatus(servers, listFailure: listFailure)
            let displayName = several ? displayNames[panel] ?? panel ?? Self.defaultPanelFallbackName : nil
            return PanelCycleFacts(name: panel, displayName: displayName, status: status)
        }
        // A panel none of whose servers the cycle saw (down since start-up, or with none) is judged by its own
        // report, so its alert opens, and clears when it answers again.
        let judged = Set(listed.map(\.name))
        let unlisted = reports.filter { !judged.contains($0.name) }.map { report in
            PanelCycleFacts(name: report.name, displayName: report.displayName, status: Self.panelStatus(report))
        }
        return listed + unlisted
    }

    /// A panel is down by its own report while its list fails as unreachable.
    static func panelStatus(_ report: PanelReport) -> PanelFacts {
        report.outage.map { .unreachable(detail: $0.detail) } ?? .answering
    }

    /// A panel is down when its list or every one of its servers' polls says so; it refuses the key when its list
    /// or every one of its servers' polls was refused.
    /// - Parameters:
    ///   - servers: The panel's servers this cycle.
    ///   - listFailure: Why the panel's list could not be fetched, if it could not.
    /// - Returns: Whether the panel answered.
    static func panelStatus(_ servers: [ServerObservation], listFailure: PanelFailure?) -> PanelFacts {
        let failures = servers.sorted { $0.server.id < $1.server.id }.map(\.failure)
        let everyPoll: (PanelFailure.Kind) -> Bool = { kind in
            !failures.isEmpty && failures.allSatisfy { $0?.kind == kind }
        }
        if let failure = listFailure, failure.kind == .panelUnreachable {
            return .unreachable(detail: failure.detail)
        }
        if everyPoll(.panelUnreachable) {
            return .unreachable(detail: failures.first??.detail ?? "no answer")
        }
        if let failure = listFailure, failure.kind == .keyRefused {
            return .keyRefused(detail: failure.detail)
        }
        if everyPoll(.keyRefused) {
            return .keyRefused(detail: failures.first??.detail ?? "the key was refused")
        }
        return .answering
    }

    // MARK: - Nodes

    /// The panel of each node the cycle's servers run on (their node names are distinct across panels: a named
    /// panel's carry its name).
    private static func panelsOfNodes(_ observation: Observation) -> [String: String?] {
        var panels: [String: String?] = [:]
        for observed in observation.servers.values {
            if let node = observed.server.nodeName { panels[node] = observed.server.id.panel }
        }
        return panels
    }

    /// The panel of a listed node: the one of its servers, or else the one its identifier and name are tagged
    /// with (``MultiPanelBackend`` lists a named panel's node as `NAME:id`, `NAME: name`); `nil` for the default.
    private static func panel(of node: PanelNodeSummary, _ panelOfNode: [String: String?]) -> String? {
        if let panel = panelOfNode[node.name] { return panel }
        guard let colon = node.id.firstIndex(of: ":") else { return nil }
        let prefix = String(node.id[..<colon])
        return node.name.hasPrefix("\(prefix): ") ? prefix : nil
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
