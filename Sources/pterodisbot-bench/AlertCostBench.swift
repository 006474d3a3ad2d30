import ClientSupport
import DiscordModels
import Logging
import Monitoring
import PanelCore
import Pterodactyl
import ServerMetrics
import StatusBot
import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What alerting costs in panel requests: the real monitor and alert notifier over the Pterodactyl client against
/// the fake panel, 100 and 1,000 servers on four nodes, no status message at all (alerts watch every server),
/// two simulated minutes of 10 s cycles with two crashes. Requests are counted at the fake panel per API.
func alertCostBenchmarks() async throws -> [BenchFigure] {
    var figures: [BenchFigure] = []
    for servers in [100, 1000] { figures += try await alertCost(servers: servers) }
    return figures
}

private let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }

private func alertCost(servers count: Int) async throws -> [BenchFigure] {
    let clock = ManualClock()
    let nodes = (1...4).map { FakePanel.Node(id: $0, name: "node-\($0)") }
    let servers = (1...count).map { FakePanel.Server.numbered($0, nodeID: ($0 - 1) % 4 + 1) }
    let panel = try await FakePanel.start(
        servers: servers,
        nodes: nodes,
        rateLimits: .unlimited,
        now: { clock.now.offset },
        epoch: Date(timeIntervalSince1970: 1_780_000_000)
    )
    let minutes = 2
    let interval = 10
    let figures = try await withPanelHTTPClient { http in
        let client = DefaultPanelClient(
            httpClient: http,
            baseURL: panel.baseURL,
            clientKey: panel.clientKey,
            applicationKey: panel.applicationKey,
            // The bench counts requests; the budget's pacing is the client's own concern (see the advice below).
            configuration: PanelClientConfiguration(
                clientRateLimitPerMinute: 1_000_000,
                applicationRateLimitPerMinute: 1_000_000,
                retryPolicy: .none
            ),
            clock: clock
        )
        let backend = PterodactylBackend(client: client)
        let wallClock: @Sendable () -> Date = {
            Date(timeIntervalSince1970: 1_780_000_000 + Double(clock.now.offset.components.seconds))
        }
        let services = await StatusServices.make(
            backend: backend,
            configuration: StatusUpdaterConfiguration(updateInterval: .seconds(interval)),
            sink: FakeMessageSink(),
            store: EmbedStore(file: nil),
            graphs: MetricsGraphing(fonts: GraphFonts.load(), logger: quiet),
            clock: clock,
            wallClock: wallClock,
            logger: quiet
        )
        let operations = try OperationsFeatures.make(
            alertsConfiguration: BotConfiguration.Alerts(channelID: "1000000000000000009"),
            backend: backend,
            monitor: services.monitor,
            sink: FakeMessageSink(),
            storeFolder: nil,
            wallClock: wallClock,
            logger: quiet
        )
        for consumer in operations.consumers { await services.monitor.register(consumer) }
        // Warm up: the first cycle lists servers and nodes.
        await services.monitor.cycle()
        panel.resetCounters()
        let cycles = minutes * 60 / interval
        for cycle in 1...cycles {
            clock.advance(by: .seconds(interval))
            if cycle == 3 {
                panel.setState(.offline, for: servers[0].id)
                panel.setState(.offline, for: servers[1].id)
            }
            await services.monitor.cycle()
        }
        let requests = panel.requests
        let clientRequests = requests.count { $0.path.hasPrefix("/api/client") }
        let application = requests.count { $0.path.hasPrefix("/api/application") }
        let activity = requests.count { $0.path.hasSuffix("/activity") }
        let resources = requests.count { $0.path.hasSuffix("/resources") }
        let needed = Double(clientRequests) / Double(minutes)
        let steady = TokenBucket<ContinuousClock.Instant>(limitPerMinute: 720).sustainedPerMinute
        let context = ["servers": "\(count)", "interval": "\(interval) s", "nodes": "4"]
        return [
            BenchFigure(
                name: "alerting: Client API requests per minute",
                value: needed,
                unit: "requests/min",
                context: context.merging(["of which /resources": "\(resources / minutes)"]) { $1 }
            ),
            BenchFigure(
                name: "alerting: Application API requests per minute (nodes, allocations)",
                value: Double(application) / Double(minutes),
                unit: "requests/min",
                context: context
            ),
            BenchFigure(
                name: "alerting: activity-log reads for two crashes",
                value: Double(activity),
                unit: "requests",
                context: context
            ),
            BenchFigure(
                name: "alerting: cycle length the default 720/min client budget allows",
                value: max(Double(interval), Double(interval) * needed / steady),
                unit: "s",
                context: context.merging(["steady budget": "\(Int(steady))/min"]) { $1 }
            ),
        ]
    }
    try await panel.shutdown()
    return figures
}
