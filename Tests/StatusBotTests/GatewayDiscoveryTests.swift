import DiscordModels
import DiscordREST
import Logging
import Synchronization
import TestSupport
import Testing

@testable import StatusBot

@Suite struct GatewayDiscoveryTests {
    static let info = GatewayBotInfo(
        url: "wss://gateway.example",
        shards: 1,
        sessionStartLimit: .init(total: 1000, remaining: 999, resetAfterMilliseconds: 0, maxConcurrency: 1)
    )

    /// A fetch that fails with the scripted errors, in order, then answers.
    final class ScriptedFetch: Sendable {
        let failures: Mutex<[DiscordRESTError]>
        let calls = Mutex(0)
        init(_ failures: [DiscordRESTError]) { self.failures = Mutex(failures) }

        func fetch() throws -> GatewayBotInfo {
            calls.withLock { $0 += 1 }
            if let failure = failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw failure }
            return GatewayDiscoveryTests.info
        }
    }

    @Test func keepsRetryingWhileDiscordIsUnreachableWithGrowingPauses() async throws {
        let unreachable = DiscordRESTError.transport(route: "GET /gateway/bot", reason: "connection refused")
        let outage = DiscordRESTError.http(route: "GET /gateway/bot", status: 503, body: nil)
        let script = ScriptedFetch([unreachable, outage, unreachable, unreachable, unreachable])
        let clock = ManualClock()
        let logs = LogCapture()
        let discovery = GatewayDiscovery(
            fetch: { try script.fetch() },
            clock: clock,
            logger: logs.logger(label: "pterodisbot", level: .info),
            firstDelay: .seconds(2),
            maximumDelay: .seconds(10)
        )
        let result = Task { try await discovery.run() }
        // Pauses double from 2 s and stop growing at the maximum: 2, 4, 8, 10, 10.
        for expected in [2, 4, 8, 10, 10] {
            await clock.waitForSleepers(count: 1)
            #expect(clock.advanceToNextDeadline() == .seconds(expected))
        }
        #expect(try await result.value == Self.info)
        #expect(script.calls.withLock { $0 } == 6)
        let warnings = logs.captured.filter { $0.contains("warning") && $0.contains("cannot reach Discord yet") }
        #expect(warnings.count == 5)
        #expect(logs.captured.last?.contains("reached Discord") == true)
    }

    @Test func aRejectedTokenEndsTheStartAtOnce() async throws {
        let script = ScriptedFetch([.tokenRejected(route: "GET /gateway/bot")])
        let discovery = GatewayDiscovery(
            fetch: { try script.fetch() },
            clock: ManualClock(),
            logger: LogCapture().logger(label: "pterodisbot", level: .info)
        )
        await #expect(throws: DiscordRESTError.self) { try await discovery.run() }
        #expect(script.calls.withLock { $0 } == 1)
    }

    @Test func cancellationStopsTheWait() async throws {
        let script = ScriptedFetch(
            Array(repeating: .transport(route: "GET /gateway/bot", reason: "connection refused"), count: 10)
        )
        let clock = ManualClock()
        let discovery = GatewayDiscovery(
            fetch: { try script.fetch() },
            clock: clock,
            logger: LogCapture().logger(label: "pterodisbot", level: .info)
        )
        let result = Task { try await discovery.run() }
        await clock.waitForSleepers(count: 1)
        result.cancel()
        await #expect(throws: CancellationError.self) { try await result.value }
    }
}
