import Alerting
import DiscordModels
import Foundation
import MetricsTestKit
import PanelCore
import Pterodactyl
import TestSupport
import Testing

@testable import StatusBot

/// Alerts end to end: the real monitor, alert engine and notifier, Pterodactyl backend and Discord client against
/// the loopback fakes of the panel and Discord, on a manual clock.
@Suite struct AlertsEndToEndTests {
    static let alertsChannel: ChannelID = "300000000000000009"
    static let alerts = BotConfiguration.Alerts(channelID: alertsChannel, sustainFor: .seconds(60))
    static let first = FakePanel.Server.numbered(1, name: "Valheim-01")
    static let second = FakePanel.Server.numbered(2, name: "Minecraft SMP")

    /// One cycle, ten seconds after the previous one.
    func cycle(_ harness: StatusHarness) async {
        harness.clock.advance(by: .seconds(10))
        await harness.tick()
    }

    /// The server runs again for the two good cycles that clear its stop alert (`sample` and `sample + 1`).
    func runAgain(_ harness: StatusHarness, _ id: ServerID, fromSample sample: Int) async {
        for next in sample...sample + 1 {
            harness.setRunning(id, cpu: 20, sample: next)
            await cycle(harness)
        }
    }

    func alertMessages(_ harness: StatusHarness) async -> [Message] {
        await harness.discord.messages(in: Self.alertsChannel)
    }

