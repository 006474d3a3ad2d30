import AsyncHTTPClient
import ClientSupport
import Logging
import NIOCore
import NIOHTTP1
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The Pterodactyl (and Pelican) panel client on AsyncHTTPClient.
///
/// - The caller owns the `HTTPClient`: create it with `redirectConfiguration: .disallow`. The panel answers a bad
///   key with a redirect to `/auth/login` when it does not see a JSON `Accept`; every 3xx (and any answer reached
///   through a followed redirect) is reported as an authentication failure anyway.
/// - Every request carries `Accept: application/json` and `Authorization: Bearer <key>`: the client key on
///   `/api/client`, the application key on `/api/application`.
/// - Each API has a ``TokenBucket`` sized from ``PanelClientConfiguration``; `X-RateLimit-Remaining` lowers it and
///   a 429's `Retry-After` blocks the API until then (never earlier).
/// - GETs retry per ``RetryPolicy``; power signals are sent exactly once.
/// - `/api/application/nodes/{id}/configuration` is never called: it returns the node's secret token.
public final class DefaultPanelClient<C: Clock>: Sendable where C.Duration == Duration {
    private let httpClient: HTTPClient
    private let baseURL: String
    private let clientKey: PanelAPIKey
    private let applicationKey: PanelAPIKey?
    private let configuration: PanelClientConfiguration
    private let clock: C
    private let logger: Logger
    private let limiter: PanelRateLimiter<C.Instant>
    private let cache: ServerListCache<C.Instant>
    private let metrics: PanelRequestMetrics

    /// Creates a client.
    /// - Parameters:
    ///   - httpClient: A client configured with `redirectConfiguration: .disallow`; not shut down by this type.
    ///   - baseURL: The panel URL (`[Pterodactyl] PanelURL`), e.g. `https://panel.example.com`.
    ///   - clientKey: The client (account) key.
    ///   - applicationKey: The application key, if Application API calls are wanted.
    ///   - configuration: Budgets, timeouts, retries.
    ///   - clock: The clock for rate limiting, backoff and the list cache (a manual clock in tests).
    ///   - metrics: Where requests and their latency are counted (nothing is counted by default).
    ///   - logger: Used at `debug`/`trace` only; keys are never logged.
    public init(
        httpClient: HTTPClient,
        baseURL: String,
        clientKey: PanelAPIKey,
        applicationKey: PanelAPIKey? = nil,
        configuration: PanelClientConfiguration = PanelClientConfiguration(),
        clock: C,
        metrics: PanelRequestMetrics = .none,
        logger: Logger = Logger(label: "pterodisbot.panel")
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.httpClient = httpClient
        self.baseURL = base
        self.clientKey = clientKey
        self.applicationKey = applicationKey.flatMap { $0.isEmpty ? nil : $0 }
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.limiter = PanelRateLimiter(configuration: configuration)
        self.cache = ServerListCache()
        self.metrics = metrics
    }

    /// How much of each API's budget the last minute used.
    /// - Returns: The client API's figure, then the application API's.
    public func budgetUse() async -> [PanelBudgetUse] {
        await limiter.budgetUse(now: clock.now)
    }

    // MARK: - Client API

    /// Lists the client key's servers (`GET /api/client?per_page=100`, every page), from the cache when fresh.
    /// - Parameter forceRefresh: Fetch even if the cached list is younger than the refresh interval.
    /// - Returns: The servers, de-duplicated by UUID.
    /// - Throws: ``PanelError`` or `CancellationError`.
    public func servers(forceRefresh: Bool) async throws -> [PanelServer] {
        if !forceRefresh,
            let cached = await cache.fresh(now: clock.now, maxAge: configuration.serverListRefreshInterval)
        {
            return cached
        }
        let wire: [WireServer] = try await fetchAllPages(.client, path: "/api/client", query: [], perPage: 100)
        let servers = Self.deduplicated(wire.map(\.model))
        await cache.store(servers, now: clock.now)
        return servers
    }

