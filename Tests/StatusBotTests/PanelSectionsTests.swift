import DiscordModels
import GameQuery
import PanelCore
import Testing

@testable import StatusBot

@Suite struct PanelSectionsTests {
    static let secondClientKey = "pacc_" + String(repeating: "Z9y8X7w6V5", count: 4) + "abc"
    static let peonKey = "long-random-orchestrator-key-4711"

    static let twoPanels =
        BotConfigurationTests.validINI + """

            [Panel:home]
            Type = peon
            URL = http://127.0.0.1:5000
            APIKey = \(peonKey)

            [Panel:test-pelican]
            Type = pelican
            URL = https://pelican.mygame.host
            ClientAPIKey = \(secondClientKey)
            ClientRateLimitPerMinute = 256
            """

    func issues(_ ini: String, environment: [String: String] = [:]) -> [ConfigurationIssue] {
        do {
            let configuration = try BotConfiguration(ini: ini, environment: environment)
            return configuration.warnings
        } catch {
            return error.issues
        }
    }

    @Test func todaysFileHasOnlyTheDefaultPanel() throws {
        let configuration = try BotConfiguration(ini: BotConfigurationTests.validINI, environment: [:])
        #expect(configuration.namedPanels.isEmpty)
    }

    @Test func panelSectionsAddPanelsOfEachKind() throws {
        let configuration = try BotConfiguration(ini: Self.twoPanels, environment: [:])
        #expect(configuration.warnings.isEmpty)
        #expect(configuration.namedPanels.map(\.name) == ["home", "test-pelican"])
        guard case .peon(let peon) = configuration.namedPanels[0].kind else {
            Issue.record("home is not PEON")
            return
        }
        #expect(peon.url == "http://127.0.0.1:5000")
        #expect(peon.apiKey.exposedValue == Self.peonKey)
        #expect(peon.apiPrefix == "/api/v1")
        guard case .pterodactyl(let pelican, let isPelican) = configuration.namedPanels[1].kind else {
            Issue.record("test-pelican is not a Pterodactyl-kind panel")
            return
        }
        #expect(isPelican)
        #expect(pelican.clientRateLimitPerMinute == 256)
        #expect(pelican.applicationAPIKey == nil)
    }

    @Test func everyKeyOfEveryPanelHasAnEnvironmentOverride() throws {
        let configuration = try BotConfiguration(
            ini: Self.twoPanels,
            environment: [
                "PANEL_HOME_API_KEY": "another-long-orchestrator-key",
                "PANEL_HOME_API_PREFIX": "/api/1.0/",
                "PANEL_TEST_PELICAN_MAX_CONCURRENT_REQUESTS": "2",
            ]
        )
        guard case .peon(let peon) = configuration.namedPanels[0].kind,
            case .pterodactyl(let pelican, _) = configuration.namedPanels[1].kind
        else {
            Issue.record("kinds changed")
            return
        }
        #expect(peon.apiKey.exposedValue == "another-long-orchestrator-key")
        #expect(peon.apiPrefix == "/api/1.0")
        #expect(pelican.maxConcurrentRequests == 2)
        let key = configuration.effectiveSettings.first { $0.spec.section == "Panel:home" && $0.spec.key == "APIKey" }
        #expect(key?.source == .environment("PANEL_HOME_API_KEY"))
        #expect(key?.displayValue.contains("another") == false)
    }

    @Test func aPanelGivenOnlyInTheEnvironmentIsFound() throws {
        let configuration = try BotConfiguration(
            ini: BotConfigurationTests.validINI,
            environment: [
                "PANEL_LAN_BOX_TYPE": "peon",
                "PANEL_LAN_BOX_URL": "http://127.0.0.1:5001",
                "PANEL_LAN_BOX_API_KEY": Self.peonKey,
            ]
        )
        #expect(configuration.namedPanels.map(\.name) == ["lan-box"])
    }

