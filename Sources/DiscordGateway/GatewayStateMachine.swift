import DiscordModels

/// The Discord gateway protocol as a pure value: inputs (what arrived, what time it is) return actions (what to
/// send, when to connect, when to close). It never sleeps, never touches a socket and reads time only from the
/// instants passed in, so tests drive it step by step.
///
/// One machine lives for the whole life of the bot, across connections: it keeps the session, the sequence
/// number, the backoff attempt and the identify limits. The driver (``GatewayConnection``) calls
/// ``start(now:)``, opens the socket it is told to, feeds every inbound payload in, runs the heartbeat timer with
/// ``heartbeatTick(now:)``, and after the socket closes asks ``connectionClosed(code:now:)`` what to do next.
///
/// See https://discord.com/developers/docs/events/gateway#connection-lifecycle
public struct GatewayStateMachine<C: Clock>: Sendable where C.Duration == Duration {
    /// A point in time of the injected clock.
    public typealias Instant = C.Instant

    /// The close code the bot uses when it wants to keep its session resumable (zombie, op 7, op 9 `true`).
    /// Any code but 1000/1001 keeps the session; see
    /// https://discord.com/developers/docs/events/gateway#resuming
    public static var resumableCloseCode: UInt16 { 4000 }
    /// The close code that ends the session (shutdown, op 9 `false`).
    public static var normalCloseCode: UInt16 { 1000 }

    /// Where the machine is in the connection lifecycle.
    public enum Phase: Sendable, Hashable {
        /// No socket: before ``start(now:)``, or between connections.
        case idle
        /// A socket was requested; waiting for HELLO.
        case awaitingHello
        /// IDENTIFY sent; waiting for READY.
        case identifying
        /// RESUME sent; waiting for RESUMED.
        case resuming
        /// READY or RESUMED received: the session is live.
        case ready
        /// The machine asked to close the socket and waits for it to be closed.
        case closing
        /// A fatal close code or a shutdown ended the machine.
        case stopped
    }

    /// What to do after the socket is gone (or before the first one).
    public enum ConnectionDecision: Sendable, Hashable {
        /// Wait `after`, then open a socket to `url`; `resume` says whether HELLO will be answered with RESUME.
        case connect(url: String, after: Duration, resume: Bool)
        /// Shutdown was requested: stop without error.
        case shutdown
        /// A fatal close code: stop and report the error.
        case stop(GatewayError)
    }

    /// How to answer HELLO.
    public enum HelloAction: Sendable, Hashable {
        /// Send IDENTIFY (a new session).
        case identify
        /// Send RESUME for this session and sequence.
        case resume(sessionID: String, sequence: Int?)
        /// The connection is closing (shutdown requested): send nothing.
        case ignore
    }

    /// What the heartbeat timer should do now.
    public enum HeartbeatAction: Sendable, Hashable {
        /// Send a heartbeat with this sequence now.
        case send(sequence: Int?)
        /// Sleep this long, then ask again.
        case wait(Duration)
        /// No HELLO yet: wait until the reader signals one, then ask again.
        case waitForHello
        /// The last heartbeat was never acknowledged: close with this code (not 1000/1001), then resume.
        case zombie(closeCode: UInt16)
        /// The connection is closing or closed: the timer ends.
        case stop
    }

    /// What the handshake deadline timer should do now.
    public enum DeadlineAction: Sendable, Hashable {
        /// Sleep this long, then ask again (the deadline may have moved later meanwhile).
        case wait(Duration)
        /// HELLO, or READY/RESUMED after it, did not arrive in time: close with this code (not 1000/1001, so a
        /// session stays resumable), then call ``connectionClosed(code:now:)``; it reconnects after a backoff.
        case expired(closeCode: UInt16)
        /// No deadline is pending (the session is ready, or the connection is closing): the timer ends.
        case none
    }

    /// Whether to close the socket after an inbound payload.
    public enum CloseAction: Sendable, Hashable {
        /// Close with this code; then call ``connectionClosed(code:now:)`` once the socket is gone.
        case close(code: UInt16)
        /// Nothing to do.
        case none
    }

    /// Whether an outbound command may be sent now.
    public enum SendDecision: Sendable, Hashable {
        /// Send it; the send has been counted.
        case send
        /// The rate limit is reached: try again after this long.
        case wait(Duration)
        /// The payload exceeds the size limit and must never be sent.
        case tooLarge(limit: Int)
    }

