/// The composition root: builds the HTTP client, Discord REST and gateway, the panel client and the
/// orchestrator from a ``BotConfiguration`` and runs them in one service group.
public enum BotApplication {
    /// Runs the bot until SIGTERM/SIGINT.
    /// - Parameter configuration: A validated configuration with a `[Discord]` section.
    public static func run(configuration: BotConfiguration) async throws {
        // Wired to the orchestrator in the status-embed work (issue 7).
        throw BotApplicationError.notWired
    }
}

/// Errors raised while assembling the bot.
public enum BotApplicationError: Error, CustomStringConvertible {
    /// The orchestrator is not wired yet.
    case notWired

    public var description: String { "the orchestrator is not wired yet" }
}
