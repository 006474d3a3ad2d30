import ClientSupport
import PanelCore

/// Settings for ``DefaultPanelClient``; every field has the panel's default.
public struct PanelClientConfiguration: Sendable, Hashable {
    /// Client API budget in requests per minute (`[Pterodactyl] ClientRateLimitPerMinute`); the panel's default
    /// is 720 (`APP_API_CLIENT_RATELIMIT`). All client keys of one user share it.
    public var clientRateLimitPerMinute: Int
    /// Application API budget in requests per minute (`[Pterodactyl] ApplicationRateLimitPerMinute`); default 240.
    public var applicationRateLimitPerMinute: Int
    /// Most requests in flight at once when fetching many servers (`[Pterodactyl] MaxConcurrentRequests`).
    public var maxConcurrentRequests: Int
    /// Deadline for one HTTP request, connection included. The panel itself waits up to 15 s for Wings.
    public var requestTimeout: Duration
    /// Largest response body accepted, in bytes.
    public var maxResponseBytes: Int
    /// How idempotent GETs are retried. Power signals are never retried.
    public var retryPolicy: RetryPolicy
    /// How long the server list is reused before ``DefaultPanelClient/servers(forceRefresh:)`` fetches it again.
    public var serverListRefreshInterval: Duration
    /// The wait assumed when a 429 carries no usable `Retry-After`: a whole window, so never too early.
    public var defaultRetryAfter: Duration
    /// The most pages one listing fetches before it stops with a warning (100 items per page).
    public var maxPagesPerListing: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - clientRateLimitPerMinute: Client API budget; clamped to at least 2.
    ///   - applicationRateLimitPerMinute: Application API budget; clamped to at least 2.
    ///   - maxConcurrentRequests: Fan-out bound; clamped to at least 1.
    ///   - requestTimeout: Per-request deadline.
    ///   - maxResponseBytes: Body cap.
    ///   - retryPolicy: GET retry policy.
    ///   - serverListRefreshInterval: Server list cache lifetime.
    ///   - defaultRetryAfter: Wait after a 429 without `Retry-After`.
    ///   - maxPagesPerListing: Page bound per listing; clamped to at least 1.
    public init(
        clientRateLimitPerMinute: Int = 720,
        applicationRateLimitPerMinute: Int = 240,
        maxConcurrentRequests: Int = 8,
        requestTimeout: Duration = .seconds(20),
        maxResponseBytes: Int = 8 * 1024 * 1024,
        retryPolicy: RetryPolicy = RetryPolicy(),
        serverListRefreshInterval: Duration = .seconds(60),
        defaultRetryAfter: Duration = .seconds(60),
        maxPagesPerListing: Int = 1_000
    ) {
        self.clientRateLimitPerMinute = max(2, clientRateLimitPerMinute)
        self.applicationRateLimitPerMinute = max(2, applicationRateLimitPerMinute)
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.retryPolicy = retryPolicy
        self.serverListRefreshInterval = serverListRefreshInterval
        self.defaultRetryAfter = defaultRetryAfter
        self.maxPagesPerListing = max(1, maxPagesPerListing)
    }

    /// The configured budget of `api`.
    /// - Parameter api: Which API.
    /// - Returns: Requests per minute.
    public func rateLimitPerMinute(for api: PanelAPI) -> Int {
        switch api {
        case .client: clientRateLimitPerMinute
        case .application: applicationRateLimitPerMinute
        }
    }
}
