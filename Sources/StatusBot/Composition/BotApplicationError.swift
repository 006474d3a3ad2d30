/// Errors raised while assembling the bot.
public enum BotApplicationError: Error, CustomStringConvertible {
    /// `run` needs `[Discord]`.
    case missingDiscordSection
    /// GET /gateway/bot failed; the text says why (a rejected token says so).
    case discordUnavailable(String)

    public var description: String {
        switch self {
        case .missingDiscordSection: "the [Discord] section is required to run the bot"
        case .discordUnavailable(let reason): "could not reach Discord to start: \(reason)"
        }
    }
}
