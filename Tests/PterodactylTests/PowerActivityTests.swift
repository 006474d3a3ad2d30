import ClientSupport
import MetricsTestKit
import PanelCore
import Pterodactyl
import TestSupport
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The server activity log (`GET /api/client/servers/{server}/activity`, reference §7.9) against the fake panel.
@Suite struct PowerActivityTests {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    let server = FakePanel.Server.numbered(1)

    @Test func powerActionsComeFromTheLogNewestFirstWithTheirSignals() async throws {
        let clock = ManualClock()
        try await withPanel(servers: [server], clock: clock) { fake, client in
            fake.addActivity("server:power.start", for: server.id, at: Self.epoch.addingTimeInterval(-60))
            try await client.sendPower(.stop, to: server.id)
            clock.advance(by: .seconds(30))
            fake.addActivity("server:console.command", for: server.id)
            fake.addActivity("server:power.hibernate", for: server.id, actor: nil)
            clock.advance(by: .seconds(30))
            try await client.sendPower(.start, to: server.id)

            let entries = try await client.powerActivity(of: server.id, since: Self.epoch)
            #expect(entries.map(\.event) == ["server:power.start", "server:power.hibernate", "server:power.stop"])
            #expect(entries.map(\.signal) == [.start, nil, .stop])
            #expect(
                entries.map(\.loggedAt)
                    == [Self.epoch.addingTimeInterval(60), Self.epoch.addingTimeInterval(30), Self.epoch]
            )
            let request = try #require(fake.requests.last)
            #expect(request.path == "/api/client/servers/\(server.id)/activity")
            #expect(request.query["sort"] == "-timestamp")
            #expect(request.query["filter[event]"] == "server:power")
            #expect(request.query["per_page"] == "25")
            #expect(request.keyKind == .client)
        }
    }

    @Test func theFirstPageIsEnoughWhenItReachesBackPastSince() async throws {
        try await withPanel(servers: [server]) { fake, client in
            for second in 0..<40 {
                fake.addActivity(
                    "server:power.restart",
                    for: server.id,
                    at: Self.epoch.addingTimeInterval(Double(second))
                )
            }
            let path = "/api/client/servers/\(server.id)/activity"
            let recent = try await client.powerActivity(of: server.id, since: Self.epoch.addingTimeInterval(30))
            #expect(recent.count == 10)
            #expect(recent.first?.loggedAt == Self.epoch.addingTimeInterval(39))
            #expect(fake.requestCount(path: path) == 1)

            // Older than the first page's oldest entry: the second page too, and no more.
            let all = try await client.powerActivity(of: server.id, since: Self.epoch)
            #expect(all.count == 40)
            #expect(all.map(\.loggedAt) == all.map(\.loggedAt).sorted(by: >))
            #expect(fake.requestCount(path: path) == 3)
            #expect(fake.requests.suffix(2).map { $0.query["page"] } == ["1", "2"])
        }
    }

    @Test func atMostTwoPagesAreRead() async throws {
        try await withPanel(servers: [server]) { fake, client in
            for second in 0..<80 {
                fake.addActivity("server:power.kill", for: server.id, at: Self.epoch.addingTimeInterval(Double(second)))
            }
            let entries = try await client.powerActivity(of: server.id, since: Self.epoch)
            #expect(entries.count == 50)
            #expect(entries.last?.loggedAt == Self.epoch.addingTimeInterval(30))
            #expect(fake.requestCount(path: "/api/client/servers/\(server.id)/activity") == 2)
        }
    }

    @Test func aProxyThatIgnoresThePageAddsNoDuplicates() async throws {
        try await withPanel(servers: [server]) { fake, client in
            fake.setPaginationQuirk(.ignoresPageParameter)
            for second in 0..<40 {
                fake.addActivity("server:power.stop", for: server.id, at: Self.epoch.addingTimeInterval(Double(second)))
            }
            let entries = try await client.powerActivity(of: server.id, since: Self.epoch)
            #expect(entries.count == 25)
            #expect(Set(entries.map(\.loggedAt)).count == 25)
        }
    }

    @Test func timestampsWithAnOffsetAreTheSameInstant() async throws {
        try await withPanel(servers: [server]) { fake, client in
            fake.setActivityUTCOffset(seconds: 7200)
            fake.addActivity("server:power.stop", for: server.id, at: Self.epoch)
            let entries = try await client.powerActivity(of: server.id, since: Self.epoch)
            #expect(entries.map(\.loggedAt) == [Self.epoch])
        }
    }

    @Test func aKeyWithoutActivityReadIsRefusedWithAdviceNamingThePermission() async throws {
        try await withPanel(servers: [server, .numbered(2)]) { fake, client in
            fake.denyActivityRead(for: server.id)
            let backend = PterodactylBackend(client: client)
            let failure = await #expect(throws: PanelFailure.self) {
                _ = try await backend.powerActivity(of: server.id, since: Self.epoch)
            }
            #expect(failure?.kind == .keyRefused)
            #expect(failure?.detail.contains("activity.read") == true)
            // Other servers are readable.
            _ = try await backend.powerActivity(of: FakePanel.Server.numbered(2).id, since: Self.epoch)
        }
    }

    @Test func aPanelOlderThanTheLogIsUnsupportedAndAnUnknownServerIsNotFound() async throws {
        try await withPanel(servers: [server]) { fake, client in
            let backend = PterodactylBackend(client: client)
            let unknown = await #expect(throws: PanelFailure.self) {
                _ = try await backend.powerActivity(of: ServerID("ffffffff"), since: Self.epoch)
            }
            #expect(unknown?.kind == .notFound)
            fake.setActivityLogAvailable(false)
            let old = await #expect(throws: PanelFailure.self) {
                _ = try await backend.powerActivity(of: server.id, since: Self.epoch)
            }
            #expect(old?.kind == .unsupported)
        }
    }

    @Test func activityRequestsCountAgainstTheClientBudgetUnderTheirRouteTemplate() async throws {
        let metrics = TestMetrics()
        try await withPanel(
            servers: [server],
            metrics: PanelRequestMetrics(factory: metrics, panel: "home")
        ) { _, client in
            _ = try await client.powerActivity(of: server.id, since: Self.epoch)
            let counter = try metrics.expectCounter(
                "pterodisbot_panel_requests_total",
                [("panel", "home"), ("route", "/api/client/servers/{server}/activity"), ("status_class", "2xx")]
            )
            #expect(counter.totalValue == 1)
            let use = try #require(await client.budgetUse().first { $0.budget == "client" })
            #expect(use.requestsLastMinute == 1)
        }
    }
}

