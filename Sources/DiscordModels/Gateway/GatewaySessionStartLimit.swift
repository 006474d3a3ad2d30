/// How many new sessions (IDENTIFYs) the bot may still start, from `GET /gateway/bot`.
///
/// See https://discord.com/developers/docs/events/gateway#session-start-limit-object
public struct GatewaySessionStartLimit: Sendable, Hashable, Codable {
    /// Total session starts allowed per reset period.
    public var total: Int
    /// Session starts remaining.
    public var remaining: Int
    /// Milliseconds until `remaining` resets to `total`.
    public var resetAfterMilliseconds: Int
    /// Identify requests allowed per 5 seconds.
    public var maxConcurrency: Int

    /// Time until `remaining` resets.
    public var resetAfter: Duration { .milliseconds(self.resetAfterMilliseconds) }

    /// Creates a limit (from REST, or in tests).
    /// - Parameters:
    ///   - total: session starts per period.
    ///   - remaining: session starts left.
    ///   - resetAfterMilliseconds: milliseconds until the reset.
    ///   - maxConcurrency: identifies per 5 s.
    public init(total: Int, remaining: Int, resetAfterMilliseconds: Int, maxConcurrency: Int = 1) {
        self.total = total
        self.remaining = remaining
        self.resetAfterMilliseconds = resetAfterMilliseconds
        self.maxConcurrency = maxConcurrency
    }

    private enum CodingKeys: String, CodingKey {
        case total, remaining
        case resetAfterMilliseconds = "reset_after"
        case maxConcurrency = "max_concurrency"
    }
}
