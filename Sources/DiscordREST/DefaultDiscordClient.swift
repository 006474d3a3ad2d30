import AsyncHTTPClient
import ClientSupport
import CoreMetrics
import DiscordModels
import Logging
import NIOCore
import NIOHTTP1

/// Counters a ``DefaultDiscordClient`` keeps for logs and health checks.
public struct DiscordClientStatistics: Sendable, Equatable {
    /// HTTP attempts made (including retries).
    public var attempts: Int = 0
    /// 401 answers.
    public var unauthorized: Int = 0
    /// 403 answers.
    public var forbidden: Int = 0
    /// 429 answers (all scopes).
    public var rateLimited: Int = 0
    /// 429 answers with global scope.
    public var globallyRateLimited: Int = 0
    /// Retries after 5xx or connection failures.
    public var retries: Int = 0
    /// Connection failures and timeouts.
    public var transportFailures: Int = 0

    /// Creates zeroed statistics.
    public init() {}
}

/// The production ``DiscordClient`` on AsyncHTTPClient.
///
/// Every request carries `Authorization: Bot <token>` and Discord's required `User-Agent`, has a timeout and a
/// response-size cap. Requests with the same rate-limit key go one at a time in arrival order (FIFO) while other
/// keys proceed; before each attempt the ``RateLimiter`` decides and this client sleeps on the injected clock.
/// Logs name the route template only (`discord.route`), never the URL, so interaction tokens stay out of logs.
public final class DefaultDiscordClient: DiscordClient {
    private let httpClient: HTTPClient
    private let token: Secret
    /// The configuration in use.
    public let configuration: DiscordClientConfiguration
    /// The limiter (exposed for diagnostics and tests).
    public let rateLimiter: RateLimiter
    private let queues = SerialQueues()
    private let state = ClientState()
    private let now: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    private let random: @Sendable () -> Double
    private let logger: Logger
    private let metrics: DiscordRESTMetrics

    /// Creates a client.
    /// - Parameters:
    ///   - httpClient: The shared HTTP client, owned and shut down by the caller.
    ///   - token: The bot token.
    ///   - configuration: Base URL, timeouts, retry and rate-limit settings.
    ///   - clock: Clock for rate-limit time and sleeps (a manual clock in tests).
    ///   - random: Source of values in `0..<1` for retry jitter.
    ///   - metrics: Where requests, 429s and bucket waits are counted (nothing is counted by default).
    ///   - logger: Logger; this component logs at `debug` and `trace` only.
    public init<C: Clock>(
        httpClient: HTTPClient,
        token: Secret,
        configuration: DiscordClientConfiguration = DiscordClientConfiguration(),
        clock: C,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger = Logger(label: "discord.rest")
    ) where C.Duration == Duration {
        self.httpClient = httpClient
        self.token = token
        self.configuration = configuration
        self.rateLimiter = RateLimiter(configuration: configuration.rateLimits)
        let origin = clock.now
        self.now = { origin.duration(to: clock.now) }
        self.sleep = { try await clock.sleep(for: $0) }
        self.random = random
        self.metrics = DiscordRESTMetrics(factory: metrics)
        self.logger = logger
    }

    /// Creates a client on `ContinuousClock`.
    /// - Parameters:
    ///   - httpClient: The shared HTTP client, owned and shut down by the caller.
    ///   - token: The bot token.
    ///   - configuration: Base URL, timeouts, retry and rate-limit settings.
    ///   - metrics: Where requests, 429s and bucket waits are counted (nothing is counted by default).
    ///   - logger: Logger.
    public convenience init(
        httpClient: HTTPClient,
        token: Secret,
        configuration: DiscordClientConfiguration = DiscordClientConfiguration(),
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        logger: Logger = Logger(label: "discord.rest")
    ) {
        self.init(
            httpClient: httpClient,
            token: token,
            configuration: configuration,
            clock: ContinuousClock(),
            metrics: metrics,
            logger: logger
        )
    }

    /// A snapshot of the counters.
    public func statistics() async -> DiscordClientStatistics {
        await state.statistics
    }

