import Alerting
import CoreMetrics
import DiscordModels
import Logging
import Monitoring
import PanelCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The nodes board and alerts, built in one place for `run`, `demo` and the tests: each is a consumer of the
/// monitor's observations plus an ``InteractionFeature`` for its commands and buttons.
public struct OperationsFeatures: Sendable {
    /// Keeps the nodes board up to date.
    public let nodesBoard: NodesBoardUpdater
    /// Raises and delivers alerts; `nil` while `[Alerts] ChannelID` is unset.
    public let alerts: AlertNotifier?
    /// Power signals the bot sent, so its own stops never read as crashes; give it to the interaction handler.
    public let powerRequests: PowerRequestLog

    /// The consumers to register with the monitor.
    public var consumers: [any ObservationConsumer] {
        [nodesBoard] + (alerts.map { [$0] } ?? [])
    }

    /// Puts `[Alerts]` thresholds in force after a configuration reload (the channel and roles need a restart).
    /// - Parameter alerts: The reloaded `[Alerts]`.
    public func apply(_ alerts: BotConfiguration.Alerts) async {
        await nodesBoard.apply(NodesBoardThresholds(alerts))
        await self.alerts?.apply(AlertThresholds(alerts))
    }

    /// The commands and buttons to give the interaction handler.
    public var interactionFeatures: [any InteractionFeature] {
        [NodesBoardFeature(updater: nodesBoard), AlertsFeature(notifier: alerts)]
    }

    /// Builds the features, loading what a previous run saved.
    /// - Parameters:
    ///   - alertsConfiguration: `[Alerts]`.
    ///   - backend: The panel (nodes for `/nodes`).
    ///   - monitor: The monitor (last known states, activity log); kept weakly.
    ///   - sink: Where messages go.
    ///   - storeFolder: The folder of the embed store; `nil` keeps everything in memory (demo).
    ///   - mentionRoles: The IDs of the roles to mention, resolved when an alert is sent.
    ///   - wallClock: The time of posts and acknowledgements.
    ///   - panelName: What the nodes board calls the panel in its footer.
    ///   - metrics: Where alerts are exported.
    ///   - logger: Logger.
    /// - Returns: The features.
    /// - Throws: ``EmbedStoreError`` or ``StateFileError`` when a saved file exists but cannot be read (the bot
    ///   must not start and overwrite it).
    public static func make(
        alertsConfiguration: BotConfiguration.Alerts,
        backend: any PanelBackend,
        monitor: any ServerObserving,
        sink: any StatusMessageSink,
        storeFolder: String?,
        mentionRoles: @escaping @Sendable () async -> [RoleID] = { [] },
        wallClock: @escaping @Sendable () -> Date = { Date() },
        panelName: String = PanelBackends.defaultPanelName,
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger
    ) throws -> OperationsFeatures {
        var boardStore = EmbedStore(file: nil)
        var alertsFile: JSONStateFile<AlertNotifier.SavedState>?
        var restored: AlertNotifier.SavedState?
        if let storeFolder {
            let boardFile = EmbedStoreFile(path: Self.path(storeFolder, "nodes_board.json"))
            let board = try boardFile.load()
            if let movedTo = board.movedCorruptFileTo {
                logger.error("the nodes board file was corrupt and was moved aside", metadata: ["path": "\(movedTo)"])
            }
            boardStore = EmbedStore(file: boardFile, initial: board.locations)
            if alertsConfiguration.isEnabled {
                let file = JSONStateFile<AlertNotifier.SavedState>(
                    path: Self.path(storeFolder, "alerts.json"),
                    purpose: "the alerts file"
                )
                let loaded = try file.load()
                if let movedTo = loaded.movedCorruptFileTo {
                    logger.error(
                        "the alerts file was corrupt and was moved aside; open alerts start afresh",
                        metadata: ["path": "\(movedTo)"]
                    )
                }
                alertsFile = file
                restored = loaded.value
                if let restored {
                    logger.info(
                        "loaded the open alerts",
                        metadata: [
                            "open": "\(restored.engine.alerts.count { $0.isOpen })",
                            "waiting": "\(AlertOutbox(restoring: restored.outbox).pending.count)",
                        ]
                    )
                }
            }
        }
        let powerRequests = PowerRequestLog()
        let nodesBoard = NodesBoardUpdater(
            backend: backend,
            monitor: monitor,
            sink: sink,
            store: boardStore,
            builder: NodesBoardBuilder(
                thresholds: NodesBoardThresholds(alertsConfiguration)
            ),
            panelName: panelName,
            wallClock: wallClock,
            logger: logger
        )
        var alerts: AlertNotifier?
        if let channel = alertsConfiguration.channelID {
            alerts = AlertNotifier(
                thresholds: AlertThresholds(alertsConfiguration),
                delivery: AlertNotifier.Delivery(channel: channel, mentionRoles: mentionRoles),
                sink: sink,
                monitor: monitor,
                file: alertsFile,
                restored: restored,
                powerRequests: powerRequests,
                metrics: metrics,
                panelReports: { await backend.panelReports() },
                logger: logger
            )
        }
        return OperationsFeatures(nodesBoard: nodesBoard, alerts: alerts, powerRequests: powerRequests)
    }

    private static func path(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder + "/" + name
    }
}

extension NodesBoardThresholds {
    /// The board's warnings at the node thresholds of `[Alerts]`.
    /// - Parameter alerts: `[Alerts]`.
    public init(_ alerts: BotConfiguration.Alerts) {
        self.init(memoryWarningPercent: alerts.nodeMemoryPercent, diskWarningPercent: alerts.nodeDiskPercent)
    }
}

extension AlertThresholds {
    /// The thresholds `[Alerts]` sets; the rest keep the engine's defaults.
    /// - Parameter alerts: `[Alerts]`.
    public init(_ alerts: BotConfiguration.Alerts) {
        self.init()
        serverCPUPercent = alerts.serverCPUPercent
        serverMemoryPercent = alerts.serverMemoryPercent
        serverDiskPercent = alerts.serverDiskPercent
        nodeMemoryPercent = alerts.nodeMemoryPercent
        nodeDiskPercent = alerts.nodeDiskPercent
        sustainFor = alerts.sustainFor
    }
}

/// A value set after construction, for two parts that need each other (alerts mention roles the interaction
/// handler learns from the guild; the handler needs the alerts' commands first).
public final class LateBound<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)

    /// Creates an unset reference.
    public init() {}

    /// Sets the value.
    public func set(_ newValue: Value) {
        value.withLock { $0 = newValue }
    }

    /// The value, `nil` until set.
    public var current: Value? { value.withLock { $0 } }
}
