/// Timing and limit settings of the gateway protocol. The defaults follow Discord's documented rules; tests
/// shrink them to milliseconds.
public struct GatewayTiming: Sendable, Hashable {
    /// Backoff for reconnecting after errors, zombie connections and resumable invalid sessions.
    public var backoff: GatewayBackoff
    /// A connection that stayed ready this long resets the backoff.
    public var healthyConnectionDuration: Duration
    /// The random wait after a non-resumable INVALID_SESSION before identifying again (Discord: 1–5 s).
    public var invalidSessionDelay: ClosedRange<Duration>
    /// The minimum time between two IDENTIFYs (Discord: one per 5 s).
    public var identifySpacing: Duration
    /// Outbound payloads allowed per ``sendWindow`` on one connection (Discord: 120).
    public var sendLimit: Int
    /// The window of ``sendLimit`` (Discord: 60 s).
    public var sendWindow: Duration
    /// The largest outbound payload in bytes (Discord: 4096).
    public var maxPayloadBytes: Int
    /// How long the TCP connection, TLS handshake and WebSocket upgrade together may take; past it the attempt is
    /// abandoned (its socket closed) and retried with the usual backoff. A proxy or gateway node that accepts the
    /// connection and never answers would otherwise hold the bot offline for good.
    public var connectTimeout: Duration
    /// How long an open socket may stay silent before HELLO; past it the connection is closed and retried with
    /// the usual backoff. Discord sends HELLO at once: https://discord.com/developers/docs/events/gateway#hello-event
    public var helloTimeout: Duration
    /// How long after HELLO the READY (for IDENTIFY) or RESUMED (for RESUME) may take; past it the connection is
    /// closed and retried with the usual backoff.
    public var readyTimeout: Duration

    /// Creates timing settings; every parameter defaults to Discord's rule.
    /// - Parameters:
    ///   - backoff: reconnect backoff.
    ///   - healthyConnectionDuration: ready time that resets the backoff.
    ///   - invalidSessionDelay: wait range after a non-resumable invalid session.
    ///   - identifySpacing: minimum time between identifies.
    ///   - sendLimit: payloads per window.
    ///   - sendWindow: the rate-limit window.
    ///   - maxPayloadBytes: the payload size limit.
    ///   - connectTimeout: connect → WebSocket open deadline (default 30 s).
    ///   - helloTimeout: socket open → HELLO deadline (default 30 s).
    ///   - readyTimeout: HELLO → READY/RESUMED deadline (default 30 s).
    public init(
        backoff: GatewayBackoff = GatewayBackoff(),
        healthyConnectionDuration: Duration = .seconds(60),
        invalidSessionDelay: ClosedRange<Duration> = .seconds(1) ... .seconds(5),
        identifySpacing: Duration = .seconds(5),
        sendLimit: Int = 120,
        sendWindow: Duration = .seconds(60),
        maxPayloadBytes: Int = 4096,
        connectTimeout: Duration = .seconds(30),
        helloTimeout: Duration = .seconds(30),
        readyTimeout: Duration = .seconds(30)
    ) {
        self.backoff = backoff
        self.healthyConnectionDuration = healthyConnectionDuration
        self.invalidSessionDelay = invalidSessionDelay
        self.identifySpacing = identifySpacing
        self.sendLimit = sendLimit
        self.sendWindow = sendWindow
        self.maxPayloadBytes = maxPayloadBytes
        self.connectTimeout = connectTimeout
        self.helloTimeout = helloTimeout
        self.readyTimeout = readyTimeout
    }
}
