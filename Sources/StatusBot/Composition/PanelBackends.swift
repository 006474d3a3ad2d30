import AsyncHTTPClient
import CoreMetrics
import DiscordModels
import Logging
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
    /// - Returns: The backend.
    public static func make(
        panelsOf configuration: BotConfiguration,
        httpClient: HTTPClient,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger
    ) -> MultiPanelBackend {
        MultiPanelBackend(panels(of: configuration, httpClient: httpClient, metrics: metrics, logger: logger))
    }

    /// The configuration's panels, default first, each with a backend built from its settings.
    /// - Parameters:
    ///   - configuration: The panels' settings.
    ///   - httpClient: The shared client.
    ///   - metrics: Where the panels' requests are counted.
    ///   - logger: The clients' logger.
    /// - Returns: The panels.
    public static func panels(
        of configuration: BotConfiguration,
        httpClient: HTTPClient,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger
    ) -> [NamedPanel] {
        var panels = [
            NamedPanel(
                name: nil,
                displayName: SettingReader.host(of: configuration.panel.url),
                backend: make(configuration.panel, httpClient: httpClient, metrics: metrics, logger: logger)
            )
        ]
        for named in configuration.namedPanels {
            panels.append(
                NamedPanel(
                    name: named.name,
                    displayName: named.name,
                    backend: make(named, httpClient: httpClient, metrics: metrics, logger: logger)
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
        logger: Logger
    ) -> any PanelBackend {
        var logger = logger
        logger[metadataKey: "panel"] = "\(named.name)"
        switch named.kind {
        case .pterodactyl(let panel, _):
            return make(panel, name: named.name, httpClient: httpClient, metrics: metrics, logger: logger)
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
    /// - Returns: The backend.
    public static func make(
        _ panel: BotConfiguration.Panel,
        name: String = defaultPanelName,
        httpClient: HTTPClient,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger
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
        return PterodactylBackend(client: client)
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
