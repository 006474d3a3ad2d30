import Alerting
import DiscordModels
import Foundation
import PanelCore
import Testing

@testable import StatusBot

/// `/alerts` and the Acknowledge button, decided from the interaction alone and answered from the notifier.
struct AlertsFeatureTests {
    typealias F = InteractionFixture

    @Test func claimsItsCommandAndItsButtonOnly() {
        let feature = AlertsFeature(notifier: nil)
        #expect(feature.claim(F.command("alerts")) == "alerts")
        #expect(feature.claim(F.component("alert.ack:a12")) == "alert_acknowledge")
        #expect(feature.claim(F.command("server_status")) == nil)
        #expect(feature.claim(F.component("alert.ack:")) == nil)
        #expect(feature.claim(F.component("power:start:a0000001")) == nil)
        #expect(feature.commands.map(\.name) == ["alerts"])
    }

    @Test func withAlertsOffTheCommandSaysHowToTurnThemOn() async {
        let reply = await AlertsFeature(notifier: nil).answer(F.command("alerts"))
        #expect(reply.payload.content?.contains("ALERTS_CHANNEL_ID") == true)
        #expect(await AlertsFeature(notifier: nil).statusField()?.value == "off")
    }

    @Test func theListShowsEachOpenAlertWithItsAge() throws {
        let alert = try AlertMessageBuilderTests.alert()
        let reply = AlertsFeature.list([alert], waiting: 1)
        let embed = try #require(reply.payload.embeds?.first)
        #expect(embed.title == "1 open alert")
        #expect(
            embed.description
                == "🔴 **Survival SMP**: stopped unexpectedly (no power action in the activity log) · since "
                + "<t:1764622800:R>\n1 alert message(s) wait for Discord and go out in order."
        )
        #expect(AlertsFeature.list([], waiting: 0).payload.content == "✅ No open alerts.")
    }
}
