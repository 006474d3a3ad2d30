import ArgumentParser
import StatusBot

/// The `pterodisbot` command: parses arguments and hands over to StatusBot. Nothing else lives here.
@main
struct Pterodisbot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pterodisbot",
        abstract: "Live status embeds and power buttons for Pterodactyl and Pelican game servers, in Discord.",
        version: BotVersion.current,
        subcommands: [
            RunCommand.self, CheckConfigCommand.self, DemoCommand.self, PreviewCommand.self, HealthcheckCommand.self,
            RenderGraphCommand.self, ReloadCommand.self,
        ],
        defaultSubcommand: RunCommand.self
    )
}

/// Options every command that reads the configuration shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Path of the configuration file.")
    var config: String = "config.ini"
}
