import PanelCore

/// One ``TokenBucket`` per API, shared by all requests of a ``DefaultPanelClient``. It decides and never sleeps.
actor PanelRateLimiter<Instant: InstantProtocol> where Instant.Duration == Duration {
    private var buckets: [PanelAPI: TokenBucket<Instant>]
    private let limits: [PanelAPI: Int]
    /// The start instants granted in the last minute, oldest first, per API (at most about a minute's budget).
    private var recentStarts: [PanelAPI: [Instant]] = [:]

    init(configuration: PanelClientConfiguration) {
        var buckets: [PanelAPI: TokenBucket<Instant>] = [:]
        var limits: [PanelAPI: Int] = [:]
        for api in PanelAPI.allCases {
            limits[api] = configuration.rateLimitPerMinute(for: api)
            buckets[api] = TokenBucket(limitPerMinute: configuration.rateLimitPerMinute(for: api))
        }
        self.buckets = buckets
        self.limits = limits
    }

    /// Reserves a token; returns when the request may start.
    func reserve(_ api: PanelAPI, now: Instant) -> Instant {
        let start = buckets[api, default: TokenBucket(limitPerMinute: 2)].reserve(now: now)
        recentStarts[api, default: []].append(start)
        forgetStarts(of: api, before: now.advanced(by: .seconds(-60)))
        return start
    }

    /// Requests granted to start in the minute before `now`, per API, against its configured limit.
    func budgetUse(now: Instant) -> [PanelBudgetUse] {
        PanelAPI.allCases.map { api in
            forgetStarts(of: api, before: now.advanced(by: .seconds(-60)))
            let used = recentStarts[api, default: []].count { $0 <= now }
            return PanelBudgetUse(budget: api.rawValue, requestsLastMinute: used, limitPerMinute: limits[api] ?? 0)
        }
    }

    private func forgetStarts(of api: PanelAPI, before cutoff: Instant) {
        guard let starts = recentStarts[api], let first = starts.firstIndex(where: { $0 > cutoff }) else {
            recentStarts[api] = nil
            return
        }
        if first > 0 { recentStarts[api] = Array(starts[first...]) }
    }

    /// The end of an active 429 block, if any.
    func blocked(_ api: PanelAPI, after now: Instant) -> Instant? {
        buckets[api]?.blocked(after: now)
    }

    /// Applies `X-RateLimit-Remaining`.
    func observe(_ api: PanelAPI, remaining: Int, now: Instant) {
        buckets[api]?.observe(remaining: remaining, now: now)
    }

    /// Applies a 429's `Retry-After`.
    func block(_ api: PanelAPI, until: Instant, now: Instant) {
        buckets[api]?.block(until: until, now: now)
    }
}

/// The cached server list.
actor ServerListCache<Instant: InstantProtocol> where Instant.Duration == Duration {
    private var servers: [PanelServer] = []
    private var byID: [ServerID: PanelServer] = [:]
    private var fetchedAt: Instant?
    private var stale = true

    /// The list if it was fetched less than `maxAge` ago and not invalidated.
    func fresh(now: Instant, maxAge: Duration) -> [PanelServer]? {
        guard !stale, let fetchedAt, fetchedAt.duration(to: now) < maxAge else { return nil }
        return servers
    }

    func store(_ servers: [PanelServer], now: Instant) {
        self.servers = servers
        byID = Dictionary(servers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        fetchedAt = now
        stale = false
    }

    /// Marks the list for refetching on the next `servers()` call.
    func invalidate() {
        stale = true
    }

    /// What the cached list says about `id`: `.some(server)`, or `.none` when the list is empty or lacks it
    /// (then the list is invalidated, since an unknown server showed up).
    func lookUp(_ id: ServerID) -> PanelServer? {
        if let server = byID[id] { return server }
        if fetchedAt != nil { stale = true }
        return nil
    }
}
