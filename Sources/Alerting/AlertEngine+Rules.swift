import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What one cycle says about one key. A key without a verdict was not evaluated this cycle.
enum Verdict: Sendable, Equatable {
    /// The condition holds: it opens (after its sustain time) or keeps its alert open.
    case firing(Condition)
    /// Still not good, but not a new occurrence either (a stopped server that stays offline): keeps an open
    /// alert open, never opens one.
    case persisting
    /// The condition is absent. `clearsAtOnce` when a figure fell below the hysteresis band.
    case good(clearsAtOnce: Bool)
}

/// A condition that holds this cycle, with everything an alert shows.
struct Condition: Sendable, Equatable {
    /// The alert's severity while the condition holds this way.
    var severity: AlertSeverity
    /// The subject's display name.
    var subjectName: String
    /// The one-line summary.
    var summary: String
    /// The percentage in the summary, if any.
    var figure: Double?
    /// How long it must hold on every evaluated cycle before the alert opens; zero opens at once.
    var sustain: Duration = .zero
    /// When the condition began, when the facts know better than the first bad cycle.
    var startedAt: Date? = nil
}

extension AlertEngine {
    /// The panel's display name in alerts.
    static let panelName = "the panel"

    /// Turns one cycle's facts into verdicts, applying inhibition: a key missing from the result is not evaluated.
    func verdicts(for facts: AlertCycleFacts) -> [AlertKey: Verdict] {
        var verdicts: [AlertKey: Verdict] = [:]
        var downPanels = Set<String?>()
        for panel in facts.panels where !addPanelVerdicts(panel, to: &verdicts) {
            downPanels.insert(panel.name)
        }
        // A panel the cycle says nothing about (its servers are not listed: the bot restarted while it was down)
        // stays down while its alert is open, as a node does while nodes are unknown.
        let evaluated = Set(facts.panels.map(\.name))
        for alert in state.alerts where alert.isOpen {
            guard alert.key.kind == .panelUnreachable || alert.key.kind == .panelKeyRefused,
                let name = Self.panel(of: alert.key.subject), !evaluated.contains(name)
            else { continue }
            downPanels.insert(name)
        }
        // Inhibition: without an answering panel every node and server of it would look broken; one panel alert
        // says it. The other panels' nodes and servers are evaluated as usual.
        let downNodes = addNodeVerdicts(facts.nodes, skippingPanels: downPanels, to: &verdicts)
        addServerVerdicts(facts.servers, skippingPanels: downPanels, skippingNodes: downNodes, to: &verdicts)
        return verdicts
    }

    // MARK: - Panels

    /// Adds one panel's verdicts.
    /// - Returns: True when the panel answered with the bot's key, so its nodes and servers can be evaluated.
    private func addPanelVerdicts(_ panel: PanelCycleFacts, to verdicts: inout [AlertKey: Verdict]) -> Bool {
        let subject = AlertSubject.panel(named: panel.name)
        let unreachable = AlertKey(kind: .panelUnreachable, subject: subject)
        let refused = AlertKey(kind: .panelKeyRefused, subject: subject)
        // With one panel the alerts read as they always did; among several, each names its panel.
        let subjectName = panel.displayName ?? Self.panelName
        switch panel.status {
        case .answering:
            verdicts[unreachable] = .good(clearsAtOnce: false)
            verdicts[refused] = .good(clearsAtOnce: false)
            return true
        case .unreachable(let detail):
            // Whether the key would be refused cannot be known while nothing answers: no verdict for it.
            verdicts[unreachable] = .firing(
                Condition(
                    severity: .critical,
                    subjectName: subjectName,
                    summary: panel.displayName.map { "panel \($0) unreachable: \(detail)" }
                        ?? "panel unreachable: \(detail)",
                    figure: nil
                )
            )
        case .keyRefused(let detail):
            verdicts[unreachable] = .good(clearsAtOnce: false)
            verdicts[refused] = .firing(
                Condition(
                    severity: .critical,
                    subjectName: subjectName,
                    summary: panel.displayName.map { "panel \($0) refuses the bot's API key: \(detail)" }
                        ?? "the panel refuses the bot's API key: \(detail)",
                    figure: nil
                )
            )
        }
        return false
    }

