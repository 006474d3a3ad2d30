import Alerting
import DiscordModels
import Foundation
import PanelCore
import Testing

@testable import StatusBot

struct AlertMessageBuilderTests {
    static let start = Date(timeIntervalSince1970: 1_764_622_800)

    /// An alert as the engine makes it: a server that crashed, opened at `start`, resolved `resolvedAfter`
    /// minutes later when given (it runs again for two cycles).
    static func alert(_ name: String = "Survival SMP", id: String = "1a2b3c4d", resolvedAfter minutes: Double? = nil)
        throws -> Alert
    {
        var engine = AlertEngine()
        func facts(_ state: ServerState, stop: StopCause? = nil) -> AlertCycleFacts {
            AlertCycleFacts(
                panel: .answering,
                nodes: nil,
                servers: [ServerFacts(id: ServerID(id), name: name, state: state, unexpectedStop: stop)]
            )
        }
        var alert = try #require(engine.evaluate(facts(.offline, stop: .crashed), now: start).opened.first)
        if let minutes {
            _ = engine.evaluate(facts(.running), now: start.addingTimeInterval(minutes * 60 - 10))
            alert = try #require(
                engine.evaluate(facts(.running), now: start.addingTimeInterval(minutes * 60)).resolved.first
            )
        }
        return alert
    }

    /// A sustained CPU alert on a server of its own.
    static func cpuAlerts(_ count: Int) -> [Alert] {
        var engine = AlertEngine(thresholds: AlertThresholds(sustainFor: .zero))
        let servers = (1...count).map { index in
            ServerFacts(
                id: ServerID(String(format: "%08x", index)),
                name: "Server \(index)",
                state: .running,
                cpuPercentOfLimit: 95
            )
        }
        return engine.evaluate(AlertCycleFacts(panel: .answering, nodes: nil, servers: servers), now: start).opened
    }

    @Test func aNewAlertMentionsItsRolesAndOffersAcknowledge() throws {
        let roles = [RoleID("400000000000000001")]
        let message = AlertMessageBuilder().message(for: [try Self.alert()], mention: roles)
        #expect(message.payload.content == "<@&400000000000000001>")
        #expect(message.payload.allowedMentions?.roles == roles)
        #expect(message.payload.allowedMentions?.parse == [])
        let embed = try #require(message.payload.embeds?.first)
        #expect(embed.title == "🔴 Server stopped: Survival SMP")
        #expect(embed.description == "stopped unexpectedly (no power action in the activity log)")
        #expect(embed.color == 0xED4245)
        #expect(embed.fields?.first?.value == "<t:1764622800:f>")
        guard case .actionRow(let row) = try #require(message.payload.components?.first),
            case .button(let button) = try #require(row.components.first)
        else {
            Issue.record("no button")
            return
        }
        #expect(button.customID == "alert.ack:a1")
        #expect(button.disabled == false)
        #expect(AlertButtonID(customID: "alert.ack:a1") == .acknowledge("a1"))
    }

    @Test func aResolvedAlertTurnsGreenAndSaysHowLongItLasted() throws {
        let message = AlertMessageBuilder().message(for: [try Self.alert(resolvedAfter: 12)])
        #expect(message.payload.content == nil)
        #expect(message.payload.allowedMentions == AllowedMentions.none)
        let embed = try #require(message.payload.embeds?.first)
        #expect(embed.color == 0x57F287)
        #expect(embed.title == "✅ Server stopped: Survival SMP")
        #expect(embed.fields?.contains { $0.name == "Resolved" && $0.value == "after 12 min" } == true)
        guard case .actionRow(let row) = message.payload.components?.first,
            case .button(let button) = row.components.first
        else {
            Issue.record("no button")
            return
        }
        #expect(button.disabled == true)
    }

    @Test func aBurstIsOneMessageListingEveryAlert() throws {
        let alerts = Self.cpuAlerts(40)
        #expect(alerts.count == 40)
        let embed = try #require(AlertMessageBuilder().message(for: alerts).payload.embeds?.first)
        #expect(embed.title == "🚨 40 alerts at once (40 open)")
        #expect(embed.color == 0xFEE75C)
        let lines = try #require(embed.description).split(separator: "\n")
        #expect(lines.count == AlertMessageBuilder.maxListedAlerts + 1)
        #expect(lines.first?.hasPrefix("🟡 **Server 1**: CPU at 95% of its limit, since <t:") == true)
        #expect(lines.last == "… and 20 more")
        #expect(try #require(embed.description).count <= DiscordLimits.embedDescription)
    }

    @Test func aRecoveryReplyRefersToTheAlertMessageWithoutPinging() throws {
        let reference = MessageReferenceRequest(messageID: "500000000000000001", channelID: "300000000000000001")
        let reply = AlertMessageBuilder().recoveryReply(
            for: [try Self.alert(resolvedAfter: 75)],
            to: reference
        )
        #expect(reply.payload.content == "✅ **Survival SMP**: server stopped resolved after 1 h 15 min")
        #expect(reply.payload.messageReference == reference)
        #expect(reply.payload.allowedMentions == AllowedMentions.none)
    }

    /// Facts of a bot with the default panel answering and `home` as given.
    static func twoPanels(home: PanelFacts) -> AlertCycleFacts {
        AlertCycleFacts(
            panels: [
                PanelCycleFacts(name: nil, displayName: "panel.example.net", status: .answering),
                PanelCycleFacts(name: "home", displayName: "home", status: home),
            ],
            nodes: nil,
            servers: []
        )
    }

    @Test func aPanelAlertAmongSeveralNamesItsPanelAndItsRecovery() throws {
        var engine = AlertEngine()
        let down = Self.twoPanels(home: .unreachable(detail: "connection refused"))
        let alert = try #require(engine.evaluate(down, now: Self.start).opened.first)
        let embed = try #require(AlertMessageBuilder().message(for: [alert]).payload.embeds?.first)
        #expect(embed.title == "🔴 Panel unreachable: home")
        #expect(embed.description == "panel home unreachable: connection refused")

        _ = engine.evaluate(Self.twoPanels(home: .answering), now: Self.start.addingTimeInterval(120))
        let resolved = try #require(
            engine.evaluate(Self.twoPanels(home: .answering), now: Self.start.addingTimeInterval(180)).resolved.first
        )
        let reference = MessageReferenceRequest(messageID: "500000000000000001", channelID: "300000000000000001")
        let reply = AlertMessageBuilder().recoveryReply(for: [resolved], to: reference)
        #expect(reply.payload.content == "✅ **home**: panel unreachable resolved after 3 min")
    }

    @Test func aPanelAlertWithOnePanelReadsAsBefore() throws {
        var engine = AlertEngine()
        let facts = AlertCycleFacts(panel: .keyRefused(detail: "HTTP 401"), nodes: nil, servers: [])
        let alert = try #require(engine.evaluate(facts, now: Self.start).opened.first)
        let embed = try #require(AlertMessageBuilder().message(for: [alert]).payload.embeds?.first)
        #expect(embed.title == "🔴 Panel refuses the key: the panel")
        #expect(embed.description == "the panel refuses the bot's API key: HTTP 401")
        #expect(alert.key == AlertKey(kind: .panelKeyRefused, subject: .panel))
    }

    @Test func durationsReadLikeAPerson() {
        #expect(AlertMessageBuilder.format(.seconds(45)) == "45 s")
        #expect(AlertMessageBuilder.format(.seconds(720)) == "12 min")
        #expect(AlertMessageBuilder.format(.seconds(3 * 3600)) == "3 h")
        #expect(AlertMessageBuilder.format(.seconds(2 * 86_400 + 4 * 3600 + 60)) == "2 d 4 h")
    }

    @Test func garbledAcknowledgeIDsAreNotClaimed() {
        #expect(AlertButtonID(customID: "alert.ack:") == nil)
        #expect(AlertButtonID(customID: "status.power:start:1a2b3c4d") == nil)
        #expect(AlertButtonID(customID: "alert.ack:" + String(repeating: "x", count: 41)) == nil)
    }
}