    /// Requests waiting behind an earlier request with the same rate-limit key (diagnostics and tests).
    public func queuedRequestCount() async -> Int {
        await queues.queuedCount
    }

    /// Returns once at least `count` requests wait behind earlier ones with the same key, so a test can order
    /// its requests without sleeping.
    public func waitForQueuedRequests(count: Int) async {
        await queues.waitForQueued(count: count)
    }

    /// `true` once Discord rejected the token; every later request throws ``DiscordRESTError/tokenRejected(route:)``.
    public var isStopped: Bool {
        get async { await state.stopped }
    }

    /// Sends a request: waits its turn on its route, obeys the rate limiter, retries 5xx/transport failures with
    /// backoff and 429s after Discord's wait, and stops for good on a 401 to a route that carries the bot token
    /// (a 401 on an interaction-token route fails that request only).
    public func send(_ request: DiscordRequest) async throws -> DiscordResponse {
        let route = request.route
        if await state.stopped { throw DiscordRESTError.tokenRejected(route: route.description) }
        let key = route.rateLimitKey
        await queues.enter(key)
        do {
            let response = try await sendInTurn(request)
            await queues.leave(key)
            return response
        } catch {
            await queues.leave(key)
            throw error
        }
    }

    // MARK: - Private

    private func sendInTurn(_ request: DiscordRequest) async throws -> DiscordResponse {
        let route = request.route
        var logger = self.logger
        logger[metadataKey: "discord.route"] = "\(route)"
        var failedAttempts = 0
        var rateLimitRetries = 0
        while true {
            try Task.checkCancellation()
            if await state.stopped { throw DiscordRESTError.tokenRejected(route: route.description) }
            switch await rateLimiter.decide(route: route, now: now()) {
            case .go:
                break
            case .wait(let wait):
                logger.trace("waiting for rate limit", metadata: ["discord.wait": "\(wait)"])
                metrics.waited(wait)
                try await sleep(wait)
                continue
            case .fail(.waitTooLong(let wait, let global)):
                throw DiscordRESTError.rateLimited(route: route.description, retryAfter: wait, global: global)
            case .fail(.invalidRequestBudgetExhausted):
                throw DiscordRESTError.rateLimited(route: route.description, retryAfter: nil, global: true)
            }

            await state.count { $0.attempts += 1 }
            let response: DiscordResponse
            do {
                response = try await execute(request)
            } catch let error as DiscordRESTError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failedAttempts += 1
                metrics.transportFailure(route)
                await state.count { $0.transportFailures += 1 }
                let reason = scrub(String(describing: error), route: route)
                logger.debug(
                    "request failed",
                    metadata: ["error": "\(reason)", "discord.attempt": "\(failedAttempts)"]
                )
                guard failedAttempts < configuration.retry.maxAttempts, route.isIdempotent else {
                    throw DiscordRESTError.transport(route: route.description, reason: reason)
                }
                try await backoff(retry: failedAttempts)
                continue
            }

            let info = RateLimitInfo(status: response.status, headers: response.headers, body: response.body)
            await rateLimiter.record(route: route, info: info, now: now())
            metrics.answered(route, status: response.status)
            if response.status == 429 { metrics.rateLimited(info) }
            logger.debug(
                "response",
                metadata: [
                    "discord.status": "\(response.status)",
                    "discord.bucket": "\(info.bucket ?? "-")",
                    "discord.remaining": "\(info.remaining.map(String.init) ?? "-")",
                ]
            )
            switch response.status {
            case 401 where !route.authenticatesWithBotToken:
                // An expired interaction token (50027): only this request fails, the bot token is fine.
                await state.count { $0.unauthorized += 1 }
                logger.debug("interaction token rejected (expired or invalid)")
                return response
            case 401:
                await state.count { $0.unauthorized += 1 }
                await state.stop()
                logger.debug("bot token rejected; client stopped")
                throw DiscordRESTError.tokenRejected(route: route.description)
            case 403:
                await state.count { $0.forbidden += 1 }
                return response
            case 429 where info.isOldMessageEditLimit:
                // Not a rate limit to sleep through: the caller reposts the message (see RateLimitInfo).
                await state.count { $0.rateLimited += 1 }
                logger.debug("edit limit of a message older than an hour reached (30046)")
                return response
            case 429:
                await state.count {
                    $0.rateLimited += 1
                    if info.isGlobal { $0.globallyRateLimited += 1 }
                }
                logger.debug(
                    "rate limited by Discord",
                    metadata: [
                        "discord.retry_after": "\(info.retryAfter.map { "\($0)" } ?? "-")",
                        "discord.global": "\(info.isGlobal)",
                    ]
                )
                rateLimitRetries += 1
                guard rateLimitRetries <= configuration.maxRateLimitRetries else { return response }
                if info.retryAfter == nil && info.resetAfter == nil {
                    // No wait given (e.g. a proxy's 429): back off rather than hammer.
                    try await backoff(retry: rateLimitRetries)
                }
                continue
            case 500...599:
                failedAttempts += 1
                guard failedAttempts < configuration.retry.maxAttempts, route.isIdempotent else { return response }
                try await backoff(retry: failedAttempts)
                continue
            default:
                return response
            }
        }
    }

    private func backoff(retry: Int) async throws {
        await state.count { $0.retries += 1 }
        try await sleep(configuration.retry.delay(beforeRetry: retry, unitRandom: random()))
    }

    private func execute(_ request: DiscordRequest) async throws -> DiscordResponse {
        let route = request.route
        var url = configuration.apiBaseURL + route.path
        if !request.query.isEmpty {
            url += "?" + request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
        var http = HTTPClientRequest(url: url)
        http.method = route.method
        http.headers.add(name: "Authorization", value: "Bot \(token.exposedValue)")
        http.headers.add(name: "User-Agent", value: configuration.userAgent)
        for header in request.headers { http.headers.add(name: header.name, value: header.value) }
        switch request.body {
        case .json(let bytes):
            http.headers.add(name: "Content-Type", value: "application/json")
            http.body = .bytes(ByteBuffer(bytes: bytes))
            logger.trace(
                "request body",
                metadata: ["discord.route": "\(route)", "discord.body": "\(bytes.count) bytes"]
            )
        case .multipart(let payload, let files):
            let boundary = Multipart.makeBoundary()
            http.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
            http.body = .bytes(
                ByteBuffer(bytes: Multipart.encode(payloadJSON: payload, files: files, boundary: boundary))
            )
        case nil:
            break
        }
        let response = try await httpClient.execute(http, timeout: TimeAmount(configuration.requestTimeout))
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch is NIOTooManyBytesError {
            throw DiscordRESTError.responseTooLarge(route: route.description, limit: configuration.maxResponseBytes)
        }
        return DiscordResponse(
            status: Int(response.status.code),
            headers: response.headers,
            body: Array(body.readableBytesView)
        )
    }

    /// Removes the bot token and any interaction token from error text.
    private func scrub(_ text: String, route: Route) -> String {
        route.redact(text).replacing(token.exposedValue, with: "****")
    }

}

/// Mutable client state: the stop flag and counters.
private actor ClientState {
    var stopped = false
    var statistics = DiscordClientStatistics()

    func stop() { stopped = true }

    func count(_ update: @Sendable (inout DiscordClientStatistics) -> Void) {
        update(&statistics)
    }
}

/// One FIFO lane per key: `enter` returns when every earlier caller with the same key has called `leave`.
actor SerialQueues {
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var observers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Callers parked behind another request with the same key.
    var queuedCount: Int { waiting.values.reduce(0) { $0 + $1.count } }

    func enter(_ key: String) async {
        guard busy.contains(key) else {
            busy.insert(key)
            return
        }
        await withCheckedContinuation { continuation in
            waiting[key, default: []].append(continuation)
            notifyObservers()
        }
    }

    func leave(_ key: String) {
        if var queue = waiting[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            busy.remove(key)
        }
    }

    func waitForQueued(count: Int) async {
        if queuedCount >= count { return }
        await withCheckedContinuation { observers.append((count, $0)) }
    }

    private func notifyObservers() {
        let count = queuedCount
        let ready = observers.filter { $0.count <= count }
        observers.removeAll { $0.count <= count }
        for observer in ready { observer.continuation.resume() }
    }
}
