import AsyncHTTPClient
import DiscordModels
import DiscordREST
import Logging
import TestSupport

/// Discord REST figures: the limiter's own cost per request, and a burst of 200 message edits on one channel
/// against the loopback fake that enforces a real bucket.
func restBenchmarks() async throws -> [BenchFigure] {
    [try await limiterOverhead()] + (try await editBurst())
}

/// Median cost of one `decide` + `record` pair on the rate limiter (an actor hop each), in microseconds.
private func limiterOverhead() async throws -> BenchFigure {
    let limiter = RateLimiter()
    let routes = (0..<64).map { Route.editMessage(channelID: ChannelID(UInt64(1000 + $0)), messageID: "1") }
    let batch = 1_000
    var now = Duration.zero
    var samples: [Double] = []
    for round in 0..<25 {
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<batch {
            let route = routes[index % routes.count]
            now += .milliseconds(25)  // 40 requests per second, under the global budget like a busy bot
            _ = await limiter.decide(route: route, now: now)
            await limiter.record(
                route: route,
                info: RateLimitInfo(
                    status: 200,
                    bucket: "b",
                    limit: 1_000_000,
                    remaining: 999_999,
                    resetAfter: .seconds(1)
                ),
                now: now
            )
        }
        let elapsed = clock.now - start
        if round >= 3 {  // warm-up rounds
            let (seconds, attoseconds) = elapsed.components
            let micros = Double(seconds) * 1e6 + Double(attoseconds) / 1e12
            samples.append(micros / Double(batch))
        }
    }
    return BenchFigure(
        name: "discord.rate_limiter.decide_record.median_us",
        value: Measure.median(samples),
        unit: "us",
        context: ["batches": "\(samples.count)", "requests_per_batch": "\(batch)", "routes": "\(routes.count)"]
    )
}

/// 200 sequential-in-spirit edits fired at once on one channel; the fake enforces 5 per window.
///
/// Discord's real bucket is 5 per 5 s, which would make the burst take 200 s; the fake's window is shortened to
/// 50 ms (100× faster) so the bench is quick. The limiter does not know this: it learns the bucket and its reset
/// from the headers as it would in production. Honest result: wall time, 429s received (goal 0), and the floor
/// that the bucket itself imposes.
private func editBurst() async throws -> [BenchFigure] {
    let window = Duration.milliseconds(50)
    let limit = 5
    let edits = 200
    let channel: ChannelID = "900000000000000001"
    let token = Secret("bench-token-not-a-real-discord-token-0000")
    let fake = try await FakeDiscordREST.start(
        configuration: FakeDiscordRESTConfiguration(
            expectedToken: token.exposedValue,
            messageBucket: FakeBucket(hash: "bench-messages", limit: limit, window: window),
            globalLimitPerSecond: 50 * 100
        )
    )
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let client = DefaultDiscordClient(
            httpClient: httpClient,
            token: token,
            configuration: DiscordClientConfiguration(
                apiBaseURL: fake.baseURL,
                rateLimits: .init(globalRequestsPerSecond: 50 * 100)
            ),
            logger: Logger(label: "bench.discord", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let message = try await client.createMessage(channelID: channel, payload: MessagePayload(content: "0"))
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...edits {
                group.addTask {
                    _ = try await client.editMessage(
                        channelID: channel,
                        messageID: message.id,
                        payload: MessagePayload(embeds: [Embed(title: "edit \(index)")])
                    )
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        let rateLimited = await fake.rateLimitedCount
        let stats = await client.statistics()
        try await httpClient.shutdown()
        try await fake.shutdown()
        // The first window was partly used by the create; the floor counts whole windows after it.
        let floorWindows = (edits + 1 + limit - 1) / limit - 1
        let context = [
            "edits": "\(edits)",
            "bucket": "\(limit) per \(window) (Discord: 5 per 5 s, scaled 100x)",
            "floor_ms": "\(floorWindows * 50)",
            "requests_sent": "\(stats.attempts - 1)",
        ]
        return [
            BenchFigure(
                name: "discord.edit_burst_200.wall_ms",
                value: milliseconds(elapsed),
                unit: "ms",
                context: context
            ),
            BenchFigure(
                name: "discord.edit_burst_200.rate_limited_responses",
                value: Double(rateLimited),
                unit: "count",
                context: ["goal": "0"]
            ),
        ]
    } catch {
        try? await httpClient.shutdown()
        try? await fake.shutdown()
        throw error
    }
}

private func milliseconds(_ duration: Duration) -> Double {
    let (seconds, attoseconds) = duration.components
    return Double(seconds) * 1e3 + Double(attoseconds) / 1e15
}
