import ArgumentParser
import Logging
import StatusBot

/// `pterodisbot preview`: the real panel, with an HTML page in place of Discord.
struct PreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Poll your panel (only [Pterodactyl] is read) and write the status embeds to an HTML page."
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Folder for the page and graphs.")
    var output: String = "preview"

    @Option(help: "Update cycles to run, one per UpdateInterval (graphs need six fresh samples, about 2 minutes).")
    var cycles: Int = 13

    func run() async throws {
        let configuration = try CommandSupport.loadConfiguration(path: options.config, scope: .panelOnly)
        CommandSupport.bootstrapLogging(level: configuration.bot.logLevel, secrets: configuration.secretValues)
        let path = try await PreviewRunner.run(
            configuration: configuration,
            folder: output,
            cycles: max(1, cycles),
            logger: Logger(label: "pterodisbot.preview")
        )
        print("Preview written. Open \(path) in a browser.")
    }
}
