import ClientSupport
import MetricsTestKit
import PanelCore
import TestSupport
import Testing

@testable import Pterodactyl

@Suite struct PanelRequestMetricsTests {
    @Test func requestsAreCountedByRouteTemplateAndStatusClass() async throws {
        let metrics = TestMetrics()
        let server = FakePanel.Server.numbered(1)
        try await withPanel(
            servers: [server],
            metrics: PanelRequestMetrics(factory: metrics, panel: "home")
        ) { fake, client in
            _ = try await client.resources(of: server.id)
            fake.failNext(.htmlPage(status: 502))
            _ = try? await client.resources(of: server.id)
            fake.failNext(.dropConnection)
            _ = try? await client.resources(of: server.id)
            let route = ("route", "/api/client/servers/{server}/resources")
            let ok = try metrics.expectCounter(
                "pterodisbot_panel_requests_total",
                [("panel", "home"), route, ("status_class", "2xx")]
            )
            #expect(ok.totalValue == 1)
            let failed = try metrics.expectCounter(
                "pterodisbot_panel_requests_total",
                [("panel", "home"), route, ("status_class", "5xx")]
            )
            #expect(failed.totalValue == 1)
            let unanswered = try metrics.expectCounter(
                "pterodisbot_panel_requests_total",
                [("panel", "home"), route, ("status_class", "transport_error")]
            )
            #expect(unanswered.totalValue == 1)
            let latency = try metrics.expectTimer(
                "pterodisbot_panel_request_duration_seconds",
                [("panel", "home"), route]
            )
            #expect(latency.values.count == 3)
            // No identifier or key ever becomes a label.
            #expect(
                metrics.counters.allSatisfy { counter in
                    !counter.dimensions.contains {
                        $0.1.contains(server.id.rawValue) || $0.1.contains(fake.clientKey.exposedValue)
                    }
                }
            )
        }
    }

    @Test func budgetUseCountsTheLastMinutesRequestsAgainstTheLimit() async throws {
        let clock = ManualClock()
        let configuration = PanelClientConfiguration(clientRateLimitPerMinute: 100, retryPolicy: .none)
        let server = FakePanel.Server.numbered(1)
        try await withPanel(servers: [server], configuration: configuration, clock: clock) { _, client in
            for _ in 1...5 { _ = try await client.resources(of: server.id) }
            let client5 = try #require(await client.budgetUse().first { $0.budget == "client" })
            #expect(client5.requestsLastMinute == 5)
            #expect(client5.limitPerMinute == 100)
            #expect(client5.usedRatio == 0.05)
            clock.advance(by: .seconds(61))
            let later = try #require(await client.budgetUse().first { $0.budget == "client" })
            #expect(later.requestsLastMinute == 0)
        }
    }

    @Test func templatesHideIdentifiersAndNodeNumbers() {
        #expect(
            PanelRequestMetrics.template(of: "/api/client/servers/1a2b3c4d/power")
                == "/api/client/servers/{server}/power"
        )
        #expect(
            PanelRequestMetrics.template(of: "/api/application/nodes/7/allocations")
                == "/api/application/nodes/{node}/allocations"
        )
        #expect(PanelRequestMetrics.template(of: "/api/client") == "/api/client")
    }
}
