import DiscordModels
import Foundation
import PanelCore
import TestSupport
import Testing

@testable import StatusBot

/// Panel alerts with two panels, end to end: the Pterodactyl fake as the default panel and a PEON fake named
/// `home` behind ``MultiPanelBackend``, the real monitor, alert engine and notifier, on the harness's manual clock.
@Suite(.timeLimit(.minutes(1))) struct AlertsMultiPanelEndToEndTests {
    typealias Multi = MultiPanelEndToEndTests

    /// Starts both fakes and the bot with alerts on, runs `body`, and shuts everything down.
    /// - Parameter homeDownAtStart: Whether `home` drops every connection before the bot starts.
    func withBot(
        homeDownAtStart: Bool = false,
        _ body: (StatusHarness, FakePeon) async throws -> Void
    ) async throws {
        let peon = try await FakePeon.start(servers: [Multi.vikings, Multi.castle])
        let harness: StatusHarness
        do {
            if homeDownAtStart { try await peon.setOutage(.dropsConnections) }
            harness = try await StatusHarness(
                servers: [Multi.valheim],
                alerts: AlertsEndToEndTests.alerts,
                connectTimeout: .milliseconds(250),
                backend: { primary, http, clock, logger in
                    Multi.twoPanels(primary, home: peon, httpClient: http, clock: clock, logger: logger)
                }
            )
        } catch {
            try await peon.shutdown()
            throw error
        }
        do {
            try await body(harness, peon)
        } catch {
            try await harness.shutdown()
            try await peon.shutdown()
            throw error
        }
        try await harness.shutdown()
        try await peon.shutdown()
    }

    func cycle(_ harness: StatusHarness) async {
        harness.clock.advance(by: .seconds(10))
        await harness.tick()
    }

    func alertMessages(_ harness: StatusHarness) async -> [Message] {
        await harness.discord.messages(in: AlertsEndToEndTests.alertsChannel)
    }

    @Test func aPanelDownIsOneAlertNamingItWhileTheOtherPanelStillAlerts() async throws {
        try await withBot { harness, peon in
            harness.setRunning(Multi.valheim.id, cpu: 20, sample: 0)
            await cycle(harness)
            #expect(await alertMessages(harness).isEmpty)

            // Home drops every connection: one alert for it, none for its servers.
            try await peon.setOutage(.dropsConnections)
            await cycle(harness)
            let posted = await alertMessages(harness)
            #expect(posted.count == 1)
            let alert = try #require(posted.first?.embeds.first)
            #expect(alert.title == "🔴 Panel unreachable: home")
            #expect(alert.description?.hasPrefix("panel home unreachable: ") == true)
            await cycle(harness)
            #expect(await alertMessages(harness).count == 1)

            // The default panel still answers: its crash is alerted as usual while home is down.
            harness.panel.setState(.offline, for: Multi.valheim.id)
            await cycle(harness)
            let titles = await alertMessages(harness).compactMap { $0.embeds.first?.title }
            #expect(titles == ["🔴 Panel unreachable: home", "🔴 Server stopped: Valheim-01"])

            // Home answers again: its alert resolves with a reply under its own message; the crash stays open.
            try await peon.setOutage(nil)
            await cycle(harness)
            await cycle(harness)
            let after = await alertMessages(harness)
            #expect(after.count == 3)
            #expect(after.last?.content.hasPrefix("✅ **home**: panel unreachable resolved after") == true)
            let open = await harness.operations.alerts?.openAlerts.map(\.key.description)
            #expect(open == ["serverStopped@server:a0000001"])
        }
    }

    /// A panel down since the bot started lists nothing, so none of its servers is ever seen: its own report raises
    /// its alert all the same, and the alert resolves once the panel answers.
    @Test func aPanelDownSinceStartUpAlertsAndRecovers() async throws {
        try await withBot(homeDownAtStart: true) { harness, peon in
            harness.setRunning(Multi.valheim.id, cpu: 20, sample: 0)
            await cycle(harness)
            let titles = await alertMessages(harness).compactMap { $0.embeds.first?.title }
            #expect(titles == ["🔴 Panel unreachable: home"])

            try await peon.setOutage(nil)
            for _ in 0..<3 { await cycle(harness) }
            let after = await alertMessages(harness)
            #expect(after.last?.content.hasPrefix("✅ **home**: panel unreachable resolved after") == true)
            #expect(await harness.operations.alerts?.openAlerts.isEmpty == true)
        }
    }
}
