/// What the bot needs from a game-server panel. ``DefaultPanelClient`` talks to Pterodactyl and Pelican; other
/// panels can conform later.
///
/// Errors thrown are ``PanelError`` or `CancellationError`.
public protocol PanelClient: Sendable {
    /// The servers the client key can see, from a cache that is refreshed on schedule or when asked.
    /// - Parameter forceRefresh: Fetch now even if the cached list is fresh.
    /// - Returns: Every server on every page, de-duplicated by UUID, in panel order.
    /// - Throws: ``PanelError`` or `CancellationError`.
    func servers(forceRefresh: Bool) async throws -> [PanelServer]

    /// One server with its allocations (address shown to users, additional ports).
    /// - Parameter id: The server.
    /// - Returns: The server.
    /// - Throws: ``PanelError`` (``PanelError/notFound(detail:)`` for a removed server) or `CancellationError`.
    func serverDetails(_ id: ServerID) async throws -> PanelServer

    /// Live usage of one server.
    /// - Parameter id: The server.
    /// - Returns: The resources; compare with the previous answer using ``ServerResources/isSameSample(as:)``.
    /// - Throws: ``PanelError`` (see ``PanelError/derivedState``) or `CancellationError`.
    func resources(of id: ServerID) async throws -> ServerResources

    /// Live usage of many servers, fetched concurrently under the configured bound, within the rate limit.
    /// - Parameter ids: The servers (duplicates are fetched once).
    /// - Returns: One result per distinct id; one failure never affects the others.
    /// - Throws: Only `CancellationError`.
    func resources(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelError>]

    /// Sends a power signal once. It is never retried: a failure is reported to the user instead.
    /// - Parameters:
    ///   - signal: The signal.
    ///   - id: The server.
    /// - Throws: ``PanelError`` or `CancellationError`.
    func sendPower(_ signal: PowerSignal, to id: ServerID) async throws

    /// A warning with numbers when polling `serverCount` servers every `interval` needs more requests than the
    /// budget allows (the cycle then stretches), or `nil` when it fits. Log it once.
    /// - Parameters:
    ///   - serverCount: Servers polled per cycle.
    ///   - interval: The intended cycle length.
    /// - Returns: The warning text, or `nil`.
    func budgetWarning(forServerCount serverCount: Int, interval: Duration) -> String?
}

extension PanelClient {
    /// The cached server list (refreshed when stale).
    /// - Returns: The servers.
    /// - Throws: ``PanelError`` or `CancellationError`.
    public func servers() async throws -> [PanelServer] {
        try await servers(forceRefresh: false)
    }
}

extension Result where Success == ServerResources, Failure == PanelError {
    /// The state to show: the live power state, or the state derived from the error (`nil` if none applies, e.g.
    /// an authentication failure, which is not about this server).
    public var serverState: ServerState? {
        switch self {
        case .success(let resources): resources.state
        case .failure(let error): error.derivedState
        }
    }
}
