import DiscordModels

/// Transport compression of the gateway connection (`[Discord] GatewayCompression`).
public enum GatewayCompression: String, Sendable, Hashable, CaseIterable {
    /// Plain JSON text frames.
    case none
    /// One zlib stream per connection (`compress=zlib-stream`).
    case zlibStream = "zlib-stream"
}

/// Everything ``GatewayConnection`` needs; the composition root fills it from `GET /gateway/bot` and the
/// bot configuration. The gateway never calls REST itself.
public struct GatewayConfiguration: Sendable {
    /// The `url` from `GET /gateway/bot`, e.g. `wss://gateway.discord.gg` (`ws://` works too).
    public var gatewayURL: String
    /// The bot token.
    public var token: Secret
    /// The intents sent in IDENTIFY (only GUILDS is needed).
    public var intents: GatewayIntents
    /// The presence sent in IDENTIFY, e.g. ``GatewayPresenceUpdate/watching(serverCount:)``.
    public var presence: GatewayPresenceUpdate?
    /// Transport compression.
    public var compression: GatewayCompression
    /// `session_start_limit` from `GET /gateway/bot`, if known.
    public var sessionStartLimit: GatewaySessionStartLimit?
    /// `properties` of IDENTIFY.
    public var identifyProperties: GatewayIdentify.ConnectionProperties
    /// Protocol timing and limits (backoff, identify spacing, rate limit).
    public var timing: GatewayTiming
    /// The largest inbound WebSocket frame and message (READY of a big guild is large).
    public var maxFrameSize: Int
    /// How long to wait for the server's close frame after we close.
    public var closeTimeout: Duration
    /// Buffering of the ``GatewayConnection/events`` stream.
    public var eventBuffering: AsyncStream<GatewayEvent>.Continuation.BufferingPolicy

    /// Creates a configuration.
    /// - Parameters:
    ///   - gatewayURL: the URL from `GET /gateway/bot`.
    ///   - token: the bot token.
    ///   - intents: IDENTIFY intents (default GUILDS).
    ///   - presence: the initial presence.
    ///   - compression: transport compression (default none).
    ///   - sessionStartLimit: the session start limit, if known.
    ///   - identifyProperties: IDENTIFY properties.
    ///   - timing: protocol timing.
    ///   - maxFrameSize: inbound frame limit (default 16 MiB).
    ///   - closeTimeout: close handshake timeout (default 5 s).
    ///   - eventBuffering: event stream buffering (default unbounded: events are rare and none may be lost).
    public init(
        gatewayURL: String,
        token: Secret,
        intents: GatewayIntents = .guilds,
        presence: GatewayPresenceUpdate? = nil,
        compression: GatewayCompression = .none,
        sessionStartLimit: GatewaySessionStartLimit? = nil,
        identifyProperties: GatewayIdentify.ConnectionProperties = .init(),
        timing: GatewayTiming = GatewayTiming(),
        maxFrameSize: Int = 1 << 24,
        closeTimeout: Duration = .seconds(5),
        eventBuffering: AsyncStream<GatewayEvent>.Continuation.BufferingPolicy = .unbounded
    ) {
        self.gatewayURL = gatewayURL
        self.token = token
        self.intents = intents
        self.presence = presence
        self.compression = compression
        self.sessionStartLimit = sessionStartLimit
        self.identifyProperties = identifyProperties
        self.timing = timing
        self.maxFrameSize = maxFrameSize
        self.closeTimeout = closeTimeout
        self.eventBuffering = eventBuffering
    }

    /// The query appended to every gateway URL.
    public var query: String {
        switch self.compression {
        case .none: "v=10&encoding=json"
        case .zlibStream: "v=10&encoding=json&compress=zlib-stream"
        }
    }
}
