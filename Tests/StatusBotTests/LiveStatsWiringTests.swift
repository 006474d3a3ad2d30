import AsyncHTTPClient
import Logging
import Monitoring
import PanelCore
import Pterodactyl
import Testing

@testable import StatusBot

@Suite struct LiveStatsWiringTests {
    func configuration(liveStats: String, alerts: Bool = false) throws -> BotConfiguration {
        var environment = ["PTERODACTYL_LIVE_STATS": liveStats]
        if alerts { environment["ALERTS_CHANNEL_ID"] = "310000000000000009" }
        return try BotConfiguration(
            ini: BotConfigurationTests.validINI + PanelReloadTests.home,
            environment: environment
        )
    }

    func wiring(_ host: LiveStatsHost, alerts: Bool = false) -> LiveStatsWiring {
        LiveStatsWiring(
            host: host,
            cycleRequests: CycleRequests(),
            watchedServers: 3,
            updateInterval: .seconds(10),
            alertsEnabled: alerts
        )
    }

    @Test func onWrapsThePterodactylPanelAndRunsItsSocketsInTheHost() throws {
        let host = LiveStatsHost(logger: Logger(label: "test"))
        let panels = PanelBackends.panels(
            of: try configuration(liveStats: "on"),
            httpClient: HTTPClient.shared,
            logger: Logger(label: "test"),
            live: wiring(host)
        )
        #expect(panels[0].backend is LiveStatsBackend<ContinuousClock>)
        // PEON has no Wings: its panel polls.
        #expect(!(panels[1].backend is LiveStatsBackend<ContinuousClock>))
        #expect(Set(host.backends.keys) == ["default"])
    }

    @Test func autoGoesLiveForAlertsAndOffNeverDoes() throws {
        let host = LiveStatsHost(logger: Logger(label: "test"))
        let few = PanelBackends.panels(
            of: try configuration(liveStats: "auto"),
            httpClient: HTTPClient.shared,
            logger: Logger(label: "test"),
            live: wiring(host)
        )
        // Three status messages every 10 s fit the budget: polling.
        #expect(!(few[0].backend is LiveStatsBackend<ContinuousClock>))
        let alerting = PanelBackends.panels(
            of: try configuration(liveStats: "auto", alerts: true),
            httpClient: HTTPClient.shared,
            logger: Logger(label: "test"),
            live: wiring(host, alerts: true)
        )
        #expect(alerting[0].backend is LiveStatsBackend<ContinuousClock>)
        let off = LiveStatsHost(logger: Logger(label: "test"))
        _ = PanelBackends.panels(
            of: try configuration(liveStats: "off", alerts: true),
            httpClient: HTTPClient.shared,
            logger: Logger(label: "test"),
            live: wiring(off, alerts: true)
        )
        #expect(off.backends.isEmpty)
    }

    @Test func aReloadStartsLiveStatsOnlyForThePanelsItRebuilds() throws {
        let host = LiveStatsHost(logger: Logger(label: "test"))
        _ = PanelBackends.panels(
            of: try configuration(liveStats: "on"),
            httpClient: HTTPClient.shared,
            logger: Logger(label: "test"),
            live: wiring(host),
            rebuilding: ["home"]
        )
        #expect(host.backends.isEmpty)
    }
}

@Suite struct LiveStatsStatusFeatureTests {
    @Test func theLineCountsSocketsAndNamesEachNodeThatFellBack() {
        let status = LiveStatsStatus(
            liveSockets: 12,
            connectingSockets: 1,
            fallingBack: [
                .init(node: "node-2", reason: "Origin rejected (403): add the panel URL to allowed_origins", servers: 3)
            ],
            polledServers: 3
        )
        #expect(
            LiveStatsStatusFeature.line(panel: "default", status: status, named: false)
                == "12 live · 1 connecting · 3 polled\n⚠️ node-2 (3 servers) polled: "
                + "Origin rejected (403): add the panel URL to allowed\\_origins"
        )
        #expect(LiveStatsStatusFeature.line(panel: "lab", status: status, named: true).hasPrefix("lab: 12 live"))
    }

    @Test func noLiveStatsNoLine() async {
        #expect(await LiveStatsStatusFeature(host: LiveStatsHost(logger: Logger(label: "test"))).statusField() == nil)
    }
}

@Suite struct LiveStatsSettingTests {
    @Test func aWrongValueNamesTheSettingAndTheChoices() {
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(
                ini: BotConfigurationTests.validINI,
                environment: ["PTERODACTYL_LIVE_STATS": "sometimes"]
            )
        }
        let messages = error?.errors.map(\.description) ?? []
        #expect(messages.contains { $0.contains("[Pterodactyl] LiveStats: 'sometimes' is not one of: auto, on, off") })
    }

    @Test func defaultsToAutoAndAPeonPanelRefusesIt() throws {
        let configuration = try BotConfiguration(ini: BotConfigurationTests.validINI, environment: [:])
        #expect(configuration.panel.liveStats == .auto)
        let error = #expect(throws: ConfigurationError.self) {
            try BotConfiguration(
                ini: BotConfigurationTests.validINI + PanelReloadTests.home + "\nLiveStats = on\n",
                environment: [:]
            )
        }
        #expect(error?.errors.contains { $0.description.contains("[Panel:home] LiveStats") } == true)
    }
}
