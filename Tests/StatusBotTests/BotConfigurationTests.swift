import DiscordModels
import Foundation
import GameQuery
import Logging
import PanelCore
import Testing

@testable import StatusBot

/// Well-formed but fake credentials.
enum SampleSecrets {
    static let clientKey = "ptlc_" + String(repeating: "A1b2C3d4E5", count: 4) + "xyz"
    static let applicationKey = "ptla_" + String(repeating: "Q9w8E7r6T5", count: 4) + "uvw"
    static let token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.fake-token-for-tests-only_0123456789"
}

@Suite struct BotConfigurationTests {
    static let validINI = """
        [Pterodactyl]
        PanelURL = https://panel.mygame.host/
        ClientAPIKey = \(SampleSecrets.clientKey)
        ApplicationAPIKey = \(SampleSecrets.applicationKey)
        [Discord]
        Token = \(SampleSecrets.token)
        AllowedGuildID = 112233445566778899
        AllowedRoles = 998877665544332211, Game Admin
        [Bot]
        UpdateInterval = 15
        """

    @Test func validFileProducesTypedConfiguration() throws {
        let configuration = try BotConfiguration(ini: Self.validINI, environment: [:])
        #expect(configuration.panel.url == "https://panel.mygame.host")
        #expect(configuration.panel.clientAPIKey.exposedValue == SampleSecrets.clientKey)
        #expect(configuration.panel.maxConcurrentRequests == 8)
        #expect(configuration.discord?.allowedGuildID == GuildID("112233445566778899"))
        #expect(configuration.discord?.allowedRoles == [.id(RoleID("998877665544332211")), .name("Game Admin")])
        #expect(configuration.discord?.apiBaseURL == "https://discord.com/api/v10")
        #expect(configuration.bot.updateInterval == .seconds(15))
        #expect(configuration.bot.forceUpdateInterval == .seconds(600))
        #expect(configuration.bot.cpuChangeThreshold == 50)
        #expect(configuration.bot.embedStorePath == "embed/embed_locations.json")
        #expect(configuration.warnings.isEmpty)
    }

    @Test func environmentOverridesFile() throws {
        let configuration = try BotConfiguration(
            ini: Self.validINI,
            environment: ["BOT_UPDATE_INTERVAL": "30", "LOG_LEVEL": "debug", "DISCORD_ALLOWED_ROLES": " "]
        )
        #expect(configuration.bot.updateInterval == .seconds(30))
        #expect(configuration.bot.logLevel == .debug)
        // An empty variable counts as unset, so the file's value stays.
        #expect(configuration.discord?.allowedRoles.count == 2)
        let update = configuration.effectiveSettings.first { $0.spec == .updateInterval }
        #expect(update?.source == .environment("BOT_UPDATE_INTERVAL"))
        let token = configuration.effectiveSettings.first { $0.spec == .token }
        #expect(token?.source == .file(line: 6))
    }

    @Test func environmentAloneIsEnough() throws {
        let configuration = try BotConfiguration(
            ini: nil,
            environment: [
                "PTERODACTYL_PANEL_URL": "http://10.0.0.5:8080",
                "PTERODACTYL_CLIENT_API_KEY": SampleSecrets.clientKey,
                "DISCORD_TOKEN": SampleSecrets.token,
                "DISCORD_ALLOWED_GUILD_ID": "112233445566778899",
                "DISCORD_ALLOWED_ROLES": "Admins",
            ]
        )
        #expect(configuration.panel.url == "http://10.0.0.5:8080")
        #expect(configuration.panel.applicationAPIKey == nil)
    }

