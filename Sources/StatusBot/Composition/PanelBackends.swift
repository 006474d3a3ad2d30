import AsyncHTTPClient
import CoreMetrics
import DiscordModels
import Logging
import Monitoring
import PanelCore
import Peon
import Pterodactyl

/// Builds the panel backend a configuration names. The one place that knows the kinds of panel.
public enum PanelBackends {
    /// The name of the `[Pterodactyl]` panel in metrics labels.
    public static let defaultPanelName = "default"

    /// The backend for every configured panel: `[Pterodactyl]` and each `[Panel:NAME]` behind one
    /// ``MultiPanelBackend`` that polls them concurrently, each with its own budget, and whose panels a reload can
    /// replace.
    /// - Parameters:
    ///   - configuration: The panels' settings.
    ///   - httpClient: The shared client (redirects refused).
    ///   - metrics: Where the panels' requests are counted, labelled by panel name.
    ///   - logger: The clients' logger (debug and trace only; keys are never logged).
    ///   - live: Where live stats run, for the panels whose `LiveStats` asks for them.
    /// - Returns: The backend.
    public static func make(
        panelsOf configuration: BotConfiguration,
        httpClient: HTTPClient,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger,
        live: LiveStatsWiring? = nil
    ) -> MultiPanelBackend {
        MultiPanelBackend(
            panels(of: configuration, httpClient: httpClient, metrics: metrics, logger: logger, live: live)
        )
    }

    /// The configuration's panels, default first, each with a backend built from its settings.
    /// - Parameters:
    ///   - configuration: The panels' settings.
    ///   - httpClient: The shared client.
    ///   - metrics: Where the panels' requests are counted.
    ///   - logger: The clients' logger.
    ///   - live: Where live stats run, for the panels whose `LiveStats` asks for them.
    ///   - rebuilding: The panels whose live stats may start (`nil`: all; a reload passes the added and changed).
    /// - Returns: The panels.
    public static func panels(
        of configuration: BotConfiguration,
        httpClient: HTTPClient,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger,
        live: LiveStatsWiring? = nil,
        rebuilding: Set<String?>? = nil
    ) -> [NamedPanel] {
        // Live stats start only for the panels being (re)built, so a reload never opens a second set of sockets.
        func wiring(_ name: String?) -> LiveStatsWiring? {
            rebuilding.map { $0.contains(name) } ?? true ? live : nil
        }
        var panels = [
            NamedPanel(
                name: nil,
                displayName: SettingReader.host(of: configuration.panel.url),
                backend: make(
                    configuration.panel,
                    httpClient: httpClient,
                    metrics: metrics,
                    logger: logger,
                    live: wiring(nil)
                )
            )
        ]
        for named in configuration.namedPanels {
            panels.append(
                NamedPanel(
                    name: named.name,
                    displayName: named.name,
                    backend: make(
                        named,
                        httpClient: httpClient,
                        metrics: metrics,
                        logger: logger,
                        live: wiring(named.name)
                    )
                )
            )
        }
        return panels
    }

    /// Each panel's request budgets, labelled with its name (`default` for `[Pterodactyl]`), for the metrics.
    /// - Parameter backend: The backend ``make(panelsOf:httpClient:metrics:logger:)`` built.
    /// - Returns: One entry per panel.
    public static func budgetUseByPanel(of backend: any PanelBackend) async -> [(panel: String, use: [PanelBudgetUse])]
    {
        let reports = await backend.panelReports()
        guard !reports.isEmpty else { return [(defaultPanelName, await backend.budgetUse())] }
        return reports.map { ($0.name ?? defaultPanelName, $0.budgets) }
    }

    /// The backend of one `[Panel:NAME]`.
    static func make(
        _ named: BotConfiguration.NamedPanel,
        httpClient: HTTPClient,
        metrics: any MetricsFactory,
        logger: Logger,
        live: LiveStatsWiring? = nil
    ) -> any PanelBackend {
        var logger = logger
        logger[metadataKey: "panel"] = "\(named.name)"
        switch named.kind {
        case .pterodactyl(let panel, _):
            return make(panel, name: named.name, httpClient: httpClient, metrics: metrics, logger: logger, live: live)
        case .peon(let panel):
            let configuration = PeonConfiguration(apiPrefix: panel.apiPrefix)
            let client = DefaultPeonClient(
                httpClient: httpClient,
                baseURL: panel.url,
                apiKey: PeonAPIKey(panel.apiKey.exposedValue),
                configuration: configuration,
                logger: logger
            )
            return PeonBackend(client: client, configuration: configuration, clock: ContinuousClock(), logger: logger)
        }
    }

