import ClientSupport
import CoreMetrics
import Observability
import PanelCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What the probe server answers: `/metrics` (Prometheus text), `/healthz` (liveness: update cycles on time)
/// and `/readyz` (readiness: cycles, gateway session and REST client, the rules of ``HealthRules``).
enum ProbeRoutes {
    /// The routes.
    /// - Parameters:
    ///   - metrics: The registry to print.
    ///   - health: The facts of the health checks.
    ///   - gatewayLatency: The last heartbeat round trip, if any.
    ///   - budgetUse: Each panel's request budget use in the last minute, by panel name.
    ///   - now: The wall clock.
    /// - Returns: The routes for ``ProbeServer``.
    static func make(
        metrics: BotMetrics,
        health: BotHealth,
        gatewayLatency: @escaping @Sendable () -> Duration?,
        budgetUse: @escaping @Sendable () async -> [(panel: String, use: [PanelBudgetUse])] = { [] },
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> ProbeServer.Routes {
        { path in
            switch path {
            case "/metrics":
                let snapshot = await health.snapshot()
                recordSampled(snapshot, latency: gatewayLatency(), now: now(), factory: metrics.factory)
                for (panel, budgets) in await budgetUse() {
                    for budget in budgets {
                        Meter(
                            label: "pterodisbot_panel_budget_used_ratio",
                            dimensions: [("panel", panel), ("api", budget.budget)],
                            factory: metrics.factory
                        ).set(budget.usedRatio)
                    }
                }
                return ProbeResponse(
                    status: 200,
                    contentType: "text/plain; version=0.0.4; charset=utf-8",
                    body: metrics.exposition()
                )
            case "/healthz":
                return response(HealthRules.liveness(await health.snapshot(), now: now()))
            case "/readyz":
                return response(HealthRules.readiness(await health.snapshot(), now: now()))
            default:
                return nil
            }
        }
    }

    /// Gauges read at scrape time: the gateway's session and latency, the REST client, readiness.
    private static func recordSampled(
        _ snapshot: HealthSnapshot,
        latency: Duration?,
        now: Date,
        factory: any MetricsFactory
    ) {
        Meter(label: "pterodisbot_gateway_session_up", factory: factory).set(snapshot.gatewayNotReadyFor == nil ? 1 : 0)
        Meter(label: "pterodisbot_gateway_not_ready_seconds", factory: factory)
            .set(snapshot.gatewayNotReadyFor.map { Double($0.components.seconds) } ?? 0)
        if let latency {
            Meter(label: "pterodisbot_gateway_latency_seconds", factory: factory)
                .set(latency.inSeconds)
        }
        Meter(label: "pterodisbot_discord_rest_usable", factory: factory).set(snapshot.discordRESTUsable ? 1 : 0)
        Meter(label: "pterodisbot_ready", factory: factory).set(
            HealthRules.readiness(snapshot, now: now).isHealthy ? 1 : 0
        )
        if let end = snapshot.lastCycleEnd {
            Meter(label: "pterodisbot_last_cycle_timestamp_seconds", factory: factory).set(end.timeIntervalSince1970)
        }
    }

    private static func response(_ report: HealthReport) -> ProbeResponse {
        ProbeResponse(
            status: report.isHealthy ? 200 : 503,
            contentType: "application/json",
            body: Array((report.json + "\n").utf8)
        )
    }
}
