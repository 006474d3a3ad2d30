import AsyncHTTPClient
import CoreMetrics
import DiscordModels
import Logging
import PanelCore
import Pterodactyl

/// Builds the panel backend a configuration names. The one place that knows the kinds of panel.
public enum PanelBackends {
    /// The name of the `[Pterodactyl]` panel in metrics labels.
    public static let defaultPanelName = "default"

    /// The backend for `[Pterodactyl]` (Pterodactyl or Pelican).
    /// - Parameters:
    ///   - panel: The panel's settings.
    ///   - httpClient: The shared client (redirects refused).
    ///   - metrics: Where the panel's requests are counted (nothing by default).
    ///   - logger: The client's logger (debug and trace only; keys are never logged).
    /// - Returns: The backend.
    public static func make(
        _ panel: BotConfiguration.Panel,
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
            metrics: PanelRequestMetrics(factory: metrics, panel: defaultPanelName),
            logger: logger
        )
        return PterodactylBackend(client: client)
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
