import Logging
import Monitoring

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Records every completed cycle in ``BotHealth`` and rewrites the health file with what it then knows, so
/// `pterodisbot healthcheck` (Docker's `HEALTHCHECK`) applies the rules of `/readyz` without the listener.
struct HeartbeatWriter: ObservationConsumer {
    let health: BotHealth
    let path: String
    let logger: Logger
    var wallClock: @Sendable () -> Date = { Date() }

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        health.cycleCompleted(at: wallClock(), pollDuration: observation.panelDuration)
        do {
            try HealthFile.write(await health.snapshot(), to: path)
        } catch {
            logger.warning("could not write the health file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
