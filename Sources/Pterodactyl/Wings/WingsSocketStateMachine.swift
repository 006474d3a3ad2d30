import PanelCore

/// How one Wings socket behaves: sampling, back-off, fall-back and the token request budget.
public struct WingsSocketConfiguration: Sendable, Hashable {
    /// At most one usage sample is published per interval; a `status` change is published at once.
    public var sampleInterval: Duration
    /// The first reconnect delay; each further consecutive failure doubles it.
    public var initialBackoff: Duration
    /// The longest reconnect delay.
    public var maxBackoff: Duration
    /// How long a socket must stay authenticated before the failure count (and back-off) resets.
    public var healthyAfter: Duration
    /// Consecutive failures after which the bot should poll `/resources` instead (the socket keeps retrying).
    public var failuresBeforeFallback: Int
    /// A held token is reused (reconnect, duplicate `token expiring`) while more than this is left on it. Wings
    /// warns once 60 s or less are left (`router/websocket/listeners.go`, `listenForExpiration`).
    public var tokenRefreshMargin: Duration
    /// Most credential requests for this socket in any 60 s. Pelican allows 5 a minute per server on the
    /// websocket route (issue 21); counting over a sliding 60 s keeps every fixed window the panel uses (Laravel's
    /// limiter, reference §6) at or under the same count.
    public var credentialRequestsPerMinute: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - sampleInterval: Minimum time between published samples (the bot's update interval).
    ///   - initialBackoff: First reconnect delay (1 s).
    ///   - maxBackoff: Longest reconnect delay (60 s).
    ///   - healthyAfter: Authenticated time that resets the back-off (60 s).
    ///   - failuresBeforeFallback: Consecutive failures before polling takes over (3).
    ///   - tokenRefreshMargin: Time left on a token below which a new one is fetched (60 s).
    ///   - credentialRequestsPerMinute: Cap on token requests in any 60 s (5).
    public init(
        sampleInterval: Duration,
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(60),
        healthyAfter: Duration = .seconds(60),
        failuresBeforeFallback: Int = 3,
        tokenRefreshMargin: Duration = .seconds(60),
        credentialRequestsPerMinute: Int = 5
    ) {
        self.sampleInterval = sampleInterval
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.healthyAfter = healthyAfter
        self.failuresBeforeFallback = max(1, failuresBeforeFallback)
        self.tokenRefreshMargin = tokenRefreshMargin
        self.credentialRequestsPerMinute = max(1, credentialRequestsPerMinute)
    }
}

/// Why a Wings socket could not be opened or stopped working, as the driver saw it.
public enum WingsSocketCloseCause: Sendable, Hashable {
    /// The socket was open and closed with this websocket close code and reason.
    case closed(code: UInt16, reason: String)
    /// The HTTP upgrade got this status instead of 101 (403: Wings' `CheckOrigin` refused the `Origin`).
    case upgradeRejected(status: Int)
    /// The TCP connection was refused: Wings is not listening on that port.
    case connectionRefused
    /// The TLS handshake failed (certificate, host name, or a plain-HTTP port).
    case tlsFailure(String)
    /// Connecting timed out: nothing answered.
    case timedOut
    /// Anything else, described without secrets.
    case other(String)
}

/// One server's Wings websocket as a pure value: inputs (what arrived, what time it is) return actions (fetch a
/// token, connect, send, publish, wait, fall back). It does no I/O and reads time only from the instants passed
/// in, so tests drive it step by step.
///
/// The protocol (reference §12; pterodactyl/wings `router/websocket/websocket.go`, `listeners.go`, `message.go`):
/// send `auth [token]` first; after `auth success` send `send stats` for an immediate sample; on `token expiring`
/// fetch a new token and `auth` again on the same socket; on `token expired` or `jwt error` fetch a fresh token and
/// `auth` again. A closed socket reconnects with exponential back-off; after
/// ``WingsSocketConfiguration/failuresBeforeFallback`` consecutive failures the machine says why polling should take
/// over, and keeps retrying.
///
/// The driver calls ``start(now:)``, performs each action, feeds results back (``credentialsFetched(_:expiresAt:now:)``,
/// ``connected(now:)``, ``received(_:now:)``, ``closed(_:now:)``, ``tokenFetchFailed(_:now:)``) and calls
/// ``tick(now:)`` at ``nextDeadline`` (after a ``Action/reconnect(after:)`` wait, for example).
public struct WingsSocketStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What the driver should do.
    public enum Action: Sendable, Hashable {
        /// Request credentials (`DefaultPanelClient.websocketCredentials(of:)`) and report the result.
        case fetchCredentials
        /// Open the socket at this URL (with `Origin` set to the panel URL) and report ``connected(now:)`` or
        /// ``closed(_:now:)``.
        case connect(url: String)
        /// Send this frame on the open socket.
        case send(WingsClientFrame)
        /// A usage sample for the bot.
        case publishSample(ServerResources)
        /// The power state changed (raw Wings value kept).
        case publishState(ServerState, raw: String)
        /// Wait this long, then call ``tick(now:)``, which connects again.
        case reconnect(after: Duration)
        /// Live stats are not coming: poll `/resources` until ``resumeStreaming``. The reason is one line naming
        /// the likely cause.
        case fallBackToPolling(reason: String)
        /// The socket has been healthy for ``WingsSocketConfiguration/healthyAfter`` again: stop polling.
        case resumeStreaming
        /// Close the socket (after ``stop()``, or to reconnect after a failed token request).
        case close
    }

