import DiscordModels
import Logging
import Monitoring
import PanelCore
import ServerMetrics
import StatusBot
import TestSupport

/// The cost of the metrics: a Prometheus scrape with 500 watched servers (time and bytes), and the CPU the
/// exporters add to an update cycle of those servers. Both on an in-process panel, so the figures are the
/// bot's own work.
func metricsBenchmarks() async throws -> [BenchFigure] {
    let count = 500
    let quiet = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
    let servers = (1...count).map { FakePanelBackend.server($0) }

    func services(metrics: BotMetrics?) async throws -> StatusServices<ContinuousClock> {
        let backend = FakePanelBackend(servers: servers, recordsRequests: false)
        for (index, server) in servers.enumerated() {
            backend.setRunning(server.id, cpu: Double(index % 100), sample: index)
        }
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
        for server in servers {
            try await services.updater.track(server.id, in: "1000000000000000001")
        }
        for _ in 0..<3 { await services.monitor.cycle() }
        return services
    }

    let metrics = BotMetrics()
    let withMetrics = try await services(metrics: metrics)
    let without = try await services(metrics: nil)

    // Alternate the two so that machine noise hits both alike.
    var cpuWith: [Double] = []
    var cpuWithout: [Double] = []
    for _ in 0..<15 {
        var before = processCPUSeconds()
        await withMetrics.monitor.cycle()
        cpuWith.append(processCPUSeconds() - before)
        before = processCPUSeconds()
        await without.monitor.cycle()
        cpuWithout.append(processCPUSeconds() - before)
    }
    var bytes = 0
    let scrapes = Measure.durations(iterations: 31) { bytes = metrics.exposition().count }
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
            name: "metrics.cycle_500_servers.cpu_added_ratio",
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
