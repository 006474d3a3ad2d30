import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The bot's health as it runs: completed cycles are recorded as they end; the gateway and the Discord REST
/// client are asked each time a snapshot is taken (by `/readyz`, `/healthz` and the health file).
public final class BotHealth: Sendable {
    /// How to ask the parts that are not cycles.
    public struct Probes: Sendable {
        /// nil while the gateway session is ready, else how long it has not been.
        public var gatewayNotReadyFor: @Sendable () -> Duration?
        /// False once Discord refused the bot's token.
        public var discordRESTUsable: @Sendable () async -> Bool

        /// Creates probes.
        public init(
            gatewayNotReadyFor: @escaping @Sendable () -> Duration?,
            discordRESTUsable: @escaping @Sendable () async -> Bool
        ) {
            self.gatewayNotReadyFor = gatewayNotReadyFor
            self.discordRESTUsable = discordRESTUsable
        }
    }

    private struct Cycles {
        var lastEnd: Date?
        var nextDue: Date?
    }

    private let probes: Probes
    private let updateInterval: Duration
    private let cycles = Mutex(Cycles())

    /// Creates the health record.
    /// - Parameters:
    ///   - probes: The gateway and REST client questions.
    ///   - updateInterval: `[Bot] UpdateInterval`, for when the next cycle is due.
    public init(probes: Probes, updateInterval: Duration) {
        self.probes = probes
        self.updateInterval = updateInterval
    }

    /// Records a completed update cycle.
    /// - Parameters:
    ///   - end: When it ended.
    ///   - pollDuration: How long its panel requests took.
    public func cycleCompleted(at end: Date, pollDuration: Duration) {
        self.cycles.withLock { cycles in
            cycles.nextDue = HealthRules.nextCycleDue(
                after: end,
                previousEnd: cycles.lastEnd,
                pollDuration: pollDuration,
                updateInterval: self.updateInterval
            )
            cycles.lastEnd = end
        }
    }

    /// The facts now.
    /// - Returns: The snapshot.
    public func snapshot() async -> HealthSnapshot {
        let cycles = self.cycles.withLock { $0 }
        return HealthSnapshot(
            lastCycleEnd: cycles.lastEnd,
            nextCycleDue: cycles.nextDue,
            gatewayNotReadyFor: self.probes.gatewayNotReadyFor(),
            discordRESTUsable: await self.probes.discordRESTUsable()
        )
    }
}