    private enum CloseReason: Sendable, Hashable {
        case zombie
        case handshakeTimeout
        case reconnectRequested
        case invalidSession(resumable: Bool)
    }

    private struct Session: Sendable, Hashable {
        var id: String
        var resumeURL: String
    }

    private struct Heartbeat: Sendable {
        var interval: Duration
        var nextBeatAt: Instant
        var awaitingAck: Bool
        var lastSentAt: Instant?
    }

    private struct StartLimit: Sendable {
        var total: Int
        var remaining: Int
        var resetAt: Instant
    }

    // MARK: - State

    private let gatewayURL: String
    private let query: String
    private let intents: GatewayIntents
    private let timing: GatewayTiming
    private let random: @Sendable () -> Double

    /// Where the machine is in the connection lifecycle.
    public private(set) var phase: Phase = .idle
    /// The last sequence number received in a dispatch (kept even when its `d` failed to decode).
    public private(set) var sequence: Int?
    /// The last heartbeat round-trip time.
    public private(set) var latency: Duration?
    /// Reconnect attempts since the last healthy connection.
    public private(set) var backoffAttempt = 0
    /// Whether ``shutdown()`` was called: no connection will follow.
    public private(set) var isShuttingDown = false

    private var session: Session?
    private var closeReason: CloseReason?
    private var heartbeat: Heartbeat?
    private var establishedAt: Instant?
    /// When the pending HELLO (or READY/RESUMED) is due; nil when none is pending.
    private var handshakeDeadline: Instant?
    private var lastIdentifyAt: Instant?
    private var startLimit: StartLimit?
    private var sentAt: [Instant] = []

    /// The session ID from READY, if a session is resumable.
    public var sessionID: String? { self.session?.id }
    /// The `resume_gateway_url` from READY (as received, without query), if a session is resumable.
    public var resumeGatewayURL: String? { self.session?.resumeURL }

    /// Creates a machine.
    /// - Parameters:
    ///   - gatewayURL: the URL from `GET /gateway/bot` (a query, if any, is replaced).
    ///   - query: the query to append to every URL, e.g. `v=10&encoding=json`.
    ///   - intents: the intents sent in IDENTIFY (named in fatal-close messages).
    ///   - sessionStartLimit: the limit from `GET /gateway/bot`, read at `now`; nil if unknown.
    ///   - timing: protocol timing and limits.
    ///   - now: the current instant of the injected clock.
    ///   - random: a source of values in `0..<1` (heartbeat and backoff jitter).
    public init(
        gatewayURL: String,
        query: String = "v=10&encoding=json",
        intents: GatewayIntents = .guilds,
        sessionStartLimit: GatewaySessionStartLimit? = nil,
        timing: GatewayTiming = GatewayTiming(),
        now: Instant,
        random: @escaping @Sendable () -> Double
    ) {
        self.gatewayURL = gatewayURL
        self.query = query
        self.intents = intents
        self.timing = timing
        self.random = random
        self.startLimit = sessionStartLimit.map {
            StartLimit(total: $0.total, remaining: $0.remaining, resetAt: now.advanced(by: $0.resetAfter))
        }
    }

    // MARK: - Connection lifecycle

    /// Decides the first connection (identify, respecting the session start limit).
    /// - Parameter now: the current instant.
    /// - Returns: where and when to connect.
    public mutating func start(now: Instant) -> ConnectionDecision {
        guard !self.isShuttingDown else {
            self.phase = .stopped
            return .shutdown
        }
        return self.decideConnection(now: now, delay: .zero)
    }

    /// The socket is open (TLS and WebSocket handshakes done): HELLO is due within
    /// ``GatewayTiming/helloTimeout``.
    /// - Parameter now: the current instant.
    public mutating func socketOpened(now: Instant) {
        guard self.phase == .awaitingHello else { return }
        self.handshakeDeadline = now.advanced(by: self.timing.helloTimeout)
    }

    /// Asks the handshake deadline timer what to do now: a silent socket before HELLO, or no READY/RESUMED after
    /// it, is closed and retried with the usual backoff.
    /// - Parameter now: the current instant.
    /// - Returns: wait, expired (close) or none.
    public mutating func handshakeDeadlineTick(now: Instant) -> DeadlineAction {
        switch self.phase {
        case .awaitingHello, .identifying, .resuming:
            break
        case .idle, .ready, .closing, .stopped:
            return .none
        }
        guard let deadline = self.handshakeDeadline else { return .none }
        if now < deadline {
            return .wait(now.duration(to: deadline))
        }
        self.handshakeDeadline = nil
        self.phase = .closing
        self.closeReason = .handshakeTimeout
        return .expired(closeCode: Self.resumableCloseCode)
    }

