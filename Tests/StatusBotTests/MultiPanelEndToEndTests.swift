import AsyncHTTPClient
import DiscordModels
import Foundation
import Logging
import PanelCore
import Peon
import TestSupport
import Testing

@testable import StatusBot

/// Two panels behind one bot (issue 20): the Pterodactyl fake as the default panel and a PEON fake named `home`,
/// each through its real backend and client on loopback, combined by ``MultiPanelBackend`` and driven by the real
/// monitor, status updater and interaction handler against the fake Discord, on the harness's manual clock.
@Suite(.timeLimit(.minutes(1))) struct MultiPanelEndToEndTests {
    typealias F = InteractionFixture

    static let valheim = FakePanel.Server.numbered(1, name: "Valheim-01")
    static let minecraft = FakePanel.Server.numbered(2, name: "Minecraft SMP")
    static let vikings = FakePeon.Server(gameUID: "valheim", serverName: "vikings", description: "Home Valheim")
    /// With PEON's placeholder description, which is not worth showing.
    static let castle = FakePeon.Server(
        gameUID: "vrising",
        serverName: "castle",
        description: "None - Please add a description"
    )

    static let vikingsID = ServerID(panel: "home", local: vikings.uid)
    static let castleID = ServerID(panel: "home", local: castle.uid)
    static let defaultPanel = "panel.example.net"

    /// The harness with its backend behind a ``MultiPanelBackend``, the PEON fake, and the handler.
    struct Bot {
        let harness: StatusHarness
        let peon: FakePeon
        let handler: InteractionHandler
        /// Records the interaction callbacks and original-response edits.
        let interactions: FakeDiscordClient

        /// The edits of status message `message`.
        func patches(of message: MessageID) async -> [FakeDiscordRequest] {
            await harness.messageRequests.filter { $0.method == "PATCH" && $0.path.hasSuffix("/\(message.rawValue)") }
        }

        /// The embed last sent for `message`.
        func lastEmbed(of message: MessageID) async throws -> Embed {
            let request = try #require(await patches(of: message).last)
            return try #require(try request.decodePayload(MessagePayload.self).embeds?.first)
        }

        /// The name the panels list `id` under.
        func name(of id: ServerID) async throws -> String {
            let servers = try await harness.backend.servers(forceRefresh: false)
            return try #require(servers.first { $0.id == id }).name
        }

        /// Stats requests PEON received so far.
        var peonStatsRequests: Int { peon.requests.count { $0.path.hasPrefix("/api/v1/server/stats/") } }

        /// `GET /servers` requests PEON received so far.
        var peonListRequests: Int { peon.requestCount(method: "GET", path: "/api/v1/servers") }

        /// Usage requests the Pterodactyl fake received so far.
        var pterodactylResourceRequests: Int { harness.panel.requests.count { $0.path.hasSuffix("/resources") } }

        /// One cycle `seconds` after the last.
        @discardableResult
        func cycle(after seconds: Int = 10) async -> CycleReport {
            harness.clock.advance(by: .seconds(seconds))
            return await harness.tick()
        }
    }

    /// `primary` as the default panel and the real PEON backend and client for `home`, behind one backend.
    static func twoPanels(
        _ primary: any PanelBackend,
        home: FakePeon,
        httpClient: HTTPClient,
        clock: ManualClock,
        logger: Logger
    ) -> any PanelBackend {
        MultiPanelBackend([
            NamedPanel(name: nil, displayName: defaultPanel, backend: primary),
            homePanel(home, httpClient: httpClient, clock: clock, logger: logger),
        ])
    }

    /// The PEON fake as the panel named `home`, with the real client and backend.
    static func homePanel(_ home: FakePeon, httpClient: HTTPClient, clock: ManualClock, logger: Logger) -> NamedPanel {
        let configuration = PeonConfiguration(apiPrefix: home.era.prefix)
        let client = DefaultPeonClient(
            httpClient: httpClient,
            baseURL: home.baseURL + "/",
            apiKey: PeonAPIKey(home.apiKey),
            configuration: configuration,
            logger: logger
        )
        return NamedPanel(
            name: "home",
            displayName: "home",
            backend: PeonBackend(client: client, configuration: configuration, clock: clock, logger: logger)
        )
    }

    /// Starts both fakes, the bot, runs `body` and shuts everything down, also when `body` throws.
    func withBot(
        pterodactyl: [FakePanel.Server] = [valheim, minecraft],
        peon: [FakePeon.Server] = [vikings, castle],
        _ body: (Bot) async throws -> Void
    ) async throws {
        let fake = try await FakePeon.start(servers: peon)
        let harness: StatusHarness
        do {
            // A refused connection fails after AsyncHTTPClient's connect timeout, in real time: keep it short.
            harness = try await StatusHarness(
                servers: pterodactyl,
                connectTimeout: .milliseconds(250),
                backend: { primary, http, clock, logger in
                    Self.twoPanels(primary, home: fake, httpClient: http, clock: clock, logger: logger)
                }
            )
        } catch {
            try await fake.shutdown()
            throw error
        }
        let interactions = FakeDiscordClient()
        let handler = InteractionHandler(
            discord: interactions,
            monitor: harness.services.monitor,
            panel: harness.backend,
            embeds: harness.updater,
            store: harness.store,
            authorizer: InteractionAuthorizer(allowedGuildID: F.guild, allowedRoles: [.id(F.adminRole)]),
            logger: harness.logs.logger()
        )
        let bot = Bot(harness: harness, peon: fake, handler: handler, interactions: interactions)
        do {
            try await body(bot)
        } catch {
            try await harness.shutdown()
            try await fake.shutdown()
            throw error
        }
        try await harness.shutdown()
        try await fake.shutdown()
    }

    // MARK: - /server_status

    @Test func serverStatusListsBothPanelsGroupedByPanel() async throws {
        try await withBot { bot in
            bot.harness.panel.setState(.offline, for: Self.minecraft.id)
            await bot.handler.handle(F.command("server_status"))
            #expect(bot.interactions.callbacks == [.deferredMessage(ephemeral: true)])
            let edit = try #require(bot.interactions.edits.last)
            #expect(edit.content?.hasPrefix("**4 servers** · 🟢 3 running · 🔴 1 offline · ⚪ 0 other\n") == true)
            let options = try #require(firstSelect(in: edit)).options
            // The default panel first (bare identifiers), then `home`; by name inside each panel.
            let order = [Self.minecraft.id, Self.valheim.id, Self.castleID, Self.vikingsID]
            #expect(options.map(\.value) == order.map(\.rawValue))
            let names = try await order.asyncMap(bot.name(of:))
            #expect(options.map(\.label) == names)
            #expect(options.last?.label.contains("vikings") == true)
            #expect(
                options.map(\.description) == [
                    "\(Self.defaultPanel) · Offline", "\(Self.defaultPanel) · Running", "home · Running",
                    "home · Running · Home Valheim",
                ]
            )
            // The page's states came from each server's own panel, with the panel's own identifier.
            #expect(bot.peonStatsRequests == 2)
            #expect(bot.peon.requestCount(path: "/api/v1/server/stats/valheim.vikings") == 1)
            #expect(bot.harness.panel.requestCount(path: "/api/client/servers/a0000001/resources") == 1)
        }
    }

    // MARK: - Status messages

    @Test func statusMessagesNameTheirPanelAndTheStoreKeepsPanelQualifiedIDs() async throws {
        try await withBot { bot in
            bot.harness.setRunning(Self.valheim.id, cpu: 20, sample: 0)
            for value in [Self.valheim.id.rawValue, Self.vikingsID.rawValue] {
                await bot.handler.handle(
                    F.component("ptero-pick:select:0", type: .stringSelect, values: [value], message: nil)
                )
            }
            let vikingsName = try await bot.name(of: Self.vikingsID)
            #expect(
                bot.interactions.edits.map(\.content) == [
                    InteractionReplies.tracking("Valheim-01"), InteractionReplies.tracking(vikingsName),
                ]
            )
            let posts = await bot.harness.messageRequests.filter { $0.method == "POST" }
            #expect(posts.count == 2)
            #expect(await bot.harness.discord.messages(in: StatusHarness.channel).count == 2)
            let payloads = try posts.map { try $0.decodePayload(MessagePayload.self) }
            let pterodactyl = try #require(payloads.first?.embeds?.first)
            let peon = try #require(payloads.last?.embeds?.first)

            #expect(pterodactyl.title == "Valheim-01")
            #expect(pterodactyl.footer?.text == "Pterodisbot • \(Self.defaultPanel) • a0000001 • checks every 10 s")
            #expect(embedFieldValues(pterodactyl)["Disk"].map { $0 != "not reported" } == true)

            #expect(peon.title == vikingsName)
            #expect(peon.footer?.text == "Pterodisbot • home • valheim.vikings • checks every 10 s")
            let fields = embedFieldValues(peon)
            #expect(fields["State"] == "🟢 Running")
            #expect(fields["Disk"] == "not reported")
            #expect(fields["Uptime"] == "not reported")
            #expect(fields["CPU"] != "not reported")
            #expect(fields["Memory"] != "not reported")

            // The buttons carry the panel-qualified identifier.
            let buttons = try #require(payloads.last.map(statusButtons))
            #expect(
                buttons.map(\.customID) == [
                    "ptero:start:home:valheim.vikings", "ptero:stop:home:valheim.vikings",
                    "ptero:restart:home:valheim.vikings", "ptero:address:home:valheim.vikings",
                ]
            )

            // The store: the default panel's identifier stays bare (readable by the Python bot), PEON's is named.
            let stored = try EmbedStoreFile(path: bot.harness.storePath).load().locations
            #expect(Set(stored.keys) == [Self.valheim.id, Self.vikingsID])
            let raw = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: bot.harness.storePath))
            )
            let keys = try #require(raw as? [String: Any]).keys
            #expect(Set(keys) == ["a0000001", "home:valheim.vikings"])
        }
    }

    // MARK: - Power buttons

    @Test func powerButtonsReachTheirOwnPanelWithItsIdentifier() async throws {
        try await withBot { bot in
            bot.harness.panel.setState(.offline, for: Self.minecraft.id)
            let minecraftMessage = try await bot.harness.updater.track(Self.minecraft.id, in: StatusHarness.channel)
            let vikingsMessage = try await bot.harness.updater.track(Self.vikingsID, in: StatusHarness.channel)

            await bot.handler.handle(F.component("ptero:start:a0000002", message: minecraftMessage))
            await bot.handler.handle(F.component("ptero:restart:home:valheim.vikings", message: vikingsMessage))

            let vikingsName = try await bot.name(of: Self.vikingsID)
            #expect(
                bot.interactions.edits.map(\.content) == [
                    InteractionReplies.powerSent(.start, to: "Minecraft SMP"),
                    InteractionReplies.powerSent(.restart, to: vikingsName),
                ]
            )
            let signals = bot.harness.panel.powerSignals
            #expect(signals.map(\.0) == [Self.minecraft.id])
            #expect(signals.map(\.1) == [.start])
            #expect(bot.harness.panel.requestCount(path: "/api/client/servers/a0000002/power") == 1)
            #expect(bot.harness.panel.requests.count { $0.path.hasSuffix("/power") } == 1)
            #expect(bot.peon.requestCount(method: "PUT", path: "/api/v1/server/restart/valheim.vikings") == 1)
            #expect(bot.peon.requestCount(method: "PUT") == 1)
            // Each press refreshes its own message at once.
            #expect(await bot.patches(of: minecraftMessage).count == 1)
            #expect(await bot.patches(of: vikingsMessage).count == 1)

            // PEON publishes no address: its Show Address button says so instead of failing.
            await bot.handler.handle(F.component("ptero:address:home:valheim.vikings", message: vikingsMessage))
            let answer = try #require(bot.interactions.edits.last?.content)
            #expect(answer.contains("does not publish addresses"))
            #expect(bot.peon.requestCount(path: "/api/v1/server/get/valheim.vikings") <= 1)
            #expect(bot.peon.requestCount(method: "PUT") == 1)
        }
    }

    // MARK: - One panel down

    /// PEON goes down: its messages say so once, the Pterodactyl message keeps following its server, PEON is
    /// asked about one server per cycle (after the cycle that found it down), and it recovers when PEON answers.
    /// A refused port never reopens (``FakePeon/setOutage(_:)`` closes it for good), so only a dropping PEON
    /// comes back.
    @Test(arguments: [FakePeon.Outage.refused, .dropsConnections])
    func peonDownWhilePterodactylKeepsUpdating(_ outage: FakePeon.Outage) async throws {
        try await withBot(pterodactyl: [Self.valheim]) { bot in
            bot.harness.setRunning(Self.valheim.id, cpu: 20, sample: 0)
            let valheimMessage = try await bot.harness.updater.track(Self.valheim.id, in: StatusHarness.channel)
            let vikingsMessage = try await bot.harness.updater.track(Self.vikingsID, in: StatusHarness.channel)
            let castleMessage = try await bot.harness.updater.track(Self.castleID, in: StatusHarness.channel)
            #expect(await bot.cycle().edited == 0)

            try await bot.peon.setOutage(outage)
            var stats = bot.peonStatsRequests
            var lists = bot.peonListRequests
            for round in 1...9 {
                // A change on the Pterodactyl server every cycle: offline, running, offline, …
                if round.isMultiple(of: 2) {
                    bot.harness.setRunning(Self.valheim.id, cpu: 20, sample: round)
                } else {
                    bot.harness.panel.setState(.offline, for: Self.valheim.id)
                }
                let report = await bot.cycle()
                let peonEdits = round == 1 ? 2 : 0
                #expect(report.edited == 1 + peonEdits, "round \(round)")
                // The first cycle cannot know PEON is down; from then on one server probes it.
                let probes = bot.peonStatsRequests - stats
                #expect(probes <= (round == 1 ? 2 : 1), "round \(round): \(probes) stats requests to a PEON down")
                #expect(bot.peonListRequests - lists <= 1, "round \(round)")
                stats = bot.peonStatsRequests
                lists = bot.peonListRequests
            }
            #expect(await bot.patches(of: valheimMessage).count == 9)
            #expect(await bot.patches(of: vikingsMessage).count == 1)
            #expect(await bot.patches(of: castleMessage).count == 1)
            let down = try await bot.lastEmbed(of: vikingsMessage)
            #expect(down.description?.contains("The panel cannot be reached") == true)
            #expect(down.footer?.text == "Pterodisbot • home • valheim.vikings • checks every 10 s")
            #expect(down.color == StatusEmbedBuilder.staleColor)
            #expect(embedFieldValues(down)["State"] == "⚠️ Panel unreachable")
            #expect(embedFieldValues(down)["CPU"] != nil, "the last seen values stay")
            // Still listed (its last list stands in), never announced as removed.
            #expect(await bot.harness.store.location(for: Self.vikingsID) != nil)

            guard outage != .refused else { return }
            try await bot.peon.setOutage(nil)
            let report = await bot.cycle()
            #expect(report.edited == 2)
            for message in [vikingsMessage, castleMessage] {
                let recovered = try await bot.lastEmbed(of: message)
                #expect(embedFieldValues(recovered)["State"] == "🟢 Running")
                #expect(recovered.description?.contains("cannot be reached") != true)
            }
            #expect(await bot.cycle().edited == 0)
        }
    }

    /// The reverse: the Pterodactyl panel drops every connection while PEON keeps answering.
    @Test func pterodactylDownWhilePeonKeepsUpdating() async throws {
        try await withBot(peon: [Self.vikings]) { bot in
            bot.harness.setRunning(Self.valheim.id, cpu: 20, sample: 0)
            bot.harness.setRunning(Self.minecraft.id, cpu: 30, sample: 0)
            let valheimMessage = try await bot.harness.updater.track(Self.valheim.id, in: StatusHarness.channel)
            let minecraftMessage = try await bot.harness.updater.track(Self.minecraft.id, in: StatusHarness.channel)
            let vikingsMessage = try await bot.harness.updater.track(Self.vikingsID, in: StatusHarness.channel)
            #expect(await bot.cycle().edited == 0)

            bot.harness.panel.setPanelDown(true)
            var resources = bot.pterodactylResourceRequests
            for round in 1...9 {
                bot.peon.update(Self.vikings.uid) { $0.containerState = round.isMultiple(of: 2) ? "running" : "exited" }
                let report = await bot.cycle()
                #expect(report.edited == 1 + (round == 1 ? 2 : 0), "round \(round)")
                let probes = bot.pterodactylResourceRequests - resources
                #expect(probes <= (round == 1 ? 2 : 1), "round \(round): \(probes) usage requests to a panel down")
                resources = bot.pterodactylResourceRequests
            }
            #expect(await bot.patches(of: vikingsMessage).count == 9)
            #expect(embedFieldValues(try await bot.lastEmbed(of: vikingsMessage))["State"] == "🔴 Offline")
            for message in [valheimMessage, minecraftMessage] {
                #expect(await bot.patches(of: message).count == 1)
                let down = try await bot.lastEmbed(of: message)
                #expect(down.description?.contains("The panel cannot be reached") == true)
                #expect(down.footer?.text.contains(Self.defaultPanel) == true)
            }

            bot.harness.panel.setPanelDown(false)
            bot.harness.setRunning(Self.valheim.id, cpu: 21, sample: 1)
            bot.harness.setRunning(Self.minecraft.id, cpu: 31, sample: 1)
            #expect(await bot.cycle().edited == 2)
            #expect(embedFieldValues(try await bot.lastEmbed(of: valheimMessage))["State"] == "🟢 Running")
        }
    }
}

