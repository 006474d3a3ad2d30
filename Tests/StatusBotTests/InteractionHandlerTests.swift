import DiscordModels
import MetricsTestKit
import Monitoring
import PanelCore
import Pterodactyl
import TestSupport
import Testing

@testable import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The handler end to end: real ``DefaultPanelClient`` against the loopback ``FakePanel``, Discord requests built
/// by the real endpoint methods and recorded, the update loop recorded.
@Suite(.timeLimit(.minutes(1))) struct InteractionHandlerTests {
    typealias F = InteractionFixture

    static let valheim = FakePanel.Server.interactionGame(
        1,
        "Valheim-01",
        description: "Viking survival",
        allocations: [
            ServerAllocation(id: 10, ip: "203.0.113.10", alias: "play.example.com", port: 2456, isDefault: true),
            ServerAllocation(id: 11, ip: "203.0.113.10", port: 2457, isDefault: false),
        ]
    )
    static let ark = FakePanel.Server.interactionGame(2, "Ark", state: "offline")
    static let minecraft = FakePanel.Server.interactionGame(3, "Minecraft", state: "starting")
    static let three = [valheim, ark, minecraft]

    func firstSelect(in payload: MessagePayload) -> StringSelect? {
        guard case .actionRow(let row)? = payload.components?.first,
            case .stringSelect(let select)? = row.components.first
        else {
            return nil
        }
        return select
    }

    // MARK: - Registration

    @Test func commandsAreRegisteredOncePerProcess() async throws {
        try await F.with(servers: []) { f in
            await f.handler.ready(applicationID: F.application)
            await f.handler.ready(applicationID: F.application)  // a second READY after a full reconnect
            let registrations = f.discord.registrations
            #expect(registrations.count == 1)
            #expect(
                registrations.first?.map(\.name) == ["server_status", "refresh_embeds", "purge_embeds", "bot_status"]
            )
            #expect(f.discord.calls.map(\.path) == ["/applications/\(F.application)/guilds/\(F.guild)/commands"])
        }
    }

    @Test func unchangedCommandsAreNotReRegisteredAfterRestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("commands-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = FileCommandRegistrationStore(path: folder + "/embed_locations.json.commands")
        try await F.with(servers: [], registrations: file) { f in
            await f.handler.ready(applicationID: F.application)
            #expect(f.discord.registrations.count == 1)
        }
        #expect(
            await file.lastFingerprint()
                == BotCommand.fingerprint(of: BotCommand.definitions, applicationID: F.application, guildID: F.guild)
        )
        try await F.with(servers: [], registrations: file) { f in  // the restarted bot
            await f.handler.ready(applicationID: F.application)
            #expect(f.discord.calls.isEmpty)
        }
        try await F.with(servers: [], registrations: file) { f in  // another application: register again
            await f.handler.ready(applicationID: "200000000000000077")
            #expect(f.discord.registrations.count == 1)
        }
    }

    @Test func failedRegistrationIsRetriedOnNextReady() async throws {
        try await F.with(servers: []) { f in
            f.discord.failNext(routeContaining: "PUT")
            await f.handler.ready(applicationID: F.application)
            await f.handler.ready(applicationID: F.application)
            await f.handler.ready(applicationID: F.application)
            #expect(f.discord.calls.count == 2)
            #expect(f.logText.contains("could not register slash commands"))
        }
    }

    // MARK: - /server_status

    @Test func serverStatusListsThreeServers() async throws {
        try await F.with(servers: Self.three) { f in
            await f.handler.handle(F.command("server_status"))
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            let edit = try #require(f.discord.edits.first)
            #expect(edit.content?.hasPrefix("**3 servers** · 🟢 1 running · 🔴 1 offline · ⚪ 1 other") == true)
            let options = try #require(firstSelect(in: edit)).options
            #expect(options.map(\.label) == ["Ark", "Minecraft", "Valheim-01"])
            #expect(options.map(\.emoji?.name) == ["🔴", "🟡", "🟢"])
            #expect(options[2].description == "Running · Viking survival")
            #expect(edit.components?.count == 1)  // no paging
            #expect(f.fake.powerSignals.isEmpty)
        }
    }

    @Test func serverStatusPagesSixtyServers() async throws {
        let servers = (1...60).map { FakePanel.Server.numbered($0) }
        try await F.with(servers: servers) { f in
            await f.handler.handle(F.command("server_status"))
            await f.handler.handle(F.component("ptero-pick:next:0", message: nil))
            await f.handler.handle(F.component("ptero-pick:next:1", message: nil))
            await f.handler.handle(F.component("ptero-pick:prev:2", message: nil))
            let callbacks = f.discord.callbacks
            #expect(
                callbacks == [.deferredMessage(ephemeral: true), .deferredUpdate, .deferredUpdate, .deferredUpdate]
            )
            let edits = f.discord.edits
            #expect(edits.count == 4)
            let selects = try edits.map { try #require(firstSelect(in: $0)) }
            #expect(
                selects.map(\.customID) == [
                    "ptero-pick:select:0", "ptero-pick:select:1", "ptero-pick:select:2", "ptero-pick:select:1",
                ]
            )
            #expect(selects.map(\.options.count) == [25, 25, 10, 25])
            let all = selects[0...2].flatMap { $0.options.map(\.value) }
            #expect(Set(all) == Set(servers.map(\.id.rawValue)))
            #expect(edits[2].content?.contains("Page 3 of 3") == true)
            // The command polls only the page it shows; the rest are "not checked yet" until their page is shown.
            #expect(
                edits[0].content?.hasPrefix("**60 servers** · 🟢 25 running · 🔴 0 offline · ⚪ 0 other · ❔ 35 not")
                    == true
            )
            #expect(edits[2].content?.hasPrefix("**60 servers** · 🟢 60 running · 🔴 0 offline · ⚪ 0 other\n") == true)
            // Each page is polled once (at most 25 requests per interaction); going back reuses what is known.
            #expect(f.fake.requests.count { $0.path.hasSuffix("/resources") } == 60)
        }
    }

    @Test func serverStatusWithTwoThousandServersPollsOnePageOnly() async throws {
        let servers = (1...2000).map { FakePanel.Server.numbered($0) }
        try await F.with(servers: servers) { f in
            // The monitor keeps the server list warm (the client caches it for a minute).
            _ = try await f.monitor.servers(forceRefresh: false)
            let before = f.fake.requests.count
            await f.handler.handle(F.command("server_status"))
            let made = f.fake.requests.count - before
            #expect(made <= 30, "\(made) panel requests for one /server_status")
            #expect(made == 25)
            let edit = try #require(f.discord.edits.first)
            #expect(edit.content?.hasPrefix("**2000 servers** · 🟢 25 running") == true)
            #expect(firstSelect(in: edit)?.options.count == 25)
        }
    }

    @Test func panelErrorBecomesShortMessage() async throws {
        try await F.with(servers: Self.three) { f in
            f.fake.setPanelDown(true)
            await f.handler.handle(F.command("server_status"))
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            let text = try #require(f.discord.edits.first?.content)
            #expect(text.hasPrefix("⚠️ The panel request failed"))
            #expect(text.count < 400)
        }
    }

    // MARK: - Picking a server

    @Test func selectionPostsAndReplacesThroughTheOrchestrator() async throws {
        try await F.with(servers: Self.three) { f in
            let pick = F.component("ptero-pick:select:0", type: .stringSelect, values: ["a0000001"], message: nil)
            await f.handler.handle(pick)
            await f.handler.handle(pick)  // again: the orchestrator replaces the old message
            #expect(
                await f.embeds.calls == [
                    .track(ServerID("a0000001"), F.channel), .track(ServerID("a0000001"), F.channel),
                ]
            )
            #expect(f.discord.callbacks == [.deferredUpdate, .deferredUpdate])
            let edit = try #require(f.discord.edits.last)
            #expect(edit.content == "✅ Posted the live status of Valheim-01 in this channel; it updates automatically.")
            #expect(edit.components == [])
            #expect(await f.store.location(for: ServerID("a0000001"))?.messageID == "70000000000000002")
        }
    }

    @Test func selectionOfUnknownServerIsRefused() async throws {
        try await F.with(servers: Self.three) { f in
            await f.handler.handle(
                F.component("ptero-pick:select:0", type: .stringSelect, values: ["zzzzzzzz"], message: nil)
            )
            #expect(await f.embeds.calls.isEmpty)
            #expect(f.discord.edits.first?.content == InteractionReplies.unknownServer)
        }
    }

    @Test func selectionReportsDiscordRefusingThePost() async throws {
        try await F.with(servers: Self.three) { f in
            await f.embeds.script(trackError: MessageSinkError.missingAccess(code: 50013))
            await f.handler.handle(
                F.component("ptero-pick:select:0", type: .stringSelect, values: ["a0000002"], message: nil)
            )
            let text = try #require(f.discord.edits.first?.content)
            #expect(text.contains("Could not post the status message here"))
            #expect(text.contains("Send Messages"))
        }
    }

    // MARK: - Buttons

    @Test(arguments: [PowerSignal.start, .stop, .restart])
    func powerButtonSendsExactlyOneSignalAndRefreshes(_ signal: PowerSignal) async throws {
        try await F.with(servers: Self.three) { f in
            try await f.track(ServerID("a0000001"))
            await f.handler.handle(F.component("ptero:\(signal.rawValue):a0000001"))
            let signals = f.fake.powerSignals
            #expect(signals.count == 1)
            #expect(signals.first?.0 == ServerID("a0000001"))
            #expect(signals.first?.1 == signal)
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            let label = InteractionReplies.label(for: signal)
            #expect(f.discord.edits.map(\.content) == ["\(label) sent to Valheim-01"])
            #expect(await f.embeds.calls == [.refresh(ServerID("a0000001"))])
            #expect(!f.logText.contains(F.tokenText))
        }
    }

    @Test func failedPowerSignalIsReportedAndNotRetried() async throws {
        try await F.with(servers: Self.three) { f in
            try await f.track(ServerID("a0000001"))
            f.fake.failNext(.panelError(status: 502, code: "BadGateway", detail: "upstream"), for: ServerID("a0000001"))
            await f.handler.handle(F.component("ptero:restart:a0000001"))
            #expect(f.fake.requestCount(path: "/api/client/servers/a0000001/power") == 1)
            #expect(f.fake.powerSignals.isEmpty)
            let text = try #require(f.discord.edits.first?.content)
            #expect(text.hasPrefix("⚠️ Could not send Restart to Valheim-01"))
            #expect(await f.embeds.calls.isEmpty)
        }
    }

    @Test func showAddressAnswersWithAddressAndPorts() async throws {
        try await F.with(servers: Self.three) { f in
            try await f.track(ServerID("a0000001"))
            await f.handler.handle(F.component("ptero:address:a0000001"))
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            #expect(
                f.discord.edits.map(\.content) == [
                    "**Valheim-01**\nAddress: `play.example.com:2456`\nAdditional ports: 2457"
                ]
            )
            #expect(f.fake.powerSignals.isEmpty)
        }
    }

    @Test func buttonsOfUntrackedOrOutdatedMessagesAreRefused() async throws {
        try await F.with(servers: Self.three) { f in
            await f.handler.handle(F.component("ptero:restart:a0000001"))  // not tracked at all
            try await f.track(ServerID("a0000001"), message: "500000000000000099")
            await f.handler.handle(F.component("ptero:stop:a0000001"))  // an old message of a tracked server
            await f.handler.handle(F.component("ptero:address:a0000001"))
            #expect(f.fake.powerSignals.isEmpty)
            #expect(f.discord.edits.map(\.content) == Array(repeating: InteractionReplies.staleButton, count: 3))
            #expect(await f.embeds.calls.isEmpty)
        }
    }

    @Test func buttonForServerRemovedFromPanelIsRefused() async throws {
        try await F.with(servers: Self.three) { f in
            try await f.track(ServerID("a0000002"))
            f.fake.setState(.removed, for: ServerID("a0000002"))
            await f.handler.handle(F.component("ptero:start:a0000002"))
            #expect(f.fake.powerSignals.isEmpty)
            #expect(f.discord.edits.map(\.content) == [InteractionReplies.unknownServer])
            let answered = [("kind", "power_start"), ("outcome", "answered")]
            #expect(try f.metrics.expectCounter("pterodisbot_interactions_total", answered).totalValue == 1)
        }
    }

    // MARK: - Authorization

    @Test func everyRefusalAnswersEphemerallyAndSendsNoSignal() async throws {
        let cases: [(Interaction, AuthorizationRefusal)] = [
            (F.component("ptero:restart:a0000001", guild: F.otherGuild), .wrongGuild(F.otherGuild)),
            (F.component("ptero:restart:a0000001", guild: nil), .directMessage),
            (F.component("ptero:restart:a0000001", roles: [F.strangerRole]), .missingRole),
            (F.command("purge_embeds", roles: []), .missingRole),
            (F.command("server_status", guild: nil), .directMessage),
        ]
        for (interaction, refusal) in cases {
            try await F.with(servers: Self.three) { f in
                try await f.track(ServerID("a0000001"))
                await f.handler.handle(interaction)
                #expect(
                    f.discord.callbacks == [
                        .message(
                            MessagePayload(content: refusal.message, allowedMentions: AllowedMentions.none),
                            ephemeral: true
                        )
                    ]
                )
                #expect(f.discord.edits.isEmpty)
                #expect(f.fake.powerSignals.isEmpty)
                #expect(f.fake.requests.isEmpty)  // not even a panel read
                #expect(await f.embeds.calls.isEmpty)
                let refusalLine = try #require(f.logs.captured.first { $0.contains("refused an interaction") })
                #expect(refusalLine.contains(F.user.id.rawValue))
                #expect(refusalLine.contains(interaction.guildID?.rawValue ?? "none"))
                #expect(!f.logText.contains(F.tokenText))
                let reason = ("reason", InteractionMetrics.label(of: refusal))
                #expect(try f.metrics.expectCounter("pterodisbot_interaction_refusals_total", [reason]).totalValue == 1)
                let refused = [("kind", InteractionMetrics.kind(of: .route(interaction))), ("outcome", "refused")]
                #expect(try f.metrics.expectCounter("pterodisbot_interactions_total", refused).totalValue == 1)
            }
        }
    }

    @Test func garbledOrStaleCustomIDsGetAnImmediateOutdatedAnswerAfterAuthorization() async throws {
        let garbled = [
            "ptero-pick:next:9223372036854775807", "ptero:start:../../api", "ptero:kill:a0000001", "unknown",
            "ptero-pick:teleport:1",
        ]
        for customID in garbled {
            try await F.with(servers: Self.three) { f in
                // Allowed member: answered at once (type 4, no deferral, no panel or Discord work).
                await f.handler.handle(F.component(customID))
                #expect(
                    f.discord.callbacks == [
                        .message(
                            MessagePayload(
                                content: InteractionReplies.unsupported,
                                allowedMentions: AllowedMentions.none
                            ),
                            ephemeral: true
                        )
                    ],
                    "\(customID)"
                )
                #expect(f.discord.edits.isEmpty)
                #expect(f.fake.requests.isEmpty)
                // A member without the role is refused before anything parsed from the custom_id matters.
                await f.handler.handle(F.component(customID, roles: [F.strangerRole]))
                #expect(
                    f.discord.callbacks.last
                        == .message(
                            MessagePayload(
                                content: AuthorizationRefusal.missingRole.message,
                                allowedMentions: AllowedMentions.none
                            ),
                            ephemeral: true
                        )
                )
                #expect(f.fake.requests.isEmpty)
            }
        }
    }

    @Test func roleByNameIsResolvedFromGuildCreate() async throws {
        try await F.with(servers: Self.three, allowedRoles: [.name("Game Ops")]) { f in
            try await f.track(ServerID("a0000001"))
            let press = F.component("ptero:restart:a0000001", roles: [F.operatorRole])
            await f.handler.handle(press)  // before GUILD_CREATE: refused, nothing sent
            #expect(f.fake.powerSignals.isEmpty)
            await f.handler.guildAvailable(
                Guild(
                    id: F.guild,
                    name: "Home",
                    roles: [Role(id: F.operatorRole, name: "game ops"), Role(id: F.strangerRole, name: "Guests")]
                )
            )
            await f.handler.handle(F.component("ptero:restart:a0000001", roles: [F.strangerRole]))
            #expect(f.fake.powerSignals.isEmpty)
            await f.handler.handle(press)
            #expect(f.fake.powerSignals.count == 1)
            let callbacks = f.discord.callbacks
            #expect(callbacks.count == 3)
            #expect(callbacks[0].data?.content == AuthorizationRefusal.rolesNotLoaded.message)
            #expect(callbacks[1].data?.content == AuthorizationRefusal.missingRole.message)
            #expect(callbacks[2] == .deferredMessage(ephemeral: true))
        }
    }

    // MARK: - Responsiveness

    @Test func slowPanelStillGetsDeferredAnswerFirst() async throws {
        try await F.with(servers: Self.three, gated: true) { f in
            try await f.track(ServerID("a0000001"))
            async let handled: Void = f.handler.handle(F.component("ptero:restart:a0000001"))
            await f.panel.gate.waitUntilHeld()
            // The panel has not answered (the signal is held), yet Discord already has the deferral.
            #expect(f.panel.gate.arrivals == ["sendPower"])
            #expect(f.fake.powerSignals.isEmpty)
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            #expect(f.discord.calls.count == 1)
            f.panel.gate.open()
            await handled
            #expect(f.fake.powerSignals.count == 1)
            #expect(f.discord.edits.map(\.content) == ["Restart sent to Valheim-01"])
        }
    }

    @Test func slowListingStillGetsDeferredAnswerFirst() async throws {
        try await F.with(servers: Self.three, gated: true) { f in
            async let handled: Void = f.handler.handle(F.command("server_status"))
            await f.panel.gate.waitUntilHeld()
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            #expect(f.discord.edits.isEmpty)
            f.panel.gate.open()
            await handled
            #expect(f.discord.edits.count == 1)
        }
    }

    @Test func failedDeferralStopsBeforeAnyPanelCall() async throws {
        try await F.with(servers: Self.three) { f in
            try await f.track(ServerID("a0000001"))
            f.discord.failNext(routeContaining: "/callback")
            await f.handler.handle(F.component("ptero:restart:a0000001"))
            #expect(f.fake.powerSignals.isEmpty)
            #expect(f.fake.requests.isEmpty)
            #expect(f.logText.contains("could not answer an interaction"))
            #expect(!f.logText.contains(F.tokenText))
        }
    }

    @Test func queuedInteractionsRunConcurrently() async throws {
        try await F.with(servers: Self.three, gated: true) { f in
            try await f.track(ServerID("a0000001"))
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { try await f.handler.run() } catch { Issue.record(error) }
                }
                f.handler.enqueue(F.component("ptero:restart:a0000001"))
                await f.panel.gate.waitUntilHeld()
                // The power press is stuck on the panel; /bot_status still completes (callback + edit).
                f.handler.enqueue(F.command("bot_status", id: "800000000000000009"))
                await f.discord.waitForCalls(3)
                #expect(f.fake.powerSignals.isEmpty)
                #expect(f.discord.edits.first?.embeds?.first?.title == "Bot status")
                f.panel.gate.open()
                await f.discord.waitForCalls(4)
                #expect(f.fake.powerSignals.count == 1)
                group.cancelAll()
            }
        }
    }

    @Test func gatewayEventsAreHandledInOrder() async throws {
        try await F.with(servers: Self.three, allowedRoles: [.name("Game Ops")]) { f in
            try await f.track(ServerID("a0000001"))
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { try await f.handler.run() } catch { Issue.record(error) }
                }
                // READY without an application ID: looked up with GET /applications/@me.
                let bot = User(id: "600000000000000099", username: "pterodisbot")
                f.handler.receive(
                    .ready(GatewayReady(user: bot, sessionID: "s", resumeGatewayURL: "wss://example.invalid"))
                )
                f.handler.receive(
                    .guildCreate(Guild(id: F.guild, name: "Home", roles: [Role(id: F.operatorRole, name: "Game Ops")]))
                )
                f.handler.receive(.interactionCreate(F.component("ptero:restart:a0000001", roles: [F.operatorRole])))
                f.handler.receive(.other("TYPING_START"))
                await f.discord.waitForCalls(4)  // GET application, PUT commands, callback, edit
                group.cancelAll()
            }
            #expect(f.fake.powerSignals.count == 1)  // the role name was known before the press was authorized
            #expect(f.discord.registrations.count == 1)
            #expect(f.discord.calls.map(\.route).contains("GET /applications/@me"))
            #expect(f.discord.edits.map(\.content) == ["Restart sent to Valheim-01"])
        }
    }

    @Test func roleRenameFromTheGatewayRevokesAtOnce() async throws {
        try await F.with(servers: Self.three, allowedRoles: [.name("Game Ops")]) { f in
            try await f.track(ServerID("a0000001"))
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do { try await f.handler.run() } catch { Issue.record(error) }
                }
                f.handler.receive(
                    .guildCreate(Guild(id: F.guild, name: "Home", roles: [Role(id: F.operatorRole, name: "Game Ops")]))
                )
                f.handler.receive(.resumed)
                f.handler.receive(
                    .guildRoleUpdate(GuildRoleEvent(guildID: F.guild, role: Role(id: F.operatorRole, name: "Retired")))
                )
                f.handler.receive(.interactionCreate(F.component("ptero:restart:a0000001", roles: [F.operatorRole])))
                await f.discord.waitForCalls(1)  // the refusal
                group.cancelAll()
            }
            #expect(f.fake.powerSignals.isEmpty)
            #expect(f.discord.callbacks.count == 1)
            #expect(f.discord.edits.isEmpty)
        }
    }

    // MARK: - Maintenance commands

    @Test func refreshEmbedsReportsCounts() async throws {
        try await F.with(servers: Self.three) { f in
            await f.embeds.script(refreshAll: CycleReport.counts(tracked: 4, edited: 2, reposted: 1, dropped: 1))
            await f.handler.handle(F.command("refresh_embeds"))
            #expect(await f.embeds.calls == [.refreshAll])
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            #expect(
                f.discord.edits.map(\.content) == [
                    "🔄 Refreshed 4 tracked status messages: 2 updated, 1 repaired (re-posted), 1 dropped."
                ]
            )
        }
    }

    @Test func purgeEmbedsReportsCounts() async throws {
        try await F.with(servers: Self.three) { f in
            await f.embeds.script(purge: (3, 1))
            await f.handler.handle(F.command("purge_embeds"))
            #expect(await f.embeds.calls == [.purgeAll])
            let text = try #require(f.discord.edits.first?.content)
            #expect(text.hasPrefix("🗑️ Deleted 3 status messages; 1 could not be deleted"))
        }
    }

    @Test func botStatusShowsHealthCard() async throws {
        try await F.with(servers: Self.three, gatewayLatency: .milliseconds(87)) { f in
            var cycle = CycleReport.counts(tracked: 2)
            cycle.panelRequests = 4
            cycle.panelErrors = 1
            cycle.panelDuration = .milliseconds(120)
            cycle.duration = .milliseconds(640)
            await f.embeds.script(cycles: [cycle])
            try await f.track(ServerID("a0000001"))
            try await f.track(ServerID("a0000002"), message: "500000000000000002")
            await f.handler.handle(F.command("bot_status"))
            #expect(f.discord.callbacks == [.deferredMessage(ephemeral: true)])
            let embed = try #require(f.discord.edits.first?.embeds?.first)
            let fields = embedFieldValues(embed)
            #expect(fields["Gateway latency"] == "87 ms")
            #expect(fields["Panel budget (last minute)"]?.hasPrefix("client 0/100000 (0.0%)") == true)
            #expect(fields["Panel latency (last 1 cycle)"] == "120 ms")
            #expect(fields["Panel error rate"] == "25.0% (1/4 requests)")
            #expect(fields["Last cycle"] == "640 ms")
            #expect(fields["Tracked embeds"] == "2")
            #expect(fields["Uptime"] == "3h 2m")
            #expect(fields["Version"] == BotVersion.current)
            #expect(f.fake.requests.isEmpty)  // no panel call needed
        }
    }

    @Test func unknownCommandAndForeignComponentAreAnsweredAtOnce() async throws {
        try await F.with(servers: Self.three) { f in
            await f.handler.handle(F.command("old_command"))
            await f.handler.handle(F.component("another-bot:thing"))
            let callbacks = f.discord.callbacks
            #expect(callbacks.map(\.type) == [.channelMessageWithSource, .channelMessageWithSource])
            #expect(callbacks.map(\.data?.flags) == [.ephemeral, .ephemeral])
            #expect(callbacks[0].data?.content == InteractionReplies.unknownCommand)
            #expect(f.fake.requests.isEmpty)
        }
    }
}
