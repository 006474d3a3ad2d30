#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The heartbeat file the bot rewrites after every completed update cycle (`[Bot] HealthFile`, default
/// `embed/.heartbeat`), read by `pterodisbot healthcheck` and so by Docker's `HEALTHCHECK`.
///
/// Content, two lines: the ISO-8601 time of the cycle, then the same time in Unix seconds:
/// ```
/// 2026-12-01T20:50:45Z
/// 1796158245
/// ```
public enum HealthFile {
    /// Writes the heartbeat atomically, so the health check never reads a half-written file.
    /// - Parameters:
    ///   - path: The heartbeat file; its folder is created when missing.
    ///   - now: The time the cycle completed.
    /// - Throws: ``FileWriteError``.
    public static func write(to path: String, now: Date) throws {
        try AtomicFileWriter.write(text: contents(for: now), to: path)
    }

    /// The file's content for `now`.
    /// - Parameter now: The time of the completed cycle.
    /// - Returns: Two lines: ISO-8601 time and Unix seconds.
    public static func contents(for now: Date) -> String {
        "\(now.formatted(.iso8601))\n\(Int64(now.timeIntervalSince1970.rounded(.down)))\n"
    }

    /// Reads the time a heartbeat file records: the Unix seconds line, or else an ISO-8601 line.
    /// - Parameter text: The file's content.
    /// - Returns: The recorded time, or `nil` when the text holds neither form.
    public static func parse(_ text: String) -> Date? {
        let lines = text.split(whereSeparator: \.isNewline).map { line in
            String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        }
        for line in lines {
            if let seconds = Double(line), seconds.isFinite, !line.isEmpty {
                return Date(timeIntervalSince1970: seconds)
            }
        }
        for line in lines {
            if let date = try? Date(line, strategy: .iso8601) { return date }
        }
        return nil
    }
}

/// The outcome of `pterodisbot healthcheck`.
public enum HealthCheckResult: Sendable, Equatable, CustomStringConvertible {
    /// The last cycle finished recently enough.
    case healthy(lastCycle: Date, age: Duration)
    /// Stale, missing or unreadable heartbeat, with a one-line reason for the operator.
    case unhealthy(reason: String)

    /// True for ``healthy(lastCycle:age:)``.
    public var isHealthy: Bool {
        if case .healthy = self { return true }
        return false
    }

    /// The process exit code Docker expects: 0 healthy, 1 unhealthy.
    public var exitCode: Int32 { isHealthy ? 0 : 1 }

    /// One line for the health check's output, e.g. `ok: last cycle 4 s ago` or the reason.
    public var description: String {
        switch self {
        case .healthy(_, let age): "ok: last cycle \(age.components.seconds) s ago"
        case .unhealthy(let reason): reason
        }
    }
}

/// Decides whether the bot is healthy from its heartbeat file. Pure given `now`, so tests need no sleeps.
public enum HealthCheck {
    /// Evaluates the heartbeat file at `path`.
    /// - Parameters:
    ///   - path: The heartbeat file (`[Bot] HealthFile`).
    ///   - maxAge: The oldest acceptable heartbeat; the bot uses 3 × `UpdateInterval`.
    ///   - now: The current time.
    /// - Returns: Healthy when the recorded cycle is at most `maxAge` old, else unhealthy with the reason.
    public static func evaluate(path: String, maxAge: Duration, now: Date) -> HealthCheckResult {
        guard FileManager.default.fileExists(atPath: path) else {
            return .unhealthy(reason: "no heartbeat file at \(path): the bot has not completed a cycle yet")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .unhealthy(reason: "cannot read the heartbeat file at \(path)")
        }
        guard let text = String(validating: data, as: UTF8.self), let lastCycle = HealthFile.parse(text) else {
            return .unhealthy(reason: "the heartbeat file at \(path) holds no timestamp")
        }
        // A heartbeat slightly in the future (clocks adjusted) counts as fresh.
        let ageSeconds = max(0, now.timeIntervalSince(lastCycle))
        let age = Duration.milliseconds(Int64((ageSeconds * 1000).rounded(.down)))
        guard age <= maxAge else {
            return .unhealthy(
                reason: "last cycle \(age.components.seconds) s ago, limit \(maxAge.components.seconds) s"
            )
        }
        return .healthy(lastCycle: lastCycle, age: age)
    }
}
