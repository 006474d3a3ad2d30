import Alerting
import CoreMetrics

/// What the alerts export: alerts open, raised and resolved by kind, and notices waiting for
/// Discord (a growing number means alerts are not reaching anyone). Kinds are the engine's, never names or IDs.
struct AlertMetrics: Sendable {
    private let factory: any MetricsFactory

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Records a cycle's outcome and the state after it.
    func record(_ outcome: AlertCycleOutcome, waiting: Int) {
        for alert in outcome.opened + outcome.reopened {
            counter("pterodisbot_alerts_raised_total", kind: alert.key.kind).increment()
        }
        for alert in outcome.resolved {
            counter("pterodisbot_alerts_resolved_total", kind: alert.key.kind).increment()
        }
        // Every kind, so a kind whose last alert resolved drops to 0 instead of keeping its old value.
        for kind in AlertKind.allCases {
            Gauge(label: "pterodisbot_alerts_open", dimensions: [("kind", kind.rawValue)], factory: factory)
                .record(outcome.openAlerts.count { $0.key.kind == kind })
        }
        recordWaiting(waiting)
    }

    /// Records how many notices wait for Discord.
    func recordWaiting(_ waiting: Int) {
        Gauge(label: "pterodisbot_alert_notices_waiting", factory: factory).record(waiting)
    }

    private func counter(_ label: String, kind: AlertKind) -> Counter {
        Counter(label: label, dimensions: [("kind", kind.rawValue)], factory: factory)
    }
}
