import AsyncHTTPClient
import ClientSupport
import DiscordModels
import DiscordREST
import Logging
import Synchronization
import TestSupport

/// Collects log lines (message plus metadata) in memory.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "test.discord.rest") { _ in Handler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let meta = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.append("\(event.level) \(event.message) \(meta)")
        }
    }
}

/// A REST client on a manual clock, pointed at a loopback fake Discord.
struct RESTHarness {
    static let token = Secret("MTEwMDAwMDAwMDAwMDAwMDAx.Gx-test.bot-token-for-tests-only-0123456789")

    let clock = ManualClock()
    let discord: FakeDiscordREST
    let httpClient: HTTPClient
    let client: DefaultDiscordClient
    let logs = CapturedLogs()

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
