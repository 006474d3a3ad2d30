import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Re-reads `config.ini` and the environment on SIGHUP (what `pterodisbot reload` sends) and applies the panels'
/// changes without a restart: added panels are polled from the next cycle, removed ones stop (their status
/// messages say so once and are dropped), changed keys and budgets apply. The gateway stays connected. A file
/// with errors keeps the running configuration and logs every error at once, as `check-config` would.
public final class ConfigurationReloader: Service {
    /// Reads the configuration as at start-up.
    public typealias Load = @Sendable () throws(ConfigurationError) -> BotConfiguration
    /// Applies a valid new configuration.
    public typealias Apply = @Sendable (BotConfiguration, PanelReload) async -> Void

    /// What one reload did.
    public enum Outcome: Sendable, Equatable {
        /// The new configuration is running.
        case applied(PanelReload)
        /// The file had errors; the running configuration stays.
        case refused([ConfigurationIssue])
    }

    private let load: Load
    private let apply: Apply
    private let running: Mutex<BotConfiguration>
    private let logger: Logger

    /// Creates the reloader.
    /// - Parameters:
    ///   - configuration: The configuration the bot started with.
    ///   - load: Reads the configuration again.
    ///   - apply: Puts a new configuration's panels to work.
    ///   - logger: Where each reload is reported.
    public init(configuration: BotConfiguration, load: @escaping Load, apply: @escaping Apply, logger: Logger) {
        self.running = Mutex(configuration)
        self.load = load
        self.apply = apply
        self.logger = logger
    }

    /// Reloads on every SIGHUP until shutdown.
    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// Reads and applies the configuration once.
    /// - Returns: What happened.
    @discardableResult
    public func reload() async -> Outcome {
        logger.info("reloading the configuration (SIGHUP)")
        let new: BotConfiguration
        do {
            new = try load()
        } catch {
            for issue in error.issues where issue.severity == .error {
                logger.error("reload: \(issue)")
            }
            let advice =
                "\(error.errors.count) error(s) above: the configuration was not reloaded and the bot keeps running "
                + "with the previous one; fix the file (`pterodisbot check-config` lists the same errors) and reload"
            logger.error("\(advice)")
            return .refused(error.issues)
        }
        for warning in new.warnings { logger.warning("reload: \(warning)") }
        let old = running.withLock { $0 }
        let change = PanelReload(from: old, to: new)
        await apply(new, change)
        running.withLock { $0 = new }
        logger.info("configuration reloaded: \(change.summary)")
        if !change.needsRestart.isEmpty {
            logger.warning(
                "these settings changed but apply only after a restart: \(change.needsRestart.joined(separator: ", "))"
            )
        }
        return .applied(change)
    }
}
