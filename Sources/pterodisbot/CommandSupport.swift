import ArgumentParser
import Logging
import StatusBot

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Shared steps of the subcommands: load configuration (exit 78 on error), bootstrap logging once.
enum CommandSupport {
    /// EX_CONFIG from sysexits.h: the configuration is wrong.
    static let configurationExitCode = ExitCode(78)

    /// Loads the configuration; on error prints the report to stderr and exits with status 78.
    static func loadConfiguration(path: String, scope: BotConfiguration.Scope) throws -> BotConfiguration {
        do {
            let configuration = try ConfigurationLoader.load(
                path: path,
                environment: ProcessInfo.processInfo.environment,
                scope: scope
            )
            for warning in configuration.warnings {
                BotLogHandler.standardError("\(warning)")
            }
            return configuration
        } catch {
            BotLogHandler.standardError(error.description)
            throw configurationExitCode
        }
    }

    /// Bootstraps swift-log once with `level`, scrubbing `secrets` from every line.
    /// - Returns: The shared secrets, to which a reload adds new ones.
    @discardableResult
    static func bootstrapLogging(level: Logger.Level, secrets: [String]) -> LogSecrets {
        let shared = LogSecrets(secrets)
        LoggingSystem.bootstrap { label in
            BotLogHandler(label: label, level: level, secrets: shared)
        }
        return shared
    }
}
