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
    /// How long an authenticated socket may stay silent before the machine sends `send stats` as a probe. An
    /// offline server sends nothing by itself, so without a probe a dead connection would look live forever.
    public var probeAfter: Duration
    /// How long the probe may go unanswered (by any frame) before the socket counts as dead and is replaced.
    public var probeTimeout: Duration
    /// How long an `auth` may go unanswered (no `auth success`, `jwt error` or `daemon error`) before the socket is
    /// closed and counted as failed: Wings drops a throttled `auth` without a reply.
    public var authTimeout: Duration

    /// Creates a configuration.
    /// - Parameters:
    ///   - sampleInterval: Minimum time between published samples (the bot's update interval).
    ///   - initialBackoff: First reconnect delay (1 s).
    ///   - maxBackoff: Longest reconnect delay (60 s).
    ///   - healthyAfter: Authenticated time that resets the back-off (60 s).
    ///   - failuresBeforeFallback: Consecutive failures before polling takes over (3).
    ///   - tokenRefreshMargin: Time left on a token below which a new one is fetched (60 s).
    ///   - credentialRequestsPerMinute: Cap on token requests in any 60 s (5).
    ///   - probeAfter: Silence on an authenticated socket before a `send stats` probe (30 s).
    ///   - probeTimeout: Wait for any frame after the probe before the socket counts as dead (10 s).
    ///   - authTimeout: Wait for an answer to `auth` before the socket counts as failed (15 s).
    public init(
        sampleInterval: Duration,
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(60),
        healthyAfter: Duration = .seconds(60),
        failuresBeforeFallback: Int = 3,
        tokenRefreshMargin: Duration = .seconds(60),
        credentialRequestsPerMinute: Int = 5,
        probeAfter: Duration = .seconds(30),
        probeTimeout: Duration = .seconds(10),
        authTimeout: Duration = .seconds(15)
    ) {
        self.sampleInterval = sampleInterval
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.healthyAfter = healthyAfter
        self.failuresBeforeFallback = max(1, failuresBeforeFallback)
        self.tokenRefreshMargin = tokenRefreshMargin
        self.credentialRequestsPerMinute = max(1, credentialRequestsPerMinute)
        self.probeAfter = probeAfter
        self.probeTimeout = probeTimeout
        self.authTimeout = authTimeout
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
/// A socket never looks alive while doing nothing: an `auth` that gets no answer within
/// ``WingsSocketConfiguration/authTimeout``, or an authenticated socket that stays silent through a `send stats`
/// probe (Wings answers it for any power state, `HandleInbound`), is closed and counted as a failure.
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
        /// Close the socket (after ``stop()``, or to reconnect after a failed token request, a refused or unanswered
        /// `auth`, or an unanswered probe). The machine already counts it as closed: a later ``closed(_:now:)`` for
        /// this socket changes nothing.
        case close
    }

    private enum Socket: Sendable, Hashable {
        /// Before ``start(now:)``, or after ``stop()``.
        case idle
        /// No socket: waiting for credentials, or for `at` before reconnecting.
        case waiting(until: Instant?)
        /// ``Action/connect(url:)`` was returned.
        case connecting
        /// Open; `auth success` not yet received (`auth` sent, or waiting for a token to send).
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
    /// Until when samples are held back: the last published one plus the sampling interval.
    private var sampleWindowEnds: Instant?
    private var pendingSample: WingsStatsSample?
    /// When the last frame arrived on the current socket.
    private var lastFrameAt: Instant?
    /// When the oldest `auth` still without an answer was sent.
    private var authSentAt: Instant?
    /// Wings said `throttled` while an `auth` was unanswered: it dropped that `auth` (`limiter.go`).
    private var throttledDuringAuth = false
    /// When the unanswered `send stats` probe was sent.
    private var probeSentAt: Instant?
    /// Where in its first token's life the socket renews it, from 0 (at once) to 1 (as `token expiring` would).
    private let firstRenewalPhase: Double?
    /// When the first token is renewed ahead of time; nil before it is known and once done.
    private var firstRenewalAt: Instant?
    private var firstRenewalScheduled = false
    /// The credentials request in flight is that early renewal: its failure leaves the working socket alone.
    private var renewingEarly = false

    /// Creates an idle machine.
    /// - Parameters:
    ///   - configuration: Sampling, back-off and budget settings.
    ///   - firstRenewalPhase: Where in its life the first token is renewed, in `0..<1` of the time before Wings
    ///     warns (`token expiring`) on average; nil renews only when warned. Sockets opened together would
    ///     otherwise renew together every token lifetime: a phase per socket spreads those renewals over the
    ///     lifetime, at the cost of one early token request per socket, and each later renewal keeps its phase.
    public init(configuration: WingsSocketConfiguration, firstRenewalPhase: Double? = nil) {
        self.configuration = configuration
        self.firstRenewalPhase = firstRenewalPhase.map { min(max($0, 0), 1) }
    }

    /// The consecutive failures counted so far (reset after a healthy period).
    public var failureCount: Int { consecutiveFailures }

    /// True between ``Action/fallBackToPolling(reason:)`` and ``Action/resumeStreaming``.
    public var isFallingBack: Bool { fellBack }

    /// When ``tick(now:)`` has something to do next (a reconnect, a deferred token request, a held sample, the end
    /// of the healthy period, a probe, the end of the wait for an answer to `auth` or to a probe), or `nil`.
    public var nextDeadline: Instant? {
        var deadlines: [Instant] = []
        if case .waiting(let until?) = socket { deadlines.append(until) }
        if fetchDeferred, let allowed = nextRequestAllowed { deadlines.append(allowed) }
        // Due whether or not a sample is held yet: Wings streams about one a second, so one arrives before the window
        // ends, and the deadline then stays put instead of moving earlier on the first held sample.
        if let ends = sampleWindowEnds { deadlines.append(ends) }
        if case .live(let since) = socket, consecutiveFailures > 0 || fellBack, !awaitingAnswer {
            deadlines.append(since.advanced(by: configuration.healthyAfter))
        }
        if let sent = authSentAt { deadlines.append(sent.advanced(by: configuration.authTimeout)) }
        if let renewal = firstRenewalAt { deadlines.append(renewal) }
        if case .live = socket {
            if let sent = probeSentAt {
                deadlines.append(sent.advanced(by: configuration.probeTimeout))
            } else if let last = lastFrameAt {
                deadlines.append(last.advanced(by: configuration.probeAfter))
            }
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
        renewingEarly = false
        guard !stopped else { return [] }
        token = HeldToken(credentials: credentials, expiresAt: expiresAt)
        if !firstRenewalScheduled, let phase = firstRenewalPhase {
            firstRenewalScheduled = true
            // Spread over the time a warned renewal comes after the fetch on average, so the early renewals cost
            // what the later ones do.
            let untilRenewal = now.duration(to: expiresAt) - Self.meanWarningLead
            if untilRenewal > .zero { firstRenewalAt = now.advanced(by: untilRenewal * phase) }
        } else {
            // Any other token renews it anyway.
            firstRenewalAt = nil
        }
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
        if renewingEarly {
            renewingEarly = false
            // The held token still works; Wings' own warning renews it later.
            if case .live = socket { return [] }
        }
        let reason = "the panel gave no websocket token: \(failure.detail)"
        switch socket {
        case .authenticating, .live:
            // The open socket's token is about to lapse and cannot be renewed: reconnect later instead, when the
            // panel may answer again.
            return closeAndFail(reason: reason, now: now)
        default:
            return fail(reason: reason, now: now)
        }
    }

    /// The socket opened.
    /// - Parameter now: The current instant.
    /// - Returns: The `auth` frame.
    public mutating func connected(now: Instant) -> [Action] {
        guard case .connecting = socket, !stopped else { return [] }
        forgetSocket()
        socket = .authenticating
        guard let token, isUsable(token, now: now) else {
            return requestCredentials(now: now, forced: false)
        }
        return [sendAuth(token, now: now)]
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
        // Any frame shows the connection carries data both ways often enough: the probe clock restarts.
        lastFrameAt = now
        probeSentAt = nil
        var actions = healthCheck(now: now)
        switch message {
        case .authSuccess:
            authAnswered()
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
                // A sample held back by the sampling interval was taken before the change: publishing it later
                // would put the old state back.
                pendingSample = nil
                actions.append(.publishState(state, raw: raw))
            }
        case .stats(let sample):
            if let ends = sampleWindowEnds, now < ends {
                // Wings streams about one sample a second; keep only the newest until the interval ends.
                pendingSample = sample
            } else {
                pendingSample = nil
                actions += publish(sample, now: now)
            }
        case .tokenExpiring:
            // Wings warns on every 30 s check in the last minute; a token fetched meanwhile is simply sent.
            if let token, isUsable(token, now: now) {
                if case .live = socket { actions.append(sendAuth(token, now: now)) }
            } else {
                actions += requestCredentials(now: now, forced: false)
            }
        case .tokenExpired:
            actions += requestCredentials(now: now, forced: true)
        case .jwtError(let text):
            authAnswered()
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
        case .daemonError(let text):
            // We send only `auth` and `send stats`, and only `auth` can fail: a token whose signature Wings cannot
            // verify is answered with the generic `daemon error`, not `jwt error` (`websocket.go`, `SendErrorJson`:
            // `IsJwtError` covers expiry and claims, not the signature). A fresh token from the same panel would be
            // refused the same way, so back off instead of asking at once; the held token is dropped in case it
            // was the only bad one.
            guard authSentAt != nil else { break }
            token = nil
            return actions
                + closeAndFail(
                    reason: "Wings did not accept the websocket token (daemon error: \(text.prefix(120))): check that "
                        + "the panel and Wings share the node's daemon token",
                    now: now
                )
        case .other("throttled"):
            // `limiter.go` says so once per throttled period and drops the frame: an `auth` then gets no answer.
            if authSentAt != nil { throttledDuringAuth = true }
        case .other, .undecodable:
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
        if let ends = sampleWindowEnds, now >= ends {
            sampleWindowEnds = nil
            if let sample = pendingSample {
                pendingSample = nil
                actions += publish(sample, now: now)
            }
        }
        if fetchDeferred {
            fetchDeferred = false
            actions += requestCredentials(now: now, forced: true)
        }
        if case .waiting(let until?) = socket, now >= until {
            socket = .waiting(until: nil)
            actions += useToken(now: now)
        }
        if let renewal = firstRenewalAt, now >= renewal {
            firstRenewalAt = nil
            actions += renewFirstTokenEarly(now: now)
        }
        return actions + checkAnswers(now: now)
    }

    /// Stops for good (shutdown, or the server left the bot).
    /// - Returns: ``Action/close`` when a socket is open or opening.
    public mutating func stop() -> [Action] {
        guard !stopped else { return [] }
        stopped = true
        forgetSocket()
        defer { socket = .idle }
        switch socket {
        case .connecting, .authenticating, .live: return [.close]
        default: return []
        }
    }

    // MARK: - Rules

    /// Reads a sample and publishes it; a frame whose argument is not a usage object is dropped, and the next one
    /// is published as soon as it comes.
    private mutating func publish(_ sample: WingsStatsSample, now: Instant) -> [Action] {
        guard let usage = sample.usage else { return [] }
        sampleWindowEnds = now.advanced(by: configuration.sampleInterval)
        return [.publishSample(usage)]
    }

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
            return [sendAuth(token, now: now)]
        default:
            // Connecting (auth follows `connected`) or waiting out a back-off (`tick` connects).
            return []
        }
    }

    /// The `auth` frame, starting the wait for its answer unless an older `auth` is still unanswered.
    private mutating func sendAuth(_ token: HeldToken, now: Instant) -> Action {
        if authSentAt == nil {
            authSentAt = now
            throttledDuringAuth = false
        }
        return .send(.auth(token.credentials.token))
    }

    /// Wings read an `auth` and answered it.
    private mutating func authAnswered() {
        authSentAt = nil
        throttledDuringAuth = false
    }

    /// True while an `auth` or a probe waits for its answer: the socket is not known to work.
    private var awaitingAnswer: Bool { authSentAt != nil || probeSentAt != nil }

    /// Ends a socket whose `auth` or probe went unanswered, or sends the probe when the socket has been quiet.
    private mutating func checkAnswers(now: Instant) -> [Action] {
        switch socket {
        case .authenticating, .live: break
        default: return []
        }
        if let sent = authSentAt, now >= sent.advanced(by: configuration.authTimeout) {
            let wait = Self.seconds(configuration.authTimeout)
            let reason =
                throttledDuringAuth
                ? "Wings throttled the websocket auth and gave no answer within \(wait): the token was not accepted"
                : "Wings did not answer the websocket auth within \(wait): the token was not accepted (Wings drops "
                    + "a throttled auth) or the node stopped answering"
            return closeAndFail(reason: reason, now: now)
        }
        guard case .live = socket else { return [] }
        if let sent = probeSentAt {
            guard now >= sent.advanced(by: configuration.probeTimeout) else { return [] }
            return closeAndFail(
                reason: "the node stopped answering on its websocket (nothing for "
                    + "\(Self.seconds(configuration.probeAfter)), and no reply to send stats within "
                    + "\(Self.seconds(configuration.probeTimeout)))",
                now: now
            )
        }
        guard let last = lastFrameAt, now >= last.advanced(by: configuration.probeAfter) else { return [] }
        // Wings answers `send stats` at once whatever the power state (`HandleInbound` sends `Proc()` without
        // checking it), so silence after it means the connection is gone.
        probeSentAt = now
        return [.send(.sendStats)]
    }

    /// Closes the open socket and counts a failure (the driver ignores the close it then reports).
    private mutating func closeAndFail(reason: String, now: Instant) -> [Action] {
        [.close] + fail(reason: reason, now: now)
    }

    /// Forgets what belonged to the previous socket.
    private mutating func forgetSocket() {
        authenticatedOnThisSocket = false
        lastFrameAt = nil
        probeSentAt = nil
        authAnswered()
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

    /// How long before a token's expiry Wings' warning comes on average: it checks every 30 s and warns once 60 s
    /// or less are left (`router/websocket/listeners.go`, `listenForExpiration`).
    static var meanWarningLead: Duration { .seconds(45) }

    /// Renews a live socket's first token ahead of Wings' warning, inside the request cap; a socket that is not live
    /// then, or a full cap, skips it (the warning renews the token anyway).
    private mutating func renewFirstTokenEarly(now: Instant) -> [Action] {
        guard case .live = socket, !fetchInFlight, !fetchDeferred else { return [] }
        recentRequests.removeAll { now >= $0.advanced(by: .seconds(60)) }
        guard recentRequests.count < configuration.credentialRequestsPerMinute else { return [] }
        recentRequests.append(now)
        fetchInFlight = true
        renewingEarly = true
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
        forgetSocket()
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

    /// After a healthy period the failure count resets, and polling can stop; not while an `auth` or a probe is
    /// unanswered.
    private mutating func healthCheck(now: Instant) -> [Action] {
        guard case .live(let since) = socket, now >= since.advanced(by: configuration.healthyAfter), !awaitingAnswer
        else { return [] }
        consecutiveFailures = 0
        guard fellBack else { return [] }
        fellBack = false
        return [.resumeStreaming]
    }

    /// `30 s`, for reasons.
    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(attoseconds) / 1e18) s"
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
            // Newer Wings (`router/router_server_ws.go`) upgrades a suspended server's socket and at once closes it
            // with 4409 "server is suspended", as the browser cannot read an HTTP status. A server suspended while
            // a socket is open has that socket dropped without a close frame (`HandleInbound` returns
            // `ErrSuspended` on the next inbound frame, which a quiet socket gets from the probe); the reconnect
            // then gets 4409.
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
