import CoreMetrics
import DiscordModels
import DiscordREST
import GameQuery
import Logging
import Monitoring
import PanelCore
import ServiceLifecycle

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Answers slash commands and the buttons under status messages, after checking who asks.
///
/// The logic lives in pure pieces (``InteractionAuthorizer``, ``InteractionAction``, ``ServerPicker``,
/// ``InteractionReplies``, ``BotHealthCard``); this actor only talks to Discord, the panel and the update loop.
///
/// Every interaction is answered within Discord's 3-second window: a refusal at once (type 4, ephemeral), anything
/// else is deferred first (type 5 ephemeral, or type 6 when the picker message itself changes) before any panel
/// call, and the result replaces the original response afterwards.
/// See https://discord.com/developers/docs/interactions/receiving-and-responding#responding-to-an-interaction
///
/// Interactions run concurrently with each other and with the update loop: ``run()`` handles each one in its own
/// child task, and the actor only serializes its short synchronous sections (it is reentrant at every `await`).
public actor InteractionHandler: Service {
    private struct Listing {
        var picker: ServerPicker
        var at: Duration
    }

    private struct Outcome {
        var payload: MessagePayload
        /// A server whose status message should be refreshed after the reply (after a power signal).
        var refresh: ServerID?
        /// The reply reports a failure (the panel, the channel).
        var failed = false
    }

    private let discord: any DiscordClient
    private let monitor: any ServerObserving
    private let panel: any PanelBackend
    private let embeds: any StatusEmbedControlling
    private let store: EmbedStore
    private let registrations: (any CommandRegistrationStore)?
    private let gatewayLatency: @Sendable () async -> Duration?
    private let gatewayUptime: @Sendable () async -> Duration?
    private let players: (any PlayerCountReading)?
    private let features: [any InteractionFeature]
    private let powerRequests: PowerRequestLog?
    private let elapsed: @Sendable () -> Duration
    private let listingMaxAge: Duration
    private let logger: Logger
    private let metrics: InteractionMetrics
    private let inbox: AsyncStream<GatewayEvent>
    private let inboxContinuation: AsyncStream<GatewayEvent>.Continuation

    private var authorizer: InteractionAuthorizer
    private var registeredFingerprint: String?
    private var registering = false
    private var listing: Listing?

    /// Creates the handler.
    /// - Parameters:
    ///   - discord: Discord REST (interaction callbacks, original-response edits, command registration).
    ///   - monitor: The server list and states (`/server_status` reads what it knows and polls at most one page).
    ///   - panel: The panel, for power signals and addresses.
    ///   - embeds: The status updates (``StatusMessageUpdater`` in production).
    ///   - store: The tracked status messages (read only: validates buttons, counts for `/bot_status`).
    ///   - authorizer: Allowed guild and roles.
    ///   - registrations: Where the registered command fingerprint is kept across restarts; `nil` registers once
    ///     per process.
    ///   - gatewayLatency: The last heartbeat round trip, `nil` when unknown.
    ///   - gatewayUptime: How long the gateway session has been up, `nil` while it is down.
    ///   - elapsed: Time since the bot started (uptime; also ages the `/server_status` listing cache).
    ///   - listingMaxAge: How long Previous/Next and a pick reuse the server states fetched for `/server_status`.
    ///   - players: The player counts, shown in the `/server_status` list when known.
    ///   - metrics: Where interactions are counted by kind and outcome (nothing by default).
    ///   - logger: Logger; refusals are logged at `notice` with user and guild IDs, never with tokens.
    public init(
        discord: any DiscordClient,
        monitor: any ServerObserving,
        panel: any PanelBackend,
        embeds: any StatusEmbedControlling,
        store: EmbedStore,
        authorizer: InteractionAuthorizer,
        registrations: (any CommandRegistrationStore)? = nil,
        gatewayLatency: @escaping @Sendable () async -> Duration? = { nil },
        gatewayUptime: @escaping @Sendable () async -> Duration? = { nil },
        elapsed: (@Sendable () -> Duration)? = nil,
        listingMaxAge: Duration = .seconds(60),
        players: (any PlayerCountReading)? = nil,
        features: [any InteractionFeature] = [],
        powerRequests: PowerRequestLog? = nil,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger
    ) {
        self.features = features
        self.powerRequests = powerRequests
        self.discord = discord
        self.monitor = monitor
        self.panel = panel
        self.embeds = embeds
        self.store = store
        self.authorizer = authorizer
        self.registrations = registrations
        self.gatewayLatency = gatewayLatency
        self.gatewayUptime = gatewayUptime
        let started = ContinuousClock.now
        self.elapsed = elapsed ?? { started.duration(to: .now) }
        self.listingMaxAge = listingMaxAge
        self.players = players
        self.metrics = InteractionMetrics(factory: metrics)
        self.logger = logger
        (inbox, inboxContinuation) = AsyncStream.makeStream(
            of: GatewayEvent.self,
            bufferingPolicy: .bufferingNewest(256)
        )
    }

    // MARK: - Entry points

    /// Queues a gateway event for ``run()``; returns at once, so the gateway's event loop never waits on it.
    ///
    /// READY registers the commands, GUILD_CREATE updates the roles (in order, before any later interaction is
    /// authorized), INTERACTION_CREATE is answered; other events are ignored.
    /// - Parameter event: An event from the gateway.
    public nonisolated func receive(_ event: GatewayEvent) {
        inboxContinuation.yield(event)
    }

    /// Queues an interaction for ``run()``; returns at once.
    /// - Parameter interaction: From INTERACTION_CREATE.
    public nonisolated func enqueue(_ interaction: Interaction) {
        inboxContinuation.yield(.interactionCreate(interaction))
    }

    /// Handles queued events until graceful shutdown: each interaction and each registration in its own child
    /// task, guild updates in arrival order. Interactions in flight finish first.
    public func run() async throws {
        let inbox = self.inbox
        await withDiscardingTaskGroup { group in
            for await event in inbox.cancelOnGracefulShutdown() {
                switch event {
                case .interactionCreate(let interaction):
                    group.addTask { await self.handle(interaction) }
                case .guildCreate(let guild):
                    guildAvailable(guild)
                case .ready(let ready):
                    group.addTask { await self.ready(ready) }
                case .guildRoleCreate(let change), .guildRoleUpdate(let change):
                    authorizer.apply(change)
                case .guildRoleDelete(let deletion):
                    authorizer.apply(deletion)
                case .resumed, .other:
                    break
                }
            }
        }
    }

    /// Registers the commands for the application named in READY (or, when READY omits it, the one
    /// GET /applications/@me returns).
    /// - Parameter ready: The READY payload.
    public func ready(_ ready: GatewayReady) async {
        if let applicationID = ready.applicationID {
            await self.ready(applicationID: applicationID)
            return
        }
        do {
            await self.ready(applicationID: try await discord.getCurrentApplication().id)
        } catch {
            logger.error(
                "could not look up the application; slash commands not registered",
                metadata: ["error": "\(error)"]
            )
        }
    }

    /// Learns the allowed guild's roles (for roles configured by name). Call on every GUILD_CREATE.
    /// - Parameter guild: The guild.
    public func guildAvailable(_ guild: Guild) {
        if authorizer.learnRoles(from: guild) {
            logger.debug(
                "learned guild roles",
                metadata: ["discord.guild": "\(guild.id)", "roles": "\(guild.roles.count)"]
            )
        }
    }

    /// The IDs of `roles` (names resolved against the guild's roles learned so far), sorted; for alert mentions.
    /// - Parameter roles: Roles by ID or name.
    /// - Returns: Their IDs.
    public func roleIDs(matching roles: [AllowedRole]) -> [RoleID] {
        authorizer.roleIDs(matching: roles).sorted { $0.rawValue < $1.rawValue }
    }

    /// Registers the slash commands in the allowed guild with one bulk overwrite, unless the same set was already
    /// registered (by this process, or before a restart according to `registrations`). Call on every READY.
    /// - Parameter applicationID: The bot's application (READY's `application.id`).
    public func ready(applicationID: ApplicationID) async {
        let guildID = authorizer.allowedGuildID
        let commands = BotCommand.definitions + features.flatMap(\.commands)
        let fingerprint = BotCommand.fingerprint(of: commands, applicationID: applicationID, guildID: guildID)
        guard registeredFingerprint != fingerprint, !registering else { return }
        registering = true
        defer { registering = false }
        if let stored = await registrations?.lastFingerprint(), stored == fingerprint {
            registeredFingerprint = fingerprint
            logger.debug("slash commands unchanged; not re-registering", metadata: ["discord.guild": "\(guildID)"])
            return
        }
        do {
            _ = try await discord.bulkOverwriteGuildCommands(
                applicationID: applicationID,
                guildID: guildID,
                commands: commands
            )
        } catch {
            logger.error(
                "could not register slash commands; will retry on the next READY",
                metadata: ["discord.guild": "\(guildID)", "error": "\(error)"]
            )
            return
        }
        registeredFingerprint = fingerprint
        logger.info(
            "registered slash commands",
            metadata: ["discord.guild": "\(guildID)", "commands": "\(commands.count)"]
        )
        do {
            try await registrations?.save(fingerprint: fingerprint)
        } catch {
            logger.warning("could not remember the registered commands", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one interaction: authorize, acknowledge (or refuse), do the work, edit the original response.
    /// - Parameter interaction: From INTERACTION_CREATE.
    public func handle(_ interaction: Interaction) async {
        let claimed = features.lazy.compactMap { $0.claim(interaction) }.first
        let action = claimed.map(InteractionAction.feature) ?? InteractionAction.route(interaction)
        var metadata: Logger.Metadata = [
            "discord.interaction": "\(interaction.id)",
            "discord.user": "\(interaction.invokingUser?.id.rawValue ?? "unknown")",
            "discord.guild": "\(interaction.guildID?.rawValue ?? "none")",
            "interaction.action": "\(action)",
        ]
        if case .ping = action {
            let answered = await respond(to: interaction, .pong, metadata: metadata)
            metrics.record(action, answered ? .answered : .replyFailed)
            return
        }
        if case .refused(let reason) = authorizer.authorize(interaction) {
            metadata["reason"] = "\(reason)"
            logger.notice("refused an interaction", metadata: metadata)
            metrics.refused(reason)
            metrics.record(action, .refused)
            _ = await respond(to: interaction, .message(Self.text(reason.message), ephemeral: true), metadata: metadata)
            return
        }
        guard let acknowledgement = action.acknowledgement else {
            let text =
                if case .unknownCommand = action { InteractionReplies.unknownCommand } else {
                    InteractionReplies.unsupported
                }
            let answered = await respond(
                to: interaction,
                .message(Self.text(text), ephemeral: true),
                metadata: metadata
            )
            metrics.record(action, answered ? .answered : .replyFailed)
            return
        }
        guard await respond(to: interaction, acknowledgement, metadata: metadata) else {
            metrics.record(action, .replyFailed)
            return
        }
        guard let outcome = await perform(action, for: interaction) else {
            metrics.record(action, .cancelled)
            return
        }
        do {
            _ = try await discord.editOriginalResponse(
                applicationID: interaction.applicationID,
                token: interaction.token,
                payload: outcome.payload
            )
            metrics.record(action, outcome.failed ? .failed : .answered)
        } catch {
            metadata["error"] = "\(error)"
            logger.warning("could not edit the interaction response", metadata: metadata)
            metrics.record(action, .replyFailed)
        }
        if let server = outcome.refresh {
            await embeds.refresh(server)
        }
    }

    // MARK: - Actions

    private func perform(_ action: InteractionAction, for interaction: Interaction) async -> Outcome? {
        do {
            switch action {
            case .command(.serverStatus):
                let picker = try await currentListing(maxAge: .zero, page: 0)
                return Outcome(payload: picker.message(page: 0))
            case .showPickerPage(let page):
                let picker = try await currentListing(maxAge: listingMaxAge, page: page)
                return Outcome(payload: picker.message(page: page))
            case .pickServer(let value):
                return try await pick(ServerID(value), for: interaction)
            case .command(.refreshEmbeds):
                return Outcome(payload: Self.text(InteractionReplies.refreshed(await embeds.refreshAll())))
            case .command(.purgeEmbeds):
                var result = await embeds.purgeAll()
                for feature in features {
                    let purged = await feature.purge()
                    result.deleted += purged.deleted
                    result.failed += purged.failed
                }
                return Outcome(
                    payload: Self.text(InteractionReplies.purged(deleted: result.deleted, failed: result.failed))
                )
            case .command(.botStatus):
                var card = BotHealthCard(
                    gatewayLatency: await gatewayLatency(),
                    gatewayUptime: await gatewayUptime(),
                    budgets: await panel.budgetUse(),
                    cycles: await embeds.recentCycles,
                    trackedEmbeds: await store.all.count,
                    uptime: elapsed(),
                    version: BotVersion.current
                )
                card.panels = await panel.panelReports()
                for feature in features {
                    if let field = await feature.statusField() { card.featureFields.append(field) }
                }
                return Outcome(payload: MessagePayload(embeds: [card.embed], allowedMentions: AllowedMentions.none))
            case .power(let signal, let id):
                guard let server = try await validatedButtonServer(id, on: interaction) else {
                    return Outcome(payload: Self.text(InteractionReplies.staleButton))
                }
                // Recorded before sending: the stop may be observed before the panel's answer arrives.
                await powerRequests?.record(signal, to: id, at: Date())
                do {
                    try await panel.sendPower(signal, to: id)
                } catch let error as PanelFailure {
                    logger.warning(
                        "power signal failed",
                        metadata: ["panel.server": "\(id)", "signal": "\(signal.rawValue)", "error": "\(error)"]
                    )
                    return Outcome(
                        payload: Self.text(InteractionReplies.powerFailed(signal, to: server.name, error: error)),
                        failed: true
                    )
                }
                logger.info(
                    "power signal sent",
                    metadata: [
                        "panel.server": "\(id)", "signal": "\(signal.rawValue)",
                        "discord.user": "\(interaction.invokingUser?.id.rawValue ?? "unknown")",
                    ]
                )
                return Outcome(payload: Self.text(InteractionReplies.powerSent(signal, to: server.name)), refresh: id)
            case .showAddress(let id):
                guard try await validatedButtonServer(id, on: interaction) != nil else {
                    return Outcome(payload: Self.text(InteractionReplies.staleButton))
                }
                let details = try await panel.serverDetails(id)
                return Outcome(payload: Self.text(InteractionReplies.address(of: details)))
            case .feature:
                guard let feature = features.first(where: { $0.claim(interaction) != nil }) else {
                    return Outcome(payload: Self.text(InteractionReplies.unsupported))
                }
                let reply = await feature.answer(interaction)
                return Outcome(payload: reply.payload, failed: reply.failed)
            case .ping, .unknownCommand, .unsupported:
                return Outcome(payload: Self.text(InteractionReplies.unsupported))
            }
        } catch let error as PanelFailure {
            if error.kind == .notFound { return Outcome(payload: Self.text(InteractionReplies.unknownServer)) }
            return Outcome(payload: Self.text(InteractionReplies.panelFailed(error)), failed: true)
        } catch let error as MessageSinkError {
            return Outcome(
                payload: Self.text(
                    "⚠️ Could not post the status message here: \(error). The bot needs View Channel, Send Messages, "
                        + "Embed Links and Attach Files in this channel."
                ),
                failed: true
            )
        } catch {
            return nil  // cancelled: the bot is shutting down
        }
    }

    /// A server picked in the `/server_status` select: check it is listed, then post and track its message.
    private func pick(_ id: ServerID, for interaction: Interaction) async throws -> Outcome {
        guard let channel = interaction.channelID ?? interaction.channel?.id else {
            return Outcome(payload: Self.text(InteractionReplies.noChannel, clearComponents: true))
        }
        var picker = try await currentListing(maxAge: listingMaxAge, page: nil)
        if !picker.contains(id) { picker = try await currentListing(maxAge: .zero, page: nil) }
        guard let entry = picker.entries.first(where: { $0.server.id == id }) else {
            return Outcome(payload: Self.text(InteractionReplies.unknownServer, clearComponents: true))
        }
        let messageID = try await embeds.track(id, in: channel)
        logger.info(
            "status message posted from /server_status",
            metadata: [
                "panel.server": "\(id)", "discord.channel": "\(channel)", "discord.message": "\(messageID)",
                "discord.user": "\(interaction.invokingUser?.id.rawValue ?? "unknown")",
            ]
        )
        return Outcome(payload: Self.text(InteractionReplies.tracking(entry.server.name), clearComponents: true))
    }

    /// A button's server, when its message is the one tracked for it and the panel still lists it; `nil` for a
    /// button on an untracked, outdated or foreign message.
    private func validatedButtonServer(_ id: ServerID, on interaction: Interaction) async throws -> GameServer? {
        guard let location = await store.location(for: id) else { return nil }
        if let message = interaction.message?.id, message != location.messageID { return nil }
        guard let server = try await monitor.listedServer(id) else {
            throw PanelFailure(.notFound, detail: "server \(id) is not listed")
        }
        return server
    }

    /// The servers with the states the monitor knows, reused for `maxAge`. States the monitor does not know are
    /// polled for one page at most (`page`), so a command never costs one request per server the key can see.
    private func currentListing(maxAge: Duration, page: Int?) async throws -> ServerPicker {
        let now = elapsed()
        var picker: ServerPicker
        var listedAt = now
        if let listing, maxAge > .zero, now - listing.at <= maxAge {
            picker = listing.picker
            listedAt = listing.at
        } else {
            let servers = try await monitor.servers(forceRefresh: false)
            let known = await monitor.lastKnown
            picker = ServerPicker(
                entries: servers.map { ServerPicker.Entry(server: $0, state: $0.listedState ?? known[$0.id]?.state) }
            )
        }
        if let page {
            let unknown = Set(picker.entries(onPage: page).filter { $0.state == nil }.map(\.server.id))
            if !unknown.isEmpty {
                let observed = await monitor.observe(unknown)
                picker = picker.updatingStates { observed[$0]?.state }
            }
            if let players {
                var counts: [ServerID: PlayerCount] = [:]
                for entry in picker.entries(onPage: page) {
                    counts[entry.server.id] = await players.playerCount(of: entry.server.id)
                }
                picker = picker.updatingPlayers(counts)
            }
        }
        listing = Listing(picker: picker, at: listedAt)
        return picker
    }

    // MARK: - Discord

    /// Sends the interaction callback; `false` (logged) when Discord refused it, e.g. because it came too late.
    private func respond(to interaction: Interaction, _ response: InteractionResponse, metadata: Logger.Metadata) async
        -> Bool
    {
        do {
            try await discord.createInteractionResponse(
                interactionID: interaction.id,
                token: interaction.token,
                response: response
            )
            return true
        } catch {
            var metadata = metadata
            metadata["error"] = "\(error)"
            logger.warning("could not answer an interaction", metadata: metadata)
            return false
        }
    }

    private static func text(_ content: String, clearComponents: Bool = false) -> MessagePayload {
        MessagePayload(
            content: content,
            embeds: clearComponents ? [] : nil,
            components: clearComponents ? [] : nil,
            allowedMentions: AllowedMentions.none
        )
    }
}
