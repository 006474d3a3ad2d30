import ClientSupport
import DiscordModels
import Monitoring
import PanelCore
import Pterodactyl
import Synchronization
import TestSupport
import Testing

@testable import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The handler driving the real status services (through the updater's ``StatusEmbedControlling`` conformance),
/// with the real Pterodactyl backend against ``FakePanel``.
@Suite(.timeLimit(.minutes(1))) struct InteractionStatusUpdatesTests {
    typealias F = InteractionFixture

    struct Parts {
        var fake: FakePanel
        var sink: FakeMessageSink
        var store: EmbedStore
        var services: StatusServices<ManualClock>
        var handler: InteractionHandler
        var discord: FakeDiscordClient
    }

    static let servers = [
        FakePanel.Server.interactionGame(1, "Valheim-01"),
        FakePanel.Server.interactionGame(2, "Ark", state: "offline"),
    ]

    func withServices(_ body: (Parts) async throws -> Void) async throws {
        let clock = ManualClock()
        let fake = try await FakePanel.start(servers: Self.servers, rateLimits: .unlimited, now: { clock.now.offset })
        do {
            try await withPanelHTTPClient { http in
                let panel = DefaultPanelClient(
                    httpClient: http,
                    baseURL: fake.baseURL,
                    clientKey: fake.clientKey,
                    configuration: PanelClientConfiguration(clientRateLimitPerMinute: 100_000, retryPolicy: .none),
                    clock: clock
                )
                let logger = LogCapture().logger()
                let sink = FakeMessageSink()
                let store = EmbedStore(file: nil)
                let backend = PterodactylBackend(client: panel)
                let services = await StatusServices.make(
                    backend: backend,
                    configuration: StatusUpdaterConfiguration(),
                    sink: sink,
                    store: store,
                    graphs: NoGraphs(),
                    clock: clock,
                    logger: logger
                )
                let discord = FakeDiscordClient()
                let handler = InteractionHandler(
                    discord: discord,
                    monitor: services.monitor,
                    panel: backend,
                    embeds: services.updater,
                    store: store,
                    authorizer: InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.id(F.adminRole)]),
                    logger: logger
                )
                try await body(
                    Parts(
                        fake: fake,
                        sink: sink,
                        store: store,
                        services: services,
                        handler: handler,
                        discord: discord
                    )
                )
            }
        } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }

    func pick(_ server: String) -> Interaction {
        F.component("ptero-pick:select:0", type: .stringSelect, values: [server], message: nil)
    }

    @Test func selectionPostsThenReplacesTheEmbed() async throws {
        try await withServices { p in
            await p.handler.handle(pick("a0000001"))
            let first = try #require(await p.store.location(for: ServerID("a0000001")))
            #expect(first.channelID == F.channel)
            #expect(p.sink.calls == [.create(F.channel, first.messageID)])

            await p.handler.handle(pick("a0000001"))
            let second = try #require(await p.store.location(for: ServerID("a0000001")))
            #expect(second.messageID != first.messageID)
            // The new message is posted before the old one is deleted: a failure never loses both.
            #expect(
                p.sink.calls == [
                    .create(F.channel, first.messageID), .create(F.channel, second.messageID),
                    .delete(F.channel, first.messageID),
                ]
            )
            #expect(
                p.discord.edits.map(\.content)
                    == Array(
                        repeating: "✅ Posted the live status of Valheim-01 in this channel; it updates automatically.",
                        count: 2
                    )
            )
        }
    }

    @Test func powerButtonOnTrackedEmbedSignalsOnceAndEditsIt() async throws {
        try await withServices { p in
            await p.handler.handle(pick("a0000002"))
            let location = try #require(await p.store.location(for: ServerID("a0000002")))
            await p.handler.handle(F.component("ptero:start:a0000002", message: location.messageID))
            #expect(p.fake.powerSignals.count == 1)
            #expect(p.fake.powerSignals.first?.1 == .start)
            #expect(p.sink.calls.last == .edit(F.channel, location.messageID))
            #expect(p.discord.edits.last?.content == "Start sent to Ark")
        }
    }

    @Test func refreshPurgeAndStatusUseTheRealLoop() async throws {
        try await withServices { p in
            await p.handler.handle(pick("a0000001"))
            await p.handler.handle(pick("a0000002"))
            await p.services.monitor.cycle()
            await p.handler.handle(F.command("refresh_embeds"))
            #expect(
                p.discord.edits.last?.content?.hasPrefix("🔄 Refreshed 2 tracked status messages: 2 updated") == true
            )

            await p.handler.handle(F.command("bot_status"))
            let card = try #require(p.discord.edits.last?.embeds?.first)
            #expect(embedFieldValues(card)["Tracked embeds"] == "2")
            #expect(embedFieldValues(card)["Panel error rate"] == "0.0% (0/2 requests)")

            await p.handler.handle(F.command("purge_embeds"))
            #expect(p.discord.edits.last?.content == "🗑️ Deleted 2 status messages. No status messages are tracked now.")
            #expect(await p.store.all.isEmpty)
            #expect(p.sink.calls.filter { if case .delete = $0 { true } else { false } }.count == 2)
        }
    }
}