    private enum Socket: Sendable, Hashable {
        /// Before ``start(now:)``, or after ``stop()``.
        case idle
        /// No socket: waiting for credentials, or for `at` before reconnecting.
        case waiting(until: Instant?)
        /// ``Action/connect(url:)`` was returned.
        case connecting
        /// Open; `auth` sent, `auth success` not yet received.
        case authenticating
        /// Open and authenticated since `since`.
        case live(since: Instant)
    }

    private struct HeldToken: Sendable, Hashable {
        var credentials: WingsSocketCredentials
        var expiresAt: Instant
    }

    private let configuration: WingsSocketConfiguration
    private var socket = Socket.idle
    private var token: HeldToken?
    private var stopped = false
    /// True once `auth success` arrived on the current socket (later ones answer a re-auth).
    private var authenticatedOnThisSocket = false
    private var fetchInFlight = false
    /// A token request the cap deferred; `tick` sends it when the window allows.
    private var fetchDeferred = false
    /// When each credential request of the last 60 s was made, oldest first.
    private var recentRequests: [Instant] = []
    private var consecutiveFailures = 0
    /// `jwt error`s since the last `auth success`: a token Wings keeps refusing is a failure, not a refresh.
    private var jwtErrorsSinceSuccess = 0
    private var fellBack = false
    private var lastState: String?
    private var lastSampleAt: Instant?
    private var pendingSample: ServerResources?

    /// Creates an idle machine.
    /// - Parameter configuration: Sampling, back-off and budget settings.
    public init(configuration: WingsSocketConfiguration) {
        self.configuration = configuration
    }

    /// The consecutive failures counted so far (reset after a healthy period).
    public var failureCount: Int { consecutiveFailures }

    /// True between ``Action/fallBackToPolling(reason:)`` and ``Action/resumeStreaming``.
    public var isFallingBack: Bool { fellBack }

    /// When ``tick(now:)`` has something to do next (a reconnect, a deferred token request, a held sample, the end
    /// of the healthy period), or `nil`.
    public var nextDeadline: Instant? {
        var deadlines: [Instant] = []
        if case .waiting(let until?) = socket { deadlines.append(until) }
        if fetchDeferred, let allowed = nextRequestAllowed { deadlines.append(allowed) }
        if pendingSample != nil, let last = lastSampleAt {
            deadlines.append(last.advanced(by: configuration.sampleInterval))
        }
        if case .live(let since) = socket, consecutiveFailures > 0 || fellBack {
            deadlines.append(since.advanced(by: configuration.healthyAfter))
        }
        return deadlines.min()
    }

