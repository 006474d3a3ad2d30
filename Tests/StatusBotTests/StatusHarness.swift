import AsyncHTTPClient
import ClientSupport
import DiscordModels
import DiscordREST
import Foundation
import Logging
import MetricsTestKit
import Monitoring
import PanelCore
import Pterodactyl
import ServerMetrics
import TestSupport

@testable import StatusBot

/// The real monitor and status updates, the Pterodactyl backend and the Discord client, wired by
/// ``StatusServices`` to the loopback fakes of the panel and Discord, on a manual clock.
final class StatusHarness: Sendable {
    static let channel: ChannelID = "300000000000000001"
    static let token = Secret("MTEwMDAwMDAwMDAwMDAwMDAx.fake.harness-token-not-real-0123456789")

    let clock: ManualClock
    let panel: FakePanel
    let discord: FakeDiscordREST
    let httpClient: HTTPClient
    let storePath: String
    let logs = LogCapture()
    let services: StatusServices<ManualClock>
    let store: EmbedStore
    let panelClient: DefaultPanelClient<ManualClock>
    let discordClient: DefaultDiscordClient
    /// The player-count collector, when the harness was made with a game query client.
    let players: PlayerCountCollector<ManualClock>?
    /// The nodes board and alerts, registered with the monitor like `run` does.
    let operations: OperationsFeatures
    /// What the alerts export.
    let metrics = TestMetrics()
    /// What the services and features poll: the Pterodactyl backend, or what `backend` made of it.
    let backend: any PanelBackend

    /// Starts the fakes and the services; `restartOf` continues with another harness's fakes and store, and
    /// `backend` puts the Pterodactyl backend behind another one (several panels) sharing the harness's HTTP
    /// client, clock and logger. `connectTimeout` is how long (real time) a refused connection takes to fail.
    init(
        servers: [FakePanel.Server],
        nodes: [FakePanel.Node] = [FakePanel.Node(id: 1, name: "Node 1")],
        configuration: StatusUpdaterConfiguration = StatusUpdaterConfiguration(),
        gameQueries: FakeGameQueryClient? = nil,
        alerts: BotConfiguration.Alerts = BotConfiguration.Alerts(),
        restartOf previous: StatusHarness? = nil,
        connectTimeout: Duration = .seconds(5),
        backend makeBackend: (
            _ pterodactyl: any PanelBackend, _ httpClient: HTTPClient, _ clock: ManualClock, _ logger: Logger
        ) -> any PanelBackend = { pterodactyl, _, _, _ in pterodactyl }
    ) async throws {
        let clock = previous?.clock ?? ManualClock()
        self.clock = clock
        if let previous {
            panel = previous.panel
            discord = previous.discord
            storePath = previous.storePath
        } else {
            panel = try await FakePanel.start(
                servers: servers,
                nodes: nodes,
                now: { clock.now.offset },
                epoch: Date(timeIntervalSince1970: 1_764_622_800)
            )
            discord = try await FakeDiscordREST.start(
                clock: clock,
                configuration: FakeDiscordRESTConfiguration(expectedToken: Self.token.exposedValue)
            )
            storePath =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("orchestrator-\(UUID().uuidString)/embed_locations.json").path
        }
        httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: panelHTTPClientConfiguration(connectTimeout: connectTimeout)
        )
        let logger = logs.logger(
            level: .trace,
            secrets: []  // no scrubbing: the secrecy test checks the raw lines
        )
        panelClient = DefaultPanelClient(
            httpClient: httpClient,
            baseURL: panel.baseURL,
            clientKey: panel.clientKey,
            applicationKey: panel.applicationKey,
            configuration: PanelClientConfiguration(retryPolicy: .none),
            clock: clock,
            logger: logger
        )
        discordClient = DefaultDiscordClient(
            httpClient: httpClient,
            token: Self.token,
            configuration: DiscordClientConfiguration(
                apiBaseURL: discord.baseURL,
                retry: .none
            ),
            clock: clock,
            random: { 0.5 },
            logger: logger
        )
        let file = EmbedStoreFile(path: storePath)
        store = EmbedStore(file: file, initial: try file.load().locations)
        let players = gameQueries.map { client in
            PlayerCountCollector(client: client, interval: .seconds(30), clock: clock, logger: logger)
        }
        self.players = players
        let backend = makeBackend(PterodactylBackend(client: panelClient), httpClient, clock, logger)
        self.backend = backend
        services = await StatusServices.make(
            backend: backend,
            configuration: configuration,
            sink: DiscordStatusMessageSink(client: discordClient),
            store: store,
            graphs: MetricsGraphing(fonts: GraphFonts.load(), timeZone: TimeZone(identifier: "UTC")!, logger: logger),
            clock: clock,
            wallClock: { Date(timeIntervalSince1970: 1_764_622_800 + clock.now.offset.components.seconds.asDouble) },
            players: players,
            logger: logger
        )
        operations = try OperationsFeatures.make(
            alertsConfiguration: alerts,
            backend: backend,
            monitor: services.monitor,
            sink: DiscordStatusMessageSink(client: discordClient),
            storeFolder: (storePath as NSString).deletingLastPathComponent,
            mentionRoles: { [RoleID("400000000000000001")] },
            wallClock: { Date(timeIntervalSince1970: 1_764_622_800 + clock.now.offset.components.seconds.asDouble) },
            metrics: metrics,
            logger: logger
        )
        for consumer in operations.consumers { await services.monitor.register(consumer) }
    }

    /// The status updater (track, refresh, purge).
    var updater: StatusMessageUpdater<ManualClock> { services.updater }

    /// One monitor cycle, then what the updater did in it.
    @discardableResult
    func tick() async -> CycleReport {
        await services.monitor.cycle()
        return await services.updater.recentCycles.last ?? CycleReport()
    }

    /// Stops this harness's HTTP client; `keepFakes` leaves the fakes running for a restart.
    func shutdown(keepFakes: Bool = false) async throws {
        try await httpClient.shutdown()
        if !keepFakes {
            try await panel.shutdown()
            try await discord.shutdown()
            try? FileManager.default.removeItem(atPath: (storePath as NSString).deletingLastPathComponent)
        }
    }

    /// Discord requests that edit, create or delete messages.
    var messageRequests: [FakeDiscordRequest] {
        get async { await discord.requests.filter { $0.path.contains("/messages") } }
    }

    /// Running usage with a growing uptime, so each call is a new panel sample.
    func setRunning(_ id: ServerID, cpu: Double, memoryMiB: Int = 1024, sample: Int) {
        panel.setResources(
            ServerResources(
                state: .running,
                rawState: "running",
                memoryBytes: memoryMiB * 1_048_576,
                cpuAbsolute: cpu,
                diskBytes: 2 * 1_073_741_824,
                networkRxBytes: 1000 * sample,
                networkTxBytes: 500 * sample,
                uptimeMilliseconds: 60_000 + sample * 10_000
            ),
            for: id
        )
    }
}

extension Int64 {
    var asDouble: Double { Double(self) }
}
