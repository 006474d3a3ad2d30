import Logging
import Monitoring
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The monitor and the consumers of its observations, wired in one place. `run`, `demo`, `preview`, the
/// benchmarks and the tests all build the status side of the bot here, so a new consumer (alerts, metrics,
/// player counts) or a new backend is one line in one place.
public struct StatusServices<C: Clock>: Sendable where C.Duration == Duration {
    /// Polls the panel and publishes observations.
    public let monitor: PanelMonitor<C>
    /// Keeps the status messages in step with the observations.
    public let updater: StatusMessageUpdater<C>
    /// The tracked status messages.
    public let store: EmbedStore

    /// Builds the monitor and registers the consumers: graph samples first, then status messages, then `extra`.
    /// - Parameters:
    ///   - backend: The panel.
    ///   - configuration: Timing and thresholds of the status messages.
    ///   - sink: Where status messages go (Discord, or the HTML preview).
    ///   - store: The tracked messages.
    ///   - graphs: Graph series and drawing.
    ///   - clock: Drives cycles and change rules (a manual clock in tests).
    ///   - wallClock: Timestamps of samples.
    ///   - extra: More consumers (health file, presence, later alerts).
    ///   - metrics: Where to export what each cycle saw, when the metrics listener is on.
    ///   - players: The player-count collector, when `[Players]` is on (run it as a service too).
    ///   - cycleRequests: Early-cycle requests the monitor follows (live stats send them on a state change).
    ///   - logger: Logger for the monitor and the updater.
    /// - Returns: The wired services; run ``monitor`` as a service.
    public static func make(
        backend: any PanelBackend,
        configuration: StatusUpdaterConfiguration,
        sink: any StatusMessageSink,
        store: EmbedStore,
        graphs: any StatusGraphing,
        clock: C,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        extra: [any ObservationConsumer] = [],
        metrics: BotMetrics? = nil,
        players: (any PlayerCountReading & ObservationConsumer)? = nil,
        cycleRequests: CycleRequests = CycleRequests(),
        logger: Logger
    ) async -> StatusServices {
        let monitor = PanelMonitor(
            backend: backend,
            updateInterval: configuration.updateInterval,
            clock: clock,
            wallClock: wallClock,
            logger: logger,
            cycleRequests: cycleRequests
        )
        let updater = StatusMessageUpdater(
            configuration: configuration,
            monitor: monitor,
            sink: sink,
            store: store,
            graphs: graphs,
            players: players,
            clock: clock,
            wallClock: wallClock,
            logger: logger
        )
        // Graph samples are recorded before the updater renders, so a sixth sample shows in the same cycle.
        var consumers: [any ObservationConsumer] = [GraphSampleRecorder(graphs: graphs, players: players)]
        // Before the updater, so a server that stopped running loses its count in the same cycle.
        if let players { consumers.append(players) }
        consumers += [updater] + extra
        if let metrics {
            // After the updater, so its report of the same cycle is ready.
            consumers.append(
                GameServerMetrics(factory: metrics.factory, panel: PanelBackends.defaultPanelName, players: players)
            )
            consumers.append(NodeMetrics(factory: metrics.factory, panel: PanelBackends.defaultPanelName))
            consumers.append(
                CycleMetrics(factory: metrics.factory, panel: PanelBackends.defaultPanelName) {
                    await updater.recentCycles.last
                }
            )
        }
        for consumer in consumers { await monitor.register(consumer) }
        return StatusServices(monitor: monitor, updater: updater, store: store)
    }
}
