import ClientSupport

/// Capped exponential backoff with downward jitter, for reconnecting after errors.
///
/// Attempt `n` (starting at 1) waits `min(maximum, initial × multiplier^(n-1))`, reduced by up to `jitter` of
/// itself at random, so many bots restarting together do not reconnect in lockstep. The delay never exceeds
/// `maximum`.
public struct GatewayBackoff: Sendable, Hashable {
    /// The delay before the first retry.
    public var initial: Duration
    /// The factor applied per further attempt.
    public var multiplier: Double
    /// The longest delay.
    public var maximum: Duration
    /// The fraction (0…1) of the delay that may be removed at random.
    public var jitter: Double

    /// Creates a backoff policy.
    /// - Parameters:
    ///   - initial: the first delay (default 1 s).
    ///   - multiplier: growth per attempt (default 2).
    ///   - maximum: the cap (default 60 s).
    ///   - jitter: the random fraction removed (default 0.25).
    public init(
        initial: Duration = .seconds(1),
        multiplier: Double = 2,
        maximum: Duration = .seconds(60),
        jitter: Double = 0.25
    ) {
        self.initial = initial
        self.multiplier = multiplier
        self.maximum = maximum
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before retry number `attempt`.
    /// - Parameters:
    ///   - attempt: 1 for the first retry.
    ///   - random: a value in `0..<1` from the injected random source.
    /// - Returns: a delay in `maximum × (1 - jitter) ... maximum` at most.
    public func delay(attempt: Int, random: Double) -> Duration {
        guard attempt > 0 else { return .zero }
        let initialSeconds = self.initial.inSeconds
        let maximumSeconds = self.maximum.inSeconds
        var seconds = initialSeconds
        var step = 1
        while step < attempt, seconds < maximumSeconds {
            seconds *= self.multiplier
            step += 1
        }
        seconds = min(seconds, maximumSeconds)
        seconds *= 1 - self.jitter * min(max(random, 0), 1)
        return .seconds(seconds)
    }
}
