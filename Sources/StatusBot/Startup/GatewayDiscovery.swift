import DiscordModels
import DiscordREST
import Logging

/// Asks Discord where to connect (GET /gateway/bot) before the bot starts, and keeps asking while Discord cannot
/// be reached: at boot the network is often not up yet, and a Discord outage should delay the bot, not stop it.
///
/// Transient failures (no connection, 5xx, rate limits) are retried after a pause that doubles up to
/// ``maximumDelay``, with a warning each time; a permanent one (rejected token, other 4xx) is thrown at once.
struct GatewayDiscovery<C: Clock<Duration>> {
    /// One attempt; the REST client already retries briefly inside it.
    let fetch: @Sendable () async throws -> GatewayBotInfo
    let clock: C
    let logger: Logger
    var firstDelay: Duration = .seconds(2)
    var maximumDelay: Duration = .seconds(60)

    /// The gateway information, once Discord answers.
    /// - Throws: A permanent ``DiscordRESTError``, or `CancellationError` when the task is cancelled while waiting.
    func run() async throws -> GatewayBotInfo {
        var delay = firstDelay
        var failures = 0
        while true {
            do {
                let info = try await fetch()
                if failures > 0 { logger.info("reached Discord", metadata: ["failed.attempts": "\(failures)"]) }
                return info
            } catch let error as DiscordRESTError where error.isTransient {
                failures += 1
                logger.warning(
                    "cannot reach Discord yet; retrying",
                    metadata: ["retry.in": "\(delay)", "failed.attempts": "\(failures)", "error": "\(error)"]
                )
                try await clock.sleep(for: delay)
                delay = min(delay * 2, maximumDelay)
            }
        }
    }
}
