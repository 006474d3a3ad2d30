import AsyncHTTPClient
import ClientSupport
import CoreMetrics
import DiscordGateway
import DiscordModels
import DiscordREST
import Logging
import Monitoring
import Observability
import PanelCore
import ServerMetrics
import ServiceLifecycle
import Synchronization
import UnixSignals

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The composition root of `run`: builds the HTTP client, Discord REST and gateway, the panel backend, the status
/// services (``StatusServices``) and the interaction handler from a ``BotConfiguration`` and runs them in one
/// service group.
public enum BotApplication {
    /// Runs the bot until SIGTERM/SIGINT (graceful, at most 10 s) or a fatal error.
    /// - Parameters:
    ///   - configuration: A validated configuration with a `[Discord]` section.
    ///   - reload: Reads the configuration again on SIGHUP; `nil`: SIGHUP is not handled.
    /// - Throws: ``BotApplicationError`` or a fatal gateway/REST error, with what to fix.
    public static func run(
        configuration: BotConfiguration,
        reload: ConfigurationReloader.Load? = nil
    ) async throws {
        guard let discord = configuration.discord else { throw BotApplicationError.missingDiscordSection }
        let logger = Logger(label: "pterodisbot")
        // One client for Discord and the panel; redirects are refused (a panel redirect means a bad key).
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: panelHTTPClientConfiguration())
        do {
            try await run(configuration, discord: discord, reload: reload, httpClient: httpClient, logger: logger)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
    }

