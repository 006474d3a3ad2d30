/// How an HTTP client retries a request that failed in a way a retry can fix (a dropped connection, a 5xx):
/// exponential backoff with "equal jitter", so many clients do not retry in lockstep. Shared by the Discord and
/// the panel clients.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first; 1 disables retries.
    public var maxAttempts: Int
    /// The delay before the first retry (before jitter).
    public var baseDelay: Duration
    /// The largest delay between attempts (before jitter).
    public var maxDelay: Duration

    /// Creates a policy.
    /// - Parameters:
    ///   - maxAttempts: Total attempts, at least 1.
    ///   - baseDelay: First retry delay.
    ///   - maxDelay: Cap on the delay.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1 = first retry): `min(maxDelay, baseDelay × 2^(retry-1))`, half of it
    /// fixed and half scaled by `unitRandom`.
    /// - Parameters:
    ///   - retry: Which retry, from 1.
    ///   - unitRandom: A random number in `0..<1`.
    /// - Returns: The delay, between half and all of the capped exponential value.
    public func delay(beforeRetry retry: Int, unitRandom: Double) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let capped = min(baseDelay * (1 << exponent), maxDelay)
        return capped / 2 + capped * (min(max(unitRandom, 0), 1) / 2)
    }
}