    // MARK: - Inputs

    /// Starts the socket: fetches credentials.
    /// - Parameter now: The current instant.
    /// - Returns: The actions (``Action/fetchCredentials``).
    public mutating func start(now: Instant) -> [Action] {
        guard case .idle = socket, !stopped else { return [] }
        socket = .waiting(until: nil)
        return requestCredentials(now: now, forced: false)
    }

    /// A credentials request succeeded.
    /// - Parameters:
    ///   - credentials: The token and socket URL.
    ///   - expiresAt: When the token expires (the request's instant plus ``WingsSocketCredentials/tokenLifetime``).
    ///   - now: The current instant.
    /// - Returns: ``Action/connect(url:)`` without a socket, or `auth` on the open one.
    public mutating func credentialsFetched(
        _ credentials: WingsSocketCredentials,
        expiresAt: Instant,
        now: Instant
    ) -> [Action] {
        fetchInFlight = false
        guard !stopped else { return [] }
        token = HeldToken(credentials: credentials, expiresAt: expiresAt)
        return useToken(now: now)
    }

    /// A credentials request failed (403 without `websocket.connect`, 409 suspended, panel down, ...).
    /// - Parameters:
    ///   - failure: The classified failure; its detail carries the panel's advice.
    ///   - now: The current instant.
    /// - Returns: A back-off wait, and the fall-back once failures reach the threshold.
    public mutating func tokenFetchFailed(_ failure: PanelFailure, now: Instant) -> [Action] {
        fetchInFlight = false
        guard !stopped else { return [] }
        let reason = "the panel gave no websocket token: \(failure.detail)"
        switch socket {
        case .authenticating, .live:
            // The open socket's token is about to lapse and cannot be renewed: reconnect later instead, when the
            // panel may answer again.
            return [.close] + fail(reason: reason, now: now)
        default:
            return fail(reason: reason, now: now)
        }
    }

    /// The socket opened.
    /// - Parameter now: The current instant.
    /// - Returns: The `auth` frame.
    public mutating func connected(now: Instant) -> [Action] {
        guard case .connecting = socket, !stopped else { return [] }
        authenticatedOnThisSocket = false
        guard let token, isUsable(token, now: now) else {
            socket = .authenticating
            return requestCredentials(now: now, forced: false)
        }
        socket = .authenticating
        return [.send(.auth(token.credentials.token))]
    }

    /// A frame arrived.
    /// - Parameters:
    ///   - message: The decoded frame.
    ///   - now: The current instant.
    /// - Returns: The actions it causes.
    public mutating func received(_ message: WingsSocketMessage, now: Instant) -> [Action] {
        guard !stopped else { return [] }
        switch socket {
        case .authenticating, .live: break
        default: return []
        }
        var actions = healthCheck(now: now)
        switch message {
        case .authSuccess:
            jwtErrorsSinceSuccess = 0
            if case .authenticating = socket { socket = .live(since: now) }
            if !authenticatedOnThisSocket {
                authenticatedOnThisSocket = true
                // Only the first auth on a socket is followed by `status`; ask for a sample now rather than wait
                // for Docker's next one (`websocket.go`, `HandleInbound`).
                actions.append(.send(.sendStats))
            }
        case .status(let state, let raw):
            if raw != lastState {
                lastState = raw
                actions.append(.publishState(state, raw: raw))
            }
        case .stats(let sample):
            if let last = lastSampleAt, now < last.advanced(by: configuration.sampleInterval) {
                // Wings streams about one sample a second; keep only the newest until the interval ends.
                pendingSample = sample
            } else {
                lastSampleAt = now
                pendingSample = nil
                actions.append(.publishSample(sample))
            }
        case .tokenExpiring:
            // Wings warns on every 30 s check in the last minute; a token fetched meanwhile is simply sent.
            if let token, isUsable(token, now: now) {
                if case .live = socket { actions.append(.send(.auth(token.credentials.token))) }
            } else {
                actions += requestCredentials(now: now, forced: false)
            }
        case .tokenExpired:
            actions += requestCredentials(now: now, forced: true)
        case .jwtError(let text):
            jwtErrorsSinceSuccess += 1
            if jwtErrorsSinceSuccess >= configuration.failuresBeforeFallback, !fellBack {
                fellBack = true
                actions.append(
                    .fallBackToPolling(
                        reason: "Wings refused the websocket token \(jwtErrorsSinceSuccess) times (jwt error: "
                            + "\(text.prefix(120))): check the node's clock and that the panel and Wings share "
                            + "the node's daemon token"
                    )
                )
            }
            actions += requestCredentials(now: now, forced: true)
        case .daemonError, .other, .undecodable:
            break
        }
        return actions
    }

