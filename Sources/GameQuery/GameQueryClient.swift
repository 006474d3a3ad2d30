/// Asks game servers for their player counts. The bot depends on this capability; tests substitute a fake.
public protocol GameQueryClient: Sendable {
    /// Asks the server at `target` who is online.
    /// - Parameter target: The protocol, host and query port.
    /// - Returns: The player count.
    /// - Throws: ``GameQueryError`` when there is no usable answer (the count is then unknown, never 0), or
    ///   `CancellationError`.
    func playerCount(of target: GameQueryTarget) async throws -> PlayerCount
}
