import DiscordModels
import Foundation
import MetricsTestKit
import PanelCore
import Synchronization
import TestSupport
import Testing

@testable import StatusBot

/// A feature that answers one command and one button and records what it was asked.
private final class ProbeFeature: InteractionFeature {
    let answered = Mutex<[String]>([])

    var commands: [ApplicationCommand] {
        [ApplicationCommand(name: "probe", description: "A probe", dmPermission: false, contexts: [.guild])]
    }

    func claim(_ interaction: Interaction) -> String? {
        if interaction.data?.applicationCommand?.name == "probe" { return "probe" }
        if interaction.data?.messageComponent?.customID.hasPrefix("probe:") == true { return "probe_button" }
        return nil
    }

    func answer(_ interaction: Interaction) async -> FeatureReply {
        let what = interaction.data?.applicationCommand?.name ?? interaction.data?.messageComponent?.customID ?? "?"
        answered.withLock { $0.append(what) }
        return .text("probed \(what)")
    }

    func purge() async -> (deleted: Int, failed: Int) { (3, 1) }

    func statusField() async -> Embed.Field? { Embed.Field(name: "Probe", value: "fine", inline: true) }
}

/// The seam through which the nodes board and alerts add commands and buttons: registered with the bot's own,
/// authorized and deferred like them, answered by the feature.
struct InteractionFeatureTests {
    typealias F = InteractionFixture

    @Test func featureCommandsAreRegisteredWithTheBotsOwn() async throws {
        try await F.with(servers: [], features: [ProbeFeature()]) { f in
            await f.handler.ready(applicationID: F.application)
            #expect(
                f.discord.registrations.first?.map(\.name)
                    == ["server_status", "refresh_embeds", "purge_embeds", "bot_status", "probe"]
            )
        }
    }

    @Test func aClaimedCommandIsDeferredPrivatelyThenAnsweredByTheFeature() async throws {
        let probe = ProbeFeature()
        try await F.with(servers: [], features: [probe]) { f in
            await f.handler.handle(F.command("probe"))
            await f.handler.handle(F.component("probe:button"))
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true), .deferredMessage(ephemeral: true)])
            #expect(f.discord.edits.map(\.content) == ["probed probe", "probed probe:button"])
            #expect(probe.answered.withLock { $0 } == ["probe", "probe:button"])
            let answered = [("kind", "probe_button"), ("outcome", "answered")]
            let counter = try f.metrics.expectCounter("pterodisbot_interactions_total", answered)
            #expect(counter.totalValue == 1)
        }
    }

    @Test func aMemberWithoutAnAllowedRoleNeverReachesTheFeature() async throws {
        let probe = ProbeFeature()
        try await F.with(servers: [], features: [probe]) { f in
            await f.handler.handle(F.command("probe", roles: []))
            await f.handler.handle(F.component("probe:button", roles: []))
            #expect(probe.answered.withLock { $0 }.isEmpty)
            #expect(f.discord.edits.isEmpty)
        }
    }

    @Test func purgeAndBotStatusIncludeTheFeature() async throws {
        try await F.with(servers: [], features: [ProbeFeature()]) { f in
            await f.handler.handle(F.command("purge_embeds"))
            #expect(
                f.discord.edits.first?.content?.hasPrefix("🗑️ Deleted 3 status messages; 1 could not be deleted") == true
            )
            await f.handler.handle(F.command("bot_status"))
            let embed = try #require(f.discord.edits.last?.embeds?.first)
            #expect(embed.fields?.last?.name == "Probe")
            #expect(embed.fields?.last?.value == "fine")
        }
    }
}
