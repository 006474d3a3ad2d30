import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Pterodactyl and Pelican as a ``PanelBackend``: the client's models and errors mapped to the neutral ones.
/// Pterodactyl's own advice (which key, which panel setting) travels in ``PanelFailure/detail``.
public struct PterodactylBackend<C: Clock>: PanelBackend where C.Duration == Duration {
    private let client: DefaultPanelClient<C>

    /// Wraps a client.
    /// - Parameter client: The panel client.
    public init(client: DefaultPanelClient<C>) {
        self.client = client
    }

    /// Start, stop, restart and kill; nodes through the Application API; addresses from allocations.
    public var capabilities: PanelCapabilities {
        PanelCapabilities(powerSignals: Set(PowerSignal.allCases), listsNodes: true, hasAddresses: true)
    }

    public func servers(forceRefresh: Bool) async throws -> [GameServer] {
        try await mapped { try await client.servers(forceRefresh: forceRefresh).map(GameServer.init(panel:)) }
    }

    public func serverDetails(_ id: ServerID) async throws -> GameServer {
        try await mapped { GameServer(panel: try await client.serverDetails(id)) }
    }

    public func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
        try await client.resources(of: ids).mapValues { $0.mapError(PanelFailure.init(panelError:)) }
    }

    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        try await mapped { try await client.sendPower(signal, to: id) }
    }

    /// The nodes with their free allocations (one listing per node; the node's configuration, which holds its
    /// secret token, is never read).
    public func nodes() async throws -> [PanelNodeSummary] {
        try await mapped {
            var summaries: [PanelNodeSummary] = []
            for node in try await client.nodes() {
                var summary = PanelNodeSummary(panel: node)
                summary.freeAllocations = try await client.allocations(ofNode: node.id).count { !$0.isAssigned }
                summaries.append(summary)
            }
            return summaries
        }
    }

    /// The server's power actions from the panel's activity log (Client API, panel 1.8+): `keyRefused` naming
    /// `activity.read` when the key may not read it, `unsupported` on an older panel.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        try await mapped { try await client.powerActivity(of: id, since: since) }
    }

    public func budgetAdvice(forServerCount serverCount: Int, interval: Duration) -> String? {
        client.budgetWarning(forServerCount: serverCount, interval: interval)
    }

    public func budgetUse() async -> [PanelBudgetUse] {
        await client.budgetUse()
    }

    private func mapped<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PanelError {
            throw PanelFailure(panelError: error)
        }
    }
}

extension PanelFailure {
    /// Classifies a Pterodactyl error; the detail keeps the client's secret-free advice.
    /// - Parameter panelError: The client's error.
    public init(panelError: PanelError) {
        let kind: Kind =
            switch panelError {
            case .authenticationFailed, .wrongKeyKind, .forbidden, .missingApplicationKey: .keyRefused
            case .notFound: .notFound
            case .stateConflict(let state, _): .serverBusy(state)
            case .nodeUnreachable: .nodeUnreachable
            case .panelUnreachable, .panelUnavailable: .panelUnreachable
            case .rateLimited: .rateLimited
            case .rejected: .rejected
            case .malformedResponse: .malformedAnswer
            case .unexpectedStatus: .other
            case .unsupported: .unsupported
            }
        self.init(kind, detail: panelError.description)
    }
}

extension GameServer {
    /// The neutral view of a listed Pterodactyl server; ``listedState`` is the state a 409 would report.
    /// - Parameter panel: The server as the client decoded it.
    public init(panel: PanelServer) {
        self.init(
            id: panel.id,
            name: panel.name,
            description: panel.description,
            nodeName: panel.nodeName,
            limits: panel.limits,
            allocations: panel.allocations,
            listedState: panel.conflictState,
            gameHints: GameHints(image: panel.dockerImage, startupVariables: panel.startupVariables)
        )
    }
}

extension PanelNodeSummary {
    /// The neutral view of an Application API node; capacity includes the over-allocation percentage (−1 disables
    /// the panel's check: unlimited). CPU is known on Pelican only, where a total of 0 is unlimited as well
    /// (pelican-dev/panel `app/Models/Node.php`, `isViable`: `cpu > 0 && cpu_overallocate >= 0`). The location is
    /// its short code, or its long name when the code is empty.
    /// - Parameter panel: The node as the client decoded it.
    public init(panel: PanelNode) {
        func capacity(_ total: Int, _ overallocate: Int) -> Int? {
            guard overallocate >= 0 else { return nil }
            return total + total * overallocate / 100
        }
        let cpuCapacity = panel.cpuPercent.flatMap { total in
            total > 0 ? capacity(total, panel.cpuOverallocatePercent ?? 0) : nil
        }
        self.init(
            id: String(panel.id),
            name: panel.name,
            isInMaintenance: panel.isInMaintenance,
            memoryCapacityMiB: capacity(panel.memoryMiB, panel.memoryOverallocatePercent),
            memoryAllocatedMiB: panel.allocatedMemoryMiB,
            diskCapacityMiB: capacity(panel.diskMiB, panel.diskOverallocatePercent),
            diskAllocatedMiB: panel.allocatedDiskMiB,
            location: panel.location?.displayName,
            cpuCapacityPercent: cpuCapacity,
            cpuAllocatedPercent: panel.allocatedCPUPercent
        )
    }
}
