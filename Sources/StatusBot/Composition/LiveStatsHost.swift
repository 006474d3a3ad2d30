import Logging
import Pterodactyl
import ServiceLifecycle
import Synchronization

/// Runs the live-stats backends of the panels that use Wings websockets, in one service: started with the bot,
/// started and stopped again when a configuration reload adds, changes or removes such a panel. Each backend owns
/// its sockets; stopping one closes them, and shutting the bot down closes all.
public final class LiveStatsHost: Service {
    private enum Command: Sendable {
        case start(key: String, backend: LiveStatsBackend<ContinuousClock>)
        case stop(key: String)
    }

    private let commands: AsyncStream<Command>
    private let continuation: AsyncStream<Command>.Continuation
    private let running = Mutex<[String: LiveStatsBackend<ContinuousClock>]>([:])
    private let logger: Logger

    /// Creates an idle host.
    /// - Parameter logger: Where a backend that stops on an error says so.
    public init(logger: Logger) {
        (commands, continuation) = AsyncStream.makeStream(of: Command.self)
        self.logger = logger
    }

    /// Runs `backend` for the panel `key` (`default` for `[Pterodactyl]`), replacing the one it had.
    /// - Parameters:
    ///   - backend: The panel's live-stats backend.
    ///   - key: The panel's name.
    public func start(_ backend: LiveStatsBackend<ContinuousClock>, for key: String) {
        running.withLock { $0[key] = backend }
        continuation.yield(.start(key: key, backend: backend))
    }

    /// Stops the panel's backend, closing its sockets; nothing happens when it has none.
    /// - Parameter key: The panel's name.
    public func stop(_ key: String) {
        running.withLock { $0[key] = nil }
        continuation.yield(.stop(key: key))
    }

    /// The live-stats backends running now, by panel name.
    public var backends: [String: LiveStatsBackend<ContinuousClock>] { running.withLock { $0 } }

    /// Runs the backends until the bot shuts down.
    public func run() async throws {
        var stops: [String: AsyncStream<Void>.Continuation] = [:]
        await withDiscardingTaskGroup { group in
            for await command in commands.cancelOnGracefulShutdown() {
                switch command {
                case .start(let key, let backend):
                    stops.removeValue(forKey: key)?.finish()
                    let (stopped, stop) = AsyncStream.makeStream(of: Void.self)
                    stops[key] = stop
                    let logger = logger
                    group.addTask { await Self.run(backend, until: stopped, logger: logger) }
                case .stop(let key):
                    stops.removeValue(forKey: key)?.finish()
                }
            }
            for stop in stops.values { stop.finish() }
        }
    }

    /// Runs `backend` until `stopped` ends or the task is cancelled.
    private static func run(
        _ backend: LiveStatsBackend<ContinuousClock>,
        until stopped: AsyncStream<Void>,
        logger: Logger
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await backend.run()
                } catch is CancellationError {
                    // Stopped: its sockets are closed.
                } catch {
                    logger.error("live stats stopped; its servers are polled: \(error)")
                }
            }
            group.addTask { for await _ in stopped {} }
            await group.next()
            group.cancelAll()
        }
    }
}
