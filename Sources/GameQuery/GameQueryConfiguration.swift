/// Settings of a ``DefaultGameQueryClient``.
public struct GameQueryConfiguration: Sendable, Hashable {
    /// How long one query may take in all: resolving, connecting, resending and reading. Default 1 s.
    /// The time a query waits for its turn (see ``maxConcurrentQueries``) is not counted.
    public var timeout: Duration
    /// Queries running at once; more wait their turn. Default 16.
    public var maxConcurrentQueries: Int
    /// The largest Minecraft Java status packet read, favicon included. Default 64 KiB
    /// (`game-queries.md` §1: "Responses can be large (favicon): cap what you read").
    public var maxResponseBytes: Int
    /// The largest UDP datagram accepted (Bedrock, A2S). Default 4 KiB.
    public var maxDatagramBytes: Int
    /// How many times a UDP request is sent within the timeout when no answer comes. Default 2
    /// (`game-queries.md` §2: "resend after a timeout (e.g. 1 s, 2 tries)").
    public var datagramAttempts: Int

    /// Creates a configuration.
    public init(
        timeout: Duration = .seconds(1),
        maxConcurrentQueries: Int = 16,
        maxResponseBytes: Int = 64 * 1024,
        maxDatagramBytes: Int = 4 * 1024,
        datagramAttempts: Int = 2
    ) {
        self.timeout = timeout
        self.maxConcurrentQueries = maxConcurrentQueries
        self.maxResponseBytes = maxResponseBytes
        self.maxDatagramBytes = maxDatagramBytes
        self.datagramAttempts = datagramAttempts
    }
}
