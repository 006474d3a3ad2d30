/// How failed requests are retried.
///
/// 5xx answers and connection failures are retried with exponential backoff and jitter; 429s are retried after
/// the wait Discord asks for; other 4xx answers are never retried.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts for 5xx/connection failures, including the first.
    public var maxAttempts: Int
    /// 429 answers tolerated for one request before giving up.
    public var maxRateLimitRetries: Int
    /// Delay before the first retry.
    public var baseDelay: Duration
    /// Upper bound of one delay.
    public var maxDelay: Duration

    /// Creates a policy.
    public init(
        maxAttempts: Int = 4,
        maxRateLimitRetries: Int = 3,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(15)
    ) {
        self.maxAttempts = maxAttempts
        self.maxRateLimitRetries = maxRateLimitRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries at all (tests that want to see the first failure).
    public static var none: RetryPolicy { RetryPolicy(maxAttempts: 1, maxRateLimitRetries: 0) }

    /// The delay before retry number `retry` (1-based): `min(maxDelay, baseDelay × 2^(retry-1))`, scaled by a
    /// jitter factor in 0.5..<1.0 so many clients do not retry in lockstep.
    /// - Parameters:
    ///   - retry: 1 for the first retry.
    ///   - random: A value in `0..<1`.
    /// - Returns: The delay.
    public func delay(forRetry retry: Int, random: Double) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        var delay = baseDelay * (1 << exponent)
        if delay > maxDelay { delay = maxDelay }
        let factor = 0.5 + 0.5 * min(max(random, 0), 0.999_999)
        return delay * factor
    }
}

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
    /// Retry behaviour.
    public var retry: RetryPolicy
    /// Rate limiter tunables.
    public var rateLimits: RateLimiter.Configuration

    /// Creates a configuration.
    public init(
        apiBaseURL: String = "https://discord.com/api/v10",
        userAgentURL: String = "https://github.com/pterodisbot/pterodisbot",
        version: String = "0.1.0",
        requestTimeout: Duration = .seconds(15),
        maxResponseBytes: Int = 4 * 1024 * 1024,
        retry: RetryPolicy = RetryPolicy(),
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
        self.rateLimits = rateLimits
    }

    /// `DiscordBot (<url>, <version>)`, the form Discord requires.
    public var userAgent: String { "DiscordBot (\(userAgentURL), \(version))" }
}
