import DiscordModels
import Logging
import Monitoring

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fixed settings of `pterodisbot demo`, in one place so the command, its test and the README agree.
///
/// The demo's timeline (cycle `n` sees tick `n` of ``SimulatedServer/demo``, ten simulated seconds apart):
///
/// | Cycle | What happens                                              | Alerts channel                         |
/// |-------|-----------------------------------------------------------|----------------------------------------|
/// | 1     | first poll; `node-us-1` has 95 % of its memory allocated  | 🟡 Node memory allocated (stays open)  |
/// | 2–4   | Valheim starts (`start` at tick 2, running from 4)        |                                        |
/// | 4     | a runaway plugin pushes Survival SMP's CPU over 80 %      |                                        |
/// | 7     | Survival SMP's CPU has stayed high for 30 s               | 🟡 High CPU (stays open)               |
/// | 8     | ARK's scheduled `stop` (in the activity log)              | nothing: a requested stop              |
/// | 9     | CS2 crashes (offline, nothing in the activity log)        | 🔴 Server stopped                      |
/// | 10–12 | crash detection starts CS2; running from 12               |                                        |
/// | 13    | CS2 ran for two cycles                                    | ✅ message turns green, recovery reply |
///
/// The nodes board is posted in ``nodesChannel`` before the first cycle and follows the servers.
public enum DemoScenario {
    /// The channel the demo's status messages are "posted" in (the preview shows it as ``channelName``).
    public static let channel: ChannelID = "1000000000000000001"
    /// The channel's display name on the preview page.
    public static let channelName = "server-status"
    /// The channel of the nodes board.
    public static let nodesChannel: ChannelID = "1000000000000000002"
    /// The nodes channel's display name.
    public static let nodesChannelName = "nodes"
    /// The channel alerts go to.
    public static let alertsChannel: ChannelID = "1000000000000000003"
    /// The alerts channel's display name.
    public static let alertsChannelName = "alerts"
    /// The role new alerts mention.
    public static let alertRole: RoleID = "1000000000000000010"
    /// The mentioned role's display name.
    public static let alertRoleName = "on-call"
    /// Where the page and graphs go, relative to the working directory.
    public static let folder = "demo"
    /// Simulated time per cycle; uptime and traffic grow by this much each cycle.
    public static let tickInterval: Duration = .seconds(10)
    /// Cycles to run: enough for every scripted transition of ``SimulatedServer/demo`` (start at tick 2, stop at
    /// tick 8, crash at 9 and back at 12), for the crash alert to resolve (tick 13), and for 6-point graphs on
    /// the servers that keep running.
    public static let cycles = 14
    /// The seed of the usage walk, so every demo run draws the same page.
    public static let seed: UInt64 = 2024

    /// `[Alerts]` of the demo: the alerts channel and role, and a 30 s `SustainFor` so a sustained CPU alert shows
    /// within a short run.
    public static let alerts = BotConfiguration.Alerts(
        channelID: alertsChannel,
        mentionRoles: [.id(alertRole)],
        sustainFor: .seconds(30)
    )

    /// A simulated panel for the demo, advanced by hand once per cycle (`panel.advance()` before each tick).
    /// - Parameter epoch: The wall-clock time of tick 0 (the demo uses the time it starts).
    /// - Returns: The panel with the demo's six servers on two nodes.
    public static func makePanel(epoch: Date = SimulatedPanel.defaultEpoch) -> SimulatedPanel {
        SimulatedPanel(
            servers: SimulatedServer.demo,
            nodes: SimulatedNode.demo,
            seed: seed,
            tickInterval: tickInterval,
            epoch: epoch
        )
    }

    /// The preview sink for the demo, writing to `folder` (default ``folder``).
    /// - Parameters:
    ///   - folder: Where to write `index.html` and the graphs.
    ///   - now: The clock of the messages' times (default: the simulated panel's, or the real time).
    /// - Returns: The sink.
    public static func makeSink(
        folder: String = DemoScenario.folder,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> HTMLPreviewSink {
        HTMLPreviewSink(
            folder: folder,
            title: "Pterodisbot demo",
            autoRefreshSeconds: 2,
            channelNames: [channel: channelName, nodesChannel: nodesChannelName, alertsChannel: alertsChannelName],
            roleNames: [alertRole: alertRoleName],
            now: now
        )
    }

    /// The nodes board and alerts of the demo, kept in memory, registered with the monitor, with the board posted
    /// in ``nodesChannel`` (as `/nodes` would).
    /// - Parameters:
    ///   - panel: The simulated panel.
    ///   - monitor: The demo's monitor.
    ///   - sink: The preview sink.
    ///   - logger: Alerts and board problems.
    /// - Returns: The features.
    /// - Throws: ``MessageSinkError`` when the board cannot be posted.
    public static func startOperations<C: Clock>(
        panel: SimulatedPanel,
        monitor: PanelMonitor<C>,
        sink: HTMLPreviewSink,
        logger: Logger
    ) async throws -> OperationsFeatures where C.Duration == Duration {
        let operations = try OperationsFeatures.make(
            alertsConfiguration: alerts,
            backend: panel,
            monitor: monitor,
            sink: sink,
            storeFolder: nil,
            mentionRoles: { [alertRole] },
            wallClock: { panel.now },
            logger: logger
        )
        for consumer in operations.consumers { await monitor.register(consumer) }
        _ = try await operations.nodesBoard.post(in: nodesChannel)
        return operations
    }
}
