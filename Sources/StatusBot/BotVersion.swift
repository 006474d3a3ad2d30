/// The bot's version, shown by `--version`, `/bot_status` and the REST User-Agent.
public enum BotVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
