import GameQuery
import Logging

/// Builds the player-count collector from `[Players]`: the one place that knows which query client it uses.
enum PlayerCounts {
    /// The collector, or nil when `[Players] Enabled = no`.
    /// - Parameter settings: `[Players]`.
    /// - Returns: A collector on the continuous clock, with the real game query client.
    static func collector(_ settings: BotConfiguration.Players) -> PlayerCountCollector<ContinuousClock>? {
        guard settings.enabled else { return nil }
        let logger = Logger(label: "pterodisbot.players")
        return PlayerCountCollector(
            client: DefaultGameQueryClient(
                configuration: GameQueryConfiguration(timeout: settings.timeout),
                logger: logger
            ),
            interval: settings.interval,
            overrides: settings.overrides,
            clock: ContinuousClock(),
            logger: logger
        )
    }
}
