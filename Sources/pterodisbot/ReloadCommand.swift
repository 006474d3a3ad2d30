import ArgumentParser
import StatusBot

/// `pterodisbot reload`: tells the running bot to re-read its configuration (SIGHUP), without a restart.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract:
            "Make the running bot re-read config.ini and the environment (panels join and leave without a restart)."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        // Only [Bot] HealthFile matters: it names the bot's process.
        let bot = try CommandSupport.loadConfiguration(path: options.config, scope: .panelOnly).bot
        let result = ReloadRequest.send(healthFilePath: bot.healthFile)
        print(result.description)
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
