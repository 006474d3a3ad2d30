import DiscordModels
import Logging
import PanelCore
import Pterodactyl

/// The bot's whole configuration, typed, validated and immutable.
///
/// Built from `config.ini` text and the process environment; environment variables override the file.
/// Every problem is reported at once through ``ConfigurationError``.
public struct BotConfiguration: Sendable {
    /// `[Pterodactyl]`: how to reach the panel.
    public struct Panel: Sendable, Equatable {
        /// Panel base URL without a trailing slash.
        public var url: String
        /// Client API key (`ptlc_`/`pacc_`).
        public var clientAPIKey: Secret
        /// Application API key (`ptla_`/`papp_`), when configured.
        public var applicationAPIKey: Secret?
        /// Client API requests per minute.
        public var clientRateLimitPerMinute: Int
        /// Application API requests per minute.
        public var applicationRateLimitPerMinute: Int
        /// Panel requests in flight at once.
        public var maxConcurrentRequests: Int
        /// Whether usage comes from Wings websockets (`LiveStats`).
        public var liveStats: LiveStatsMode = .auto
    }

    /// `[Discord]`: the bot account and who may use it.
    public struct Discord: Sendable, Equatable {
        /// Bot token.
        public var token: Secret
        /// The only guild the bot answers in.
        public var allowedGuildID: GuildID
        /// Roles allowed to use commands and buttons.
        public var allowedRoles: [AllowedRole]
        /// REST base URL without a trailing slash.
        public var apiBaseURL: String
        /// Gateway transport compression.
        public var gatewayCompression: GatewayCompressionSetting
    }

    /// `[Bot]`: timing and files.
    public struct Bot: Sendable, Equatable {
        /// Time between panel polls.
        public var updateInterval: Duration
        /// Longest time an embed goes without an edit.
        public var forceUpdateInterval: Duration
        /// CPU change (percentage points) that triggers an edit.
        public var cpuChangeThreshold: Double
        /// Path of `embed_locations.json`.
        public var embedStorePath: String
        /// Path of the health file written after each cycle.
        public var healthFile: String
        /// Where to serve `/metrics`, `/healthz` and `/readyz`; nil: off.
        public var metricsListen: ListenAddress?
        /// Minimum log level.
        public var logLevel: Logger.Level
    }

    /// `[Graphs]`: drawing options.
    public struct Graphs: Sendable, Equatable {
        /// A TrueType font to use instead of the default DejaVu Sans.
        public var fontPath: String?
    }

    /// `[Players]`: player counts asked from the game servers.
    public struct Players: Sendable, Equatable {
        /// Whether servers are asked at all.
        public var enabled: Bool = true
        /// Time between two queries of one server.
        public var interval: Duration = .seconds(30)
        /// Time a server has to answer.
        public var timeout: Duration = .seconds(1)
        /// The count must cross a multiple of this for an edit of players alone.
        public var changeStep: Int = 1
        /// Per-server choices (`Server.<identifier> = a2s@host:port`).
        public var overrides: [ServerID: PlayerQueryOverride] = [:]

        /// The defaults of `config.ini.example`.
        public init(
            enabled: Bool = true,
            interval: Duration = .seconds(30),
            timeout: Duration = .seconds(1),
            changeStep: Int = 1,
            overrides: [ServerID: PlayerQueryOverride] = [:]
        ) {
            self.enabled = enabled
            self.interval = interval
            self.timeout = timeout
            self.changeStep = changeStep
            self.overrides = overrides
        }
    }

    /// `[Alerts]`: where alerts go and what raises them.
    public struct Alerts: Sendable, Equatable {
        /// The channel for alerts; `nil` turns alerts off.
        public var channelID: ChannelID?
        /// Roles mentioned on a new alert.
        public var mentionRoles: [AllowedRole] = []
        /// Server CPU, percent of its limit.
        public var serverCPUPercent: Double = 80
        /// Server memory, percent of its limit.
        public var serverMemoryPercent: Double = 90
        /// Server disk, percent of its limit.
        public var serverDiskPercent: Double = 95
        /// Node memory allocated, percent of capacity.
        public var nodeMemoryPercent: Double = 90
        /// Node disk allocated, percent of capacity.
        public var nodeDiskPercent: Double = 95
        /// How long a load condition lasts before it alerts.
        public var sustainFor: Duration = .seconds(300)

