import Foundation
import PanelCore
import Synchronization
import TestSupport
import Testing

@Suite struct MultiPanelBackendTests {
    let main = FakePanelBackend(servers: [FakePanelBackend.server(1), FakePanelBackend.server(2)])
    let home = FakePanelBackend(
        servers: [GameServer(id: ServerID("valheim.server01"), name: "Valheim", nodeName: "box")],
        nodes: [
            PanelNodeSummary(
                id: "1",
                name: "box",
                memoryCapacityMiB: 1024,
                memoryAllocatedMiB: 0,
                diskCapacityMiB: 1024,
                diskAllocatedMiB: 0
            )
        ]
    )

    var backend: MultiPanelBackend {
        MultiPanelBackend([
            NamedPanel(name: nil, displayName: "panel.example.net", backend: main),
            NamedPanel(name: "home", displayName: "home", backend: home),
        ])
    }

    static let valheim = ServerID(panel: "home", local: "valheim.server01")

    @Test func serverIDsOfNamedPanelsCarryTheNameAndDefaultOnesStayBare() throws {
        #expect(Self.valheim.rawValue == "home:valheim.server01")
        #expect(Self.valheim.panel == "home")
        #expect(Self.valheim.local == "valheim.server01")
        let bare = ServerID("0000000a")
        #expect(bare.panel == nil)
        #expect(bare.local == "0000000a")
        #expect(ServerID(panel: nil, local: "0000000a") == bare)
        // The store keeps bare JSON strings, as the Python bot wrote them.
        let encoded = try JSONEncoder().encode([bare, Self.valheim])
        #expect(String(decoding: encoded, as: UTF8.self) == #"["0000000a","home:valheim.server01"]"#)
    }

    @Test func listsEveryPanelsServersTaggedWithTheirPanel() async throws {
        let servers = try await backend.servers(forceRefresh: false)
        #expect(servers.map(\.id) == [ServerID("00000001"), ServerID("00000002"), Self.valheim])
        #expect(servers.map(\.panelName) == ["panel.example.net", "panel.example.net", "home"])
        #expect(servers[2].nodeName == "home: box")
        #expect(servers[0].nodeName == "node-1")
        #expect(servers[2].capabilities == home.capabilities)
    }

    @Test func usageGoesToEachServersPanelWithThePanelsOwnIdentifier() async throws {
        main.setRunning(ServerID("00000001"), cpu: 50, sample: 1)
        home.setRunning(ServerID("valheim.server01"), cpu: 20, sample: 1)
        let unknown = ServerID(panel: "gone", local: "x.y")
        let results = try await backend.usage(of: [ServerID("00000001"), Self.valheim, unknown])
        #expect(try results[ServerID("00000001")]?.get().cpuAbsolute == 50)
        #expect(try results[Self.valheim]?.get().cpuAbsolute == 20)
        #expect(results[unknown]?.failure?.kind == .notFound)
        #expect(home.usageRequests == [[ServerID("valheim.server01")]])
        #expect(main.usageRequests == [[ServerID("00000001")]])
    }