    @Test func eachPanelIsCheckedOnItsOwnAndNamedInEveryMessage() {
        let found = issues(
            BotConfigurationTests.validINI + """

                [Panel:home]
                Type = peon
                URL = ftp://box
                [Panel:work]
                Type = docker
                URL = https://work.mygame.host
                [Panel:bad name]
                Type = peon
                """
        )
        let errors = found.filter { $0.severity == .error }.map(\.description)
        #expect(errors.contains { $0.contains("[Panel:home] URL") && $0.contains("http://") })
        #expect(errors.contains { $0.contains("[Panel:home] APIKey") && $0.contains("PANEL_HOME_API_KEY") })
        #expect(errors.contains { $0.contains("[Panel:work] Type") && $0.contains("pterodactyl, pelican or peon") })
        #expect(errors.contains { $0.contains("[Panel:bad name]") && $0.contains("letters, digits") })
    }

    @Test func twoPanelsWithOneNameOrOneURLAreAnError() {
        let sameName = issues(
            Self.twoPanels + """

                [Panel:HOME]
                Type = peon
                URL = http://127.0.0.1:5002
                APIKey = \(Self.peonKey)
                """
        )
        #expect(
            sameName.contains { $0.severity == .error && $0.description.contains("[Panel:HOME] Type is set twice") }
        )
        let sameURL = issues(
            Self.twoPanels + """

                [Panel:again]
                Type = pterodactyl
                URL = https://PANEL.mygame.host/
                ClientAPIKey = \(Self.secondClientKey)
                """
        )
        #expect(
            sameURL.contains {
                $0.severity == .error && $0.description.contains("[Panel:again] URL")
                    && $0.description.contains("[Pterodactyl]")
            }
        )
    }

    @Test func keysOfAnotherKindAreRefusedAndPublishedPeonKeysWarned() {
        let found = issues(
            BotConfigurationTests.validINI + """

                [Panel:home]
                Type = peon
                URL = http://127.0.0.1:5000
                APIKey = Zu88Zu88
                ClientAPIKey = \(Self.secondClientKey)
                """
        )
        #expect(found.contains { $0.severity == .error && $0.description.contains("[Panel:home] ClientAPIKey") })
        #expect(
            found.contains {
                $0.severity == .warning && $0.description.contains("[Panel:home] APIKey")
                    && $0.description.contains("default")
            }
        )
        #expect(!found.contains { $0.description.contains("Zu88Zu88") })
    }

    @Test func panelKeysAreNotReportedAsUnknown() throws {
        let configuration = try BotConfiguration(ini: Self.twoPanels, environment: [:])
        #expect(!configuration.warnings.contains { $0.description.contains("unknown setting") })
    }
}

@Suite struct PanelPlayerOverridesTests {
    @Test func aServerOfANamedPanelTakesItsPanelsName() throws {
        let configuration = try BotConfiguration(
            ini: PanelSectionsTests.twoPanels + "\n[Players]\nServer.home.valheim.server01 = a2s@192.0.2.7:2457\n",
            environment: [:]
        )
        let id = ServerID(panel: "home", local: "valheim.server01")
        #expect(configuration.players.overrides[id] == .query(.a2s, host: "192.0.2.7", port: 2457))
    }
}

@Suite struct BotHealthCardPanelsTests {
    @Test func eachPanelGetsItsOwnLineWithLatencyErrorsBudgetAndOutage() {
        var card = BotHealthCard(
            gatewayLatency: .milliseconds(40),
            cycles: [],
            trackedEmbeds: 2,
            uptime: .seconds(60),
            version: "1"
        )
        card.panels = [
            PanelReport(
                name: nil,
                displayName: "panel.mygame.host",
                averageLatency: .milliseconds(38),
                requests: 12,
                failures: 0,
                budgets: [PanelBudgetUse(budget: "client", requestsLastMinute: 12, limitPerMinute: 720)],
                outage: nil
            ),
            PanelReport(
                name: "home",
                displayName: "home",
                averageLatency: nil,
                requests: 3,
                failures: 3,
                budgets: [],
                outage: PanelFailure(.panelUnreachable, detail: "refused")
            ),
        ]
        let fields = card.embed.fields ?? []
        let main = fields.first { $0.name == "Panel panel.mygame.host" }
        #expect(main?.value == "🟢 · 38 ms · errors 0.0% (0/12) · client 12/720 (1.7%)")
        let home = fields.first { $0.name == "Panel home" }
        #expect(home?.value.hasPrefix("🔴 the panel cannot be reached") == true)
        #expect(home?.value.contains("errors 100.0% (3/3)") == true)
        #expect(card.embed.color != 0x57F287)
    }
}