    /// One server (`GET /api/client/servers/{server}`), with its allocations.
    /// - Parameter id: The server.
    /// - Returns: The server.
    /// - Throws: ``PanelError`` or `CancellationError`.
    public func serverDetails(_ id: ServerID) async throws -> PanelServer {
        do {
            let item: WireItem<WireServer> = try await getJSON(.client, path: "/api/client/servers/\(escape(id))")
            guard let attributes = item.attributes else {
                throw PanelError.malformedResponse(detail: "server \(id) came back as a null resource")
            }
            return attributes.model
        } catch PanelError.notFound(let detail) {
            await cache.invalidate()
            throw PanelError.notFound(detail: detail)
        }
    }

    /// Live usage (`GET /api/client/servers/{server}/resources`).
    ///
    /// When the cached server list already says the panel will refuse (suspended, installing, transferring,
    /// restoring, node in maintenance), no request is spent and ``PanelError/stateConflict(_:detail:)`` is thrown.
    /// - Parameter id: The server.
    /// - Returns: The resources.
    /// - Throws: ``PanelError`` or `CancellationError`.
    public func resources(of id: ServerID) async throws -> ServerResources {
        if let known = await cache.lookUp(id), let state = known.conflictState {
            throw PanelError.stateConflict(state, detail: "the server list reports the server as \(state)")
        }
        do {
            let item: WireItem<WireStats> = try await getJSON(
                .client,
                path: "/api/client/servers/\(escape(id))/resources",
                server: id
            )
            guard let attributes = item.attributes else {
                throw PanelError.malformedResponse(detail: "resources of \(id) came back as a null resource")
            }
            return attributes.model
        } catch PanelError.notFound(let detail) {
            await cache.invalidate()
            throw PanelError.notFound(detail: detail)
        }
    }

    /// Live usage of many servers, at most ``PanelClientConfiguration/maxConcurrentRequests`` at a time, in the
    /// order given (requests also queue in order for rate-limit tokens, so none starves).
    /// - Parameter ids: The servers.
    /// - Returns: One result per distinct id.
    /// - Throws: Only `CancellationError`.
    public func resources(of ids: [ServerID]) async throws -> [ServerID: Result<ServerResources, PanelError>] {
        var seen = Set<ServerID>()
        let unique = ids.filter { seen.insert($0).inserted }
        var results: [ServerID: Result<ServerResources, PanelError>] = [:]
        results.reserveCapacity(unique.count)
        try await withThrowingTaskGroup(of: (ServerID, Result<ServerResources, PanelError>).self) { group in
            var pending = unique.makeIterator()
            for _ in 0..<configuration.maxConcurrentRequests {
                guard let id = pending.next() else { break }
                group.addTask { (id, try await self.resourceResult(id)) }
            }
            while let (id, result) = try await group.next() {
                results[id] = result
                if let next = pending.next() {
                    group.addTask { (next, try await self.resourceResult(next)) }
                }
            }
        }
        return results
    }