    @Test func aCrashAlertsOnceAndResolvesInTheSameMessageWithAReply() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second], alerts: Self.alerts)
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        harness.setRunning(Self.second.id, cpu: 20, sample: 0)
        await cycle(harness)
        #expect(await alertMessages(harness).isEmpty)

        // The second server is stopped from the panel (logged in its activity log); the first one crashes.
        try await harness.panelClient.sendPower(.stop, to: Self.second.id)
        harness.panel.setState(.offline, for: Self.first.id)
        harness.panel.setState(.offline, for: Self.second.id)
        await cycle(harness)
        let posted = await alertMessages(harness)
        #expect(posted.count == 1)
        let alert = try #require(posted.first?.embeds.first)
        #expect(alert.title == "🔴 Server stopped: Valheim-01")
        #expect(alert.description == "stopped unexpectedly (no power action in the activity log)")
        #expect(posted.first?.content == "<@&400000000000000001>")

        // Still down: nothing new.
        await cycle(harness)
        #expect(await alertMessages(harness).count == 1)

        // Back up for two good cycles: the same message turns green, and one reply notes the recovery.
        await runAgain(harness, Self.first.id, fromSample: 1)
        let after = await alertMessages(harness)
        #expect(after.count == 2)
        let edited = try #require(after.first { $0.id == posted.first?.id }?.embeds.first)
        #expect(edited.color == 0x57F287)
        #expect(edited.fields?.contains { $0.name == "Resolved" } == true)
        #expect(after.last?.content.hasPrefix("✅ **Valheim-01**: server stopped resolved after") == true)
        let replies = await harness.discord.requests.filter { request in
            request.method == "POST" && request.path.contains(Self.alertsChannel.rawValue)
                && String(decoding: request.payloadJSON ?? [], as: UTF8.self).contains("\"message_reference\"")
        }
        #expect(replies.count == 1)
        try await harness.shutdown()
    }

    @Test func aStopFromTheBotsOwnButtonIsNoCrash() async throws {
        let harness = try await StatusHarness(servers: [Self.first], alerts: Self.alerts)
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        await cycle(harness)
        let now = Date(timeIntervalSince1970: 1_764_622_800 + Double(harness.clock.now.offset.components.seconds))
        await harness.operations.powerRequests.record(.stop, to: Self.first.id, at: now)
        harness.panel.setState(.offline, for: Self.first.id)
        await cycle(harness)
        #expect(await alertMessages(harness).isEmpty)
        try await harness.shutdown()
    }

    @Test func aNodeDownIsOneNodeAlertNotOnePerServer() async throws {
        let servers = (1...3).map { FakePanel.Server.numbered($0, nodeID: 1) } + [.numbered(4, nodeID: 2)]
        let harness = try await StatusHarness(
            servers: servers,
            nodes: [FakePanel.Node(id: 1, name: "Node 1"), FakePanel.Node(id: 2, name: "Node 2")],
            alerts: Self.alerts
        )
        for (index, server) in servers.enumerated() { harness.setRunning(server.id, cpu: 10, sample: index) }
        await cycle(harness)
        harness.panel.updateNode(1) { $0.wingsReachable = false }
        await cycle(harness)
        let posted = await alertMessages(harness)
        #expect(posted.count == 1)
        #expect(posted.first?.embeds.first?.title?.hasPrefix("🔴 Node unreachable:") == true)

        harness.panel.updateNode(1) { $0.wingsReachable = true }
        await cycle(harness)
        await cycle(harness)
        let after = await alertMessages(harness)
        #expect(after.first?.embeds.first?.color == 0x57F287)
        #expect(after.count == 2)  // the alert, then the recovery reply
        try await harness.shutdown()
    }

    @Test func aRevokedKeyIsOnePanelAlert() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second], alerts: Self.alerts)
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        harness.setRunning(Self.second.id, cpu: 20, sample: 0)
        await cycle(harness)
        harness.panel.revokeClientKey()
        await cycle(harness)
        let posted = await alertMessages(harness)
        #expect(posted.count == 1)
        #expect(posted.first?.embeds.first?.title == "🔴 Panel refuses the key: the panel")
        try await harness.shutdown()
    }

    @Test func alertsRaisedWhileDiscordIsDownGoOutInOrderOnceItAnswers() async throws {
        let harness = try await StatusHarness(servers: [Self.first, Self.second], alerts: Self.alerts)
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        harness.setRunning(Self.second.id, cpu: 20, sample: 0)
        await cycle(harness)
        // Discord's edge answers 502 while it is down (status page incidents; our client retries nothing here).
        await harness.discord.failNext(.serverError(status: 502), method: "POST", count: 2)
        harness.panel.setState(.offline, for: Self.first.id)
        await cycle(harness)
        harness.panel.setState(.offline, for: Self.second.id)
        await cycle(harness)
        #expect(await alertMessages(harness).isEmpty)
        #expect(await harness.operations.alerts?.undeliveredCount == 2)
        #expect(harness.logs.captured.contains { $0.contains("cannot deliver alerts to Discord") })
        // Loud in the metrics too: alerts open, notices piling up.
        #expect(try harness.metrics.expectGauge("pterodisbot_alert_notices_waiting").lastValue == 2)
        #expect(try harness.metrics.expectGauge("pterodisbot_alerts_open", [("kind", "serverStopped")]).lastValue == 2)
        #expect(
            try harness.metrics.expectCounter("pterodisbot_alerts_raised_total", [("kind", "serverStopped")])
                .totalValue == 2
        )
        let status = await AlertsFeature(notifier: harness.operations.alerts).statusField()
        #expect(status?.value == "2 open (2 critical), 2 waiting for Discord")

        await cycle(harness)
        let posted = await alertMessages(harness).compactMap { $0.embeds.first?.title }
        #expect(posted == ["🔴 Server stopped: Valheim-01", "🔴 Server stopped: Minecraft SMP"])
        #expect(await harness.operations.alerts?.undeliveredCount == 0)
        #expect(try harness.metrics.expectGauge("pterodisbot_alert_notices_waiting").lastValue == 0)
        try await harness.shutdown()
    }

    @Test func aRestartKeepsTheOpenAlertWithoutPostingItAgain() async throws {
        let harness = try await StatusHarness(servers: [Self.first], alerts: Self.alerts)
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        await cycle(harness)
        harness.panel.setState(.offline, for: Self.first.id)
        await cycle(harness)
        #expect(await alertMessages(harness).count == 1)
        try await harness.shutdown(keepFakes: true)

        let restarted = try await StatusHarness(servers: [], alerts: Self.alerts, restartOf: harness)
        #expect(await restarted.operations.alerts?.openAlerts.count == 1)
        await cycle(restarted)
        await cycle(restarted)
        #expect(await alertMessages(restarted).count == 1)
        await runAgain(restarted, Self.first.id, fromSample: 5)
        let messages = await alertMessages(restarted)
        #expect(messages.count == 2)
        #expect(messages.first?.embeds.first?.color == 0x57F287)
        try await restarted.shutdown()
    }

    @Test func acknowledgingRecordsWhoAndStopsMentionsOfRepeats() async throws {
        let harness = try await StatusHarness(servers: [Self.first], alerts: Self.alerts)
        harness.setRunning(Self.first.id, cpu: 20, sample: 0)
        await cycle(harness)
        harness.panel.setState(.offline, for: Self.first.id)
        await cycle(harness)
        let notifier = try #require(harness.operations.alerts)
        let alertID = try #require(await notifier.openAlerts.first?.id)
        let acknowledged = await notifier.acknowledge(alertID, by: "200000000000000042", at: Date())
        #expect(acknowledged.map(\.id) == [alertID])
        #expect(await notifier.acknowledge(alertID, by: "200000000000000043", at: Date()).isEmpty)
        let message = try #require(await alertMessages(harness).first)
        #expect(message.embeds.first?.fields?.contains { $0.value.hasPrefix("<@200000000000000042>") } == true)
        try await harness.shutdown()
    }
}
