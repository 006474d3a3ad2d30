/// Sends requests to Discord's HTTP API. One requirement, so a fake implements one method; the endpoints the bot
/// uses are extension methods (see `DiscordClient+Endpoints.swift`).
public protocol DiscordClient: Sendable {
    /// Sends a request and returns Discord's final answer after rate limiting and retries.
    ///
    /// Non-success statuses are returned, not thrown, so callers (the endpoint methods) decide how to map them.
    /// - Parameter request: The request.
    /// - Returns: The response.
    /// - Throws: ``DiscordRESTError`` for a rejected token, an unbearable rate limit or a transport failure;
    ///   `CancellationError` when the task is cancelled.
    func send(_ request: DiscordRequest) async throws -> DiscordResponse
}
