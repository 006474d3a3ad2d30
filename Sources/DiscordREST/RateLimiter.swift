import NIOHTTP1

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The rate-limit facts of one Discord response: `X-RateLimit-*` headers, `Retry-After`, and the 429 body.
/// See https://discord.com/developers/docs/topics/rate-limits#header-format
public struct RateLimitInfo: Sendable, Equatable {
    /// HTTP status.
    public var status: Int
    /// `X-RateLimit-Bucket`: opaque bucket hash shared by routes with the same limit.
    public var bucket: String?
    /// `X-RateLimit-Limit`.
    public var limit: Int?
    /// `X-RateLimit-Remaining`.
    public var remaining: Int?
    /// `X-RateLimit-Reset-After` (fractional seconds).
    public var resetAfter: Duration?
    /// For a 429: the body's `retry_after`, or the `Retry-After` header when the body has none.
    public var retryAfter: Duration?
    /// For a 429: `global: true` in the body, `X-RateLimit-Global`, or `X-RateLimit-Scope: global`.
    public var isGlobal: Bool
    /// `X-RateLimit-Scope`: `user`, `global` or `shared` (shared 429s do not count as invalid requests).
    public var scope: String?
    /// For a 429: the body's JSON error `code`, when it has one (30046 marks the old-message edit limit).
    public var code: Int?

    /// `true` for a 429 carrying code 30046 (too many edits to a message older than an hour).
    ///
    /// Discord sends it as HTTP 429 with a `retry_after` (discord.py reports read
    /// "429 Too Many Requests (error code: 30046)", e.g. aikaterna/aikaterna-cogs#302; discord/discord-api-docs#4413),
    /// but it is a limit on that one message, not on the route's bucket: waiting it out only edits the stale
    /// message again, so the caller gets it as a final error and reposts instead.
    public var isOldMessageEditLimit: Bool { status == 429 && code == 30046 }

    /// Creates info directly (tests).
    public init(
        status: Int,
        bucket: String? = nil,
        limit: Int? = nil,
        remaining: Int? = nil,
        resetAfter: Duration? = nil,
        retryAfter: Duration? = nil,
        isGlobal: Bool = false,
        scope: String? = nil,
        code: Int? = nil
    ) {
        self.status = status
        self.bucket = bucket
        self.limit = limit
        self.remaining = remaining
        self.resetAfter = resetAfter
        self.retryAfter = retryAfter
        self.isGlobal = isGlobal
        self.scope = scope
        self.code = code
    }

    /// Parses a response.
    /// - Parameters:
    ///   - status: HTTP status.
    ///   - header: Case-insensitive header lookup.
    ///   - body: Response body (read for 429s only).
    public init(status: Int, header: (String) -> String?, body: [UInt8]) {
        self.status = status
        bucket = header("X-RateLimit-Bucket")
        limit = header("X-RateLimit-Limit").flatMap { Int($0) }
        remaining = header("X-RateLimit-Remaining").flatMap { Int($0) }
        resetAfter = header("X-RateLimit-Reset-After").flatMap(Self.seconds)
        scope = header("X-RateLimit-Scope")?.lowercased()
        isGlobal = scope == "global" || header("X-RateLimit-Global")?.lowercased() == "true"
        retryAfter = nil
        code = nil
        if status == 429 {
            var wait = header("Retry-After").flatMap(Self.seconds)
            if let parsed = try? JSONDecoder().decode(TooManyRequestsBody.self, from: Data(body)) {
                // The body's value is exact; the header is rounded up to whole seconds, so it is only a fallback.
                if let seconds = parsed.retryAfter { wait = Self.duration(seconds) }
                if parsed.global == true { isGlobal = true }
                code = parsed.code
            }
            retryAfter = wait
        }
    }

    /// Parses a response with NIO headers.
    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.init(status: status, header: { headers.first(name: $0) }, body: body)
    }

    private struct TooManyRequestsBody: Decodable {
        var retryAfter: Double?
        var global: Bool?
        var code: Int?

        enum CodingKeys: String, CodingKey {
            case global, code
            case retryAfter = "retry_after"
        }
    }

    private static func seconds(_ text: String) -> Duration? {
        Double(text.filter { !$0.isWhitespace }).map(duration)
    }

    private static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int64((max(seconds, 0) * 1000).rounded(.up)))
    }
}

