import ClientSupport
import CoreMetrics
import Monitoring
import PanelCore

/// Exports what each update cycle did: how long polling took, how many servers and panel requests it cost,
/// panel failures by kind, and what the status messages saw (edits by reason, reposts, drops, failures).
///
/// Registered after the status-message updater, so the updater's report of the same cycle is ready.
struct CycleMetrics: ObservationConsumer {
    static let pollDurationName = "pterodisbot_cycle_poll_duration_seconds"

    let factory: any MetricsFactory
    let panel: String
    /// The updater's report of the cycle just published.
    let latestReport: @Sendable () async -> CycleReport?

    func consume(_ observation: Observation) async {
        guard case .cycle = observation.origin else { return }
        let panelLabel = [("panel", panel)]
        Timer(label: Self.pollDurationName, dimensions: panelLabel, factory: factory)
            .recordMilliseconds(observation.panelDuration.inSeconds * 1000)
        Meter(label: "pterodisbot_cycle_servers_polled", dimensions: panelLabel, factory: factory)
            .set(observation.servers.count)
        Counter(label: "pterodisbot_cycles_total", dimensions: panelLabel, factory: factory).increment()
        var failures: [String: Int] = [:]
        if let listFailure = observation.listFailure { failures[Self.label(of: listFailure.kind), default: 0] += 1 }
        for server in observation.servers.values {
            if let failure = server.failure { failures[Self.label(of: failure.kind), default: 0] += 1 }
        }
        for (kind, count) in failures {
            Counter(
                label: "pterodisbot_panel_errors_total",
                dimensions: panelLabel + [("kind", kind)],
                factory: factory
            ).increment(by: Int64(count))
        }
        guard let report = await latestReport() else { return }
        Meter(label: "pterodisbot_status_messages_tracked", factory: factory).set(report.tracked)
        for (reason, count) in report.editReasons {
            Counter(label: "pterodisbot_status_message_edits_total", dimensions: [("reason", reason)], factory: factory)
                .increment(by: Int64(count))
        }
        let skipped = max(0, report.tracked - report.edited - report.failed)
        Counter(
            label: "pterodisbot_status_message_edits_skipped_total",
            dimensions: [("reason", "unchanged")],
            factory: factory
        )
        .increment(by: Int64(skipped))
        Counter(label: "pterodisbot_status_message_reposts_total", factory: factory).increment(
            by: Int64(report.reposted)
        )
        Counter(label: "pterodisbot_status_message_drops_total", factory: factory).increment(by: Int64(report.dropped))
        Counter(label: "pterodisbot_status_message_failures_total", factory: factory).increment(
            by: Int64(report.failed)
        )
    }

    static func label(of kind: PanelFailure.Kind) -> String {
        switch kind {
        case .panelUnreachable: "panel_unreachable"
        case .nodeUnreachable: "node_unreachable"
        case .keyRefused: "key_refused"
        case .rateLimited: "rate_limited"
        case .malformedAnswer: "malformed_answer"
        case .notFound: "not_found"
        case .serverBusy: "server_busy"
        case .rejected: "rejected"
        case .unsupported: "unsupported"
        case .other: "other"
        }
    }
}