        /// The defaults of `config.ini.example` (alerts off).
        public init(
            channelID: ChannelID? = nil,
            mentionRoles: [AllowedRole] = [],
            serverCPUPercent: Double = 80,
            serverMemoryPercent: Double = 90,
            serverDiskPercent: Double = 95,
            nodeMemoryPercent: Double = 90,
            nodeDiskPercent: Double = 95,
            sustainFor: Duration = .seconds(300)
        ) {
            self.channelID = channelID
            self.mentionRoles = mentionRoles
            self.serverCPUPercent = serverCPUPercent
            self.serverMemoryPercent = serverMemoryPercent
            self.serverDiskPercent = serverDiskPercent
            self.nodeMemoryPercent = nodeMemoryPercent
            self.nodeDiskPercent = nodeDiskPercent
            self.sustainFor = sustainFor
        }

        /// True when a channel is set.
        public var isEnabled: Bool { channelID != nil }
    }

    /// Which parts must be present: the bot needs everything, `preview` only the panel.
    public enum Scope: Sendable {
        /// Panel and Discord (the `run` command).
        case full
        /// Only `[Pterodactyl]` (the `preview` command).
        case panelOnly
    }

    public var panel: Panel
    /// `[Panel:NAME]` sections: more panels, each with its own budget; empty for a one-panel bot.
    public var namedPanels: [NamedPanel]
    /// `nil` only for ``Scope/panelOnly``.
    public var discord: Discord?
    public var bot: Bot
    public var graphs: Graphs
    /// `[Players]`.
    public var players: Players
    /// `[Alerts]`.
    public var alerts: Alerts
    /// Non-fatal findings (legacy key format, file permissions, unknown keys).
    public var warnings: [ConfigurationIssue]
    /// Every setting's effective value (secrets redacted) and where it came from, for `check-config`.
    public var effectiveSettings: [EffectiveSetting]

    /// Builds and validates the configuration.
    /// - Parameters:
    ///   - ini: Content of `config.ini`, or `nil` when there is no file.
    ///   - environment: Process environment; variables listed in ``SettingSpec`` override the file.
    ///   - fileMode: Permission bits of the file, to warn when others can read the secrets in it.
    ///   - scope: Which sections are required.
    /// - Throws: ``ConfigurationError`` listing every error and warning.
    public init(
        ini: String?,
        environment: [String: String],
        fileMode: UInt32? = nil,
        scope: Scope = .full
    ) throws(ConfigurationError) {
        try self.init(
            document: ini.map { INIDocument(text: $0) },
            environment: environment,
            fileMode: fileMode,
            scope: scope
        )
    }

