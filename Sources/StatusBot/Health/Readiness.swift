import ClientSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the bot knows of its own health at one moment: the same facts feed `/readyz`, `/healthz`, the health file
/// and `pterodisbot healthcheck`.
public struct HealthSnapshot: Sendable, Equatable {
    /// When the last update cycle finished; nil before the first.
    public var lastCycleEnd: Date?
    /// The next cycle is overdue after this; nil before the first cycle.
    public var nextCycleDue: Date?
    /// nil while the gateway session is ready; else how long it has not been.
    public var gatewayNotReadyFor: Duration?
    /// False once Discord refused the bot's token: every REST call fails from then on.
    public var discordRESTUsable: Bool

    /// Creates a snapshot.
    public init(lastCycleEnd: Date?, nextCycleDue: Date?, gatewayNotReadyFor: Duration?, discordRESTUsable: Bool) {
        self.lastCycleEnd = lastCycleEnd
        self.nextCycleDue = nextCycleDue
        self.gatewayNotReadyFor = gatewayNotReadyFor
        self.discordRESTUsable = discordRESTUsable
    }
}

/// The verdict of the health rules: each failing check with a reason an operator can act on.
public struct HealthReport: Sendable, Equatable, CustomStringConvertible {
    /// One failing check.
    public struct Failure: Sendable, Equatable {
        /// `cycle`, `gateway` or `discord_rest`.
        public var check: String
        /// Why, in one line.
        public var reason: String
    }

    /// The failing checks; empty when healthy.
    public var failures: [Failure]
    /// A one-line summary of a healthy state, e.g. `last cycle 4 s ago`.
    public var summary: String

    /// True when no check fails.
    public var isHealthy: Bool { failures.isEmpty }

    /// The exit code Docker's HEALTHCHECK expects: 0 healthy, 1 unhealthy.
    public var exitCode: Int32 { isHealthy ? 0 : 1 }

    /// `ok: …` when healthy, else every failing check's reason.
    public var description: String {
        isHealthy ? "ok: \(summary)" : failures.map { "\($0.check): \($0.reason)" }.joined(separator: "; ")
    }

    /// The JSON body of `/readyz` and `/healthz`: `{"status":"ok"}` or the failing checks by name.
    public var json: String {
        guard !isHealthy else { return #"{"status":"ok"}"# }
        let checks = failures.map { #""\#($0.check)":"\#(Self.escaped($0.reason))""# }.joined(separator: ",")
        return #"{"status":"failing","checks":{\#(checks)}}"#
    }

    private static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// The health rules. Pure given `now`, so tests drive them with fixed times.
public enum HealthRules {
    /// How long the gateway may be without a ready session before the bot counts as not ready: enough for a
    /// resume or a reconnect with its deadlines (connect, HELLO and READY take at most 30 s each), not for a
    /// session that stays down.
    public static let gatewayGrace: Duration = .seconds(90)

    /// Readiness: cycles on time, the gateway ready (or back within ``gatewayGrace``), and the REST client usable.
    /// - Parameters:
    ///   - snapshot: The facts.
    ///   - now: The current time.
    /// - Returns: The report.
    public static func readiness(_ snapshot: HealthSnapshot, now: Date) -> HealthReport {
        var report = liveness(snapshot, now: now)
        if let down = snapshot.gatewayNotReadyFor, down > gatewayGrace {
            report.failures.append(
                .init(
                    check: "gateway",
                    reason: "no Discord gateway session for \(down.components.seconds) s: slash commands and buttons "
                        + "get no answer (see the log for the close code or network error)"
                )
            )
        }
        if !snapshot.discordRESTUsable {
            report.failures.append(
                .init(
                    check: "discord_rest",
                    reason: "Discord refused the bot token: reset it in the Developer Portal and set [Discord] Token"
                )
            )
        }
        return report
    }

    /// Liveness: the update loop keeps completing cycles on time.
    /// - Parameters:
    ///   - snapshot: The facts.
    ///   - now: The current time.
    /// - Returns: The report (only the `cycle` check).
    public static func liveness(_ snapshot: HealthSnapshot, now: Date) -> HealthReport {
        guard let lastCycleEnd = snapshot.lastCycleEnd, let due = snapshot.nextCycleDue else {
            return HealthReport(
                failures: [.init(check: "cycle", reason: "the bot has not completed an update cycle yet")],
                summary: ""
            )
        }
        // A time slightly in the future (clocks adjusted) counts as now.
        let age = Int(max(0, now.timeIntervalSince(lastCycleEnd)))
        guard now <= due else {
            let allowed = Int(max(0, due.timeIntervalSince(lastCycleEnd)))
            return HealthReport(
                failures: [
                    .init(
                        check: "cycle",
                        reason: "last update cycle \(age) s ago, overdue after \(allowed) s: the update loop is stuck "
                            + "or the panel is far slower than before"
                    )
                ],
                summary: ""
            )
        }
        return HealthReport(failures: [], summary: "last cycle \(age) s ago")
    }

    /// When the cycle after one that just ended is overdue: twice the time between the last two cycle ends, or
    /// twice the update interval plus this cycle's polling time if that is longer. A cycle stretched by the
    /// panel's request budget (hundreds of servers) sets its own pace and does not count as late; a loop that
    /// stops does.
    /// - Parameters:
    ///   - end: When this cycle ended.
    ///   - previousEnd: When the cycle before ended, if there was one.
    ///   - pollDuration: How long this cycle's panel requests took.
    ///   - updateInterval: `[Bot] UpdateInterval`.
    /// - Returns: The deadline of the next cycle.
    public static func nextCycleDue(
        after end: Date,
        previousEnd: Date?,
        pollDuration: Duration,
        updateInterval: Duration
    ) -> Date {
        let period = previousEnd.map { max(0, end.timeIntervalSince($0)) } ?? 0
        let allowance = 2 * max(period, updateInterval.inSeconds + pollDuration.inSeconds)
        return end.addingTimeInterval(allowance)
    }
}
