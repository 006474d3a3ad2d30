import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The demo's two simulated panels behind one ``MultiPanelBackend``, as a bot configured with `[Pterodactyl]` and
/// a `[Panel:home]` of type `peon` sees them: the Pterodactyl panel is the default (bare identifiers, its nodes
/// on the board), the PEON orchestrator's servers are `home:GAME_UID.SERVERNAME`.
public struct DemoPanels: Sendable {
    /// The simulated Pterodactyl panel (``SimulatedServer/demo`` on ``SimulatedNode/demo``).
    public let pterodactyl: SimulatedPanel
    /// The simulated PEON orchestrator (``SimulatedServer/peonDemo``).
    public let peon: SimulatedPanel
    /// Both, as the bot polls them.
    public let backend: MultiPanelBackend

    /// Combines two simulated panels that share their epoch and tick interval.
    /// - Parameters:
    ///   - pterodactyl: The default panel.
    ///   - peon: The panel named ``DemoScenario/peonPanelName``.
    public init(pterodactyl: SimulatedPanel, peon: SimulatedPanel) {
        self.pterodactyl = pterodactyl
        self.peon = peon
        self.backend = MultiPanelBackend([
            NamedPanel(name: nil, displayName: DemoScenario.panelDisplayName, backend: pterodactyl),
            NamedPanel(name: DemoScenario.peonPanelName, displayName: DemoScenario.peonPanelName, backend: peon),
        ])
    }

    /// The current tick of both panels.
    public var tick: Int { pterodactyl.tick }

    /// The simulated wall-clock time (both panels agree).
    public var now: Date { pterodactyl.now }

    /// Moves both panels forward together.
    /// - Parameter ticks: How many ticks.
    public func advance(ticks: Int = 1) {
        pterodactyl.advance(ticks: ticks)
        peon.advance(ticks: ticks)
    }
}