    /// Builds and validates the configuration from an already parsed document (see ``init(ini:environment:fileMode:scope:)``).
    public init(
        document: INIDocument?,
        environment: [String: String],
        fileMode: UInt32? = nil,
        scope: Scope = .full
    ) throws(ConfigurationError) {
        var reader = SettingReader(document: document, environment: environment, scope: scope)
        if document == nil && !SettingSpec.all.contains(where: { reader.isSetInEnvironment($0) }) {
            throw ConfigurationError(issues: [
                ConfigurationIssue(
                    .error,
                    "config.ini",
                    "no configuration found. Create one with `cp config.ini.example config.ini` and fill it in, "
                        + "or set the environment variables listed in the README (PTERODACTYL_PANEL_URL, ...)"
                )
            ])
        }
        if let mode = fileMode, mode & 0o044 != 0 {
            reader.warn(
                "config.ini",
                "the file is readable by other users and holds secrets; run `chmod 600 config.ini`"
            )
        }

        let panel = Panel(
            url: reader.url(.panelURL, carrying: "the panel API keys") ?? "",
            clientAPIKey: reader.panelKey(.clientAPIKey, check: PanelBackends.checkClientKey) ?? Secret(""),
            applicationAPIKey: reader.panelKey(.applicationAPIKey, check: PanelBackends.checkApplicationKey),
            clientRateLimitPerMinute: reader.integer(.clientRateLimit, in: 1...100_000) ?? 720,
            applicationRateLimitPerMinute: reader.integer(.applicationRateLimit, in: 1...100_000) ?? 240,
            maxConcurrentRequests: reader.integer(.maxConcurrentRequests, in: 1...64) ?? 8,
            liveStats: reader.choice(.liveStats, LiveStatsMode.self) ?? .auto
        )
        let namedPanels = reader.namedPanels(defaultURL: panel.url.isEmpty ? nil : panel.url)
        var discord: Discord?
        if scope == .full {
            discord = Discord(
                token: reader.discordToken(.token) ?? Secret(""),
                allowedGuildID: reader.snowflake(.allowedGuildID) ?? GuildID("0"),
                allowedRoles: reader.roles(.allowedRoles) ?? [],
                apiBaseURL: reader.url(.apiBaseURL, carrying: "the bot token") ?? "https://discord.com/api/v10",
                gatewayCompression: reader.choice(.gatewayCompression, GatewayCompressionSetting.self) ?? .none
            )
        }
        let updateSeconds = reader.integer(.updateInterval, in: 1...3600) ?? 10
        let forceSeconds = reader.integer(.forceUpdateInterval, in: max(updateSeconds, 1)...86_400) ?? 600
        let bot = Bot(
            updateInterval: .seconds(updateSeconds),
            forceUpdateInterval: .seconds(forceSeconds),
            cpuChangeThreshold: reader.decimal(.cpuChangeThreshold, in: 0.1...10_000) ?? 50,
            embedStorePath: reader.path(.embedStorePath) ?? "embed/embed_locations.json",
            healthFile: reader.path(.healthFile) ?? "embed/.heartbeat",
            metricsListen: reader.listenAddress(.metricsListen),
            logLevel: reader.choice(.logLevel, Logger.Level.self) ?? .info
        )
        let graphs = Graphs(fontPath: reader.path(.fontPath))
        let players = Players(
            enabled: reader.flag(.playersEnabled) ?? true,
            interval: .seconds(reader.integer(.playersInterval, in: 5...3600) ?? 30),
            timeout: .milliseconds(Int(((reader.decimal(.playersTimeout, in: 0.1...10) ?? 1) * 1000).rounded())),
            changeStep: reader.integer(.playersChangeStep, in: 1...10_000) ?? 1,
            overrides: reader.playerOverrides(panels: namedPanels.map(\.name))
        )
        let alerts = Alerts(
            channelID: reader.channel(.alertsChannelID),
            mentionRoles: reader.roles(.alertsMentionRoles) ?? [],
            serverCPUPercent: reader.decimal(.alertsServerCPUPercent, in: 1...1000) ?? 80,
            serverMemoryPercent: reader.decimal(.alertsServerMemoryPercent, in: 1...100) ?? 90,
            serverDiskPercent: reader.decimal(.alertsServerDiskPercent, in: 1...100) ?? 95,
            nodeMemoryPercent: reader.decimal(.alertsNodeMemoryPercent, in: 1...1000) ?? 90,
            nodeDiskPercent: reader.decimal(.alertsNodeDiskPercent, in: 1...1000) ?? 95,
            sustainFor: .seconds(reader.integer(.alertsSustainFor, in: 0...86_400) ?? 300)
        )
        reader.reportUnknownKeys()

        let issues = reader.issues
        if issues.contains(where: { $0.severity == .error }) {
            throw ConfigurationError(issues: issues)
        }
        self.panel = panel
        self.namedPanels = namedPanels
        self.discord = discord
        self.bot = bot
        self.graphs = graphs
        self.players = players
        self.alerts = alerts
        self.warnings = issues
        self.effectiveSettings = reader.effective
    }
}

/// A role allowed to use the bot: by ID, or by name resolved from the guild's roles.
public enum AllowedRole: Sendable, Hashable, CustomStringConvertible {
    /// A role snowflake.
    case id(RoleID)
    /// A role name, compared case-insensitively.
    case name(String)

    public var description: String {
        switch self {
        case .id(let id): "id \(id)"
        case .name(let name): "name \"\(name)\""
        }
    }
}

/// `[Discord] GatewayCompression`.
public enum GatewayCompressionSetting: String, Sendable, CaseIterable {
    /// Plain JSON frames.
    case none
    /// One zlib stream per connection.
    case zlibStream = "zlib-stream"
}

/// One setting's effective value, for `check-config`.
public struct EffectiveSetting: Sendable, Equatable {
    /// Where a value came from.
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// `config.ini`, at this line.
        case file(line: Int)
        /// This environment variable.
        case environment(String)
        /// The built-in default.
        case defaultValue
        /// Not set (an optional setting).
        case unset

        public var description: String {
            switch self {
            case .file(let line): "config.ini line \(line)"
            case .environment(let name): "env \(name)"
            case .defaultValue: "default"
            case .unset: "not set"
            }
        }
    }

    /// The setting.
    public var spec: SettingSpec
    /// The value to display; secrets are redacted.
    public var displayValue: String
    /// Where it came from.
    public var source: Source
}

extension Logger.Level {
    /// Accepts the names used in `LogLevel`, case-insensitively (`warn` too).
    init?(configValue: String) {
        let lowered = configValue.lowercased()
        if lowered == "warn" {
            self = .warning
            return
        }
        guard let level = Logger.Level(rawValue: lowered) else { return nil }
        self = level
    }
}