/// The `/server_status` select of a reply.
private func firstSelect(in payload: MessagePayload) -> StringSelect? {
    guard case .actionRow(let row)? = payload.components?.first, case .stringSelect(let select)? = row.components.first
    else { return nil }
    return select
}

/// The buttons of a status message.
private func statusButtons(_ payload: MessagePayload) -> [Button] {
    guard case .actionRow(let row)? = payload.components?.first else { return [] }
    return row.components.compactMap { if case .button(let button) = $0 { button } else { nil } }
}

extension Array {
    /// The elements transformed one after the other.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var mapped: [T] = []
        for element in self { mapped.append(try await transform(element)) }
        return mapped
    }
}

extension MultiPanelEndToEndTests {
    /// A reload that removes a panel: each of its status messages says so once and is dropped, the other panel
    /// goes on; adding it back lists its servers again.
    @Test func aRemovedPanelsMessagesSaySoOnceAndAreDroppedAndItCanComeBack() async throws {
        try await withBot(pterodactyl: [Self.valheim]) { bot in
            bot.harness.setRunning(Self.valheim.id, cpu: 20, sample: 0)
            let vikingsMessage = try await bot.harness.updater.track(Self.vikingsID, in: StatusHarness.channel)
            #expect(await bot.cycle().edited == 0)
            let backend = try #require(bot.harness.backend as? MultiPanelBackend)
            let panels = backend.panelNames
            #expect(panels == [nil, "home"])

            // What ConfigurationReloader's apply does when [Panel:home] is gone from the file (the default panel is
            // unchanged, so the backend given for it is not used).
            let unchangedDefault = NamedPanel(name: nil, displayName: Self.defaultPanel, backend: backend)
            backend.replace(with: [unchangedDefault], unchanged: [nil])
            #expect(backend.panelNames == [nil])
            var edits = 0
            for _ in 1...4 { edits += await bot.cycle().edited }
            // As for a server deleted on its panel: one "checking again" (a single not-found never untracks), then
            // the removal, said once.
            #expect(edits == 2)
            #expect(await bot.patches(of: vikingsMessage).count == 2)
            let removed = try await bot.lastEmbed(of: vikingsMessage)
            #expect(removed.description?.contains("panel was removed from the bot's configuration") == true)
            #expect(await bot.harness.store.location(for: Self.vikingsID) == nil)
            #expect(await bot.cycle().edited == 0)
            let listed = try await bot.harness.backend.servers(forceRefresh: true).map(\.id)
            #expect(!listed.contains(Self.vikingsID))

            // Added back (a second reload): its servers are listed and polled again.
            let home = Self.homePanel(
                bot.peon,
                httpClient: bot.harness.httpClient,
                clock: bot.harness.clock,
                logger: bot.harness.logs.logger()
            )
            backend.replace(with: [unchangedDefault, home], unchanged: [nil])
            let again = try await bot.harness.backend.servers(forceRefresh: true).map(\.id)
            #expect(again.contains(Self.vikingsID))
        }
    }
}
