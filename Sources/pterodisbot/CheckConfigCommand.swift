import ArgumentParser
import StatusBot

/// `pterodisbot check-config`: validate and show the effective configuration, secrets redacted.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the configuration and print the effective values (secrets redacted)."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        let configuration = try CommandSupport.loadConfiguration(path: options.config, scope: .full)
        print(ConfigurationReport.render(configuration))
    }
}