/// Decides whether a Discord request may go now, must wait, or should fail; it never sleeps itself.
///
/// Time is a `Duration` since an origin chosen by the caller (the client's injected clock), so tests drive it by
/// passing `now`. Per https://discord.com/developers/docs/topics/rate-limits:
/// - state is keyed by route (method + template + major parameter) until `X-RateLimit-Bucket` maps the route to a
///   bucket; routes with the same bucket hash and major parameter then share one budget;
/// - with `Remaining: 0` a route waits until `Reset-After` has passed; a 429 blocks its bucket for `retry_after`
///   (never less), a global 429 blocks every route that is bound by the global limit;
/// - a proactive global budget (50 requests per second) holds requests that are bound by the global limit,
///   interaction callbacks and interaction webhooks are not;
/// - 401, 403 and non-shared 429 answers are counted in a 10-minute window; near Discord's ban threshold
///   (10,000) requests fail instead of being sent.
///
/// FIFO order within a route is the client's job (it sends one request per route key at a time).
public actor RateLimiter {
    /// Tunables.
    public struct Configuration: Sendable {
        /// Proactive global budget per second.
        public var globalRequestsPerSecond: Int
        /// Waits longer than this fail with ``Failure/waitTooLong(_:global:)`` instead.
        public var maximumWait: Duration
        /// Invalid answers (401/403/429) per 10 minutes at which requests stop; Discord bans at 10,000.
        public var invalidRequestBudget: Int
        /// Route and bucket entries unused this long, whose reset has passed, are forgotten. Every interaction
        /// has its own routes (its token is the major parameter), so without pruning each one would stay for
        /// the life of the process; after the 15-minute token life they can never be used again.
        public var staleEntryAge: Duration

        /// Creates a configuration.
        public init(
            globalRequestsPerSecond: Int = 50,
            maximumWait: Duration = .seconds(120),
            invalidRequestBudget: Int = 9_000,
            staleEntryAge: Duration = .seconds(600)
        ) {
            self.globalRequestsPerSecond = globalRequestsPerSecond
            self.maximumWait = maximumWait
            self.invalidRequestBudget = invalidRequestBudget
            self.staleEntryAge = staleEntryAge
        }
    }

    /// Why a request may not be sent at all.
    public enum Failure: Sendable, Equatable {
        /// The needed wait exceeds ``Configuration/maximumWait``.
        case waitTooLong(Duration, global: Bool)
        /// Too many 401/403/429 answers in the last 10 minutes.
        case invalidRequestBudgetExhausted
    }

    /// The limiter's answer for one request.
    public enum Decision: Sendable, Equatable {
        /// Send now (a slot has been taken).
        case go
        /// Ask again after this long.
        case wait(Duration)
        /// Do not send.
        case fail(Failure)
    }

    private struct Bucket {
        var limit: Int?
        var remaining: Int
        var resetAt: Duration?
        /// Longest `Reset-After` seen: an estimate of the window, used to predict the next reset after a refill.
        var window: Duration?
        /// When a request or response last touched this bucket (for pruning).
        var lastUsed: Duration = .zero
    }

    private struct Binding {
        var hash: String
        /// The bucket key this route maps to (hash + major parameter).
        var bucketKey: String
        var lastUsed: Duration
    }

    private let configuration: Configuration
    /// Route key → bucket hash, learned from `X-RateLimit-Bucket`.
    private var bucketHashes: [String: Binding] = [:]
    /// When stale entries were last pruned.
    private var lastPrune: Duration?
    /// Bucket key (hash + major parameter, or route key while unknown) → state.
    private var buckets: [String: Bucket] = [:]
    /// A global 429 blocks global-bound routes until this time.
    private var globalBlockedUntil: Duration?
    /// Send times of global-bound requests within the last second.
    private var recentGlobalSends: [Duration] = []
    /// Index of the first send time still inside the one-second window.
    private var globalHead = 0
    /// Times of 401/403/non-shared-429 answers within the last 10 minutes.
    private var invalidAnswers: [Duration] = []

    private static let invalidWindow = Duration.seconds(600)

    /// Creates a limiter.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Decides for one request and, on `.go`, takes its slot in the bucket and the global budget.
    /// - Parameters:
    ///   - route: The request's route.
    ///   - now: Current time on the caller's clock, as the duration since its origin.
    /// - Returns: `.go`, `.wait(d)` (ask again after `d`) or `.fail`.
    public func decide(route: Route, now: Duration) -> Decision {
        pruneInvalid(now: now)
        if invalidAnswers.count >= configuration.invalidRequestBudget {
            return .fail(.invalidRequestBudgetExhausted)
        }
        if !route.isExemptFromGlobalLimit, let blocked = globalBlockedUntil, blocked > now {
            return bounded(blocked - now, global: true)
        }
        pruneStale(now: now)
        let key = bucketKey(for: route)
        bucketHashes[route.rateLimitKey]?.lastUsed = now
        buckets[key]?.lastUsed = now
        var bucket = buckets[key]
        if var state = bucket, let resetAt = state.resetAt, resetAt <= now {
            state.remaining = state.limit ?? max(state.remaining, 1)
            // Until a response reports the new window, assume it is as long as the longest one seen.
            state.resetAt = state.window.map { resetAt + $0 }
            bucket = state
            buckets[key] = state
        }
        if let state = bucket, state.remaining <= 0, let resetAt = state.resetAt {
            return bounded(resetAt - now, global: false)
        }
        if !route.isExemptFromGlobalLimit {
            // Send times only grow, so expired entries are at the front; skip them with a moving head.
            while globalHead < recentGlobalSends.count, now - recentGlobalSends[globalHead] >= .seconds(1) {
                globalHead += 1
            }
            if globalHead > 64, globalHead * 2 > recentGlobalSends.count {
                recentGlobalSends.removeFirst(globalHead)
                globalHead = 0
            }
            if recentGlobalSends.count - globalHead >= configuration.globalRequestsPerSecond {
                return bounded(recentGlobalSends[globalHead] + .seconds(1) - now, global: true)
            }
            recentGlobalSends.append(now)
        }
        if var state = bucket {
            state.remaining -= 1
            buckets[key] = state
        }
        return .go
    }

    /// Learns from a response: bucket mapping, remaining and reset, 429 blocks, invalid-request counting.
    /// - Parameters:
    ///   - route: The request's route.
    ///   - info: The response's rate-limit facts.
    ///   - now: Current time, as for ``decide(route:now:)``.
    public func record(route: Route, info: RateLimitInfo, now: Duration) {
        if info.status == 401 || info.status == 403 || (info.status == 429 && info.scope != "shared") {
            invalidAnswers.append(now)
        }
        if let hash = info.bucket {
            let previous = bucketKey(for: route)
            bucketHashes[route.rateLimitKey] = Binding(
                hash: hash,
                bucketKey: "\(hash) [\(route.majorParameter)]",
                lastUsed: now
            )
            let key = bucketKey(for: route)
            if previous != key, buckets[key] == nil, let provisional = buckets[previous] {
                buckets[key] = provisional
            }
            buckets[previous] = previous == key ? buckets[previous] : nil
        }
        let key = bucketKey(for: route)
        var state = buckets[key] ?? Bucket(limit: nil, remaining: 1, resetAt: nil)
        state.lastUsed = now
        if let limit = info.limit { state.limit = limit }
        if let resetAfter = info.resetAfter { state.window = max(state.window ?? .zero, resetAfter) }
        if let remaining = info.remaining {
            state.remaining = remaining
            state.resetAt = info.resetAfter.map { now + $0 } ?? state.resetAt
        }
        // 30046 limits edits of one old message; blocking the bucket would also hold the repost and other edits.
        if info.status == 429, !info.isOldMessageEditLimit, let retryAfter = info.retryAfter {
            if info.isGlobal {
                globalBlockedUntil = max(globalBlockedUntil ?? now, now + retryAfter)
            } else {
                state.remaining = 0
                state.resetAt = max(state.resetAt ?? now, now + retryAfter)
            }
        }
        if info.bucket != nil || info.remaining != nil || (info.status == 429 && !info.isOldMessageEditLimit) {
            buckets[key] = state
        }
    }

    /// Number of 401/403/429 answers in the 10 minutes before `now`.
    public func invalidRequestCount(now: Duration) -> Int {
        pruneInvalid(now: now)
        return invalidAnswers.count
    }

    /// The bucket hash learned for a route, if any (for tests and diagnostics).
    public func bucketHash(for route: Route) -> String? {
        bucketHashes[route.rateLimitKey]?.hash
    }

    /// Route → bucket mappings plus bucket states held (diagnostics and tests: stays flat as interactions come
    /// and go).
    public var trackedEntryCount: Int { bucketHashes.count + buckets.count }

    private func bucketKey(for route: Route) -> String {
        bucketHashes[route.rateLimitKey]?.bucketKey ?? route.rateLimitKey
    }

    private func bounded(_ wait: Duration, global: Bool) -> Decision {
        wait > configuration.maximumWait ? .fail(.waitTooLong(wait, global: global)) : .wait(wait)
    }

    /// Forgets route mappings and buckets unused for ``Configuration/staleEntryAge`` whose reset has passed; runs
    /// at most once per minute, so its cost is spread thin.
    private func pruneStale(now: Duration) {
        if let last = lastPrune, now - last < .seconds(60) { return }
        lastPrune = now
        let age = configuration.staleEntryAge
        buckets = buckets.filter { _, bucket in
            now - bucket.lastUsed < age || (bucket.resetAt.map { $0 > now } ?? false)
        }
        // A mapping goes with its bucket: while the bucket still blocks, the route must keep finding it.
        bucketHashes = bucketHashes.filter { now - $0.value.lastUsed < age || buckets[$0.value.bucketKey] != nil }
    }

    private func pruneInvalid(now: Duration) {
        if let first = invalidAnswers.first, now - first >= Self.invalidWindow {
            invalidAnswers.removeAll { now - $0 >= Self.invalidWindow }
        }
    }
}
