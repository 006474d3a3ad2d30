/// One configuration setting: where it lives in `config.ini`, which environment variable overrides it, its
/// default and a one-line meaning. The table drives parsing, `check-config` and the README's table.
public struct SettingSpec: Sendable, Hashable {
    /// INI section, e.g. `Discord`.
    public var section: String
    /// INI key, e.g. `Token`.
    public var key: String
    /// Environment variable that overrides the file.
    public var environmentVariable: String
    /// Default when neither file nor environment sets it; `nil` means required (or optional, see `isOptional`).
    public var defaultValue: String?
    /// True when the setting may be left out entirely.
    public var isOptional: Bool
    /// True for tokens and keys: shown redacted.
    public var isSecret: Bool
    /// What the setting means, one line.
    public var meaning: String

    /// `[Section] Key`, as used in messages.
    public var location: String { "[\(section)] \(key)" }
}

extension SettingSpec {
    static func required(
        _ section: String,
        _ key: String,
        env: String,
        secret: Bool = false,
        _ meaning: String
    ) -> SettingSpec {
        SettingSpec(
            section: section,
            key: key,
            environmentVariable: env,
            defaultValue: nil,
            isOptional: false,
            isSecret: secret,
            meaning: meaning
        )
    }

    static func optional(
        _ section: String,
        _ key: String,
        env: String,
        default value: String?,
        secret: Bool = false,
        _ meaning: String
    ) -> SettingSpec {
        SettingSpec(
            section: section,
            key: key,
            environmentVariable: env,
            defaultValue: value,
            isOptional: true,
            isSecret: secret,
            meaning: meaning
        )
    }

    // MARK: - The settings table

    static let panelURL = required(
        "Pterodactyl",
        "PanelURL",
        env: "PTERODACTYL_PANEL_URL",
        "Base URL of the panel, e.g. https://panel.example.com"
    )
    static let clientAPIKey = required(
        "Pterodactyl",
        "ClientAPIKey",
        env: "PTERODACTYL_CLIENT_API_KEY",
        secret: true,
        "Client API key (ptlc_ or Pelican pacc_), from Account → API Credentials"
    )
    static let applicationAPIKey = optional(
        "Pterodactyl",
        "ApplicationAPIKey",
        env: "PTERODACTYL_APPLICATION_API_KEY",
        default: nil,
        secret: true,
        "Application API key (ptla_ or Pelican papp_), from Admin → Application API; enables node names"
    )
    static let clientRateLimit = optional(
        "Pterodactyl",
        "ClientRateLimitPerMinute",
        env: "PTERODACTYL_CLIENT_RATE_LIMIT",
        default: "720",
        "Client API requests per minute the bot allows itself (the panel's default limit is 720)"
    )
    static let applicationRateLimit = optional(
        "Pterodactyl",
        "ApplicationRateLimitPerMinute",
        env: "PTERODACTYL_APPLICATION_RATE_LIMIT",
        default: "240",
        "Application API requests per minute the bot allows itself (the panel's default limit is 240)"
    )
    static let maxConcurrentRequests = optional(
        "Pterodactyl",
        "MaxConcurrentRequests",
        env: "PTERODACTYL_MAX_CONCURRENT_REQUESTS",
        default: "8",
        "Panel requests in flight at once (1..64)"
    )
    static let liveStats = optional(
        "Pterodactyl",
        "LiveStats",
        env: "PTERODACTYL_LIVE_STATS",
        default: "auto",
        "Usage from Wings websockets instead of polling: auto (when polling would exceed the budget, or alerts "
            + "are on), on or off"
    )
    static let token = required(
        "Discord",
        "Token",
        env: "DISCORD_TOKEN",
        secret: true,
        "Bot token from the Discord Developer Portal → Bot"
    )
    static let allowedGuildID = required(
        "Discord",
        "AllowedGuildID",
        env: "DISCORD_ALLOWED_GUILD_ID",
        "ID of the one guild (server) the bot serves"
    )
    static let allowedRoles = required(
        "Discord",
        "AllowedRoles",
        env: "DISCORD_ALLOWED_ROLES",
        "Role IDs or role names allowed to use commands and buttons, comma separated"
    )
    static let apiBaseURL = optional(
        "Discord",
        "APIBaseURL",
        env: "DISCORD_API_BASE_URL",
        default: "https://discord.com/api/v10",
        "Discord REST base URL: an HTTP proxy in front of Discord, or a local test server"
    )
    static let gatewayCompression = optional(
        "Discord",
        "GatewayCompression",
        env: "DISCORD_GATEWAY_COMPRESSION",
        default: "none",
        "Gateway transport compression: none or zlib-stream"
    )
    static let updateInterval = optional(
        "Bot",
        "UpdateInterval",
        env: "BOT_UPDATE_INTERVAL",
        default: "10",
        "Seconds between panel polls (1..3600)"
    )
    static let forceUpdateInterval = optional(
        "Bot",
        "ForceUpdateInterval",
        env: "BOT_FORCE_UPDATE_INTERVAL",
        default: "600",
        "An embed is refreshed at least this often, in seconds (UpdateInterval..86400)"
    )
    static let cpuChangeThreshold = optional(
        "Bot",
        "CPUChangeThreshold",
        env: "BOT_CPU_CHANGE_THRESHOLD",
        default: "50",
        "CPU change in percentage points that counts as significant (0.1..10000)"
    )
    static let embedStorePath = optional(
        "Bot",
        "EmbedStorePath",
        env: "BOT_EMBED_STORE_PATH",
        default: "embed/embed_locations.json",
        "Where the bot remembers its status messages"
    )
    static let healthFile = optional(
        "Bot",
        "HealthFile",
        env: "BOT_HEALTH_FILE",
        default: "embed/.heartbeat",
        "Rewritten after every completed cycle with when the next one is due; read by `pterodisbot healthcheck`"
    )
    static let metricsListen = optional(
        "Bot",
        "MetricsListen",
        env: "BOT_METRICS_LISTEN",
        default: nil,
        "`host:port` serving /metrics, /healthz and /readyz (e.g. 127.0.0.1:9464; off when unset)"
    )
    static let logLevel = optional(
        "Bot",
        "LogLevel",
        env: "LOG_LEVEL",
        default: "info",
        "trace, debug, info, notice, warning, error or critical"
    )
    static let fontPath = optional(
        "Graphs",
        "FontPath",
        env: "GRAPHS_FONT_PATH",
        default: nil,
        "TrueType font for graphs (default: DejaVu Sans from fonts-dejavu-core)"
    )

