#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `config.ini` from disk (if present) and builds a ``BotConfiguration``.
public enum ConfigurationLoader {
    /// Loads and validates the configuration.
    /// - Parameters:
    ///   - path: Path of the INI file; a missing file is fine when the environment carries the settings.
    ///   - environment: The process environment.
    ///   - scope: Which sections are required.
    /// - Returns: The validated configuration (warnings inside).
    /// - Throws: ``ConfigurationError`` with every problem.
    public static func load(
        path: String,
        environment: [String: String],
        scope: BotConfiguration.Scope = .full
    ) throws(ConfigurationError) -> BotConfiguration {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: path) else {
            return try BotConfiguration(document: nil, environment: environment, scope: scope)
        }
        guard let data = fileManager.contents(atPath: path) else {
            throw ConfigurationError(issues: [
                ConfigurationIssue(.error, path, "cannot be read; check its permissions (the bot needs read access)")
            ])
        }
        var status = stat()
        let mode: UInt32? = stat(path, &status) == 0 ? UInt32(status.st_mode) & 0o777 : nil
        return try BotConfiguration(
            document: INIDocument(bytes: Array(data)),
            environment: environment,
            fileMode: mode,
            scope: scope
        )
    }
}
