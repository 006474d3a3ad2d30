/// How ``LiveStatsBackend`` uses Wings sockets: how many, how fast it opens them, when it closes them and when a
/// live value is too old to trust.
public struct LiveStatsConfiguration: Sendable, Hashable {
    /// Most sockets open at once; servers past the cap are polled.
    public var maxSockets: Int
    /// Most sockets opened by one ``LiveStatsBackend/usage(of:)`` call. Each opening costs a token request from the
    /// panel's budget, so a host with a thousand servers goes live over a few cycles instead of asking for a
    /// thousand tokens at once.
    public var maxOpensPerRequest: Int
    /// A server not asked for this long loses its socket (it is no longer watched).
    public var idleTimeout: Duration
    /// A server whose last known state is not offline, and whose socket has said nothing for this long, is polled:
    /// Wings streams a running server's stats about once a second, so silence means the socket is not delivering.
    /// An offline server is exempt: Wings sends one final sample when it stops, then nothing.
    public var staleAfter: Duration
    /// A server polled successfully less than this ago gets that answer again instead of a new poll. A power-state
    /// change starts an early cycle (at most one a second), and without this every early cycle would poll every
    /// server that is not live again; the panel caches `/resources` for 20 s anyway. Set it a little under the
    /// update interval, so regular cycles still poll.
    public var pollReuse: Duration

    /// Creates a configuration.
    /// - Parameters:
    ///   - maxSockets: Most sockets open at once (2,000).
    ///   - maxOpensPerRequest: Most sockets opened per usage call (50).
    ///   - idleTimeout: Time without being asked after which a server's socket closes (60 s: a few cycles).
    ///   - staleAfter: Silence after which a server that is not offline is polled (60 s).
    ///   - pollReuse: Age under which a successful poll is answered again instead of polling (9 s, for the default
    ///     10 s update interval).
    public init(
        maxSockets: Int = 2000,
        maxOpensPerRequest: Int = 50,
        idleTimeout: Duration = .seconds(60),
        staleAfter: Duration = .seconds(60),
        pollReuse: Duration = .seconds(9)
    ) {
        self.maxSockets = max(0, maxSockets)
        self.maxOpensPerRequest = max(1, maxOpensPerRequest)
        self.idleTimeout = idleTimeout
        self.staleAfter = staleAfter
        self.pollReuse = pollReuse
    }
}
