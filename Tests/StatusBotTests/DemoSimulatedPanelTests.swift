import Foundation
import PanelCore
import StatusBot
import TestSupport
import Testing

@Suite struct DemoSimulatedPanelTests {
    private let survival = ServerID("1a7ce997")
    private let valheim = ServerID("5b2e8f10")
    private let rust = ServerID("9c41d7a2")
    private let ark = ServerID("e07f3b55")
    private let terraria = ServerID("3d9a0c6e")
    private let cs2 = ServerID("7f12ab34")

    /// Runs `ticks` ticks and records every server's resources (or error) after each.
    private func trace(_ panel: SimulatedPanel, ticks: Int) async throws -> [[ServerID: Result<
        ServerResources, PanelFailure
    >]] {
        let ids = try await panel.servers(forceRefresh: false).map(\.id)
        var frames: [[ServerID: Result<ServerResources, PanelFailure>]] = []
        for _ in 0..<ticks {
            panel.advance()
            frames.append(try await panel.usage(of: ids))
        }
        return frames
    }

    private func state(_ panel: SimulatedPanel, _ id: ServerID) async throws -> ServerState {
        try await panel.resources(of: id).state
    }

    @Test func demoFleetHasSixServersOnTwoNodes() async throws {
        let servers = try await SimulatedPanel().servers(forceRefresh: false)
        #expect(servers.count == 6)
        #expect(Set(servers.compactMap(\.nodeName)) == ["node-eu-1", "node-us-1"])
        #expect(Set(servers.map(\.id)).count == 6)
        #expect(servers.contains { $0.limits.cpuPercent == 0 })
        #expect(servers.contains { $0.limits.cpuPercent == 400 })
        #expect(servers.allSatisfy { $0.limits.memoryMiB > 0 && $0.address != nil })
        #expect(servers.first { $0.id == survival }?.address == "mc.example.net:25565")
        #expect(servers.first { $0.id == survival }?.additionalPorts == [25575])
        #expect(servers.first { $0.id == terraria }?.listedState == .suspended)
    }

    @Test func demoNodesListCapacityAndWhatTheirServersAllocate() async throws {
        let panel = SimulatedPanel()
        #expect(panel.capabilities.listsNodes)
        let nodes = try await panel.nodes()
        #expect(nodes.map(\.name) == ["node-eu-1", "node-us-1"])
        let eu = try #require(nodes.first)
        let us = try #require(nodes.last)
        // Survival 8 GiB + Valheim 6 GiB + Terraria 2 GiB of 32 GiB.
        #expect(eu.memoryAllocatedMiB == 16_384 && eu.memoryCapacityMiB == 32_768)
        #expect(eu.diskAllocatedMiB == 51_200 && eu.diskCapacityMiB == 204_800)
        #expect(eu.freeAllocations == 35 && eu.location == "Frankfurt (fra1)")
        // Rust 12 GiB + ARK 16 GiB + CS2 4 GiB of 32 GiB plus 5 % over-allocation: over 90 %.
        #expect(us.memoryAllocatedMiB == 32_768 && us.memoryCapacityMiB == 34_406)
        #expect(Double(us.memoryAllocatedMiB) / Double(us.memoryCapacityMiB ?? 1) > 0.9)
        #expect(us.diskAllocatedMiB == 143_360 && us.diskCapacityMiB == 288_358)
        #expect(us.freeAllocations == 5 && !us.isInMaintenance)

        let withoutNodes = SimulatedPanel(nodes: [])
        #expect(!withoutNodes.capabilities.listsNodes)
        await #expect(throws: PanelFailure.self) { try await withoutNodes.nodes() }
    }