/// Nodes with their locations (Pterodactyl) or CPU (Pelican), and node outages, against the fake panel.
@Suite struct PanelNodeTests {
    @Test func nodesCarryTheirLocationShortCodeOrLongName() async throws {
        let nodes = [
            FakePanel.Node(id: 1, name: "Node 1"),
            FakePanel.Node(id: 2, name: "Node 2", location: PanelLocation(id: 2, short: "", long: "Helsinki")),
            FakePanel.Node(id: 3, name: "Node 3", location: nil),
        ]
        try await withPanel(nodes: nodes) { fake, client in
            let summaries = try await PterodactylBackend(client: client).nodes()
            #expect(summaries.map(\.location) == ["de-fra", "Helsinki", nil])
            #expect(summaries.allSatisfy { $0.cpuCapacityPercent == nil && $0.cpuAllocatedPercent == nil })
            let listing = try #require(fake.requests.first { $0.path == "/api/application/nodes" })
            #expect(listing.query["include"] == "location")
            #expect(fake.requests.allSatisfy { !$0.path.hasSuffix("/configuration") })
        }
    }

    @Test func pelicanNodesCarryTheirCPUCapacityAndAllocation() async throws {
        let nodes = [
            FakePanel.Node(id: 1, name: "Node 1", cpuPercent: 400, cpuOverallocatePercent: 50),
            FakePanel.Node(id: 2, name: "Node 2", cpuPercent: 0),
            FakePanel.Node(id: 3, name: "Node 3", cpuPercent: 800, cpuOverallocatePercent: -1),
        ]
        let servers: [FakePanel.Server] = [.numbered(1), .numbered(2), .numbered(3, nodeID: 2)]
        try await withPanel(servers: servers, nodes: nodes, flavor: .pelican) { _, client in
            let summaries = try await PterodactylBackend(client: client).nodes()
            // 400 % plus 50 % over-allocation; 0 and -1 mean unlimited (Pelican's `Node::isViable`).
            #expect(summaries.map(\.cpuCapacityPercent) == [600, nil, nil])
            #expect(summaries.map(\.cpuAllocatedPercent) == [400, 200, 0])
            #expect(summaries.allSatisfy { $0.location == nil })
        }
    }

    @Test func aNodeGoesDownAndComesBack() async throws {
        let nodes = [FakePanel.Node(id: 1, name: "Node 1"), FakePanel.Node(id: 2, name: "Node 2")]
        let onFirst = FakePanel.Server.numbered(1)
        let onSecond = FakePanel.Server.numbered(2, nodeID: 2)
        try await withPanel(servers: [onFirst, onSecond], nodes: nodes) { fake, client in
            fake.setNodeReachable(1, false)
            #expect(fake.nodes.map(\.wingsReachable) == [false, true])
            let down = await panelError { _ = try await client.resources(of: onFirst.id) }
            #expect(down?.derivedState == .nodeOffline)
            let power = await panelError { try await client.sendPower(.restart, to: onFirst.id) }
            #expect(power?.derivedState == .nodeOffline)
            #expect(fake.activity(of: onFirst.id).isEmpty)
            let otherState = try await client.resources(of: onSecond.id).state
            #expect(otherState == .running)
            // The listings still answer while Wings is down.
            #expect(try await client.servers(forceRefresh: true).count == 2)

            fake.setNodeReachable(1, true)
            let backState = try await client.resources(of: onFirst.id).state
            #expect(backState == .running)
        }
    }
}
