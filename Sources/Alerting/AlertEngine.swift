#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What changed in one cycle. Every list is in outcome order: critical first, then by subject, then by kind.
public struct AlertCycleOutcome: Sendable, Equatable {
    /// Alerts that opened this cycle with a new identifier.
    public var opened: [Alert]
    /// Alerts that fired again within the flapping window: same identifier, ``Alert/repeatCount`` one higher.
    public var reopened: [Alert]
    /// Alerts that resolved this cycle.
    public var resolved: [Alert]
    /// Open alerts whose figure, severity or summary changed enough to re-render them.
    public var updated: [Alert]
    /// Every alert open after this cycle, oldest first (by ``Alert/firedAt``).
    public var openAlerts: [Alert]

    /// Creates an outcome.
    /// - Parameters:
    ///   - opened: New alerts.
    ///   - reopened: Alerts re-opened within the flapping window.
    ///   - resolved: Alerts resolved this cycle.
    ///   - updated: Open alerts re-rendered.
    ///   - openAlerts: All open alerts.
    public init(
        opened: [Alert] = [],
        reopened: [Alert] = [],
        resolved: [Alert] = [],
        updated: [Alert] = [],
        openAlerts: [Alert] = []
    ) {
        self.opened = opened
        self.reopened = reopened
        self.resolved = resolved
        self.updated = updated
        self.openAlerts = openAlerts
    }

    /// True when nothing opened, re-opened, resolved or changed.
    public var isQuiet: Bool { opened.isEmpty && reopened.isEmpty && resolved.isEmpty && updated.isEmpty }
}

/// Decides, cycle by cycle, which alerts open, re-open, change and resolve. Pure: no I/O and no clock of its own.
///
/// The rules follow Prometheus Alertmanager's ideas: a condition must hold for a while before it fires (`for`),
/// alerts clear with hysteresis, an outage of the panel or of a node inhibits the alerts it would cause, and an
/// alert that flaps re-opens instead of posting again.
public struct AlertEngine: Sendable {
    /// The thresholds in force (configuration, not persisted; a reload may change them).
    public var thresholds: AlertThresholds
    /// The state to persist after every cycle and every acknowledgement.
    public private(set) var state: AlertEngineState

    /// Creates an engine with no alerts.
    /// - Parameter thresholds: When conditions fire and clear.
    public init(thresholds: AlertThresholds = AlertThresholds()) {
        self.init(thresholds: thresholds, restoring: AlertEngineState())
    }

    /// Creates an engine that continues from a persisted state.
    /// - Parameters:
    ///   - thresholds: When conditions fire and clear (may differ from the run that wrote the state).
    ///   - state: The state a previous run persisted.
    public init(thresholds: AlertThresholds = AlertThresholds(), restoring state: AlertEngineState) {
        self.thresholds = thresholds
        self.state = state
    }

    // MARK: - Queries

    /// Every open alert, oldest first.
    public var openAlerts: [Alert] {
        state.alerts.filter(\.isOpen).sorted(by: Self.firedOrder)
    }

    /// Looks an alert up by identifier, open or recently resolved.
    /// - Parameter id: The identifier, e.g. from a button's custom ID.
    /// - Returns: The alert, or `nil` when unknown or forgotten.
    public func alert(id: String) -> Alert? {
        state.alerts.first { $0.id == id }
    }

    // MARK: - Inputs

    /// Records that someone acknowledged an open alert. A second acknowledgement keeps the first.
    /// - Parameters:
    ///   - alertID: The alert's identifier.
    ///   - user: Who acknowledged it, as the bot wants to show them.
    ///   - date: When.
    /// - Returns: The alert after the acknowledgement, or `nil` when the identifier is unknown or resolved.
    public mutating func acknowledge(alertID: String, by user: String, at date: Date) -> Alert? {
        guard let index = state.alerts.firstIndex(where: { $0.id == alertID && $0.isOpen }) else { return nil }
        if state.alerts[index].acknowledgedBy == nil {
            state.alerts[index].acknowledgedBy = user
            state.alerts[index].acknowledgedAt = date
        }
        return state.alerts[index]
    }

    /// Evaluates one cycle's facts.
    /// - Parameters:
    ///   - facts: What the monitor saw this cycle.
    ///   - now: The cycle's time.
    /// - Returns: What opened, re-opened, resolved and changed, and every open alert.
    public mutating func evaluate(_ facts: AlertCycleFacts, now: Date) -> AlertCycleOutcome {
        forgetResolved(before: now)
        let verdicts = verdicts(for: facts)
        var tracks = Dictionary(uniqueKeysWithValues: state.tracks.map { ($0.key, $0) })
        var keys = Set(verdicts.keys).union(tracks.keys)
        keys.formUnion(state.alerts.filter(\.isOpen).map(\.key))

        var outcome = AlertCycleOutcome()
        for key in keys.sorted() {
            var track = tracks[key] ?? ConditionTrack(key: key)
            step(&track, verdict: verdicts[key], now: now, into: &outcome)
            tracks[key] = track.isIdle ? nil : track
        }
        state.tracks = tracks.values.sorted { $0.key < $1.key }

        outcome.opened.sort(by: Alert.outcomeOrder)
        outcome.reopened.sort(by: Alert.outcomeOrder)
        outcome.resolved.sort(by: Alert.outcomeOrder)
        outcome.updated.sort(by: Alert.outcomeOrder)
        outcome.openAlerts = openAlerts
        return outcome
    }