    /// Sends a power signal (`POST /api/client/servers/{server}/power`) once, never retried.
    ///
    /// The panel's 204 only means Wings accepted the signal; watch `resources(of:)` for the outcome.
    /// - Parameters:
    ///   - signal: The signal.
    ///   - id: The server.
    /// - Throws: ``PanelError`` or `CancellationError`.
    public func sendPower(_ signal: PowerSignal, to id: ServerID) async throws {
        let body = Array(#"{"signal":"\#(signal.rawValue)"}"#.utf8)
        _ = try await perform(
            .client,
            method: .POST,
            path: "/api/client/servers/\(escape(id))/power",
            body: body,
            idempotent: false,
            server: id
        )
    }

    /// A token and socket URL for the server's Wings websocket (`GET /api/client/servers/{server}/websocket`,
    /// reference §7.6 and §12); one Client API request from the same budget as the others.
    ///
    /// The panel signs the token itself without asking Wings, so this succeeds while the node is down; connecting
    /// then fails. When the cached server list already says the panel will refuse (suspended, installing,
    /// transferring, restoring, node in maintenance), no request is spent. The token is valid for
    /// ``WingsSocketCredentials/tokenLifetime``.
    /// - Parameter id: The server.
    /// - Returns: The credentials; their token never prints itself.
    /// - Throws: ``PanelError/forbidden(_:detail:)`` naming `websocket.connect` when the key may not connect,
    ///   other ``PanelError``s, or `CancellationError`.
    public func websocketCredentials(of id: ServerID) async throws -> WingsSocketCredentials {
        if let known = await cache.lookUp(id), let state = known.conflictState {
            throw PanelError.stateConflict(state, detail: "the server list reports the server as \(state)")
        }
        do {
            let wire: WireWebsocketCredentials = try await getJSON(
                .client,
                path: "/api/client/servers/\(escape(id))/websocket",
                server: id
            )
            return wire.model
        } catch PanelError.forbidden(.client, let detail) {
            // `WebsocketController.php` checks `websocket.connect` before signing anything.
            throw PanelError.forbidden(
                .client,
                detail: "the key's account may not open the websocket of server \(id): it needs the "
                    + "websocket.connect permission (a subuser must be granted it on this server). Panel said: \(detail)"
            )
        } catch PanelError.notFound(let detail) {
            await cache.invalidate()
            throw PanelError.notFound(detail: detail)
        }
    }

    /// The most activity pages one ``powerActivity(of:since:)`` reads.
    public static var maxActivityPages: Int { 2 }

    /// Power actions logged for a server since `since`, newest first
    /// (`GET /api/client/servers/{server}/activity?sort=-timestamp&filter[event]=server:power&per_page=25`,
    /// panel 1.8+, reference §7.9).
    ///
    /// The first page is enough when its oldest entry is older than `since`; otherwise the next page is read, at
    /// most ``maxActivityPages`` in all (each page is one Client API request from the same budget). With the
    /// panel's `activity.hide_admin_activity` on, a root admin's actions are missing from the log.
    /// - Parameters:
    ///   - id: The server.
    ///   - since: The earliest entry wanted.
    /// - Returns: The entries logged at or after `since`, newest first; `server:power.<signal>` events carry their
    ///   signal, other events none.
    /// - Throws: ``PanelError/forbidden(_:detail:)`` naming `activity.read` when the key may not read the log,
    ///   ``PanelError/unsupported(detail:)`` on a panel without the endpoint, other ``PanelError``s, or
    ///   `CancellationError`.
    public func powerActivity(of id: ServerID, since: Date) async throws -> [PowerActivity] {
        let path = "/api/client/servers/\(escape(id))/activity"
        let perPage = 25
        var entries: [PowerActivity] = []
        for page in 1...Self.maxActivityPages {
            let list: WireList<WireActivity>
            do {
                list = try await getJSON(
                    .client,
                    path: path,
                    query: [
                        ("sort", "-timestamp"), ("filter[event]", "server:power"), ("per_page", String(perPage)),
                        ("page", String(page)),
                    ],
                    server: id
                )
            } catch PanelError.forbidden(.client, let detail) {
                // `ActivityLogController.php` authorizes `activity.read` before anything else on this route.
                throw PanelError.forbidden(
                    .client,
                    detail: "the key's account may not read the activity log of server \(id): it needs the "
                        + "activity.read permission (a subuser must be granted it on this server). Panel said: \(detail)"
                )
            } catch PanelError.notFound(let detail) where detail.hasPrefix("The route ") {
                // Laravel's unknown-route 404 (reference §5): the panel predates the activity log (1.8).
                throw PanelError.unsupported(detail: "no server activity log (it came with panel 1.8): \(detail)")
            }
            let pagination = list.meta?.pagination
            // A proxy that ignores `?page` answers page 1 again: its entries are already in (see PageWalk).
            if let currentPage = pagination?.currentPage, currentPage != page { break }
            let received = list.data.compactMap(\.attributes).map(\.model)
            entries += received
            let hasMore =
                pagination?.totalPages.map { page < $0 } ?? (received.count >= perPage)
            guard hasMore, let oldest = received.map(\.loggedAt).min(), oldest >= since else { break }
        }
        // Newest first even if something in between ignored `sort`; equal timestamps keep the panel's order.
        return entries.enumerated()
            .filter { $0.element.loggedAt >= since }
            .sorted { ($0.element.loggedAt, $1.offset) > ($1.element.loggedAt, $0.offset) }
            .map(\.element)
    }

    // MARK: - Application API

    /// Every node with its totals, allocated resources and location (`GET /api/application/nodes?include=location`,
    /// every page). Pelican has no locations and ignores the include (Fractal drops includes a transformer does not
    /// offer); a key without read access to locations gets a `null_resource` (no location).
    /// - Returns: The nodes.
    /// - Throws: ``PanelError`` or `CancellationError`.
    public func nodes() async throws -> [PanelNode] {
        let wire: [WireNode] = try await fetchAllPages(
            .application,
            path: "/api/application/nodes",
            query: [("include", "location")],
            perPage: 100
        )
        return wire.map(\.model)
    }

    /// A node's allocations, assigned and free (`GET /api/application/nodes/{id}/allocations`, every page).
    /// - Parameter nodeID: The node's numeric id.
    /// - Returns: The allocations.
    /// - Throws: ``PanelError`` or `CancellationError`.
    public func allocations(ofNode nodeID: Int) async throws -> [NodeAllocation] {
        let wire: [WireAllocation] = try await fetchAllPages(
            .application,
            path: "/api/application/nodes/\(nodeID)/allocations",
            query: [],
            perPage: 100
        )
        return wire.map {
            NodeAllocation(
                id: $0.id,
                ip: $0.ip,
                alias: $0.alias,
                port: $0.port,
                notes: $0.notes,
                isAssigned: $0.assigned ?? false
            )
        }
    }

    // MARK: - Budget

    /// Client API requests per minute needed to poll `serverCount` servers every `interval` (resources plus the
    /// amortized list refresh).
    /// - Parameters:
    ///   - serverCount: Servers polled per cycle.
    ///   - interval: Cycle length.
    /// - Returns: Requests per minute.
    public func requiredRequestsPerMinute(forServerCount serverCount: Int, interval: Duration) -> Double {
        let intervalSeconds = max(interval.inSeconds, 0.001)
        let listPages = Double((serverCount + 99) / 100)
        let refreshSeconds = max(configuration.serverListRefreshInterval.inSeconds, intervalSeconds)
        return Double(serverCount) * 60 / intervalSeconds + listPages * 60 / refreshSeconds
    }

    /// Advice when polling needs more requests than the budget allows, or `nil`. The steady budget is about 80 % of the configured
    /// limit (the rest is burst headroom, see ``TokenBucket``).
    public func budgetWarning(forServerCount serverCount: Int, interval: Duration) -> String? {
        let needed = requiredRequestsPerMinute(forServerCount: serverCount, interval: interval)
        let limit = configuration.clientRateLimitPerMinute
        let steady = TokenBucket<C.Instant>(limitPerMinute: limit).sustainedPerMinute
        guard needed > steady else { return nil }
        let stretched = interval.inSeconds * needed / steady
        return "polling \(serverCount) servers every \(Self.format(interval.inSeconds)) s needs about "
            + "\(Int(needed.rounded(.up))) Client API requests per minute, but the budget allows \(Int(steady)) "
            + "(about 80 % of [Pterodactyl] ClientRateLimitPerMinute = \(limit)); each cycle will stretch to about "
            + "\(Self.format(stretched)) s. Raise the panel's APP_API_CLIENT_RATELIMIT and ClientRateLimitPerMinute, "
            + "or poll fewer servers or less often."
    }

    // MARK: - Requests

    private func resourceResult(_ id: ServerID) async throws -> Result<ServerResources, PanelError> {
        do {
            return .success(try await resources(of: id))
        } catch let error as PanelError {
            return .failure(error)
        }
    }

    private func fetchAllPages<A: Decodable>(
        _ api: PanelAPI,
        path: String,
        query: [(String, String)],
        perPage: Int
    ) async throws -> [A] {
        var all: [A] = []
        var walk = PageWalk(perPage: perPage, maxPages: configuration.maxPagesPerListing)
        // The application API's `links` drop `per_page` and `include`, so the URL is rebuilt for each page.
        while true {
            let list: WireList<A> = try await getJSON(
                api,
                path: path,
                query: query + [("per_page", String(perPage)), ("page", String(walk.page))]
            )
            let pagination = list.meta?.pagination
            let step = walk.received(
                currentPage: pagination?.currentPage,
                totalPages: pagination?.totalPages,
                itemCount: list.data.count
            )
            // A page that did not advance repeats an earlier one: its items are already in.
            let repeatsEarlierPage = if case .stop(.pageDidNotAdvance) = step { true } else { false }
            if !repeatsEarlierPage {
                all.append(contentsOf: list.data.compactMap(\.attributes))
            }
            switch step {
            case .next:
                continue
            case .done:
                return all
            case .stop(let reason):
                // Once per listing, at warning level: a truncated list silently drops servers from the bot.
                logger.warning(
                    "panel listing stopped early",
                    metadata: ["ptero.path": "\(path)", "ptero.items": "\(all.count)", "reason": "\(reason)"]
                )
                return all
            }
        }
    }

    private func getJSON<T: Decodable>(
        _ api: PanelAPI,
        path: String,
        query: [(String, String)] = [],
        server: ServerID? = nil
    ) async throws -> T {
        let body = try await perform(api, method: .GET, path: path, query: query, idempotent: true, server: server)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let error as DecodingError {
            throw PanelError.malformedResponse(detail: "\(path): \(error.secretFreeSummary)")
        }
    }

    /// Sends one request (with retries if `idempotent`) and returns the body of a 2xx answer.
    /// - Throws: ``PanelError`` or `CancellationError`.
    private func perform(
        _ api: PanelAPI,
        method: HTTPMethod,
        path: String,
        query: [(String, String)] = [],
        body: [UInt8]? = nil,
        idempotent: Bool,
        server: ServerID?
    ) async throws -> [UInt8] {
        let key: PanelAPIKey
        switch api {
        case .client: key = clientKey
        case .application:
            guard let applicationKey else { throw PanelError.missingApplicationKey }
            key = applicationKey
        }
        var request = HTTPClientRequest(url: baseURL + path + Self.queryString(query))
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key.exposedValue)")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "pterodisbot")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        var logger = self.logger
        logger[metadataKey: "ptero.api"] = "\(api)"
        logger[metadataKey: "ptero.path"] = "\(path)"
        if let server { logger[metadataKey: "ptero.server"] = "\(server)" }

        let attempts = idempotent ? configuration.retryPolicy.maxAttempts : 1
        var attempt = 1
        while true {
            try await waitForToken(api)
            let error: PanelError
            let started = ContinuousClock.now
            var status: Int?
            defer { metrics.attempted(path: path, status: status, duration: started.duration(to: .now)) }
            do {
                let response = try await httpClient.execute(
                    request,
                    timeout: TimeAmount(configuration.requestTimeout)
                )
                status = Int(response.status.code)
                let bytes = try await collect(response)
                if let remaining = response.headers.first(name: "X-RateLimit-Remaining").flatMap({ Int($0) }) {
                    await limiter.observe(api, remaining: remaining, now: clock.now)
                }
                let retryAfter =
                    PanelResponseClassifier.retryAfter(response.headers.first(name: "Retry-After"))
                    ?? configuration.defaultRetryAfter
                guard
                    let failure = PanelResponseClassifier.error(
                        api: api,
                        status: Int(response.status.code),
                        body: bytes,
                        redirected: response.history.count > 1,
                        retryAfter: retryAfter
                    )
                else {
                    logger.trace("panel request succeeded", metadata: ["ptero.status": "\(response.status.code)"])
                    return bytes
                }
                if case .rateLimited = failure {
                    let now = clock.now
                    await limiter.block(api, until: now.advanced(by: retryAfter), now: now)
                }
                error = failure
            } catch let failure as PanelError {
                error = failure
            } catch let transportError {
                if Task.isCancelled || transportError is CancellationError { throw CancellationError() }
                error = transportError.asTransportFailure
            }
            logger.debug(
                "panel request failed",
                metadata: ["error": "\(error)", "ptero.attempt": "\(attempt)"]
            )
            guard attempt < attempts, PanelResponseClassifier.isRetryable(error) else { throw error }
            if case .rateLimited = error {
                // The limiter holds the next token until Retry-After has passed.
            } else {
                let delay = configuration.retryPolicy.delay(beforeRetry: attempt, unitRandom: Double.random(in: 0..<1))
                try await clock.sleep(until: clock.now.advanced(by: delay), tolerance: nil)
            }
            attempt += 1
        }
    }

