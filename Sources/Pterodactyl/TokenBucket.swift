import ClientSupport
import PanelCore

/// A token bucket that never lets more than `limitPerMinute` requests start in any 60-second span.
///
/// The panel counts requests in a fixed 60 s window that opens at the first request (Laravel's `RateLimiter`).
/// A bucket of capacity `C` refilled at `R` per minute admits at most `C + R` requests in any 60 s span, so with
/// `C + R ≤ L` it can never overrun a fixed window either. `C` is a tenth of the limit (a short burst) and `R` is
/// `L - 2C`, about 80 % of the limit as the reference advises: the remaining tenth absorbs requests that reach
/// the panel later than they were granted (latency jitter across a window boundary).
///
/// Requests *reserve* a token: the bucket may go negative, and each caller is told how long to wait, so callers
/// are served in arrival order. Pure value: time is passed in.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Most tokens held.
    public let capacity: Double
    /// Tokens added per second.
    public let refillPerSecond: Double
    private var tokens: Double
    private var updatedAt: Instant?
    private var blockedUntil: Instant?

    /// Creates a full bucket for a per-minute limit.
    /// - Parameter limitPerMinute: The budget; values below 2 are treated as 2.
    public init(limitPerMinute: Int) {
        let limit = Double(max(2, limitPerMinute))
        capacity = max(1, (limit / 10).rounded(.down))
        refillPerSecond = max(limit - 2 * capacity, limit / 2) / 60
        tokens = capacity
    }

    /// The steady rate, requests per minute.
    public var sustainedPerMinute: Double { refillPerSecond * 60 }

    /// Takes one token and says when the request may start.
    /// - Parameter now: The current instant.
    /// - Returns: The instant to start at (`now` or later).
    public mutating func reserve(now: Instant) -> Instant {
        refill(now: now)
        tokens -= 1
        var start = now
        if tokens < 0 {
            start = now.advanced(by: .seconds(-tokens / refillPerSecond))
        }
        if let blockedUntil, start < blockedUntil {
            start = blockedUntil
        }
        return start
    }

    /// The instant until which a 429 forbids requests, if it is still in the future.
    /// - Parameter now: The current instant.
    public func blocked(after now: Instant) -> Instant? {
        guard let blockedUntil, now < blockedUntil else { return nil }
        return blockedUntil
    }

    /// Records a 429: nothing starts before `until`, and the bucket is emptied.
    /// - Parameters:
    ///   - until: `now + Retry-After`.
    ///   - now: The current instant.
    public mutating func block(until: Instant, now: Instant) {
        refill(now: now)
        tokens = min(tokens, 0)
        if blockedUntil.map({ $0 < until }) ?? true {
            blockedUntil = until
        }
    }

    /// Lowers the tokens to what the panel says is left (`X-RateLimit-Remaining`), when another tool of the same
    /// user spends the shared budget.
    /// - Parameters:
    ///   - remaining: The header's value.
    ///   - now: The current instant.
    public mutating func observe(remaining: Int, now: Instant) {
        refill(now: now)
        tokens = min(tokens, Double(remaining))
    }

    private mutating func refill(now: Instant) {
        if let updatedAt, updatedAt < now {
            tokens = min(capacity, tokens + updatedAt.duration(to: now).inSeconds * refillPerSecond)
        }
        if updatedAt.map({ $0 < now }) ?? true {
            updatedAt = now
        }
    }
}
