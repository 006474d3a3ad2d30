import ClientSupport

/// `[Pterodactyl] LiveStats`: whether a panel's usage comes from Wings sockets (issue 21).
public enum LiveStatsMode: String, Sendable, Hashable, CaseIterable {
    /// Live when polling would not fit the budget, or when alerts watch every server (see ``wantsLiveStats``).
    case auto
    /// Always live.
    case on
    /// Always polled.
    case off

    /// Whether a panel should use live stats.
    ///
    /// `auto` goes live when polling the watched servers every `updateInterval` needs more Client API requests per
    /// minute than the bot's steady budget (about 80 % of `clientRateLimitPerMinute`, see ``TokenBucket``), or when
    /// alerts are on: they watch every server, so polling scales with the whole panel.
    /// - Parameters:
    ///   - watchedServers: Servers polled per cycle.
    ///   - updateInterval: The cycle length.
    ///   - clientRateLimitPerMinute: `ClientRateLimitPerMinute`.
    ///   - alertsEnabled: True when alerts are configured.
    /// - Returns: True for live stats.
    public func wantsLiveStats(
        watchedServers: Int,
        updateInterval: Duration,
        clientRateLimitPerMinute: Int,
        alertsEnabled: Bool
    ) -> Bool {
        switch self {
        case .on: return true
        case .off: return false
        case .auto:
            if alertsEnabled { return true }
            let needed = Double(watchedServers) * 60 / max(updateInterval.inSeconds, 0.001)
            let budget = TokenBucket<ContinuousClock.Instant>(limitPerMinute: clientRateLimitPerMinute)
            return needed > budget.sustainedPerMinute
        }
    }
}