    private func collect(_ response: HTTPClientResponse) async throws -> [UInt8] {
        do {
            let buffer = try await response.body.collect(upTo: configuration.maxResponseBytes)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw PanelError.malformedResponse(detail: "body larger than \(configuration.maxResponseBytes) bytes")
        }
    }

    /// Waits for a rate-limit token, then for any 429 block that started meanwhile.
    private func waitForToken(_ api: PanelAPI) async throws {
        let start = await limiter.reserve(api, now: clock.now)
        if clock.now < start {
            try await clock.sleep(until: start, tolerance: nil)
        }
        while let blockedUntil = await limiter.blocked(api, after: clock.now) {
            try await clock.sleep(until: blockedUntil, tolerance: nil)
        }
    }

    // MARK: - Helpers

    private func escape(_ id: ServerID) -> String {
        Self.percentEncode(id.rawValue)
    }

    private static func deduplicated(_ servers: [PanelServer]) -> [PanelServer] {
        var seen = Set<String>()
        return servers.filter { seen.insert($0.uuid).inserted }
    }

    private static func queryString(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { percentEncode($0.0) + "=" + percentEncode($0.1) }.joined(separator: "&")
    }

    private static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: ","):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    private static func format(_ seconds: Double) -> String {
        seconds >= 10 || seconds == seconds.rounded()
            ? String(Int(seconds.rounded())) : String(Double(Int(seconds * 10)) / 10)
    }
}

