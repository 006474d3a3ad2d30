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
        let unreachable = AlertKey(kind: .panelUnreachable, subject: .panel)
        let refused = AlertKey(kind: .panelKeyRefused, subject: .panel)
        switch facts.panel {
        case .answering:
            verdicts[unreachable] = .good(clearsAtOnce: false)
            verdicts[refused] = .good(clearsAtOnce: false)
        case .unreachable(let detail):
            // Whether the key would be refused cannot be known while nothing answers: no verdict for it.
            verdicts[unreachable] = .firing(
                Condition(
                    severity: .critical,
                    subjectName: Self.panelName,
                    summary: "panel unreachable: \(detail)",
                    figure: nil
                )
            )
        case .keyRefused(let detail):
            verdicts[unreachable] = .good(clearsAtOnce: false)
            verdicts[refused] = .firing(
                Condition(
                    severity: .critical,
                    subjectName: Self.panelName,
                    summary: "the panel refuses the bot's API key: \(detail)",
                    figure: nil
                )
            )
        }
        // Inhibition: without an answering panel every node and server would look broken; one panel alert says it.
        guard facts.panel == .answering else { return verdicts }

        let downNodes = addNodeVerdicts(facts.nodes, to: &verdicts)
        addServerVerdicts(facts.servers, skippingNodes: downNodes, to: &verdicts)
        return verdicts
    }

    // MARK: - Nodes

    /// Adds node verdicts.
    /// - Returns: The names of nodes considered unreachable, whose servers are not evaluated.
    private func addNodeVerdicts(_ nodes: [NodeFacts]?, to verdicts: inout [AlertKey: Verdict]) -> Set<String> {
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
        for node in nodes {
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
        // A node the panel no longer lists is gone: its alerts clear like any good cycle.
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
        skippingNodes downNodes: Set<String>,
        to verdicts: inout [AlertKey: Verdict]
    ) {
        for server in servers {
            // Stale figures describe the past; a server on an unreachable node is covered by the node's alert.
            if server.isStale { continue }
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
        // This runs only when the panel answered, so the list is complete and a missing server is really gone.
        let listed = Set(servers.map(\.id))
        markGone(verdicts: &verdicts) { subject in
            guard case .server(let id) = subject else { return false }
            return !listed.contains(id)
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
