/// Settings for ``DefaultPeonClient`` and ``PeonBackend``; every field has a default that suits one PEON host.
public struct PeonConfiguration: Sendable, Hashable {
    /// The path prefix before every route, normalized to `/api/…` without a trailing slash. Current releases
    /// serve `/api/v1`, releases before June 2023 `/api/1.0` (reference §1).
    public var apiPrefix: String
    /// Deadline for a GET (list, server, stats). PEON answers polls in well under a second.
    public var pollTimeout: Duration
    /// Deadline for a power PUT: PEON shells out to `docker compose` and answers when it is done, which can take
    /// many seconds (reference §4).
    public var powerTimeout: Duration
    /// Most requests in flight at once: every request makes PEON run `docker exec`/`docker stats` on the host
    /// (reference §7, which suggests 2–4).
    public var maxConcurrentRequests: Int
    /// How long ``PeonBackend`` reuses the server list: `GET /servers` runs two `docker exec` per running
    /// container and costs the host CPU, so it is polled rarely (reference §7).
    public var serverListRefreshInterval: Duration
    /// Largest answer accepted, in bytes (the list carries every server's configuration files).
    public var maxResponseBytes: Int

    /// Creates a configuration.
    /// - Parameters:
    ///   - apiPrefix: `/api/v1` (default), `/api/1.0`, or the short forms `v1` and `1.0`.
    ///   - pollTimeout: GET deadline.
    ///   - powerTimeout: PUT deadline.
    ///   - maxConcurrentRequests: Requests in flight; clamped to at least 1.
    ///   - serverListRefreshInterval: Server list cache lifetime.
    ///   - maxResponseBytes: Body cap.
    public init(
        apiPrefix: String = Self.currentPrefix,
        pollTimeout: Duration = .seconds(5),
        powerTimeout: Duration = .seconds(60),
        maxConcurrentRequests: Int = 3,
        serverListRefreshInterval: Duration = .seconds(60),
        maxResponseBytes: Int = 8 * 1024 * 1024
    ) {
        self.apiPrefix = Self.normalizedPrefix(apiPrefix)
        self.pollTimeout = pollTimeout
        self.powerTimeout = powerTimeout
        self.maxConcurrentRequests = max(1, maxConcurrentRequests)
        self.serverListRefreshInterval = serverListRefreshInterval
        self.maxResponseBytes = maxResponseBytes
    }

    /// The prefix of current releases (reference §1).
    public static let currentPrefix = "/api/v1"
    /// The prefix of releases before June 2023 (reference §1).
    public static let legacyPrefix = "/api/1.0"

    /// `v1` → `/api/v1`, `api/1.0/` → `/api/1.0`; anything else gets a leading and loses its trailing slashes.
    /// - Parameter text: The configured prefix.
    /// - Returns: The prefix to put before each route.
    public static func normalizedPrefix(_ text: String) -> String {
        var prefix = Substring(text)
        while let first = prefix.first, first.isWhitespace || first == "/" { prefix.removeFirst() }
        while let last = prefix.last, last.isWhitespace || last == "/" { prefix.removeLast() }
        if prefix.isEmpty { return currentPrefix }
        if prefix == "v1" || prefix == "1.0" { return "/api/\(prefix)" }
        return "/\(prefix)"
    }
}