    /// The panel a panel subject names (`.some(nil)` for the default panel), `nil` for other subjects.
    private static func panel(of subject: AlertSubject) -> String?? {
        switch subject {
        case .panel: .some(nil)
        case .namedPanel(let name): .some(name)
        case .node, .server: nil
        }
    }

    // MARK: - Nodes

    /// Adds node verdicts, skipping the nodes of panels that are down.
    /// - Returns: The names of nodes considered unreachable, whose servers are not evaluated.
    private func addNodeVerdicts(
        _ nodes: [NodeFacts]?,
        skippingPanels downPanels: Set<String?>,
        to verdicts: inout [AlertKey: Verdict]
    ) -> Set<String> {
        guard let nodes else {
            // Nodes unknown this cycle: keep inhibiting servers of nodes whose unreachable alert is still open.
            return Set(
                state.alerts.compactMap { alert in
                    guard alert.isOpen, alert.key.kind == .nodeUnreachable, case .node(let name) = alert.key.subject
                    else { return nil }
                    return name
                }
            )
        }
        var down: Set<String> = []
        for node in nodes where !downPanels.contains(node.panel) {
            let subject = AlertSubject.node(name: node.name)
            let displayName = node.location.map { "\(node.name) (\($0))" } ?? node.name
            switch node.reachability {
            case .reachable:
                verdicts[AlertKey(kind: .nodeUnreachable, subject: subject)] = .good(clearsAtOnce: false)
            case .unreachable(let since):
                down.insert(node.name)
                verdicts[AlertKey(kind: .nodeUnreachable, subject: subject)] = .firing(
                    Condition(
                        severity: .critical,
                        subjectName: displayName,
                        summary: "node unreachable: every server on it fails while other nodes answer",
                        figure: nil,
                        startedAt: since
                    )
                )
            case .unknown:
                break
            }
            // Allocation is configuration, not load: it does not come and go, so it needs no sustain time.
            verdicts[AlertKey(kind: .nodeMemoryAllocated, subject: subject)] = thresholdVerdict(
                node.memoryAllocatedPercent,
                threshold: thresholds.nodeMemoryPercent,
                sustain: .zero
            ) { percent in
                Condition(
                    severity: .warning,
                    subjectName: displayName,
                    summary: "memory allocated \(AlertFormatting.percent(percent))% of capacity "
                        + "(\(AlertFormatting.gibibytes(node.memoryAllocatedMiB)) of "
                        + "\(AlertFormatting.gibibytes(node.memoryCapacityMiB ?? 0)) GiB)",
                    figure: percent
                )
            }
            verdicts[AlertKey(kind: .nodeDiskAllocated, subject: subject)] = thresholdVerdict(
                node.diskAllocatedPercent,
                threshold: thresholds.nodeDiskPercent,
                sustain: .zero
            ) { percent in
                Condition(
                    severity: .warning,
                    subjectName: displayName,
                    summary: "disk allocated \(AlertFormatting.percent(percent))% of capacity "
                        + "(\(AlertFormatting.gibibytes(node.diskAllocatedMiB)) of "
                        + "\(AlertFormatting.gibibytes(node.diskCapacityMiB ?? 0)) GiB)",
                    figure: percent
                )
            }
        }
        // A node the panels no longer list is gone: its alerts clear like any good cycle. While a panel is down its
        // nodes may be missing from the listing, and an alert's key does not say which panel its node is on: wait.
        guard downPanels.isEmpty else { return down }
        let listed = Set(nodes.map(\.name))
        markGone(verdicts: &verdicts) { subject in
            guard case .node(let name) = subject else { return false }
            return !listed.contains(name)
        }
        return down
    }