extension DefaultPanelClient where C == ContinuousClock {
    /// Creates a client on the continuous clock.
    /// - Parameters:
    ///   - httpClient: A client configured with `redirectConfiguration: .disallow`.
    ///   - baseURL: The panel URL.
    ///   - clientKey: The client key.
    ///   - applicationKey: The application key, if any.
    ///   - configuration: Budgets, timeouts, retries.
    ///   - metrics: Where requests and their latency are counted (nothing is counted by default).
    ///   - logger: Component logger.
    public convenience init(
        httpClient: HTTPClient,
        baseURL: String,
        clientKey: PanelAPIKey,
        applicationKey: PanelAPIKey? = nil,
        configuration: PanelClientConfiguration = PanelClientConfiguration(),
        metrics: PanelRequestMetrics = .none,
        logger: Logger = Logger(label: "pterodisbot.panel")
    ) {
        self.init(
            httpClient: httpClient,
            baseURL: baseURL,
            clientKey: clientKey,
            applicationKey: applicationKey,
            configuration: configuration,
            clock: ContinuousClock(),
            metrics: metrics,
            logger: logger
        )
    }
}

extension Error {
    /// Maps a transport failure (no HTTP answer) to ``PanelError/panelUnreachable(reason:)``.
    fileprivate var asTransportFailure: PanelError {
        if let error = self as? HTTPClientError {
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout:
                return .panelUnreachable(reason: PanelError.timedOutReason)
            case .remoteConnectionClosed:
                return .panelUnreachable(reason: "the connection was closed without an answer")
            case .redirectLimitReached, .redirectCycleDetected:
                return .authenticationFailed(.client, reason: "the panel keeps redirecting (to its login page)")
            default:
                return .panelUnreachable(reason: "\(error)")
            }
        }
        // NIOPosix's connection errors (refused, DNS) are not visible from this target; read their text.
        let text = String(describing: self).lowercased()
        if text.contains("refused") { return .panelUnreachable(reason: "connection refused") }
        if text.contains("timeout") || text.contains(PanelError.timedOutReason) {
            return .panelUnreachable(reason: PanelError.timedOutReason)
        }
        if text.contains("dns") || text.contains("resolve") || text.contains("lookup") {
            return .panelUnreachable(reason: "the panel's host name did not resolve")
        }
        return .panelUnreachable(reason: "could not connect (\(text.prefix(200)))")
    }
}
