import Logging
import Monitoring

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Rewrites the heartbeat file after every completed cycle, so `pterodisbot healthcheck` (Docker's
/// `HEALTHCHECK`) sees the loop alive.
struct HeartbeatWriter: ObservationConsumer {
    let path: String
    let logger: Logger

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        do {
            try HealthFile.write(to: path, now: Date())
        } catch {
            logger.warning("could not write the health file", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