    // MARK: - Servers

    private func addServerVerdicts(
        _ servers: [ServerFacts],
        skippingPanels downPanels: Set<String?>,
        skippingNodes downNodes: Set<String>,
        to verdicts: inout [AlertKey: Verdict]
    ) {
        for server in servers {
            // Stale figures describe the past; a server on an unreachable node or panel is covered by its alert.
            if server.isStale || downPanels.contains(server.id.panel) { continue }
            if let node = server.nodeName, downNodes.contains(node) { continue }
            let subject = AlertSubject.server(server.id)
            verdicts[AlertKey(kind: .serverStopped, subject: subject)] = stoppedVerdict(server)
            verdicts[AlertKey(kind: .serverStuckStarting, subject: subject)] =
                server.state == .starting
                ? .firing(
                    Condition(
                        severity: .warning,
                        subjectName: server.name,
                        summary: "still starting after \(AlertFormatting.minutes(thresholds.stuckStartingFor))",
                        figure: nil,
                        sustain: thresholds.stuckStartingFor
                    )
                )
                : .good(clearsAtOnce: false)
            let figures: [(AlertKind, Double?, Double, String)] = [
                (.serverCPU, server.cpuPercentOfLimit, thresholds.serverCPUPercent, "CPU"),
                (.serverMemory, server.memoryPercentOfLimit, thresholds.serverMemoryPercent, "memory"),
                (.serverDisk, server.diskPercentOfLimit, thresholds.serverDiskPercent, "disk"),
            ]
            for (kind, value, threshold, label) in figures {
                verdicts[AlertKey(kind: kind, subject: subject)] = thresholdVerdict(
                    value,
                    threshold: threshold,
                    sustain: thresholds.sustainFor
                ) { percent in
                    Condition(
                        severity: .warning,
                        subjectName: server.name,
                        summary: "\(label) at \(AlertFormatting.percent(percent))% of its limit",
                        figure: percent
                    )
                }
            }
        }
        // An answering panel's list is complete, so its missing server is really gone; a down panel's is not.
        let listed = Set(servers.map(\.id))
        markGone(verdicts: &verdicts) { subject in
            guard case .server(let id) = subject else { return false }
            return !listed.contains(id) && !downPanels.contains(id.panel)
        }
    }

    private func stoppedVerdict(_ server: ServerFacts) -> Verdict {
        if let cause = server.unexpectedStop {
            return .firing(
                Condition(
                    severity: cause == .crashed ? .critical : .warning,
                    subjectName: server.name,
                    summary: cause == .crashed
                        ? "stopped unexpectedly (no power action in the activity log)"
                        : "stopped, cause unknown (the activity log could not be read)",
                    figure: nil
                )
            )
        }
        // Back up, or deleted on purpose: either way the stop no longer needs anyone.
        if server.state == .running || server.state == .removed { return .good(clearsAtOnce: false) }
        return .persisting
    }

    // MARK: - Helpers

    /// A figure at or above its threshold fires; below it counts as good, and below the hysteresis band clears at once.
    private func thresholdVerdict(
        _ value: Double?,
        threshold: Double,
        sustain: Duration,
        condition: (Double) -> Condition
    ) -> Verdict {
        guard let value else { return .good(clearsAtOnce: false) }
        if value >= threshold {
            var firing = condition(value)
            firing.sustain = sustain
            return .firing(firing)
        }
        return .good(clearsAtOnce: value < threshold - thresholds.hysteresisPoints)
    }

    /// Gives every remembered key of a vanished subject a good verdict, so its alerts clear after the good cycles.
    private func markGone(verdicts: inout [AlertKey: Verdict], isGone: (AlertSubject) -> Bool) {
        let remembered = state.alerts.filter(\.isOpen).map(\.key) + state.tracks.map(\.key)
        for key in remembered where isGone(key.subject) && verdicts[key] == nil {
            verdicts[key] = .good(clearsAtOnce: false)
        }
    }
}