    // MARK: - One key, one cycle

    /// Applies one verdict to one key: advances or resets its timers and opens, updates or resolves its alert.
    private mutating func step(
        _ track: inout ConditionTrack,
        verdict: Verdict?,
        now: Date,
        into outcome: inout AlertCycleOutcome
    ) {
        let openIndex = state.alerts.firstIndex { $0.key == track.key && $0.isOpen }
        switch verdict {
        case nil, .persisting:
            // Not evaluated (inhibited, stale, unknown) or still bad without being new: a sustain run is broken
            // and good cycles are no longer consecutive, so both start over. An open alert stays as it is.
            track.pendingSince = nil
            track.goodCycles = 0

        case .good(let clearsAtOnce):
            track.pendingSince = nil
            guard let index = openIndex else {
                track.goodCycles = 0
                return
            }
            track.goodCycles += 1
            if clearsAtOnce || track.goodCycles >= thresholds.goodCyclesToClear {
                state.alerts[index].resolvedAt = now
                track.goodCycles = 0
                outcome.resolved.append(state.alerts[index])
            }

        case .firing(let condition):
            track.goodCycles = 0
            if let index = openIndex {
                if refresh(&state.alerts[index], with: condition) {
                    outcome.updated.append(state.alerts[index])
                }
                return
            }
            let since = track.pendingSince ?? now
            track.pendingSince = since
            guard now.timeIntervalSince(since) >= condition.sustain.alertSeconds else { return }
            track.pendingSince = nil
            fire(track.key, condition, conditionSince: condition.startedAt ?? since, now: now, into: &outcome)
        }
    }

    /// Opens an alert for a key, or re-opens its alert if it resolved within the flapping window.
    private mutating func fire(
        _ key: AlertKey,
        _ condition: Condition,
        conditionSince: Date,
        now: Date,
        into outcome: inout AlertCycleOutcome
    ) {
        let window = thresholds.minimumRepostInterval.alertSeconds
        if let index = state.alerts.firstIndex(where: {
            $0.key == key && !$0.isOpen && now.timeIntervalSince($0.resolvedAt ?? now) < window
        }) {
            // Same alert, same message: a flapping condition must not post a new message every few minutes.
            // The acknowledgement stays, so whoever looks after it is not pinged again.
            state.alerts[index].resolvedAt = nil
            state.alerts[index].repeatCount += 1
            state.alerts[index].conditionSince = conditionSince
            apply(condition, to: &state.alerts[index])
            outcome.reopened.append(state.alerts[index])
            return
        }
        let alert = Alert(
            id: "a\(state.nextAlertNumber)",
            key: key,
            severity: condition.severity,
            subjectName: condition.subjectName,
            summary: condition.summary,
            figure: condition.figure,
            conditionSince: conditionSince,
            firedAt: now
        )
        state.nextAlertNumber += 1
        state.alerts.append(alert)
        outcome.opened.append(alert)
    }

    /// Refreshes an open alert from this cycle's condition.
    /// - Returns: True when the change is worth re-rendering: severity, subject name or wording changed, or the
    ///   figure moved by at least ``AlertThresholds/updateStepPoints``.
    private func refresh(_ alert: inout Alert, with condition: Condition) -> Bool {
        let figureMoved: Bool
        switch (alert.figure, condition.figure) {
        case (let old?, let new?): figureMoved = abs(new - old) >= thresholds.updateStepPoints
        case (nil, nil): figureMoved = alert.summary != condition.summary
        default: figureMoved = true
        }
        let changed = figureMoved || alert.severity != condition.severity || alert.subjectName != condition.subjectName
        if changed { apply(condition, to: &alert) }
        return changed
    }

    private func apply(_ condition: Condition, to alert: inout Alert) {
        alert.severity = condition.severity
        alert.subjectName = condition.subjectName
        alert.summary = condition.summary
        alert.figure = condition.figure
    }

    /// Drops resolved alerts once they can no longer re-open: after the flapping window nothing needs them.
    private mutating func forgetResolved(before now: Date) {
        let window = thresholds.minimumRepostInterval.alertSeconds
        state.alerts.removeAll { alert in
            guard let resolvedAt = alert.resolvedAt else { return false }
            return now.timeIntervalSince(resolvedAt) >= window
        }
    }

    private static func firedOrder(_ lhs: Alert, _ rhs: Alert) -> Bool {
        if lhs.firedAt != rhs.firedAt { return lhs.firedAt < rhs.firedAt }
        return Alert.outcomeOrder(lhs, rhs)
    }
}
