import ArgumentParser
import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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
        let secrets = CommandSupport.bootstrapLogging(
            level: configuration.bot.logLevel,
            secrets: configuration.secretValues
        )
        let path = options.config
        do {
            try await BotApplication.run(
                configuration: configuration,
                reload: { () throws(ConfigurationError) -> BotConfiguration in
                    let reloaded = try ConfigurationLoader.load(
                        path: path,
                        environment: ProcessInfo.processInfo.environment
                    )
                    secrets.add(reloaded.secretValues)
                    return reloaded
                }
            )
        } catch let error as EmbedStoreError {
            // An unreadable store is a deployment problem (owner, mode, path): EX_CONFIG, like a bad config.
            BotLogHandler.standardError(error.description)
            throw CommandSupport.configurationExitCode
        }
    }
}
