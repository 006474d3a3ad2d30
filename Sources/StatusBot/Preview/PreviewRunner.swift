import AsyncHTTPClient
import ClientSupport
import DiscordModels
import Logging
import Monitoring
import PanelCore
import ServerMetrics

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pterodisbot preview`: the real panel, the HTML preview in place of Discord. Needs only `[Pterodactyl]`.
public enum PreviewRunner {
    /// The preview's one channel.
    static let channel: ChannelID = "1000000000000000002"

    /// Polls the panel `cycles` times, every `UpdateInterval`, and writes what the bot would post.
    /// - Parameters:
    ///   - configuration: A configuration read with the `panelOnly` scope.
    ///   - folder: Where the page and graphs go.
    ///   - cycles: Update cycles to run (graphs need six fresh panel samples: at least two minutes).
    ///   - maxServers: How many servers to show at most.
    ///   - logger: Progress and panel problems.
    /// - Returns: The path of the page.
    /// - Throws: ``PanelFailure`` when the panel rejects the keys or cannot be reached at start.
    @discardableResult
    public static func run(
        configuration: BotConfiguration,
        folder: String = "preview",
        cycles: Int,
        maxServers: Int = 25,
        logger: Logger
    ) async throws -> String {
        let sink = HTMLPreviewSink(
            folder: folder,
            title: "Pterodisbot preview",
            autoRefreshSeconds: Int(configuration.bot.updateInterval.components.seconds),
            channelNames: [channel: "preview"]
        )
        return try await withPanelHTTPClient { httpClient in
            let services = await StatusServices.make(
                backend: PanelBackends.make(configuration.panel, httpClient: httpClient, logger: logger),
                configuration: StatusUpdaterConfiguration(configuration.bot),
                sink: sink,
                // A fresh in-memory store: the real store's message IDs do not exist in the preview.
                store: EmbedStore(file: nil),
                graphs: MetricsGraphing(
                    fonts: GraphFonts.load(fontPath: configuration.graphs.fontPath),
                    logger: logger
                ),
                clock: ContinuousClock(),
                logger: logger
            )
            let servers = try await services.monitor.servers(forceRefresh: true)
            logger.info("panel answered", metadata: ["servers": "\(servers.count)"])
            for server in servers.prefix(maxServers) {
                try await services.updater.track(server.id, in: channel)
            }
            for cycle in 1...max(1, cycles) {
                if cycle > 1 { try await Task.sleep(for: configuration.bot.updateInterval) }
                let observation = await services.monitor.cycle()
                let report = await services.updater.recentCycles.last ?? CycleReport()
                logger.info(
                    "cycle \(cycle)/\(cycles): \(report.edited) edited, \(observation.failureCount) panel error(s)"
                )
            }
            return sink.indexPath
        }
    }
}
