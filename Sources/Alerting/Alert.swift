#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One alert, open or recently resolved. The engine owns it; the bot renders it.
public struct Alert: Sendable, Codable, Equatable, Identifiable {
    /// A short stable identifier such as `a17`, small enough for a button's custom ID.
    public internal(set) var id: String
    /// The condition it is about.
    public internal(set) var key: AlertKey
    /// How urgent it is.
    public internal(set) var severity: AlertSeverity
    /// Display name of the subject: the server's or node's name, "the panel" when the bot serves one panel, or the
    /// panel's name among several.
    public internal(set) var subjectName: String
    /// One line, e.g. "CPU at 93% of its limit".
    public internal(set) var summary: String
    /// The figure in the summary (a percentage), when it has one; refreshed when it moves by
    /// ``AlertThresholds/updateStepPoints``.
    public internal(set) var figure: Double?
    /// When the condition started (the first bad cycle, including the sustain time).
    public internal(set) var conditionSince: Date
    /// When the alert first opened.
    public internal(set) var firedAt: Date
    /// When it resolved, or `nil` while open.
    public internal(set) var resolvedAt: Date?
    /// Who acknowledged it (as the bot wants to show them), or `nil`.
    public internal(set) var acknowledgedBy: String?
    /// When it was acknowledged.
    public internal(set) var acknowledgedAt: Date?
    /// How many times it fired again shortly after it resolved (re-opened instead of posted anew).
    public internal(set) var repeatCount: Int

    /// Creates an alert; the engine is the only one that needs to.
    /// - Parameters:
    ///   - id: Stable short identifier.
    ///   - key: The condition.
    ///   - severity: How urgent.
    ///   - subjectName: Display name of the subject.
    ///   - summary: One-line description.
    ///   - figure: The percentage in the summary, if any.
    ///   - conditionSince: When the condition started.
    ///   - firedAt: When the alert opened.
    public init(
        id: String,
        key: AlertKey,
        severity: AlertSeverity,
        subjectName: String,
        summary: String,
        figure: Double?,
        conditionSince: Date,
        firedAt: Date
    ) {
        self.id = id
        self.key = key
        self.severity = severity
        self.subjectName = subjectName
        self.summary = summary
        self.figure = figure
        self.conditionSince = conditionSince
        self.firedAt = firedAt
        self.resolvedAt = nil
        self.acknowledgedBy = nil
        self.acknowledgedAt = nil
        self.repeatCount = 0
    }

    /// True until it resolves.
    public var isOpen: Bool { resolvedAt == nil }

    /// How long the condition lasted, from ``conditionSince`` to ``resolvedAt``, for "resolved after 12 min".
    /// - Returns: `nil` while the alert is open.
    public func resolvedAfter() -> Duration? {
        guard let resolvedAt else { return nil }
        return .milliseconds(Int64((resolvedAt.timeIntervalSince(conditionSince) * 1000).rounded()))
    }

    /// Outcome order: critical first, then by subject, then by kind.
    static func outcomeOrder(_ lhs: Alert, _ rhs: Alert) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity < rhs.severity }
        if lhs.key != rhs.key { return lhs.key < rhs.key }
        return lhs.id < rhs.id
    }
}