    /// HELLO arrived: schedules the first heartbeat at `interval × random(0..<1)` and says how to authenticate.
    ///
    /// An IDENTIFY is counted against the spacing and session start limits here.
    /// - Parameters:
    ///   - heartbeatInterval: the interval from HELLO.
    ///   - now: the current instant.
    /// - Returns: identify or resume.
    public mutating func receivedHello(heartbeatInterval: Duration, now: Instant) -> HelloAction {
        if self.isShuttingDown || self.phase == .closing || self.phase == .stopped {
            return .ignore
        }
        let jitter = min(max(self.random(), 0), 1)
        self.heartbeat = Heartbeat(
            interval: heartbeatInterval,
            nextBeatAt: now.advanced(by: heartbeatInterval * jitter),
            awaitingAck: false,
            lastSentAt: nil
        )
        self.handshakeDeadline = now.advanced(by: self.timing.readyTimeout)
        if let session = self.session {
            self.phase = .resuming
            return .resume(sessionID: session.id, sequence: self.sequence)
        }
        self.phase = .identifying
        self.lastIdentifyAt = now
        self.refreshStartLimit(now: now)
        self.startLimit?.remaining -= 1
        return .identify
    }

    /// A dispatch arrived: keeps its sequence number. Call this for every op 0, before (and regardless of)
    /// decoding its `d`.
    /// - Parameter sequence: the `s` field.
    public mutating func receivedDispatch(sequence: Int?) {
        if let sequence {
            self.sequence = sequence
        }
    }

    /// READY arrived: keeps the session for resuming.
    /// - Parameters:
    ///   - sessionID: `session_id`.
    ///   - resumeGatewayURL: `resume_gateway_url`.
    ///   - now: the current instant.
    public mutating func receivedReady(sessionID: String, resumeGatewayURL: String, now: Instant) {
        self.session = Session(id: sessionID, resumeURL: resumeGatewayURL)
        self.handshakeDeadline = nil
        if self.phase != .closing {
            self.phase = .ready
        }
        self.establishedAt = now
    }

    /// RESUMED arrived: the session is live again (missed events were replayed before it).
    /// - Parameter now: the current instant.
    public mutating func receivedResumed(now: Instant) {
        self.handshakeDeadline = nil
        if self.phase != .closing {
            self.phase = .ready
        }
        self.establishedAt = now
    }

    /// op 7 RECONNECT: close (keeping the session) and resume on `resume_gateway_url` at once.
    /// - Returns: the close to perform.
    public mutating func receivedReconnect() -> CloseAction {
        self.beginClose(.reconnectRequested, code: Self.resumableCloseCode)
    }

    /// op 9 INVALID_SESSION: `true` → reconnect and RESUME; `false` → forget the session, wait 1–5 s, IDENTIFY.
    /// - Parameter resumable: the `d` of op 9.
    /// - Returns: the close to perform.
    public mutating func receivedInvalidSession(resumable: Bool) -> CloseAction {
        if resumable, self.session != nil {
            return self.beginClose(.invalidSession(resumable: true), code: Self.resumableCloseCode)
        }
        self.forgetSession()
        return self.beginClose(.invalidSession(resumable: false), code: Self.normalCloseCode)
    }

    /// Shutdown was requested: no reconnect will follow.
    /// - Returns: close with 1000 if a socket may be open.
    public mutating func shutdown() -> CloseAction {
        self.isShuttingDown = true
        switch self.phase {
        case .awaitingHello, .identifying, .resuming, .ready:
            self.phase = .closing
            return .close(code: Self.normalCloseCode)
        case .idle, .closing, .stopped:
            return .none
        }
    }

