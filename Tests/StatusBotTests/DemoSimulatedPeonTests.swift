import Foundation
import PanelCore
import StatusBot
import Testing

/// The demo's simulated PEON orchestrator (``SimulatedPanel/Kind/peon``): the same simulation as the Pterodactyl
/// panel, answering as PEON does, alone and behind the demo's ``MultiPanelBackend``.
@Suite struct DemoSimulatedPeonTests {
    private let minecraft = ServerID("minecraft.survival")
    private let valheim = ServerID("valheim.server01")

    private func state(_ panel: SimulatedPanel, _ id: ServerID) async throws -> ServerState {
        try await panel.resources(of: id).state
    }

    @Test func peonOffersStartStopRestartWithoutNodesAddressesOrActivityLog() async throws {
        let panel = DemoScenario.makePeonPanel()
        #expect(panel.kind == .peon)
        #expect(
            panel.capabilities
                == PanelCapabilities(powerSignals: [.start, .stop, .restart], listsNodes: false, hasAddresses: false)
        )
        // Nodes given to a PEON panel are ignored: PEON has none.
        let withNodes = SimulatedPanel(servers: SimulatedServer.peonDemo, nodes: SimulatedNode.demo, kind: .peon)
        #expect(!withNodes.capabilities.listsNodes)
        await #expect(throws: PanelFailure.self) { try await withNodes.nodes() }
        do {
            _ = try await panel.powerActivity(of: valheim, since: .distantPast)
            Issue.record("PEON keeps no activity log")
        } catch let failure as PanelFailure {
            #expect(failure.kind == .unsupported)
        }
    }

    @Test func peonListsTwoWarcampsWithoutNodeLimitsOrAddresses() async throws {
        let servers = try await DemoScenario.makePeonPanel().servers(forceRefresh: false)
        // PEON's list is sorted by game and warcamp name; the name is the warcamp's (GameServer(peon:)).
        #expect(servers.map(\.id) == [minecraft, valheim])
        #expect(servers.map(\.name) == ["survival (minecraft)", "server01 (valheim)"])
        #expect(servers.allSatisfy { $0.nodeName == nil && $0.address == nil && $0.limits == ServerLimits() })
        #expect(servers.allSatisfy { $0.listedState == nil && $0.description?.isEmpty == false })
    }

    @Test func peonUsageHasNoDiskOrUptimeAndMovesEveryTick() async throws {
        let panel = DemoScenario.makePeonPanel()
        var previous: ServerResources?
        var cpuSeen: Set<Double> = []
        for _ in 1...DemoScenario.cycles {
            panel.advance()
            let usage = try await panel.resources(of: valheim)
            #expect(usage.state == .running && usage.rawState == "running")
            #expect(usage.unreported == [.disk, .uptime])
            #expect(usage.diskBytes == 0 && usage.uptimeMilliseconds == 0)
            #expect(usage.cpuAbsolute > 0 && usage.cpuAbsolute <= 800)
            #expect(usage.memoryBytes > 0)
            // Within a tick, the same answer; a new tick, a new sample.
            #expect(try await panel.resources(of: valheim) == usage)
            if let previous {
                #expect(!usage.isSameSample(as: previous))
                #expect(usage.networkRxBytes > previous.networkRxBytes)
                #expect(usage.networkTxBytes > previous.networkTxBytes)
            }
            previous = usage
            cpuSeen.insert(usage.cpuAbsolute)
        }
        #expect(cpuSeen.count > DemoScenario.cycles / 2, "CPU moves: \(cpuSeen)")
    }

    @Test func stoppedContainerReportsNothingButItsState() async throws {
        let panel = DemoScenario.makePeonPanel()
        let usage = try await panel.resources(of: minecraft)
        #expect(usage.state == .offline && usage.rawState == "exited")
        #expect(usage.unreported == [.cpu, .memory, .network, .disk, .uptime])
    }

    @Test func minecraftStartsAtTickThreeWithoutAStartingPhase() async throws {
        let panel = DemoScenario.makePeonPanel()
        var states: [ServerState] = [try await state(panel, minecraft)]
        for _ in 1...5 {
            panel.advance()
            states.append(try await state(panel, minecraft))
        }
        #expect(states == [.offline, .offline, .offline, .running, .running, .running])
        let running = try await panel.resources(of: minecraft)
        #expect(running.unreported == [.disk, .uptime])
        #expect(running.cpuAbsolute > 0 && running.memoryBytes > 0)
    }

    @Test func peonPowerCallsMoveTheStateAtOnceAndRefuseKill() async throws {
        let panel = DemoScenario.makePeonPanel()
        panel.advance(ticks: 4)
        let before = try await panel.resources(of: valheim)

        try await panel.sendPower(.stop, to: valheim)
        #expect(try await state(panel, valheim) == .offline)
        try await panel.sendPower(.stop, to: valheim)  // already exited: nothing to do
        #expect(try await state(panel, valheim) == .offline)

        try await panel.sendPower(.start, to: valheim)
        #expect(try await state(panel, valheim) == .running)
        panel.advance()
        let started = try await panel.resources(of: valheim)
        #expect(started.state == .running && started.unreported == [.disk, .uptime])
        // A fresh container: Docker's network counters start again.
        #expect(started.networkRxBytes < before.networkRxBytes)

        panel.advance(ticks: 3)
        let beforeRestart = try await panel.resources(of: valheim)
        try await panel.sendPower(.restart, to: valheim)
        let restarted = try await panel.resources(of: valheim)
        #expect(restarted.state == .running)
        #expect(restarted.networkRxBytes < beforeRestart.networkRxBytes)

        do {
            try await panel.sendPower(.kill, to: valheim)
            Issue.record("PEON has no kill")
        } catch let failure as PanelFailure {
            #expect(failure.kind == .unsupported)
        }
        #expect(try await state(panel, valheim) == .running)
    }

    @Test func unknownWarcampAnswersAsPeonDoes() async throws {
        let panel = DemoScenario.makePeonPanel()
        let missing = ServerID("valheim.server02")
        #expect(try await panel.usage(of: [missing])[missing]?.failureKind == .notFound)
        await #expect(throws: PanelFailure.self) { try await panel.serverDetails(missing) }
        do {
            try await panel.sendPower(.start, to: missing)
            Issue.record("no compose file for an unknown warcamp")
        } catch let failure as PanelFailure {
            #expect(failure.kind == .rejected)
        }
    }

    @Test func peonReportsTheSameWalkThroughDockerStatistics() async throws {
        let pterodactyl = SimulatedPanel(servers: SimulatedServer.peonDemo, nodes: [], seed: DemoScenario.seed)
        let peon = DemoScenario.makePeonPanel()
        for _ in 1...DemoScenario.cycles {
            pterodactyl.advance()
            peon.advance()
            let wings = try await pterodactyl.resources(of: valheim)
            let docker = try await peon.resources(of: valheim)
            // Docker's counters in nanoseconds give back the walk's CPU to well under a hundredth of a percent.
            #expect(abs(wings.cpuAbsolute - docker.cpuAbsolute) < 0.01)
            #expect(wings.memoryBytes == docker.memoryBytes)
            #expect(wings.networkRxBytes == docker.networkRxBytes && wings.networkTxBytes == docker.networkTxBytes)
            #expect(wings.reports(.disk) && wings.reports(.uptime))
            #expect(!docker.reports(.disk) && !docker.reports(.uptime))
        }
    }

    @Test func bothDemoPanelsAdvanceTogetherBehindOneBackend() async throws {
        let panels = DemoScenario.makePanels()
        let home = ServerID(panel: DemoScenario.peonPanelName, local: "valheim.server01")
        let servers = try await panels.backend.servers(forceRefresh: false)
        #expect(servers.count == SimulatedServer.demo.count + SimulatedServer.peonDemo.count)
        let peonServer = try #require(servers.first { $0.id == home })
        #expect(peonServer.panelName == DemoScenario.peonPanelName)
        #expect(peonServer.capabilities?.hasAddresses == false)
        #expect(peonServer.capabilities?.powerSignals.contains(.kill) == false)
        #expect(servers.first { $0.id == ServerID("1a7ce997") }?.panelName == DemoScenario.panelDisplayName)

        panels.advance(ticks: 3)
        #expect(panels.pterodactyl.tick == 3 && panels.peon.tick == 3)
        #expect(panels.pterodactyl.now == panels.peon.now)
        // Only the Pterodactyl nodes, with their own names.
        #expect(try await panels.backend.nodes().map(\.name) == ["node-eu-1", "node-us-1"])

        // Power through the combined backend reaches the orchestrator.
        try await panels.backend.sendPower(.stop, to: home)
        let usage = try await panels.backend.usage(of: [home])
        #expect(try usage[home]?.get().state == .offline)
        await #expect(throws: PanelFailure.self) { try await panels.backend.sendPower(.kill, to: home) }
    }
}

extension Result where Success == ServerResources, Failure == PanelFailure {
    /// The failure's kind, `nil` for a live answer.
    fileprivate var failureKind: PanelFailure.Kind? {
        if case .failure(let failure) = self { return failure.kind }
        return nil
    }
}

extension SimulatedPanel {
    /// One server's usage, or its failure thrown.
    fileprivate func resources(of id: ServerID) async throws -> ServerResources {
        guard let result = try await usage(of: [id])[id] else { throw CancellationError() }
        return try result.get()
    }
}
