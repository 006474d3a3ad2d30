import PanelCore

/// What one server's Wings socket reports to whoever keeps live stats.
public enum WingsFeedEvent: Sendable, Hashable {
    /// A usage sample, already thinned to the configured sample interval.
    case sample(ServerResources)
    /// A power-state change (`status` event): meaningful at once.
    case state(ServerState, raw: String)
    /// The socket keeps failing: poll this server instead, for this reason (no secrets; names the fix, e.g. the
    /// node's `allowed_origins`). The feed keeps retrying with back-off.
    case fellBack(reason: String)
    /// The socket works again after ``fellBack(reason:)``: samples come from it again.
    case resumed
}

/// Live stats of one server over its Wings websocket (reference §12): token from the panel, `auth`, `send stats`,
/// re-auth on expiry, reconnect with back-off. ``DefaultWingsLiveFeed`` runs the real socket; tests use a double.
public protocol WingsLiveFeed: Sendable {
    /// Runs the server's socket until the calling task is cancelled, reporting each event. Returns only when
    /// cancelled, closing the socket.
    /// - Parameters:
    ///   - server: The server.
    ///   - events: Receives every event, in order; called from the feed's task.
    func follow(_ server: ServerID, events: @escaping @Sendable (WingsFeedEvent) async -> Void) async
}