    @Test func powerGoesToTheServersPanel() async throws {
        try await backend.sendPower(.restart, to: Self.valheim)
        #expect(home.powerSignals.map(\.1) == [ServerID("valheim.server01")])
        #expect(main.powerSignals.isEmpty)
        await #expect(throws: PanelFailure.self) {
            try await backend.sendPower(.start, to: ServerID(panel: "gone", local: "a.b"))
        }
    }

    @Test func aPanelDownKeepsItsLastListAndNeverHoldsUpTheOthers() async throws {
        let backend = backend
        home.setServers([
            GameServer(id: ServerID("valheim.server01"), name: "Valheim"),
            GameServer(id: ServerID("ark.main"), name: "ARK"),
        ])
        _ = try await backend.servers(forceRefresh: false)
        home.failList(with: PanelFailure(.panelUnreachable, detail: "connection refused"))
        for id in [ServerID("valheim.server01"), ServerID("ark.main")] {
            home.fail(id, with: PanelFailure(.panelUnreachable, detail: "connection refused"))
        }
        main.setRunning(ServerID("00000002"), cpu: 10, sample: 1)

        let servers = try await backend.servers(forceRefresh: false)
        #expect(servers.count == 4)
        let ark = ServerID(panel: "home", local: "ark.main")
        let results = try await backend.usage(of: [ServerID("00000002"), Self.valheim, ark])
        #expect(try results[ServerID("00000002")]?.get().cpuAbsolute == 10)
        #expect(results[Self.valheim]?.failure?.kind == .panelUnreachable)
        #expect(results[ark]?.failure?.kind == .panelUnreachable)
        // One server probes the panel that is down; the other is not asked.
        #expect(home.usageRequests == [[ServerID("valheim.server01")]])

        let reports = await backend.panelReports()
        #expect(reports.map(\.name) == [nil, "home"])
        #expect(reports[1].outage?.kind == .panelUnreachable)
        #expect(reports[1].failures == 1)
        #expect(reports[0].outage == nil)

        // Back: the probe answers, so the rest are asked in the same round.
        home.failList(with: nil)
        home.setRunning(ServerID("valheim.server01"), cpu: 5, sample: 2)
        home.setRunning(ServerID("ark.main"), cpu: 7, sample: 2)
        let recovered = try await backend.usage(of: [Self.valheim, ark])
        #expect(try recovered[ark]?.get().cpuAbsolute == 7)
        #expect(home.usageRequests.count == 3)
    }

    @Test func aPanelWhoseEveryServerIsUnreachableIsProbedNotAskedInFull() async throws {
        // PEON's list is cached for a minute, so an outage shows in a usage round before the list fails.
        let backend = backend
        home.setServers([
            GameServer(id: ServerID("valheim.server01"), name: "Valheim"),
            GameServer(id: ServerID("ark.main"), name: "ARK"),
        ])
        let ark = ServerID(panel: "home", local: "ark.main")
        for id in [ServerID("valheim.server01"), ServerID("ark.main")] {
            home.fail(id, with: PanelFailure(.panelUnreachable, detail: "connection refused"))
        }
        _ = try await backend.usage(of: [Self.valheim, ark])
        #expect(home.usageRequests.count == 1)
        let second = try await backend.usage(of: [Self.valheim, ark])
        #expect(second[ark]?.failure?.kind == .panelUnreachable)
        #expect(home.usageRequests.last == [ServerID("valheim.server01")])
        #expect(await backend.panelReports()[1].outage?.kind == .panelUnreachable)
    }

    /// A panel without servers has nothing to probe with: its outage ends with the first list it gives, so its
    /// alert (judged by this report) resolves.
    @Test func aPanelWithNoServersIsBackWithItsFirstList() async throws {
        let backend = backend
        home.setServers([])
        home.failList(with: PanelFailure(.panelUnreachable, detail: "connection refused"))
        _ = try await backend.servers(forceRefresh: false)
        #expect(await backend.panelReports()[1].outage?.kind == .panelUnreachable)
        home.failList(with: nil)
        _ = try await backend.servers(forceRefresh: false)
        #expect(await backend.panelReports()[1].outage == nil)
    }

    @Test func everyPanelDownWithNoListYetIsThePanelsFailure() async throws {
        main.failList(with: PanelFailure(.keyRefused, detail: "401"))
        home.failList(with: PanelFailure(.panelUnreachable, detail: "refused"))
        await #expect(throws: PanelFailure(.keyRefused, detail: "401")) {
            try await backend.servers(forceRefresh: false)
        }
    }

    @Test func nodesOfNamedPanelsCarryTheirName() async throws {
        let nodes = try await backend.nodes()
        #expect(nodes.map(\.id) == ["home:1"])
        #expect(nodes.map(\.name) == ["home: box"])
    }
}

@Suite struct MultiPanelReplaceTests {
    let main = FakePanelBackend(servers: [FakePanelBackend.server(1)])
    let home = FakePanelBackend(servers: [GameServer(id: ServerID("valheim.server01"), name: "Valheim")])
    let lab = FakePanelBackend(servers: [GameServer(id: ServerID("lab-1"), name: "Lab")])

