import ClientSupport

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

/// The health file the bot rewrites after every completed update cycle (`[Bot] HealthFile`, default
/// `embed/.heartbeat`), read by `pterodisbot healthcheck` and so by Docker's `HEALTHCHECK` when the metrics
/// listener is off. It carries the facts of ``HealthSnapshot`` so the check applies the same rules as `/readyz`.
///
/// Content: the ISO-8601 time of the cycle, the same time in Unix seconds, then `key=value` lines:
/// ```
/// 2026-12-01T20:50:45Z
/// 1796158245
/// next_cycle_due=1796158265
/// gateway_not_ready_seconds=12
/// discord_rest=usable
/// pid=4242
/// ```
/// `pid` is the bot's process, which `pterodisbot reload` signals.
/// `gateway_not_ready_seconds` is absent while the session is ready. A file of the first two lines only (older
/// versions) still reads; its next cycle is due after the limit the caller gives.
public enum HealthFile {
    /// Writes the facts atomically, so the health check never reads a half-written file.
    /// - Parameters:
    ///   - snapshot: The facts; its `lastCycleEnd` is the time written first.
    ///   - path: The health file; its folder is created when missing.
    /// - Throws: ``FileWriteError``.
    public static func write(_ snapshot: HealthSnapshot, to path: String) throws {
        try AtomicFileWriter.write(text: contents(of: snapshot), to: path)
    }

    /// The file's content for `snapshot`.
    /// - Parameter snapshot: The facts (a snapshot without a completed cycle writes the Unix epoch).
    /// - Returns: The text.
    public static func contents(of snapshot: HealthSnapshot) -> String {
        let end = snapshot.lastCycleEnd ?? Date(timeIntervalSince1970: 0)
        var lines = ["\(end.formatted(.iso8601))", "\(unixSeconds(end))"]
        if let due = snapshot.nextCycleDue {
            lines.append("next_cycle_due=\(unixSeconds(due))")
        }
        if let notReady = snapshot.gatewayNotReadyFor {
            lines.append("gateway_not_ready_seconds=\(notReady.components.seconds)")
        }
        lines.append("discord_rest=\(snapshot.discordRESTUsable ? "usable" : "stopped")")
        lines.append("pid=\(getpid())")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The process that wrote a health file, for `pterodisbot reload`.
    /// - Parameter text: The file's content.
    /// - Returns: The `pid` line's value, or `nil` (a file of an older version has none).
    public static func processID(in text: String) -> Int32? {
        for line in text.split(whereSeparator: \.isNewline) where line.hasPrefix("pid=") {
            if let pid = Int32(line.dropFirst(4)), pid > 0 { return pid }
        }
        return nil
    }

    /// Reads the facts a health file records, as of `now`: the gateway's time without a session grows by the time
    /// since the cycle.
    /// - Parameters:
    ///   - text: The file's content.
    ///   - now: The current time.
    ///   - defaultAllowance: How long after the cycle the next is due when the file does not say.
    /// - Returns: The snapshot, or `nil` when the text records no cycle time.
    public static func parse(_ text: String, now: Date, defaultAllowance: Duration) -> HealthSnapshot? {
        let lines = text.split(whereSeparator: \.isNewline).map(trimmed)
        guard let end = cycleTime(in: lines) else { return nil }
        var values: [String: String] = [:]
        for line in lines {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let due =
            values["next_cycle_due"].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            ?? end.addingTimeInterval(defaultAllowance.inSeconds)
        let sinceCycle = max(0, now.timeIntervalSince(end))
        let notReady = values["gateway_not_ready_seconds"].flatMap(Double.init).map {
            Duration.seconds($0 + sinceCycle)
        }
        return HealthSnapshot(
            lastCycleEnd: end,
            nextCycleDue: due,
            gatewayNotReadyFor: notReady,
            discordRESTUsable: values["discord_rest"] != "stopped"
        )
    }

    /// The cycle time: the Unix seconds line, or else an ISO-8601 line.
    private static func cycleTime(in lines: [String]) -> Date? {
        for line in lines where !line.contains("=") {
            if let seconds = Double(line), seconds.isFinite, !line.isEmpty {
                return Date(timeIntervalSince1970: seconds)
            }
        }
        for line in lines where !line.contains("=") {
            if let date = try? Date(line, strategy: .iso8601) { return date }
        }
        return nil
    }

    private static func trimmed(_ line: Substring) -> String {
        String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    private static func unixSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}

/// `pterodisbot healthcheck`: the readiness rules of ``HealthRules`` applied to the health file.
public enum HealthCheck {
    /// Evaluates the health file at `path`.
    /// - Parameters:
    ///   - path: The health file (`[Bot] HealthFile`).
    ///   - defaultAllowance: When a file of an older version does not say when the next cycle is due: this long
    ///     after its cycle (the bot uses 3 × `UpdateInterval`).
    ///   - now: The current time.
    /// - Returns: The report: healthy, or each failing check with its reason.
    public static func evaluate(path: String, defaultAllowance: Duration, now: Date) -> HealthReport {
        guard FileManager.default.fileExists(atPath: path) else {
            return unhealthy("no health file at \(path): the bot has not completed a cycle yet")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return unhealthy("cannot read the health file at \(path)")
        }
        guard let text = String(validating: data, as: UTF8.self),
            let snapshot = HealthFile.parse(text, now: now, defaultAllowance: defaultAllowance)
        else {
            return unhealthy("the health file at \(path) holds no cycle time")
        }
        return HealthRules.readiness(snapshot, now: now)
    }

    private static func unhealthy(_ reason: String) -> HealthReport {
        HealthReport(failures: [.init(check: "cycle", reason: reason)], summary: "")
    }
}
