import ClientSupport
import DiscordModels
import Logging
import Monitoring
import PanelCore
import Pterodactyl
import ServerMetrics
import StatusBot
import TestSupport

/// The cost of the metrics: a Prometheus scrape with 500 watched servers (time and bytes), and the CPU the
/// exporters add to an update cycle of 200 servers polled over loopback from a fake panel in a child process
/// (the same setup as `cycle-cpu`), so the share is of the bot's real per-cycle work.
func metricsBenchmarks() async throws -> [BenchFigure] {
    let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let child = try FakePanelProcess(servers: 200)
    defer { child.stop() }

    func services(
        backend: any PanelBackend,
        metrics: BotMetrics?
    ) async throws -> StatusServices<ContinuousClock> {
        let services = await StatusServices.make(
            backend: backend,
            configuration: StatusUpdaterConfiguration(),
            sink: FakeMessageSink(),
            store: EmbedStore(file: nil),
            graphs: MetricsGraphing(fonts: GraphFonts.load(), logger: quiet),
            clock: ContinuousClock(),
            metrics: metrics,
            logger: quiet
        )
        for server in try await services.monitor.servers(forceRefresh: true) {
            try await services.updater.track(server.id, in: "1000000000000000001")
        }
        for _ in 0..<3 { await services.monitor.cycle() }
        return services
    }

    let (cpuWith, cpuWithout) = try await withPanelHTTPClient { httpClient in
        func backend(metrics: BotMetrics?) -> any PanelBackend {
            PterodactylBackend(
                client: DefaultPanelClient(
                    httpClient: httpClient,
                    baseURL: child.baseURL,
                    clientKey: PanelAPIKey(child.clientKey),
                    configuration: PanelClientConfiguration(clientRateLimitPerMinute: 1_000_000),
                    metrics: metrics.map { PanelRequestMetrics(factory: $0.factory, panel: "default") } ?? .none,
                    logger: quiet
                )
            )
        }
        let metrics = BotMetrics()
        let withMetrics = try await services(backend: backend(metrics: metrics), metrics: metrics)
        let without = try await services(backend: backend(metrics: nil), metrics: nil)
        // Alternate the two so that machine noise hits both alike.
        var cpuWith: [Double] = []
        var cpuWithout: [Double] = []
        for _ in 0..<21 {
            var before = processCPUSeconds()
            await withMetrics.monitor.cycle()
            cpuWith.append(processCPUSeconds() - before)
            before = processCPUSeconds()
            await without.monitor.cycle()
            cpuWithout.append(processCPUSeconds() - before)
        }
        return (cpuWith, cpuWithout)
    }

    let (scrapes, bytes) = try await scrapeOf500Servers(logger: quiet)
    let added = Measure.median(cpuWith) / Measure.median(cpuWithout) - 1
    return [
        BenchFigure(
            name: "metrics.scrape_500_servers.median_ms",
            value: Measure.medianMilliseconds(scrapes),
            unit: "ms",
            context: ["runs": "\(scrapes.count)", "bytes": "\(bytes)"]
        ),
        BenchFigure(name: "metrics.scrape_500_servers.bytes", value: Double(bytes), unit: "bytes"),
        BenchFigure(
            name: "metrics.cycle_200_servers.cpu_added_ratio",
            value: added,
            unit: "ratio",
            context: [
                "goal": "<= 0.05",
                "cpu_with_s": "\(Measure.median(cpuWith))",
                "cpu_without_s": "\(Measure.median(cpuWithout))",
                "runs": "\(cpuWith.count) each, alternating",
            ]
        ),
    ]
}

/// Scrape time and size with 500 running servers exported (in-process panel double: only the registry counts).
private func scrapeOf500Servers(logger: Logger) async throws -> ([Duration], Int) {
    let servers = (1...500).map { FakePanelBackend.server($0) }
    let backend = FakePanelBackend(servers: servers, recordsRequests: false)
    for (index, server) in servers.enumerated() {
        backend.setRunning(server.id, cpu: Double(index % 100), sample: index)
    }
    let metrics = BotMetrics()
    let services = await StatusServices.make(
        backend: backend,
        configuration: StatusUpdaterConfiguration(),
        sink: FakeMessageSink(),
        store: EmbedStore(file: nil),
        graphs: MetricsGraphing(fonts: GraphFonts.load(), logger: logger),
        clock: ContinuousClock(),
        metrics: metrics,
        logger: logger
    )
    for server in servers {
        try await services.updater.track(server.id, in: "1000000000000000001")
    }
    await services.monitor.cycle()
    var bytes = 0
    let scrapes = Measure.durations(iterations: 31) { bytes = metrics.exposition().count }
    return (scrapes, bytes)
}
