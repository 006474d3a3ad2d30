import ClientSupport
import CoreMetrics

/// What a ``DefaultDiscordClient`` reports to swift-metrics: requests by route template and status class,
/// 429s by scope and the time spent waiting for rate-limit buckets. Labels carry route templates only, never a
/// URL, so no interaction token reaches a metric.
struct DiscordRESTMetrics: Sendable {
    private let factory: any MetricsFactory

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// One answered request.
    func answered(_ route: Route, status: Int) {
        count(route, statusClass: "\(status / 100)xx")
    }

    /// One attempt that got no HTTP answer (connection failure, timeout).
    func transportFailure(_ route: Route) {
        count(route, statusClass: "transport_error")
    }

    /// One 429, by Discord's `X-RateLimit-Scope` (user, global, shared), or `message_edit_limit` for 30046.
    func rateLimited(_ info: RateLimitInfo) {
        let scope =
            info.isOldMessageEditLimit ? "message_edit_limit" : info.scope ?? (info.isGlobal ? "global" : "unknown")
        Counter(label: "pterodisbot_discord_rate_limited_total", dimensions: [("scope", scope)], factory: factory)
            .increment()
    }

    /// Time a request waited for its bucket (or the global limit) before it could be sent.
    func waited(_ wait: Duration) {
        FloatingPointCounter(label: "pterodisbot_discord_bucket_wait_seconds_total", factory: factory)
            .increment(by: wait.inSeconds)
    }

    private func count(_ route: Route, statusClass: String) {
        Counter(
            label: "pterodisbot_discord_requests_total",
            dimensions: [("route", route.description), ("status_class", statusClass)],
            factory: factory
        ).increment()
    }
}
