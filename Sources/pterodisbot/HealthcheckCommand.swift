import ArgumentParser
import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `pterodisbot healthcheck`: exit 0 when the health file shows a ready bot, 1 with the failing checks otherwise.
struct HealthcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 when the bot is ready (cycles on time, gateway session up, token accepted), else 1 with why."
    )

    @OptionGroup var options: ConfigOptions

    func run() throws {
        // Only [Bot] matters here; the container's health check has the same environment as the bot.
        let bot = try CommandSupport.loadConfiguration(path: options.config, scope: .panelOnly).bot
        let result = HealthCheck.evaluate(path: bot.healthFile, defaultAllowance: bot.updateInterval * 3, now: Date())
        print(result.description)
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