    @Test func noConfigurationAtAllPointsAtTheExample() {
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(ini: nil, environment: ["HOME": "/root"])
        }
        #expect(error?.issues.count == 1)
        #expect(error?.description.contains("cp config.ini.example config.ini") == true)
    }

    @Test func exampleFileListsEveryPlaceholderAtOnce() throws {
        let example = try String(contentsOfFile: Self.exampleFilePath(), encoding: .utf8)
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(ini: example, environment: [:])
        }
        let locations = Set(error?.errors.map(\.location) ?? [])
        #expect(
            locations == [
                "[Pterodactyl] PanelURL", "[Pterodactyl] ClientAPIKey", "[Pterodactyl] ApplicationAPIKey",
                "[Discord] Token", "[Discord] AllowedGuildID", "[Discord] AllowedRoles",
            ]
        )
        #expect(error?.errors.allSatisfy { $0.message.contains("placeholder") } == true)
    }

    @Test func exampleFileDocumentsEverySetting() throws {
        let document = INIDocument(text: try String(contentsOfFile: Self.exampleFilePath(), encoding: .utf8))
        let example = try String(contentsOfFile: Self.exampleFilePath(), encoding: .utf8)
        for spec in SettingSpec.all {
            #expect(example.contains(spec.environmentVariable), "\(spec.location) env var not documented")
            #expect(example.contains("\(spec.key) ="), "\(spec.location) missing from config.ini.example")
        }
        #expect(document.problems.isEmpty)
    }

    @Test func missingRequiredKeysAreNamed() {
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(ini: "[Pterodactyl]\nPanelURL = https://panel.mygame.host\n", environment: [:])
        }
        let messages = error?.errors.map(\.description) ?? []
        #expect(messages.contains { $0.contains("[Pterodactyl] ClientAPIKey: is missing") })
        #expect(messages.contains { $0.contains("PTERODACTYL_CLIENT_API_KEY") })
        #expect(messages.contains { $0.contains("[Discord] Token: is missing") })
        #expect(messages.contains { $0.contains("[Discord] AllowedGuildID") })
        #expect(messages.contains { $0.contains("[Discord] AllowedRoles") })
    }

    @Test func urlsNeedSchemeAndHost() {
        for bad in ["panel.mygame.host", "ftp://panel.mygame.host", "https://", "https:// spaced"] {
            let error = #expect(throws: ConfigurationError.self) {
                try BotConfiguration(ini: Self.validINI, environment: ["PTERODACTYL_PANEL_URL": bad])
            }
            #expect(error?.errors.map(\.location) == ["[Pterodactyl] PanelURL"], "accepted \(bad)")
        }
    }

    @Test func cleartextURLsToOtherHostsAreWarnedAboutButDoNotBlockStart() throws {
        let configuration = try BotConfiguration(
            ini: Self.validINI,
            environment: [
                "PTERODACTYL_PANEL_URL": "http://panel.mygame.host:8080/",
                "DISCORD_API_BASE_URL": "http://10.0.0.5:3000/api/v10",
            ]
        )
        #expect(configuration.warnings.map(\.location) == ["[Pterodactyl] PanelURL", "[Discord] APIBaseURL"])
        #expect(configuration.warnings.allSatisfy { $0.severity == .warning })
        let panel = try #require(configuration.warnings.first?.message)
        #expect(panel.contains("http:// to panel.mygame.host"))
        #expect(panel.contains("the panel API keys"))
        #expect(panel.contains("cleartext"))
        #expect(panel.contains("https://"))
        #expect(configuration.warnings.last?.message.contains("the bot token") == true)
        let report = ConfigurationReport.render(configuration)
        #expect(report.contains("Warnings:"))
        #expect(report.contains("warning: [Pterodactyl] PanelURL: uses http:// to panel.mygame.host"))
        #expect(!report.contains(SampleSecrets.clientKey))
        #expect(!report.contains(SampleSecrets.token))
    }

    @Test func httpsAndLoopbackGetNoCleartextWarning() throws {
        for url in [
            "https://panel.mygame.host", "http://127.0.0.1:8080", "http://localhost/", "http://[::1]:80",
            "HTTP://127.10.0.1", "http://user:pw@localhost:81",
        ] {
            let configuration = try BotConfiguration(
                ini: Self.validINI,
                environment: ["PTERODACTYL_PANEL_URL": url, "DISCORD_API_BASE_URL": url]
            )
            #expect(configuration.warnings.isEmpty, "\(url)")
        }
        #expect(SettingReader.host(of: "http://user:pw@Panel.Host:8080/x?y") == "panel.host")
        #expect(!SettingReader.isLoopback("127.0.0.1.evil.example"))
        #expect(!SettingReader.isLoopback("128.0.0.1"))
        #expect(SettingReader.cleartextWarning(url: "http://127.0.0.2.nip.io", carrying: "x") != nil)
    }

    @Test func keyInTheWrongFieldGetsItsOwnError() {
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(
                ini: Self.validINI,
                environment: [
                    "PTERODACTYL_CLIENT_API_KEY": SampleSecrets.applicationKey,
                    "PTERODACTYL_APPLICATION_API_KEY": SampleSecrets.clientKey,
                ]
            )
        }
        let errors = error?.errors ?? []
        #expect(errors.count == 2)
        #expect(
            errors.first { $0.location == "[Pterodactyl] ClientAPIKey" }?.message.contains("application API key")
                == true
        )
        #expect(
            errors.first { $0.location == "[Pterodactyl] ApplicationAPIKey" }?.message.contains(
                "move it to [Pterodactyl] ClientAPIKey"
            ) == true
        )
    }

    @Test func pelicanKeysAreAccepted() throws {
        let configuration = try BotConfiguration(
            ini: Self.validINI,
            environment: [
                "PTERODACTYL_CLIENT_API_KEY": "pacc_" + SampleSecrets.clientKey.dropFirst(5),
                "PTERODACTYL_APPLICATION_API_KEY": "papp_" + SampleSecrets.applicationKey.dropFirst(5),
            ]
        )
        #expect(configuration.warnings.isEmpty)
    }

    @Test func legacyUnprefixedKeyIsAWarningOnly() throws {
        let legacy = String(repeating: "AbCdEfGh12", count: 4) + "ZyXwVuTs"
        let configuration = try BotConfiguration(
            ini: Self.validINI,
            environment: ["PTERODACTYL_CLIENT_API_KEY": legacy]
        )
        #expect(configuration.warnings.map(\.location) == ["[Pterodactyl] ClientAPIKey"])
        #expect(configuration.warnings.first?.message.contains("v1.8") == true)
    }

    @Test func guildIDMustBeASnowflake() {
        for bad in ["12345", "abcdefghijklmnopqr", "123456789012345678901"] {
            let error = #expect(throws: ConfigurationError.self) {
                try BotConfiguration(ini: Self.validINI, environment: ["DISCORD_ALLOWED_GUILD_ID": bad])
            }
            #expect(error?.errors.map(\.location) == ["[Discord] AllowedGuildID"])
        }
    }

    @Test func numbersParseAndStayInRange() {
        let cases: [(String, String, String)] = [
            ("BOT_UPDATE_INTERVAL", "0", "[Bot] UpdateInterval"),
            ("BOT_UPDATE_INTERVAL", "3601", "[Bot] UpdateInterval"),
            ("BOT_UPDATE_INTERVAL", "ten", "[Bot] UpdateInterval"),
            ("BOT_FORCE_UPDATE_INTERVAL", "5", "[Bot] ForceUpdateInterval"),
            ("BOT_CPU_CHANGE_THRESHOLD", "nan", "[Bot] CPUChangeThreshold"),
            ("BOT_CPU_CHANGE_THRESHOLD", "-3", "[Bot] CPUChangeThreshold"),
            ("PTERODACTYL_MAX_CONCURRENT_REQUESTS", "65", "[Pterodactyl] MaxConcurrentRequests"),
            ("LOG_LEVEL", "loud", "[Bot] LogLevel"),
            ("DISCORD_GATEWAY_COMPRESSION", "gzip", "[Discord] GatewayCompression"),
            ("BOT_METRICS_LISTEN", "9464", "[Bot] MetricsListen"),
            ("BOT_METRICS_LISTEN", "0.0.0.0:99999", "[Bot] MetricsListen"),
            ("BOT_METRICS_LISTEN", ":9464", "[Bot] MetricsListen"),
        ]
        for (variable, value, location) in cases {
            let error = #expect(throws: ConfigurationError.self) {
                try BotConfiguration(ini: Self.validINI, environment: [variable: value])
            }
            #expect(error?.errors.map(\.location) == [location], "\(variable)=\(value)")
        }
    }

    @Test func playersSectionAndPerServerChoices() throws {
        let ini =
            Self.validINI + """

                [Players]
                Interval = 60
                Timeout = 0.5
                ChangeStep = 5
                Server.1a2b3c4d = a2s@play.example.com:27016
                Server.default.5e6f7a8b = none
                Server.9c0d1e2f = bedrock
                """
        let configuration = try BotConfiguration(ini: ini, environment: ["PLAYERS_ENABLED": "no"])
        let players = configuration.players
        #expect(players.enabled == false)
        #expect(players.interval == .seconds(60))
        #expect(players.timeout == .milliseconds(500))
        #expect(players.changeStep == 5)
        #expect(players.overrides[ServerID("1a2b3c4d")] == .query(.a2s, host: "play.example.com", port: 27016))
        #expect(players.overrides[ServerID("5e6f7a8b")] == PlayerQueryOverride.none)
        #expect(players.overrides[ServerID("9c0d1e2f")] == .query(.bedrock, host: nil, port: nil))
        // The per-server lines are settings, not typos.
        #expect(!configuration.warnings.contains { $0.message.contains("unknown setting") })
        #expect(try BotConfiguration(ini: Self.validINI, environment: [:]).players == BotConfiguration.Players())
    }

    @Test func aBadPlayerChoiceNamesItsLine() {
        let ini =
            Self.validINI
            + "\n[Players]\nServer.1a2b3c4d = quake3\nServer.home.5e6f7a8b = java\nServer.0a0b0c0d =\nServer.1b2c3d4e = a2s@\n"
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(ini: ini, environment: ["PLAYERS_INTERVAL": "2"])
        }
        let messages = error?.errors.map(\.message) ?? []
        #expect(messages.contains { $0.contains("Server.1a2b3c4d: 'quake3' is not java, bedrock, a2s or none") })
        #expect(messages.contains { $0.contains("no panel named 'home'") })
        #expect(messages.contains { $0.contains("Server.0a0b0c0d: '' is not java") })
        #expect(messages.contains { $0.contains("Server.1b2c3d4e: 'a2s@' is not java") })
        #expect(error?.errors.contains { $0.location == "[Players] Interval" } == true)
    }

    @Test func alertsAreOffUntilAChannelIsSetAndTakeOverrides() throws {
        let defaults = try BotConfiguration(ini: Self.validINI, environment: [:]).alerts
        #expect(defaults == BotConfiguration.Alerts())
        #expect(!defaults.isEnabled)
        let ini =
            Self.validINI + """

                [Alerts]
                ChannelID = 223456789012345678
                MentionRoles = Admins, 323456789012345678
                ServerCPUPercent = 150
                SustainFor = 60
                """
        let alerts = try BotConfiguration(
            ini: ini,
            environment: ["ALERTS_NODE_DISK_PERCENT": "80", "ALERTS_SERVER_MEMORY_PERCENT": "85.5"]
        ).alerts
        #expect(alerts.channelID == ChannelID("223456789012345678"))
        #expect(alerts.mentionRoles == [.name("Admins"), .id(RoleID("323456789012345678"))])
        #expect(alerts.serverCPUPercent == 150)
        #expect(alerts.serverMemoryPercent == 85.5)
        #expect(alerts.serverDiskPercent == 95)
        #expect(alerts.nodeMemoryPercent == 90)
        #expect(alerts.nodeDiskPercent == 80)
        #expect(alerts.sustainFor == .seconds(60))
        #expect(alerts.isEnabled)
    }

    @Test func aBadAlertsSettingNamesItsKeyAndTheFix() {
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(
                ini: Self.validINI + "\n[Alerts]\nChannelID = #alerts\nServerMemoryPercent = 120\n",
                environment: ["ALERTS_SUSTAIN_FOR": "-5"]
            )
        }
        let errors = error?.errors ?? []
        #expect(
            errors.map(\.location).sorted() == [
                "[Alerts] ChannelID", "[Alerts] ServerMemoryPercent", "[Alerts] SustainFor",
            ]
        )
        #expect(errors.contains { $0.message.contains("Copy Channel ID") })
        #expect(errors.contains { $0.message.contains("from 1.0 to 100.0") })
    }

    @Test func metricsListenIsOffUntilSetAndTakesIPv6() throws {
        #expect(try BotConfiguration(ini: Self.validINI, environment: [:]).bot.metricsListen == nil)
        let all = try BotConfiguration(ini: Self.validINI, environment: ["BOT_METRICS_LISTEN": "0.0.0.0:9464"])
        #expect(all.bot.metricsListen == ListenAddress("0.0.0.0:9464"))
        let v6 = try BotConfiguration(ini: Self.validINI, environment: ["BOT_METRICS_LISTEN": "[::1]:9464"])
        #expect(v6.bot.metricsListen?.host == "::1")
        #expect(v6.bot.metricsListen?.description == "[::1]:9464")
    }

    @Test func worldReadableFileGetsAWarning() throws {
        let configuration = try BotConfiguration(ini: Self.validINI, environment: [:], fileMode: 0o644)
        #expect(configuration.warnings.contains { $0.message.contains("chmod 600") })
        let privateFile = try BotConfiguration(ini: Self.validINI, environment: [:], fileMode: 0o600)
        #expect(privateFile.warnings.isEmpty)
    }

    @Test func unknownKeysAreWarnedAbout() throws {
        let configuration = try BotConfiguration(ini: Self.validINI + "\nUpdateIntervall = 5", environment: [:])
        #expect(configuration.warnings.contains { $0.message.contains("unknown setting [Bot] UpdateIntervall") })
    }

    @Test func syntaxProblemsBecomeErrors() {
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(ini: Self.validINI + "\nLogLevel = \"debug", environment: [:])
        }
        #expect(error?.errors.first?.location == "config.ini line 11")
    }

    @Test func panelOnlyScopeIgnoresDiscord() throws {
        let configuration = try BotConfiguration(
            ini: "[Pterodactyl]\nPanelURL = https://panel.mygame.host\nClientAPIKey = \(SampleSecrets.clientKey)",
            environment: [:],
            scope: .panelOnly
        )
        #expect(configuration.discord == nil)
    }

    @Test func reportRedactsSecretsAndNamesSources() throws {
        let configuration = try BotConfiguration(
            ini: Self.validINI,
            environment: ["LOG_LEVEL": "debug"]
        )
        let report = ConfigurationReport.render(configuration)
        #expect(!report.contains(SampleSecrets.clientKey))
        #expect(!report.contains(SampleSecrets.applicationKey))
        #expect(!report.contains(SampleSecrets.token))
        #expect(report.contains("ptlc_****" + SampleSecrets.clientKey.suffix(4)))
        #expect(report.contains("(env LOG_LEVEL)"))
        #expect(report.contains("(config.ini line 2)"))
        #expect(report.contains("(default)"))
    }

    @Test func errorsNeverContainSecrets() {
        let badToken = "Bot " + SampleSecrets.token
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(
                ini: Self.validINI,
                environment: ["DISCORD_TOKEN": badToken, "PTERODACTYL_CLIENT_API_KEY": SampleSecrets.applicationKey]
            )
        }
        let text = error?.description ?? ""
        #expect(text.contains("[Discord] Token"))
        #expect(!text.contains(SampleSecrets.token))
        #expect(!text.contains(SampleSecrets.applicationKey))
    }

    static func exampleFilePath() -> String {
        // Tests run from the package root (swift test); #filePath keeps it working from elsewhere.
        let testsFolder = "\(#filePath)".split(separator: "/").dropLast(3).joined(separator: "/")
        return "/\(testsFolder)/config.ini.example"
    }
}