    private static func run(
        _ configuration: BotConfiguration,
        discord: BotConfiguration.Discord,
        reload: ConfigurationReloader.Load?,
        httpClient: HTTPClient,
        logger: Logger
    ) async throws {
        let metrics = configuration.bot.metricsListen.map { _ in BotMetrics() }
        let metricsFactory: any MetricsFactory = metrics?.factory ?? NOOPMetricsHandler.instance
        let discordClient = DefaultDiscordClient(
            httpClient: httpClient,
            token: discord.token,
            configuration: DiscordClientConfiguration(apiBaseURL: discord.apiBaseURL, version: BotVersion.current),
            clock: ContinuousClock(),
            metrics: metricsFactory,
            logger: Logger(label: "discord.rest")
        )
        // Said before the first attempt, which can take a while when the network is not up yet.
        logger.info(
            "pterodisbot \(BotVersion.current) starting: connecting to Discord",
            metadata: ["panel": "\(configuration.panel.url)"]
        )
        let gatewayInfo: GatewayBotInfo
        do {
            let discovery = GatewayDiscovery(
                fetch: { try await discordClient.getGatewayBot() },
                clock: ContinuousClock(),
                logger: logger
            )
            guard let info = try await untilStopSignal({ try await discovery.run() }) else {
                logger.info("stopped before connecting to Discord")
                return
            }
            gatewayInfo = info
        } catch let error as DiscordRESTError {
            throw BotApplicationError.discordUnavailable(error.description)
        }

        let storeFile = EmbedStoreFile(path: configuration.bot.embedStorePath)
        let loaded = try storeFile.load()
        if let movedTo = loaded.movedCorruptFileTo {
            logger.error(
                "the embed store was corrupt and was moved aside; starting with no tracked messages",
                metadata: ["path": "\(movedTo)", "error": "\(loaded.corruptionReason ?? "unknown")"]
            )
        }
        let store = EmbedStore(file: storeFile, initial: loaded.locations)
        logger.info("loaded tracked status messages", metadata: ["count": "\(loaded.locations.count)"])

        let liveHost = LiveStatsHost(logger: Logger(label: "pterodactyl.live"))
        let cycleRequests = CycleRequests()
        // `LiveStats = auto` decides on what the bot watches at start: its status messages, or every server when
        // alerts are on.
        let live = LiveStatsWiring(
            host: liveHost,
            cycleRequests: cycleRequests,
            watchedServers: loaded.locations.count,
            updateInterval: configuration.bot.updateInterval,
            alertsEnabled: configuration.alerts.isEnabled
        )
        let panel = PanelBackends.make(
            panelsOf: configuration,
            httpClient: httpClient,
            metrics: metricsFactory,
            logger: Logger(label: "pterodactyl"),
            live: live
        )

        let gateway = GatewayConnection(
            configuration: GatewayConfiguration(
                gatewayURL: gatewayInfo.url,
                token: discord.token,
                presence: .watching(serverCount: loaded.locations.count),
                compression: GatewayCompression(rawValue: discord.gatewayCompression.rawValue) ?? .none,
                sessionStartLimit: gatewayInfo.sessionStartLimit
            ),
            logger: Logger(label: "discord.gateway"),
            metrics: metricsFactory
        )

        let health = BotHealth(
            probes: BotHealth.Probes(
                gatewayNotReadyFor: { gateway.timeNotReady() },
                discordRESTUsable: { await !discordClient.isStopped }
            ),
            updateInterval: configuration.bot.updateInterval
        )

        var probeServer: ProbeServer?
        if let address = configuration.bot.metricsListen, let metrics {
            probeServer = ProbeServer(
                configuration: ProbeServerConfiguration(host: address.host, port: address.port),
                routes: ProbeRoutes.make(
                    metrics: metrics,
                    health: health,
                    gatewayLatency: { gateway.latency() },
                    budgetUse: { await PanelBackends.budgetUseByPanel(of: panel) }
                ),
                logger: Logger(label: "pterodisbot.probes")
            )
        }

        let fonts = GraphFonts.load(fontPath: configuration.graphs.fontPath)
        if fonts.usesFallback {
            logger.warning(
                "no TrueType font found (install fonts-dejavu-core or set [Graphs] FontPath); using the built-in font"
            )
        }
        let playerCounts = PlayerCounts.collector(configuration.players)
        let services = await StatusServices.make(
            backend: panel,
            configuration: StatusUpdaterConfiguration(configuration.bot, players: configuration.players),
            sink: DiscordStatusMessageSink(client: discordClient),
            store: store,
            graphs: MetricsGraphing(fonts: fonts, logger: logger),
            clock: ContinuousClock(),
            extra: [
                HeartbeatWriter(health: health, path: configuration.bot.healthFile, logger: logger),
                PresenceUpdater(gateway: gateway, store: store, count: loaded.locations.count, players: playerCounts),
            ],
            metrics: metrics,
            players: playerCounts,
            cycleRequests: cycleRequests,
            logger: logger
        )
        let sink = DiscordStatusMessageSink(client: discordClient)
        let handlerReference = LateBound<InteractionHandler>()
        let mentionRoles = configuration.alerts.mentionRoles
        let operations = try OperationsFeatures.make(
            alertsConfiguration: configuration.alerts,
            backend: panel,
            monitor: services.monitor,
            sink: sink,
            storeFolder: Self.folder(of: configuration.bot.embedStorePath),
            mentionRoles: { await handlerReference.current?.roleIDs(matching: mentionRoles) ?? [] },
            panelName: SettingReader.host(of: configuration.panel.url),
            metrics: metricsFactory,
            logger: logger
        )
        for consumer in operations.consumers { await services.monitor.register(consumer) }
        if let metrics { await services.monitor.register(LiveStatsMetrics(factory: metrics.factory, host: liveHost)) }
        let handler = InteractionHandler(
            discord: discordClient,
            monitor: services.monitor,
            panel: panel,
            embeds: services.updater,
            store: store,
            authorizer: InteractionAuthorizer(
                allowedGuildID: discord.allowedGuildID,
                allowedRoles: discord.allowedRoles
            ),
            registrations: FileCommandRegistrationStore(path: configuration.bot.embedStorePath + ".commands"),
            gatewayLatency: { gateway.latency() },
            gatewayUptime: { gateway.timeReady() },
            players: playerCounts,
            features: operations.interactionFeatures + [LiveStatsStatusFeature(host: liveHost)],
            powerRequests: operations.powerRequests,
            metrics: metricsFactory,
            logger: Logger(label: "pterodisbot.interactions")
        )
        handlerReference.set(handler)
        let router = GatewayEventRouter(events: gateway.events, handler: handler)

        // Shutdown runs in reverse order: events stop first, the monitor finishes its cycle, the store is saved,
        // the gateway closes last so interactions in flight can still be answered.
        var serviceList: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: gateway), .init(service: StoreFlusher(store: store, logger: logger)),
            .init(service: liveHost), .init(service: services.monitor), .init(service: handler),
            .init(service: router),
        ]
        if let playerCounts { serviceList.append(.init(service: playerCounts)) }
        if let reload {
            let reloader = ConfigurationReloader(
                configuration: configuration,
                load: reload,
                apply: { new, change in
                    // Sockets of a changed or removed panel close; a rebuilt panel opens its own if it wants them.
                    for name in change.changed + change.removed { liveHost.stop(name) }
                    let rebuilt = Set(change.added + change.changed).map {
                        $0 == PanelBackends.defaultPanelName ? nil : $0
                    }
                    let panels = PanelBackends.panels(
                        of: new,
                        httpClient: httpClient,
                        metrics: metricsFactory,
                        logger: Logger(label: "pterodactyl"),
                        live: live,
                        rebuilding: Set(rebuilt)
                    )
                    panel.replace(with: panels, unchanged: change.unchanged)
                    await services.updater.apply(cpuChangeThreshold: new.bot.cpuChangeThreshold)
                    await operations.apply(new.alerts)
                },
                logger: logger
            )
            serviceList.append(.init(service: reloader))
        }
        if let probeServer {
            // Last in, first out: the probes answer until everything else has stopped.
            serviceList.insert(.init(service: probeServer), at: 0)
        }
        var groupConfiguration = ServiceGroupConfiguration(
            services: serviceList,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        logger.info("starting the gateway and the status updates")
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { await exitOnSecondSignal(logger: logger) }
            // The signal watcher never ends on its own; once the group is done, stop it.
            defer { tasks.cancelAll() }
            try await group.run()
        }
    }

    /// The folder of a file path ("" for a bare file name).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// Runs `work` until it returns, or until SIGTERM/SIGINT arrives (then nil): while the bot is still starting,
    /// the service group that shuts down gracefully does not run yet.
    private static func untilStopSignal<Value: Sendable>(
        _ work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value? {
        // Trap the signals before the work starts, so none can arrive untrapped (and kill the process).
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                for await _ in signals { return nil }
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// The first SIGTERM/SIGINT starts a graceful shutdown (the service group handles it); a second one means
    /// "now": exit at once.
    private static func exitOnSecondSignal(logger: Logger) async {
        var count = 0
        for await signal in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
            count += 1
            if count == 1 {
                logger.info(
                    "\(signal): shutting down after the cycle in flight (at most 10 s); send it again to exit at once"
                )
            } else if count == 2 {
                logger.warning("second signal: exiting without waiting for the shutdown to finish")
                exit(130)
            }
        }
    }
}