    /// The socket is gone. Decides what comes next from why it closed: our own close reason if we closed it,
    /// otherwise the server's close code (nil for a network error or a close without code).
    ///
    /// Fatal codes (4004, 4010–4014) stop; 4007 and 4009 re-identify; anything else resumes (or identifies
    /// when there is no session) after a capped, jittered exponential backoff. The backoff resets when the
    /// closed connection had been ready for ``GatewayTiming/healthyConnectionDuration``.
    /// - Parameters:
    ///   - code: the close code the server sent, or nil.
    ///   - now: the current instant.
    /// - Returns: where and when to reconnect, or stop.
    public mutating func connectionClosed(code: UInt16?, now: Instant) -> ConnectionDecision {
        if let establishedAt = self.establishedAt,
            establishedAt.duration(to: now) >= self.timing.healthyConnectionDuration
        {
            self.backoffAttempt = 0
        }
        self.heartbeat = nil
        self.establishedAt = nil
        self.handshakeDeadline = nil
        self.sentAt.removeAll()
        let reason = self.closeReason
        self.closeReason = nil
        self.phase = .idle

        if self.isShuttingDown {
            self.phase = .stopped
            return .shutdown
        }
        switch reason {
        case .reconnectRequested:
            return self.decideConnection(now: now, delay: .zero)
        case .zombie, .handshakeTimeout, .invalidSession(resumable: true):
            return self.decideConnection(now: now, delay: self.nextBackoff())
        case .invalidSession(resumable: false):
            let range = self.timing.invalidSessionDelay
            let delay = range.lowerBound + (range.upperBound - range.lowerBound) * min(max(self.random(), 0), 1)
            return self.decideConnection(now: now, delay: delay)
        case nil:
            break
        }
        let closeCode = code.map(GatewayCloseCode.init(rawValue:))
        switch closeCode?.recovery ?? .resume {
        case .fatal:
            self.phase = .stopped
            let closeCode = closeCode ?? .unknown(0)
            return .stop(.fatalClose(code: closeCode, message: closeCode.explanation(intents: self.intents)))
        case .identify:
            self.forgetSession()
            return self.decideConnection(now: now, delay: self.nextBackoff())
        case .resume:
            return self.decideConnection(now: now, delay: self.nextBackoff())
        }
    }

    // MARK: - Heartbeats

    /// Asks the heartbeat timer what to do now. Sending is counted against the rate limit, which heartbeats may
    /// use in full.
    /// - Parameter now: the current instant.
    /// - Returns: send, wait, zombie or stop.
    public mutating func heartbeatTick(now: Instant) -> HeartbeatAction {
        switch self.phase {
        case .idle, .closing, .stopped:
            return .stop
        case .awaitingHello, .identifying, .resuming, .ready:
            break
        }
        guard var heartbeat = self.heartbeat else { return .waitForHello }
        if now < heartbeat.nextBeatAt {
            return .wait(now.duration(to: heartbeat.nextBeatAt))
        }
        if heartbeat.awaitingAck {
            self.phase = .closing
            self.closeReason = .zombie
            return .zombie(closeCode: Self.resumableCloseCode)
        }
        if let wait = self.rateLimitWait(heartbeat: true, now: now) {
            return .wait(wait)
        }
        return self.heartbeatSent(&heartbeat, now: now)
    }

    /// op 1 from Discord: heartbeat at once. The regular schedule restarts from now, so the answer gets a full
    /// interval to be acknowledged.
    /// - Parameter now: the current instant.
    /// - Returns: `.send` normally; `.waitForHello`, `.stop` or `.wait` (rate limit full) mean send nothing, the
    ///   timer will beat on schedule.
    public mutating func receivedHeartbeatRequest(now: Instant) -> HeartbeatAction {
        switch self.phase {
        case .idle, .closing, .stopped:
            return .stop
        case .awaitingHello, .identifying, .resuming, .ready:
            break
        }
        guard var heartbeat = self.heartbeat else { return .waitForHello }
        if let wait = self.rateLimitWait(heartbeat: true, now: now) {
            return .wait(wait)
        }
        return self.heartbeatSent(&heartbeat, now: now)
    }

    /// Records a heartbeat going out now: counts it against the send limit, waits for its ACK and schedules the
    /// next beat one interval later.
    private mutating func heartbeatSent(_ heartbeat: inout Heartbeat, now: Instant) -> HeartbeatAction {
        self.sentAt.append(now)
        heartbeat.awaitingAck = true
        heartbeat.lastSentAt = now
        heartbeat.nextBeatAt = now.advanced(by: heartbeat.interval)
        self.heartbeat = heartbeat
        return .send(sequence: self.sequence)
    }

    /// op 11 HEARTBEAT_ACK: the connection is alive; records the round-trip time.
    /// - Parameter now: the current instant.
    public mutating func receivedHeartbeatAck(now: Instant) {
        guard var heartbeat = self.heartbeat, heartbeat.awaitingAck else { return }
        heartbeat.awaitingAck = false
        if let sentAt = heartbeat.lastSentAt {
            self.latency = sentAt.duration(to: now)
        }
        self.heartbeat = heartbeat
    }

    // MARK: - Outbound limits