    /// The socket closed, or connecting failed.
    /// - Parameters:
    ///   - cause: What the driver saw.
    ///   - now: The current instant.
    /// - Returns: A back-off wait, and the fall-back once failures reach the threshold.
    public mutating func closed(_ cause: WingsSocketCloseCause, now: Instant) -> [Action] {
        guard !stopped else { return [] }
        switch socket {
        case .connecting, .authenticating, .live: break
        // Already waiting: this is the close the machine asked for.
        default: return []
        }
        let actions = healthCheck(now: now)
        return actions + fail(reason: Self.reason(for: cause), now: now)
    }

    /// Time passed: reconnect when the wait is over, send a deferred token request, publish a held sample, end
    /// the healthy period.
    /// - Parameter now: The current instant.
    /// - Returns: The actions now due.
    public mutating func tick(now: Instant) -> [Action] {
        guard !stopped else { return [] }
        var actions = healthCheck(now: now)
        if let sample = pendingSample, let last = lastSampleAt, now >= last.advanced(by: configuration.sampleInterval) {
            pendingSample = nil
            lastSampleAt = now
            actions.append(.publishSample(sample))
        }
        if fetchDeferred {
            fetchDeferred = false
            actions += requestCredentials(now: now, forced: true)
        }
        if case .waiting(let until?) = socket, now >= until {
            socket = .waiting(until: nil)
            actions += useToken(now: now)
        }
        return actions
    }

    /// Stops for good (shutdown, or the server left the bot).
    /// - Returns: ``Action/close`` when a socket is open or opening.
    public mutating func stop() -> [Action] {
        guard !stopped else { return [] }
        stopped = true
        defer { socket = .idle }
        switch socket {
        case .connecting, .authenticating, .live: return [.close]
        default: return []
        }
    }

    // MARK: - Rules

    /// Acts on the held token: connect when there is no socket, `auth` on an open one; fetch when it is stale.
    private mutating func useToken(now: Instant) -> [Action] {
        guard let token, isUsable(token, now: now) else {
            return requestCredentials(now: now, forced: false)
        }
        switch socket {
        case .waiting(until: nil):
            socket = .connecting
            return [.connect(url: token.credentials.socketURL)]
        case .authenticating, .live:
            return [.send(.auth(token.credentials.token))]
        default:
            // Connecting (auth follows `connected`) or waiting out a back-off (`tick` connects).
            return []
        }
    }

    /// True while the token has more than the refresh margin left.
    private func isUsable(_ token: HeldToken, now: Instant) -> Bool {
        now < token.expiresAt.advanced(by: .zero - configuration.tokenRefreshMargin)
    }

