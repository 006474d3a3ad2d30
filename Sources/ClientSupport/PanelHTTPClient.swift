import AsyncHTTPClient
import NIOCore

/// The AsyncHTTPClient configuration the panel client expects: redirects are never followed, because the panel
/// answers a bad key with `302 /auth/login` when it does not see a JSON `Accept`.
///
/// AsyncHTTPClient keeps retrying a refused connection until the connect timeout, so that timeout is how long
/// "connection refused" takes to be reported. Tracing is off: the bot exports no traces, and even a no-op tracer
/// costs each request a span and its attributes.
/// - Parameter connectTimeout: Time allowed to establish a connection.
/// - Returns: A configuration with `redirectConfiguration: .disallow`.
public func panelHTTPClientConfiguration(connectTimeout: Duration = .seconds(5)) -> HTTPClient.Configuration {
    var configuration = HTTPClient.Configuration(
        redirectConfiguration: .disallow,
        timeout: HTTPClient.Configuration.Timeout(connect: TimeAmount(connectTimeout))
    )
    configuration.tracing.tracer = nil
    return configuration
}

/// Runs `body` with a new `HTTPClient` (redirects disabled) and shuts the client down afterwards, also on error.
/// Tests and the benchmark use this; the bot's composition root may create its own client instead.
/// - Parameters:
///   - connectTimeout: Time allowed to establish a connection.
///   - body: Uses the client.
/// - Returns: What `body` returns.
/// - Throws: What `body` throws, or a shutdown failure.
public func withPanelHTTPClient<Result: Sendable>(
    connectTimeout: Duration = .seconds(5),
    _ body: (HTTPClient) async throws -> Result
) async throws -> Result {
    let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: panelHTTPClientConfiguration(connectTimeout: connectTimeout)
    )
    let result: Result
    do {
        result = try await body(client)
    } catch {
        // The body's error is the one worth reporting; a shutdown failure on top of it adds nothing.
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
    return result
}
