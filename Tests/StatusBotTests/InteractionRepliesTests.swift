import DiscordModels
import PanelCore
import TestSupport
import Testing

@testable import StatusBot

@Suite struct InteractionRepliesTests {
    @Test func powerConfirmationNamesSignalAndServer() {
        #expect(InteractionReplies.powerSent(.restart, to: "Valheim-01") == "Restart sent to Valheim-01")
        #expect(InteractionReplies.powerSent(.start, to: "My *best* server") == "Start sent to My \\*best\\* server")
    }

    @Test func addressShowsAliasAndAdditionalPorts() {
        let server = GameServer(
            id: ServerID("a0000001"),
            name: "Valheim-01",
            allocations: [
                ServerAllocation(id: 2, ip: "203.0.113.10", port: 2458, isDefault: false),
                ServerAllocation(id: 1, ip: "203.0.113.10", alias: "play.example.com", port: 2456, isDefault: true),
                ServerAllocation(id: 3, ip: "203.0.113.10", port: 2457, isDefault: false),
            ]
        )
        let text = InteractionReplies.address(of: server)
        #expect(text == "**Valheim-01**\nAddress: `play.example.com:2456`\nAdditional ports: 2457, 2458")
        let bare = GameServer(id: ServerID("a0000002"), name: "Lonely")
        #expect(InteractionReplies.address(of: bare) == "Lonely has no published address.")
    }

    @Test func refreshAndPurgeReportCounts() {
        var report = CycleReport.counts(tracked: 5, edited: 3, reposted: 1, dropped: 1)
        #expect(
            InteractionReplies.refreshed(report)
                == "🔄 Refreshed 5 tracked status messages: 3 updated, 1 repaired (re-posted), 1 dropped."
        )
        report.failed = 2
        #expect(InteractionReplies.refreshed(report).contains("2 failed"))
        #expect(InteractionReplies.refreshed(CycleReport()).contains("nothing to refresh"))
        #expect(
            InteractionReplies.purged(deleted: 4, failed: 0)
                == "🗑️ Deleted 4 status messages. No status messages are tracked now."
        )
        #expect(InteractionReplies.purged(deleted: 1, failed: 2).contains("2 could not be deleted"))
    }

    @Test func healthCardSummarizesCycles() {
        var first = CycleReport.counts(tracked: 3)
        first.panelRequests = 3
        first.panelDuration = .milliseconds(100)
        first.duration = .milliseconds(400)
        var second = first
        second.panelErrors = 1
        second.panelDuration = .milliseconds(300)
        second.duration = .milliseconds(1250)
        let card = BotHealthCard(
            gatewayLatency: .milliseconds(42),
            gatewayUptime: .seconds(7_260),
            budgets: [
                PanelBudgetUse(budget: "client", requestsLastMinute: 312, limitPerMinute: 720),
                PanelBudgetUse(budget: "application", requestsLastMinute: 0, limitPerMinute: 240),
            ],
            cycles: [first, second],
            trackedEmbeds: 3,
            uptime: .seconds(183_845),  // 2 d 3 h 4 m 5 s
            version: "9.9.9"
        )
        #expect(card.averagePanelDuration == .milliseconds(200))
        #expect(card.panelErrorRate == 1.0 / 6.0)
        let fields = embedFieldValues(card.embed)
        #expect(fields["Gateway latency"] == "42 ms")
        #expect(fields["Gateway session"] == "up 2h 1m")
        #expect(fields["Panel budget (last minute)"] == "client 312/720 (43.3%) · application 0/240 (0.0%)")
        #expect(fields["Panel latency (last 2 cycles)"] == "200 ms")
        #expect(fields["Panel error rate"] == "16.7% (1/6 requests)")
        #expect(fields["Last cycle"] == "1.25 s")
        #expect(fields["Tracked embeds"] == "3")
        #expect(fields["Uptime"] == "2d 3h 4m")
        #expect(fields["Version"] == "9.9.9")
    }

    @Test func healthCardWithoutDataSaysSo() {
        let card = BotHealthCard(gatewayLatency: nil, cycles: [], trackedEmbeds: 0, uptime: .seconds(5), version: "1")
        let fields = embedFieldValues(card.embed)
        #expect(fields["Gateway latency"] == "unknown")
        #expect(fields["Gateway session"] == "down, reconnecting")
        #expect(fields["Panel budget (last minute)"] == "no limit")
        #expect(fields["Panel latency"] == "no data yet")
        #expect(fields["Panel error rate"] == "no requests yet")
        #expect(fields["Last cycle"] == "none yet")
        #expect(fields["Uptime"] == "5s")
    }
}
