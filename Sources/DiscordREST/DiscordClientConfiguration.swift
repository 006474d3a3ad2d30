import ClientSupport

/// Settings of ``DefaultDiscordClient``.
public struct DiscordClientConfiguration: Sendable {
    /// API base URL without a trailing slash (`Discord.APIBaseURL`), default `https://discord.com/api/v10`.
    public var apiBaseURL: String
    /// Product URL and version in `User-Agent: DiscordBot (<url>, <version>)`.
    public var userAgentURL: String
    /// Version in the `User-Agent`.
    public var version: String
    /// Deadline for one HTTP attempt, connect to last byte.
    public var requestTimeout: Duration
    /// Response bodies larger than this fail the request.
    public var maxResponseBytes: Int
    /// Retry behaviour for connection failures and 5xx answers (idempotent requests only).
    public var retry: RetryPolicy
    /// 429 answers tolerated for one request before giving up.
    public var maxRateLimitRetries: Int
    /// Rate limiter tunables.
    public var rateLimits: RateLimiter.Configuration

    /// Creates a configuration.
    public init(
        apiBaseURL: String = "https://discord.com/api/v10",
        userAgentURL: String = "https://github.com/pterodisbot/pterodisbot",
        version: String = "0.1.0",
        requestTimeout: Duration = .seconds(15),
        maxResponseBytes: Int = 4 * 1024 * 1024,
        retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(15)),
        maxRateLimitRetries: Int = 3,
        rateLimits: RateLimiter.Configuration = RateLimiter.Configuration()
    ) {
        var base = apiBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.apiBaseURL = base
        self.userAgentURL = userAgentURL
        self.version = version
        self.requestTimeout = requestTimeout
        self.maxResponseBytes = maxResponseBytes
        self.retry = retry
        self.maxRateLimitRetries = maxRateLimitRetries
        self.rateLimits = rateLimits
    }

    /// `DiscordBot (<url>, <version>)`, the form Discord requires.
    public var userAgent: String { "DiscordBot (\(userAgentURL), \(version))" }
}
