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

/// `pterodisbot reload`: finds the running bot through the `pid` line of its health file and sends it SIGHUP.
public enum ReloadRequest {
    /// What the command prints and how it exits.
    public struct Result: Sendable, Equatable, CustomStringConvertible {
        /// 0 when the signal was sent.
        public var exitCode: Int32
        /// What happened, or what to do.
        public var description: String
    }

    /// Sends SIGHUP to the bot that wrote `healthFilePath`.
    /// - Parameters:
    ///   - healthFilePath: `[Bot] HealthFile`.
    ///   - signal: Sends SIGHUP to a pid and returns `kill`'s result (injected by tests).
    /// - Returns: The outcome.
    public static func send(
        healthFilePath: String,
        signal: (Int32) -> Int32 = { kill($0, SIGHUP) }
    ) -> Result {
        guard let data = FileManager.default.contents(atPath: healthFilePath) else {
            return Result(
                exitCode: 1,
                description: "no health file at \(healthFilePath): the bot is not running, has not finished its first "
                    + "cycle yet, or uses another [Bot] HealthFile (pass the same --config as the bot)"
            )
        }
        guard let pid = HealthFile.processID(in: String(decoding: data, as: UTF8.self)) else {
            return Result(
                exitCode: 1,
                description: "\(healthFilePath) names no process (written by an older version); restart the bot once, "
                    + "or send SIGHUP yourself: kill -HUP <pid>"
            )
        }
        guard signal(pid) == 0 else {
            return Result(
                exitCode: 1,
                description: "could not signal process \(pid) named in \(healthFilePath): it is not running, or "
                    + "belongs to another user (run reload as the bot's user)"
            )
        }
        return Result(
            exitCode: 0,
            description: "asked the bot (pid \(pid)) to reload its configuration; its log says what changed or why "
                + "the file was refused"
        )
    }
}