    @Test func activityLogListsPowerSignalsWithTheSimulatedTime() async throws {
        let epoch = Date(timeIntervalSince1970: 1_800_000_000)
        let panel = SimulatedPanel(epoch: epoch)
        #expect(panel.now == epoch)
        panel.advance(ticks: 10)
        #expect(panel.now == epoch.addingTimeInterval(100))
        // ARK's scheduled stop at tick 8 is logged, as the panel logs a schedule's power action.
        let stop = PowerActivity(signal: .stop, event: "server:power.stop", loggedAt: epoch.addingTimeInterval(80))
        #expect(try await panel.powerActivity(of: ark, since: epoch) == [stop])
        #expect(try await panel.powerActivity(of: ark, since: epoch.addingTimeInterval(81)).isEmpty)
        // Valheim's scheduled start, then a signal sent through the API: newest first, dated now.
        try await panel.sendPower(.restart, to: valheim)
        let valheimLog = try await panel.powerActivity(of: valheim, since: epoch)
        #expect(valheimLog.map(\.signal) == [.restart, .start])
        #expect(valheimLog.map(\.loggedAt) == [epoch.addingTimeInterval(100), epoch.addingTimeInterval(20)])
        // CS2 crashed at tick 9: no entry, neither for the crash nor for crash detection's start.
        #expect(try await panel.powerActivity(of: cs2, since: epoch).isEmpty)
        await #expect(throws: PanelFailure.self) {
            try await panel.powerActivity(of: ServerID("deadbeef"), since: epoch)
        }
    }

    @Test func crashingServerGoesOfflineAndCrashDetectionBringsItBack() async throws {
        let panel = SimulatedPanel()
        panel.advance(ticks: 8)
        #expect(try await state(panel, cs2) == .running)
        var states: [ServerState] = []
        for _ in 9...13 {
            panel.advance()
            states.append(try await state(panel, cs2))
        }
        #expect(states == [.offline, .starting, .starting, .running, .running])
        // A fresh container since crash detection started it at tick 10.
        let back = try await panel.resources(of: cs2)
        #expect(back.uptimeMilliseconds == 40_000)
    }

    @Test func crashWithoutRestartStaysDownAndIgnoresOfflineServers() async throws {
        var spec = SimulatedServer.demo[0]
        spec.schedule = [
            SimulatedServer.ScriptedEvent(tick: 2, .crash(restartAfter: nil)),
            SimulatedServer.ScriptedEvent(tick: 4, .crash(restartAfter: 1)),
        ]
        let panel = SimulatedPanel(servers: [spec])
        var states: [ServerState] = []
        for _ in 1...6 {
            panel.advance()
            states.append(try await state(panel, survival))
        }
        #expect(states == [.running, .offline, .offline, .offline, .offline, .offline])
    }

    @Test func runawayPluginKeepsSurvivalsCPUHigh() async throws {
        let panel = SimulatedPanel()
        var fractions: [Double] = []
        for _ in 1...DemoScenario.cycles {
            panel.advance()
            fractions.append(try await panel.resources(of: survival).cpuAbsolute / 400)
        }
        #expect(fractions.prefix(3).allSatisfy { $0 < 0.8 })
        #expect(fractions.dropFirst(3).allSatisfy { $0 >= 0.8 }, "\(fractions)")
    }

    @Test func sameSeedReplaysTheSameNumbers() async throws {
        let first = try await trace(SimulatedPanel(seed: 99), ticks: 30)
        let second = try await trace(SimulatedPanel(seed: 99), ticks: 30)
        #expect(first == second)
        let other = try await trace(SimulatedPanel(seed: 100), ticks: 30)
        #expect(first != other)
    }

    @Test func startingServerComesUpOnSchedule() async throws {
        let panel = SimulatedPanel()
        var states: [ServerState] = [try await state(panel, valheim)]
        for _ in 1...5 {
            panel.advance()
            states.append(try await state(panel, valheim))
        }
        #expect(states == [.offline, .offline, .starting, .starting, .running, .running])
        let running = try await panel.resources(of: valheim)
        #expect(running.uptimeMilliseconds > 0 && running.memoryBytes > 0 && running.cpuAbsolute > 0)
    }

    @Test func stoppingServerGoesOfflineOnSchedule() async throws {
        let panel = SimulatedPanel()
        panel.advance(ticks: 7)
        #expect(try await state(panel, ark) == .running)
        panel.advance()
        #expect(try await state(panel, ark) == .stopping)
        panel.advance()
        #expect(try await state(panel, ark) == .stopping)
        panel.advance()
        let offline = try await panel.resources(of: ark)
        #expect(offline.state == .offline)
        #expect(offline.uptimeMilliseconds == 0 && offline.cpuAbsolute == 0 && offline.memoryBytes == 0)
        #expect(offline.diskBytes > 0)
    }

    @Test func suspendedServerAnswersLikeThePanel() async throws {
        let panel = SimulatedPanel()
        await #expect(throws: PanelFailure.self) { try await panel.resources(of: terraria) }
        do {
            _ = try await panel.resources(of: terraria)
        } catch let error as PanelFailure {
            #expect(error.derivedState == .suspended)
        }
        let results = try await panel.usage(of: [terraria, survival])
        #expect(results[terraria]?.serverState == .suspended)
        #expect(results[survival]?.serverState == .running)
        await #expect(throws: PanelFailure.self) { try await panel.sendPower(.start, to: terraria) }

        try panel.setListedState(nil, for: terraria)
        #expect(try await state(panel, terraria) == .offline)
        try await panel.sendPower(.start, to: terraria)
        #expect(try await state(panel, terraria) == .starting)
    }

    @Test func unknownServerIsNotFound() async throws {
        let panel = SimulatedPanel()
        let missing = ServerID("deadbeef")
        await #expect(
            throws: PanelFailure(.notFound, detail: "The requested resource could not be found on the server.")
        ) {
            try await panel.resources(of: missing)
        }
        await #expect(throws: PanelFailure.self) { try await panel.serverDetails(missing) }
        await #expect(throws: PanelFailure.self) { try await panel.sendPower(.stop, to: missing) }
        #expect(try await panel.usage(of: [missing])[missing]?.failureKind == .notFound)
        #expect(try await panel.serverDetails(rust).name == "Rust – Monthly Wipe")
    }

    @Test func answersRepeatWithinATickAndChangeEveryTick() async throws {
        let panel = SimulatedPanel()
        let first = try await panel.resources(of: survival)
        #expect(try await panel.resources(of: survival).isSameSample(as: first))
        panel.advance()
        let second = try await panel.resources(of: survival)
        #expect(!second.isSameSample(as: first))
        #expect(second.uptimeMilliseconds == first.uptimeMilliseconds + 10_000)
        #expect(second.networkRxBytes > first.networkRxBytes)
    }

    @Test func usageStaysWithinLimitsAndMovesSmoothly() async throws {
        let panel = SimulatedPanel(seed: 7)
        let servers = try await panel.servers(forceRefresh: false)
        var previous: [ServerID: ServerResources] = [:]
        var cpuSeen: [ServerID: Set<Double>] = [:]
        for _ in 0..<300 {
            panel.advance()
            for server in servers where server.listedState == nil {
                let resources = try await panel.resources(of: server.id)
                guard resources.state == .running else {
                    // A stop or a crash resets the counters: compare running samples only with the one just before.
                    previous[server.id] = resources
                    continue
                }
                let cpuLimit = Double(server.limits.cpuPercent > 0 ? server.limits.cpuPercent : 800)
                #expect(resources.cpuAbsolute > 0 && resources.cpuAbsolute <= cpuLimit)
                #expect(resources.memoryBytes > 0 && resources.memoryBytes <= server.limits.memoryMiB * 1_048_576)
                if let before = previous[server.id], before.state == .running {
                    // A smooth walk: no jump bigger than half the limit between two samples.
                    #expect(abs(resources.cpuAbsolute - before.cpuAbsolute) < 0.5 * cpuLimit)
                    #expect(resources.networkTxBytes >= before.networkTxBytes)
                }
                previous[server.id] = resources
                cpuSeen[server.id, default: []].insert(resources.cpuAbsolute)
            }
        }
        // It moves: many distinct CPU values per running server.
        #expect(cpuSeen[survival].map { $0.count > 100 } == true)
        #expect(cpuSeen[rust].map { $0.count > 100 } == true)
    }

    @Test func powerSignalsMoveTheState() async throws {
        let panel = SimulatedPanel(servers: Array(SimulatedServer.demo.prefix(1)))
        #expect(try await state(panel, survival) == .running)

        try await panel.sendPower(.start, to: survival)  // already running: ignored
        #expect(try await state(panel, survival) == .running)

        try await panel.sendPower(.stop, to: survival)
        #expect(try await state(panel, survival) == .stopping)
        panel.advance(ticks: 2)
        #expect(try await state(panel, survival) == .stopping)
        panel.advance()
        #expect(try await state(panel, survival) == .offline)

        try await panel.sendPower(.start, to: survival)
        #expect(try await state(panel, survival) == .starting)
        panel.advance(ticks: 3)
        let started = try await panel.resources(of: survival)
        #expect(started.state == .running)
        #expect(started.uptimeMilliseconds == 30_000)

        try await panel.sendPower(.restart, to: survival)
        var states: [ServerState] = []
        for _ in 0..<6 {
            panel.advance()
            states.append(try await state(panel, survival))
        }
        #expect(states == [.stopping, .stopping, .starting, .starting, .starting, .running])

        try await panel.sendPower(.kill, to: survival)
        #expect(try await state(panel, survival) == .offline)
    }

    @Test func clockDrivenPanelTicksWithTheClock() async throws {
        let clock = ManualClock()
        let panel = SimulatedPanel(tickInterval: .seconds(10), clock: clock)
        #expect(panel.tick == 0)
        clock.advance(by: .seconds(25))
        #expect(panel.tick == 2)
        let first = try await panel.resources(of: survival)
        clock.advance(by: .seconds(4))
        #expect(try await panel.resources(of: survival) == first)
        clock.advance(by: .seconds(1))
        #expect(try await panel.resources(of: survival) != first)
        panel.advance()
        #expect(panel.tick == 4)
        #expect(try await state(panel, valheim) == .running)
    }

    @Test func generatedFleetIsDeterministicAndVaried() async throws {
        let fleet = SimulatedServer.fleet(count: 100, ticks: 360, seed: 3)
        #expect(fleet == SimulatedServer.fleet(count: 100, ticks: 360, seed: 3))
        #expect(fleet.count == 100)
        #expect(Set(fleet.map(\.server.id)).count == 100)
        #expect(fleet.allSatisfy { !$0.schedule.isEmpty && $0.schedule.allSatisfy { $0.tick < 360 } })

        let panel = SimulatedPanel(servers: fleet, seed: 3)
        let ids = fleet.map(\.server.id)
        var changes = 0
        var last = try await panel.usage(of: ids).mapValues(\.serverState)
        for _ in 0..<360 {
            panel.advance()
            let now = try await panel.usage(of: ids).mapValues(\.serverState)
            changes += ids.filter { now[$0] != last[$0] }.count
            last = now
        }
        #expect(changes > 100)
    }
}

extension Result where Success == ServerResources, Failure == PanelFailure {
    /// The live power state, or the state the failure stands for.
    fileprivate var serverState: ServerState? {
        switch self {
        case .success(let usage): usage.state
        case .failure(let failure): failure.derivedState
        }
    }

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
