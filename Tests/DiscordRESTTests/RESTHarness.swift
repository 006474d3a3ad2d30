import AsyncHTTPClient
import ClientSupport
import DiscordModels
import DiscordREST
import Logging
import MetricsTestKit
import Synchronization
import TestSupport

/// A REST client on a manual clock, pointed at a loopback fake Discord.
struct RESTHarness {
    static let token = Secret("MTEwMDAwMDAwMDAwMDAwMDAx.Gx-test.bot-token-for-tests-only-0123456789")

    let clock = ManualClock()
    let discord: FakeDiscordREST
    let httpClient: HTTPClient
    let client: DefaultDiscordClient
    let logs = LevelLogCapture()
    let metrics = TestMetrics()

    init(
        retry: RetryPolicy = RetryPolicy(maxAttempts: 3),
        maxRateLimitRetries: Int = 3,
        fake: FakeDiscordRESTConfiguration = FakeDiscordRESTConfiguration(
            expectedToken: RESTHarness.token.exposedValue
        ),
        random: @escaping @Sendable () -> Double = { 0 }
    ) async throws {
        discord = try await FakeDiscordREST.start(clock: clock, configuration: fake)
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        client = DefaultDiscordClient(
            httpClient: httpClient,
            token: Self.token,
            configuration: DiscordClientConfiguration(
                apiBaseURL: discord.baseURL,
                version: "9.9.9",
                retry: retry,
                maxRateLimitRetries: maxRateLimitRetries
            ),
            clock: clock,
            random: random,
            metrics: metrics,
            logger: logs.logger()
        )
    }

    func shutdown() async throws {
        try await httpClient.shutdown()
        try await discord.shutdown()
    }

    /// Runs `body` and always shuts down.
    static func with(
        retry: RetryPolicy = RetryPolicy(maxAttempts: 3),
        maxRateLimitRetries: Int = 3,
        fake: FakeDiscordRESTConfiguration = FakeDiscordRESTConfiguration(
            expectedToken: RESTHarness.token.exposedValue
        ),
        _ body: (RESTHarness) async throws -> Void
    ) async throws {
        let harness = try await RESTHarness(retry: retry, maxRateLimitRetries: maxRateLimitRetries, fake: fake)
        do {
            try await body(harness)
        } catch {
            try await harness.shutdown()
            throw error
        }
        try await harness.shutdown()
    }
}