    /// Every setting, in the order of `config.ini.example`.
    static let playersEnabled = optional(
        "Players",
        "Enabled",
        env: "PLAYERS_ENABLED",
        default: "yes",
        "Ask running game servers for their player count (yes or no)"
    )
    static let playersInterval = optional(
        "Players",
        "Interval",
        env: "PLAYERS_INTERVAL",
        default: "30",
        "Seconds between two queries of one game server (5..3600)"
    )
    static let playersTimeout = optional(
        "Players",
        "Timeout",
        env: "PLAYERS_TIMEOUT",
        default: "1",
        "Seconds a game server has to answer a query (0.1..10)"
    )
    static let playersChangeStep = optional(
        "Players",
        "ChangeStep",
        env: "PLAYERS_CHANGE_STEP",
        default: "1",
        "A status message is edited for players alone when the count crosses a multiple of this, at most once a minute"
    )

    static let alertsChannelID = optional(
        "Alerts",
        "ChannelID",
        env: "ALERTS_CHANNEL_ID",
        default: nil,
        "Channel that receives alerts (crashes, sustained load, nodes and panel down); alerts are off until it is set"
    )
    static let alertsMentionRoles = optional(
        "Alerts",
        "MentionRoles",
        env: "ALERTS_MENTION_ROLES",
        default: nil,
        "Role IDs or names mentioned on a new alert, separated by commas (none when unset)"
    )
    static let alertsServerCPUPercent = optional(
        "Alerts",
        "ServerCPUPercent",
        env: "ALERTS_SERVER_CPU_PERCENT",
        default: "80",
        "A server's CPU, in percent of its CPU limit, that raises an alert when sustained (1..1000)"
    )
    static let alertsServerMemoryPercent = optional(
        "Alerts",
        "ServerMemoryPercent",
        env: "ALERTS_SERVER_MEMORY_PERCENT",
        default: "90",
        "A server's memory, in percent of its limit, that raises an alert when sustained (1..100)"
    )
    static let alertsServerDiskPercent = optional(
        "Alerts",
        "ServerDiskPercent",
        env: "ALERTS_SERVER_DISK_PERCENT",
        default: "95",
        "A server's disk, in percent of its limit, that raises an alert when sustained (1..100)"
    )
    static let alertsNodeMemoryPercent = optional(
        "Alerts",
        "NodeMemoryPercent",
        env: "ALERTS_NODE_MEMORY_PERCENT",
        default: "90",
        "Memory allocated on a node, in percent of its capacity, that raises an alert (1..1000)"
    )
    static let alertsNodeDiskPercent = optional(
        "Alerts",
        "NodeDiskPercent",
        env: "ALERTS_NODE_DISK_PERCENT",
        default: "95",
        "Disk allocated on a node, in percent of its capacity, that raises an alert (1..1000)"
    )
    static let alertsSustainFor = optional(
        "Alerts",
        "SustainFor",
        env: "ALERTS_SUSTAIN_FOR",
        default: "300",
        "Seconds a load condition must last before it raises an alert; crashes and outages alert at once (0..86400)"
    )

    public static let all: [SettingSpec] = [
        panelURL, clientAPIKey, applicationAPIKey, clientRateLimit, applicationRateLimit, maxConcurrentRequests,
        liveStats,
        token, allowedGuildID, allowedRoles, apiBaseURL, gatewayCompression,
        updateInterval, forceUpdateInterval, cpuChangeThreshold, embedStorePath, healthFile, metricsListen,
        logLevel,
        fontPath,
        playersEnabled, playersInterval, playersTimeout, playersChangeStep,
        alertsChannelID, alertsMentionRoles, alertsServerCPUPercent, alertsServerMemoryPercent,
        alertsServerDiskPercent, alertsNodeMemoryPercent, alertsNodeDiskPercent, alertsSustainFor,
    ]
}