    /// The backend for `[Pterodactyl]` (Pterodactyl or Pelican).
    /// - Parameters:
    ///   - panel: The panel's settings.
    ///   - httpClient: The shared client (redirects refused).
    ///   - metrics: Where the panel's requests are counted (nothing by default).
    ///   - logger: The client's logger (debug and trace only; keys are never logged).
    ///   - live: Where live stats run, when the bot can run them; the panel's `LiveStats` decides.
    /// - Returns: The backend.
    public static func make(
        _ panel: BotConfiguration.Panel,
        name: String = defaultPanelName,
        httpClient: HTTPClient,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger,
        live: LiveStatsWiring? = nil
    ) -> any PanelBackend {
        let client = DefaultPanelClient(
            httpClient: httpClient,
            baseURL: panel.url,
            clientKey: PanelAPIKey(panel.clientAPIKey.exposedValue),
            applicationKey: panel.applicationAPIKey.map { PanelAPIKey($0.exposedValue) },
            configuration: PanelClientConfiguration(panel),
            metrics: PanelRequestMetrics(factory: metrics, panel: name),
            logger: logger
        )
        let polling = PterodactylBackend(client: client)
        guard let live,
            liveStatsWanted(
                panel,
                watchedServers: live.watchedServers,
                updateInterval: live.updateInterval,
                alertsEnabled: live.alertsEnabled
            )
        else { return polling }
        let interval = live.updateInterval
        let feed = DefaultWingsLiveFeed(
            panelURL: panel.url,
            configuration: WingsSocketConfiguration(sampleInterval: interval),
            clock: ContinuousClock(),
            logger: logger,
            credentials: { try await client.websocketCredentials(of: $0) }
        )
        let backend = LiveStatsBackend(
            inner: polling,
            feed: feed,
            configuration: LiveStatsConfiguration(
                idleTimeout: interval * 3,
                // A poll just made stands for an early cycle's; the panel caches /resources for 20 s anyway.
                pollReuse: max(.zero, interval - .seconds(1))
            ),
            clock: ContinuousClock(),
            logger: logger,
            wake: { live.cycleRequests.request() }
        )
        live.host.start(backend, for: name)
        logger.info("live stats over Wings websockets", metadata: ["panel": "\(name)", "mode": "\(panel.liveStats)"])
        return backend
    }

    /// Whether a Pterodactyl or Pelican panel should take usage from Wings websockets (`LiveStats`): `on`, or
    /// `auto` when polling `watchedServers` every `updateInterval` would exceed the panel's Client API budget or
    /// when alerts are on (the rule is ``LiveStatsMode``'s).
    /// - Parameters:
    ///   - panel: The panel's settings.
    ///   - watchedServers: Servers the monitor polls per cycle on this panel.
    ///   - updateInterval: `[Bot] UpdateInterval`.
    ///   - alertsEnabled: True when `[Alerts] ChannelID` is set.
    /// - Returns: True for live stats.
    public static func liveStatsWanted(
        _ panel: BotConfiguration.Panel,
        watchedServers: Int,
        updateInterval: Duration,
        alertsEnabled: Bool
    ) -> Bool {
        panel.liveStats.wantsLiveStats(
            watchedServers: watchedServers,
            updateInterval: updateInterval,
            clientRateLimitPerMinute: panel.clientRateLimitPerMinute,
            alertsEnabled: alertsEnabled
        )
    }

    /// Checks a `[Pterodactyl] ClientAPIKey` value before use.
    /// - Parameter value: the key as configured.
    /// - Returns: the Pterodactyl target's verdict.
    static func checkClientKey(_ value: String) -> PanelCredentialVerdict {
        PanelAPIKey(value).verdict(expected: .client, settingOf: Self.setting(holding:))
    }

    /// Checks a `[Pterodactyl] ApplicationAPIKey` value before use.
    /// - Parameter value: the key as configured.
    /// - Returns: the Pterodactyl target's verdict.
    static func checkApplicationKey(_ value: String) -> PanelCredentialVerdict {
        PanelAPIKey(value).verdict(expected: .application, settingOf: Self.setting(holding:))
    }

    /// Checks a `[Panel:NAME] APIKey` of a PEON orchestrator: PEON ships with published keys, and a bot using
    /// one means anyone who reaches the host can start and stop its servers.
    /// - Parameter value: the key as configured.
    /// - Returns: the Peon target's verdict.
    static func checkPeonKey(_ value: String) -> PanelCredentialVerdict {
        PeonAPIKey(value).verdict()
    }

    private static func setting(holding kind: PanelAPIKey.Kind) -> String {
        kind == .application ? SettingSpec.applicationAPIKey.location : SettingSpec.clientAPIKey.location
    }
}

extension PanelClientConfiguration {
    /// The panel client's settings from `[Pterodactyl]`.
    public init(_ panel: BotConfiguration.Panel) {
        self.init(
            clientRateLimitPerMinute: panel.clientRateLimitPerMinute,
            applicationRateLimitPerMinute: panel.applicationRateLimitPerMinute,
            maxConcurrentRequests: panel.maxConcurrentRequests
        )
    }
}

extension StatusUpdaterConfiguration {
    /// The status messages' settings from `[Bot]` and `[Players]`.
    public init(_ bot: BotConfiguration.Bot, players: BotConfiguration.Players = BotConfiguration.Players()) {
        self.init(
            updateInterval: bot.updateInterval,
            forceUpdateInterval: bot.forceUpdateInterval,
            cpuChangeThreshold: bot.cpuChangeThreshold,
            playersChangeStep: players.changeStep
        )
    }
}

/// What a panel needs to take usage from Wings websockets: where its sockets run, how to wake the monitor, and
/// the figures `LiveStats = auto` decides on.
public struct LiveStatsWiring: Sendable {
    /// Runs the live backends.
    public var host: LiveStatsHost
    /// Wakes the monitor for an early cycle when a server's state changes.
    public var cycleRequests: CycleRequests
    /// Servers the monitor polls per cycle (status messages at start).
    public var watchedServers: Int
    /// `[Bot] UpdateInterval`.
    public var updateInterval: Duration
    /// Alerts watch every server.
    public var alertsEnabled: Bool

    /// Creates the wiring.
    public init(
        host: LiveStatsHost,
        cycleRequests: CycleRequests,
        watchedServers: Int,
        updateInterval: Duration,
        alertsEnabled: Bool
    ) {
        self.host = host
        self.cycleRequests = cycleRequests
        self.watchedServers = watchedServers
        self.updateInterval = updateInterval
        self.alertsEnabled = alertsEnabled
    }
}
