import Logging
import ServiceLifecycle

/// Saves the embed store once more at shutdown, after the monitor's last cycle (a failed save is retried there).
struct StoreFlusher: Service {
    let store: EmbedStore
    let logger: Logger

    func run() async throws {
        // Graceful shutdown or cancellation: either way the store is saved before the process ends.
        try? await gracefulShutdown()
        do {
            try await store.flush()
        } catch {
            logger.error("could not save the embed store at shutdown", metadata: ["error": "\(error)"])
        }
    }
}