    /// Asks to send a command (IDENTIFY, RESUME, presence): checks the size limit and the rate limit, keeping
    /// room in the window for the heartbeats due in it. On `.send` the send is counted.
    /// - Parameters:
    ///   - byteCount: the encoded payload size.
    ///   - now: the current instant.
    /// - Returns: send, wait or too large.
    public mutating func authorizeSend(byteCount: Int, now: Instant) -> SendDecision {
        if byteCount > self.timing.maxPayloadBytes {
            return .tooLarge(limit: self.timing.maxPayloadBytes)
        }
        if let wait = self.rateLimitWait(heartbeat: false, now: now) {
            return .wait(wait)
        }
        self.sentAt.append(now)
        return .send
    }

    /// Slots of the window kept for heartbeats: those due in one window, plus one for a requested heartbeat.
    var heartbeatReserve: Int {
        guard let heartbeat = self.heartbeat, heartbeat.interval > .zero else { return 1 }
        let beats = Int((self.timing.sendWindow / heartbeat.interval).rounded(.up)) + 1
        return min(beats, self.timing.sendLimit / 2)
    }

    private mutating func rateLimitWait(heartbeat: Bool, now: Instant) -> Duration? {
        let window = self.timing.sendWindow
        while let first = self.sentAt.first, first.duration(to: now) >= window {
            self.sentAt.removeFirst()
        }
        let allowed = heartbeat ? self.timing.sendLimit : self.timing.sendLimit - self.heartbeatReserve
        guard self.sentAt.count >= allowed else { return nil }
        // The send may go once enough of the oldest entries have left the window.
        let index = self.sentAt.count - max(allowed, 0)
        guard index < self.sentAt.count else { return window }
        return now.duration(to: self.sentAt[index].advanced(by: window))
    }

    // MARK: - Helpers

    private mutating func beginClose(_ reason: CloseReason, code: UInt16) -> CloseAction {
        switch self.phase {
        case .closing, .stopped, .idle:
            return .none
        case .awaitingHello, .identifying, .resuming, .ready:
            self.phase = .closing
            self.closeReason = reason
            return .close(code: code)
        }
    }

    private mutating func forgetSession() {
        self.session = nil
        self.sequence = nil
    }

    private mutating func nextBackoff() -> Duration {
        self.backoffAttempt += 1
        return self.timing.backoff.delay(attempt: self.backoffAttempt, random: self.random())
    }

    private mutating func decideConnection(now: Instant, delay: Duration) -> ConnectionDecision {
        self.phase = .awaitingHello
        if let session = self.session {
            return .connect(
                url: Self.connectionURL(base: session.resumeURL, query: self.query),
                after: delay,
                resume: true
            )
        }
        let wait = max(delay, self.identifyWait(now: now))
        return .connect(url: Self.connectionURL(base: self.gatewayURL, query: self.query), after: wait, resume: false)
    }

    /// Time until an IDENTIFY is allowed: 5 s after the previous one, and only while session starts remain.
    private mutating func identifyWait(now: Instant) -> Duration {
        var wait = Duration.zero
        if let last = self.lastIdentifyAt {
            let elapsed = last.duration(to: now)
            if elapsed < self.timing.identifySpacing {
                wait = self.timing.identifySpacing - elapsed
            }
        }
        self.refreshStartLimit(now: now)
        if let limit = self.startLimit, limit.remaining <= 0 {
            wait = max(wait, now.duration(to: limit.resetAt))
        }
        return wait
    }

    private mutating func refreshStartLimit(now: Instant) {
        guard var limit = self.startLimit, now >= limit.resetAt else { return }
        // Discord resets the budget every 24 hours; until the next GET /gateway/bot that is our best guess.
        limit.remaining = limit.total
        limit.resetAt = now.advanced(by: .seconds(24 * 60 * 60))
        self.startLimit = limit
    }

    /// Appends the query to a gateway URL, replacing any query it had and adding `/` when it has no path.
    /// - Parameters:
    ///   - base: `wss://gateway.discord.gg` or a `resume_gateway_url`.
    ///   - query: e.g. `v=10&encoding=json`.
    /// - Returns: the URL to connect to.
    public static func connectionURL(base: String, query: String) -> String {
        var base = Substring(base)
        if let queryStart = base.firstIndex(of: "?") {
            base = base[..<queryStart]
        }
        let authorityStart = base.firstRange(of: "://")?.upperBound ?? base.startIndex
        if !base[authorityStart...].contains("/") {
            base += "/"
        }
        return "\(base)?\(query)"
    }
}
