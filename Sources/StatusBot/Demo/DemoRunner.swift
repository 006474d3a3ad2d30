import Logging
import Monitoring
import PanelCore
import ServerMetrics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pterodisbot demo`: the real monitor, status updates, nodes board and alerts against two simulated panels (a
/// Pterodactyl panel and a PEON orchestrator), writing the HTML preview (status messages, the nodes board and the
/// alerts channel; see ``DemoScenario``).
public enum DemoRunner {
    /// Runs the demo to completion.
    /// - Parameters:
    ///   - folder: Where the page and graphs go.
    ///   - cycles: How many update cycles to run (graphs appear from the sixth).
    ///   - pause: Real time between cycles, so a browser with the page open watches it change.
    ///   - fontPath: A TrueType font, or `nil` for DejaVu Sans (or the built-in font).
    ///   - logger: Progress and warnings.
    /// - Returns: The path of the page.
    /// - Throws: When a status message cannot be written (the preview folder is not writable).
    @discardableResult
    public static func run(
        folder: String = DemoScenario.folder,
        cycles: Int = DemoScenario.cycles,
        pause: Duration = .milliseconds(250),
        fontPath: String? = nil,
        logger: Logger
    ) async throws -> String {
        // Simulated time: each cycle is ten seconds of the panels' life, whatever the real pause.
        let panels = DemoScenario.makePanels(epoch: Date())
        let sink = DemoScenario.makeSink(folder: folder, now: { panels.now })
        let fonts = GraphFonts.load(fontPath: fontPath)
        if fonts.usesFallback {
            logger.warning("no TrueType font found (install fonts-dejavu-core); graphs use the built-in font")
        }
        let services = await StatusServices.make(
            backend: panels.backend,
            configuration: StatusUpdaterConfiguration(updateInterval: DemoScenario.tickInterval, cpuChangeThreshold: 5),
            sink: sink,
            store: EmbedStore(file: nil),
            graphs: MetricsGraphing(fonts: fonts, logger: logger),
            clock: ContinuousClock(),
            wallClock: { panels.now },
            // The PEON servers publish no address, so nothing could ask them for players.
            players: SimulatedPlayers(servers: SimulatedServer.demo, tick: { panels.tick }),
            logger: logger
        )
        for server in try await panels.backend.servers(forceRefresh: false) {
            try await services.updater.track(server.id, in: DemoScenario.channel)
        }
        let operations = try await DemoScenario.startOperations(
            panels: panels,
            monitor: services.monitor,
            sink: sink,
            logger: logger
        )
        logger.info("demo page started", metadata: ["path": "\(sink.indexPath)"])
        for cycle in 1...max(1, cycles) {
            panels.advance()
            await services.monitor.cycle()
            let report = await services.updater.recentCycles.last ?? CycleReport()
            let openAlerts = await operations.alerts?.openAlerts.count ?? 0
            logger.info(
                "cycle \(cycle)/\(cycles): \(report.edited) status message(s) edited, \(openAlerts) alert(s) open"
            )
            if cycle < cycles && pause > .zero { try await Task.sleep(for: pause) }
        }
        return sink.indexPath
    }
}