    @Test func withOnePanelServersCarryNoPanelNameAndThereAreNoPanelReports() async throws {
        let backend = MultiPanelBackend([NamedPanel(name: nil, displayName: "panel.example.net", backend: main)])
        let servers = try await backend.servers(forceRefresh: false)
        #expect(servers.map(\.panelName) == [nil])
        #expect(await backend.panelReports().isEmpty)
    }

    @Test func aReloadAddsAndRemovesPanelsAndKeepsTheUnchangedOnes() async throws {
        let backend = MultiPanelBackend([
            NamedPanel(name: nil, displayName: "panel.example.net", backend: main),
            NamedPanel(name: "home", displayName: "home", backend: home),
        ])
        _ = try await backend.servers(forceRefresh: false)
        main.failList(with: PanelFailure(.panelUnreachable, detail: "refused"))
        // The default panel is unchanged (its entry here is ignored); home goes, lab comes.
        backend.replace(
            with: [
                NamedPanel(name: nil, displayName: "ignored", backend: lab),
                NamedPanel(name: "lab", displayName: "lab", backend: lab),
            ],
            unchanged: [nil]
        )
        #expect(backend.panelNames == [nil, "lab"])
        let servers = try await backend.servers(forceRefresh: false)
        // The default panel kept its last list through its own outage.
        #expect(servers.map(\.id) == [ServerID("00000001"), ServerID(panel: "lab", local: "lab-1")])
        let gone = ServerID(panel: "home", local: "valheim.server01")
        let results = try await backend.usage(of: [gone])
        #expect(results[gone]?.failure?.kind == .notFound)
        #expect(home.usageRequests.isEmpty)
    }
}

@Suite struct MultiPanelDeadlineTests {
    /// A host that first refuses connections, then stops answering at all: every call hangs until cancelled, the
    /// way a real one looks until a timeout that can take many seconds.
    final class FadingBackend: PanelBackend {
        let capabilities = PanelCapabilities(powerSignals: [.start], listsNodes: false, hasAddresses: false)
        let hangs = Mutex(false)
        static let server = GameServer(id: ServerID("valheim.server01"), name: "Valheim")

        func servers(forceRefresh: Bool) async throws -> [GameServer] {
            if hangs.withLock({ $0 }) { try await Task.sleep(for: .seconds(3600)) }
            return [Self.server]
        }

        func serverDetails(_ id: ServerID) async throws -> GameServer { GameServer(unlisted: id) }

        func usage(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelFailure>] {
            if hangs.withLock({ $0 }) { try await Task.sleep(for: .seconds(3600)) }
            return Dictionary(
                uniqueKeysWithValues: ids.map { ($0, .failure(PanelFailure(.panelUnreachable, detail: "refused"))) }
            )
        }

        func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {}
    }

    @Test func aPanelThatIsDownCannotHoldTheOthersPastTheDeadline() async throws {
        let main = FakePanelBackend(servers: [FakePanelBackend.server(1)])
        let home = FadingBackend()
        let backend = MultiPanelBackend(
            [
                NamedPanel(name: nil, displayName: "main", backend: main),
                NamedPanel(name: "home", displayName: "home", backend: home),
            ],
            outageDeadline: .milliseconds(20)
        )
        let valheim = ServerID(panel: "home", local: "valheim.server01")
        _ = try await backend.servers(forceRefresh: false)
        _ = try await backend.usage(of: [valheim])
        home.hangs.withLock { $0 = true }
        main.setRunning(ServerID("00000001"), cpu: 10, sample: 1)
        // These return only because the hanging panel is cut off at the deadline.
        let servers = try await backend.servers(forceRefresh: false)
        #expect(servers.map(\.id) == [ServerID("00000001"), valheim])
        let results = try await backend.usage(of: [ServerID("00000001"), valheim])
        #expect(try results[ServerID("00000001")]?.get().cpuAbsolute == 10)
        #expect(results[valheim]?.failure?.kind == .panelUnreachable)
    }
}
