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
/// Two panels, as a bot with `[Pterodactyl]` and a `[Panel:home]` of type `peon` runs (``DemoPanels``): the
/// simulated Pterodactyl panel (``SimulatedServer/demo`` on ``SimulatedNode/demo``) is the default, and a
/// simulated PEON orchestrator named ``peonPanelName`` runs ``SimulatedServer/peonDemo``. Both advance one tick
/// per cycle. The timeline (cycle `n` sees tick `n`, ten simulated seconds apart):
///
/// | Cycle | Panel  | What happens                                                   | Alerts channel                |
/// |-------|--------|----------------------------------------------------------------|-------------------------------|
/// | 1     | Ptero. | first poll; `node-us-1` has 95 % of its memory allocated       | 🟡 Node memory allocated      |
/// | 1     | `home` | `valheim.server01` runs, `minecraft.survival` is exited        |                               |
/// | 2–4   | Ptero. | Valheim starts (`start` at tick 2, running from 4)             |                               |
/// | 3     | `home` | `minecraft.survival` gets `start`: running at once (no phases) | nothing: offline → running    |
/// | 4     | Ptero. | a runaway plugin pushes Survival SMP's CPU over 80 %           |                               |
/// | 7     | Ptero. | Survival SMP's CPU has stayed high for 30 s                    | 🟡 High CPU (stays open)      |
/// | 8     | Ptero. | ARK's scheduled `stop` (in the activity log)                   | nothing: a requested stop     |
/// | 9     | Ptero. | CS2 crashes (offline, nothing in the activity log)             | 🔴 Server stopped             |
/// | 10–12 | Ptero. | crash detection starts CS2; running from 12                    |                               |
/// | 13    | Ptero. | CS2 ran for two cycles                                         | ✅ turns green, recovery reply |
///
/// The node alert and the high-CPU alert stay open. The PEON servers' status messages say "not reported" for disk
/// and uptime (PEON has neither) and name `home` in their footer; having no limits, they raise no CPU or memory
/// alert. The nodes board is posted in ``nodesChannel`` before the first cycle and follows the servers; it lists
/// the Pterodactyl nodes only (PEON has none).
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
    /// What the footers call the default (Pterodactyl) panel: the host of its URL, as for a real `[Pterodactyl]`.
    public static let panelDisplayName = "panel.example.net"
    /// The `NAME` of the PEON orchestrator's `[Panel:NAME]`: its servers are `home:GAME_UID.SERVERNAME`.
    public static let peonPanelName = "home"

    /// `[Alerts]` of the demo: the alerts channel and role, and a 30 s `SustainFor` so a sustained CPU alert shows
    /// within a short run.
    public static let alerts = BotConfiguration.Alerts(
        channelID: alertsChannel,
        mentionRoles: [.id(alertRole)],
        sustainFor: .seconds(30)
    )

    /// Both simulated panels of the demo, advanced by hand once per cycle (`panels.advance()` before each tick).
    /// - Parameter epoch: The wall-clock time of tick 0 (the demo uses the time it starts).
    /// - Returns: The Pterodactyl and PEON panels behind one backend.
    public static func makePanels(epoch: Date = SimulatedPanel.defaultEpoch) -> DemoPanels {
        DemoPanels(pterodactyl: makePanel(epoch: epoch), peon: makePeonPanel(epoch: epoch))
    }

    /// The demo's simulated Pterodactyl panel, advanced by hand.
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

    /// The demo's simulated PEON orchestrator, advanced by hand.
    /// - Parameter epoch: The wall-clock time of tick 0 (the same as the Pterodactyl panel's).
    /// - Returns: The orchestrator with the demo's two PEON servers.
    public static func makePeonPanel(epoch: Date = SimulatedPanel.defaultEpoch) -> SimulatedPanel {
        SimulatedPanel(
            servers: SimulatedServer.peonDemo,
            seed: seed,
            tickInterval: tickInterval,
            epoch: epoch,
            kind: .peon
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
    ///   - panels: The simulated panels.
    ///   - monitor: The demo's monitor.
    ///   - sink: The preview sink.
    ///   - logger: Alerts and board problems.
    /// - Returns: The features.
    /// - Throws: ``MessageSinkError`` when the board cannot be posted.
    public static func startOperations<C: Clock>(
        panels: DemoPanels,
        monitor: PanelMonitor<C>,
        sink: HTMLPreviewSink,
        logger: Logger
    ) async throws -> OperationsFeatures where C.Duration == Duration {
        let operations = try OperationsFeatures.make(
            alertsConfiguration: alerts,
            backend: panels.backend,
            monitor: monitor,
            sink: sink,
            storeFolder: nil,
            mentionRoles: { [alertRole] },
            wallClock: { panels.now },
            logger: logger
        )
        for consumer in operations.consumers { await monitor.register(consumer) }
        _ = try await operations.nodesBoard.post(in: nodesChannel)
        return operations
    }
}