    /// Asks for credentials unless one request is already out. Routine requests (`forced == false`) reuse a token
    /// that is still usable, so they happen about once per token lifetime; every request respects the per-minute
    /// cap, deferring to ``tick(now:)`` when it is reached.
    private mutating func requestCredentials(now: Instant, forced: Bool) -> [Action] {
        guard !fetchInFlight else { return [] }
        if !forced, token.map({ isUsable($0, now: now) }) == true {
            return useToken(now: now)
        }
        if forced { token = nil }
        recentRequests.removeAll { now >= $0.advanced(by: .seconds(60)) }
        guard recentRequests.count < configuration.credentialRequestsPerMinute else {
            fetchDeferred = true
            return []
        }
        recentRequests.append(now)
        fetchInFlight = true
        return [.fetchCredentials]
    }

    /// When the cap next allows a request.
    private var nextRequestAllowed: Instant? {
        guard recentRequests.count >= configuration.credentialRequestsPerMinute else { return recentRequests.last }
        return recentRequests.first?.advanced(by: .seconds(60))
    }

    /// Counts a failure and schedules the reconnect: 1 s, 2 s, 4 s, ... up to the maximum.
    private mutating func fail(reason: String, now: Instant) -> [Action] {
        consecutiveFailures += 1
        authenticatedOnThisSocket = false
        let delay = backoff(forFailure: consecutiveFailures)
        socket = .waiting(until: now.advanced(by: delay))
        var actions: [Action] = []
        if consecutiveFailures >= configuration.failuresBeforeFallback, !fellBack {
            fellBack = true
            actions.append(.fallBackToPolling(reason: reason))
        }
        actions.append(.reconnect(after: delay))
        return actions
    }

    private func backoff(forFailure failure: Int) -> Duration {
        var delay = configuration.initialBackoff
        for _ in 1..<max(1, failure) {
            delay = delay * 2
            if delay >= configuration.maxBackoff { return configuration.maxBackoff }
        }
        return min(delay, configuration.maxBackoff)
    }

    /// After a healthy period the failure count resets, and polling can stop.
    private mutating func healthCheck(now: Instant) -> [Action] {
        guard case .live(let since) = socket, now >= since.advanced(by: configuration.healthyAfter) else { return [] }
        consecutiveFailures = 0
        guard fellBack else { return [] }
        fellBack = false
        return [.resumeStreaming]
    }

    /// One line naming the likely cause of a failed or closed socket.
    static func reason(for cause: WingsSocketCloseCause) -> String {
        switch cause {
        case .upgradeRejected(403):
            // `CheckOrigin` in `router/websocket/websocket.go` refuses any Origin but the panel URL and
            // `allowed_origins`, and gorilla/websocket answers that with 403.
            "Wings refused the websocket upgrade (HTTP 403, Origin rejected): add the panel URL to Wings' "
                + "allowed_origins, or check the bot sends Origin: <panel URL>"
        // HTTP 429 on the upgrade is a proxy's or Wings' rate limit; 4429 follows the same convention (unverified in
        // Wings' source).
        case .upgradeRejected(429), .closed(4429, _):
            "Wings is throttling this websocket (too many connections or messages); retrying with back-off"
        case .upgradeRejected(let status):
            "Wings refused the websocket upgrade with HTTP \(status)"
        case .closed(4409, _):
            // Issue 21 lists 4409 for a suspended server; pterodactyl/wings' `router/router_server_ws.go` (023d7ec)
            // sends no such code itself, so this only names the cause when some Wings build does.
            "Wings closed the websocket with 4409: the server is suspended"
        case .closed(let code, let text):
            "the Wings websocket closed (code \(code)\(text.isEmpty ? "" : ": \(text.prefix(120))"))"
        case .connectionRefused:
            "connection to Wings refused: is Wings running, and is its port open to the bot?"
        case .tlsFailure(let detail):
            "TLS handshake with Wings failed (\(detail.prefix(120))): check the node's certificate and that the "
                + "node's scheme (https/wss) matches Wings' ssl setting"
        case .timedOut:
            "connecting to Wings timed out: a firewall may drop the node's daemon port"
        case .other(let detail):
            "could not connect to Wings: \(detail.prefix(160))"
        }
    }
}
