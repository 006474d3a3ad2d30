import ArgumentParser
import StatusBot

/// `pterodisbot run`: the bot itself.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the bot (the default command)."
    )

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        MemoryTuning.limitMallocArenas()
        let configuration = try CommandSupport.loadConfiguration(path: options.config, scope: .full)
        CommandSupport.bootstrapLogging(level: configuration.bot.logLevel, secrets: configuration.secretValues)
        do {
            try await BotApplication.run(configuration: configuration)
        } catch let error as EmbedStoreError {
            // An unreadable store is a deployment problem (owner, mode, path): EX_CONFIG, like a bad config.
            BotLogHandler.standardError(error.description)
            throw CommandSupport.configurationExitCode
        }
    }
}
