import ClientSupport
import Pterodactyl
import TestSupport

/// Panel client figures: time to fetch `/resources` of 500 servers from the fake panel with 20 ms added latency
/// at the default concurrency (8), and the fake's observed peak concurrency.
///
/// Configuration: `PanelClientConfiguration()` defaults except `clientRateLimitPerMinute = 1_000_000` (so the
/// token bucket never delays a request), no retries; the fake panel enforces no rate limit. Ideal time is
/// `ceil(500 / 8) × 20 ms = 1260 ms`.
/// - Returns: The figures.
/// - Throws: When the fake panel cannot start or a fetch fails.
func panelBenchmarks() async throws -> [BenchFigure] {
    let serverCount = 500
    let latency = Duration.milliseconds(20)
    let configuration = PanelClientConfiguration(clientRateLimitPerMinute: 1_000_000, retryPolicy: .none)
    let fake = try await FakePanel.start(
        servers: (1...serverCount).map { FakePanel.Server.numbered($0) },
        latency: latency,
        rateLimits: .unlimited
    )
    let ids = fake.servers.map(\.id)
    let runs = 7
    var peaks: [Int] = []
    var failures = 0
    let durations: [Duration]
    do {
        durations = try await withPanelHTTPClient { http in
            let client = DefaultPanelClient(
                httpClient: http,
                baseURL: fake.baseURL,
                clientKey: fake.clientKey,
                configuration: configuration
            )
            var measured: [Duration] = []
            let clock = ContinuousClock()
            for run in 0...runs {
                fake.resetCounters()
                let start = clock.now
                let results = try await client.resources(of: ids)
                let elapsed = start.duration(to: clock.now)
                failures += results.values.filter { (try? $0.get()) == nil }.count
                // Run 0 warms up connections and is not counted.
                if run > 0 {
                    measured.append(elapsed)
                    peaks.append(fake.peakConcurrency)
                }
            }
            return measured
        }
    } catch {
        try await fake.shutdown()
        throw error
    }
    try await fake.shutdown()
    let context = [
        "servers": String(serverCount),
        "added_latency_ms": "20",
        "max_concurrent_requests": String(configuration.maxConcurrentRequests),
        "client_rate_limit_per_minute": String(configuration.clientRateLimitPerMinute),
        "runs": String(runs),
        "failed_fetches": String(failures),
        "ideal_ms": String(
            (serverCount + configuration.maxConcurrentRequests - 1) / configuration.maxConcurrentRequests * 20
        ),
    ]
    return [
        BenchFigure(
            name: "panel.resources_500_servers.median_ms",
            value: Measure.medianMilliseconds(durations),
            unit: "ms",
            context: context
        ),
        BenchFigure(
            name: "panel.resources_500_servers.peak_concurrency",
            value: Double(peaks.max() ?? 0),
            unit: "count",
            context: context
        ),
    ]
}
