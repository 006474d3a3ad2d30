import ClientSupport
import MetricsTestKit
import PanelCore
import Pterodactyl
import TestSupport
import Testing

/// `GET /api/client/servers/{server}/websocket` against the fake panel on loopback (reference §7.6, §12).
@Suite struct WingsCredentialsTests {
    let server = FakePanel.Server.numbered(1)

    @Test func credentialsCarryTheTokenAndTheSocketURL() async throws {
        let metrics = TestMetrics()
        try await withPanel(servers: [server], metrics: PanelRequestMetrics(factory: metrics, panel: "home")) {
            fake,
            client in
            fake.setWingsSocketBase("ws://127.0.0.1:8443")
            let credentials = try await client.websocketCredentials(of: server.id)
            #expect(credentials.socketURL == "ws://127.0.0.1:8443/api/servers/\(server.uuid)/ws")
            #expect(credentials.token.exposedValue == "fake-wings-jwt.\(server.id.rawValue).1")
            #expect("\(credentials)".contains("fake-wings-jwt") == false)
            let request = try #require(fake.requests.last)
            #expect(request.path == "/api/client/servers/\(server.id)/websocket")
            #expect(request.keyKind == .client)
            let counter = try metrics.expectCounter(
                "pterodisbot_panel_requests_total",
                [("panel", "home"), ("route", "/api/client/servers/{server}/websocket"), ("status_class", "2xx")]
            )
            #expect(counter.totalValue == 1)

            fake.setWingsSocketBase(nil)
            let second = try await client.websocketCredentials(of: server.id)
            #expect(second.socketURL == "ws://127.0.0.1:\(fake.port)/api/servers/\(server.uuid)/ws")
            #expect(second.token != credentials.token)
        }
    }

    @Test func aKeyWithoutWebsocketConnectGetsForbiddenWithAdvice() async throws {
        try await withPanel(servers: [server]) { fake, client in
            fake.denyWebsocket(for: server.id)
            let error = await panelError { _ = try await client.websocketCredentials(of: server.id) }
            guard case .forbidden(.client, let detail)? = error else {
                Issue.record("expected forbidden, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("websocket.connect"))
            #expect(detail.contains("You do not have permission to connect to this server's websocket."))
            let failure = PanelFailure(panelError: try #require(error))
            #expect(failure.kind == .keyRefused)
        }
    }

    @Test func aSuspendedServerGetsAStateConflict() async throws {
        try await withPanel(servers: [server]) { fake, client in
            fake.setState(.suspended, for: server.id)
            let error = await panelError { _ = try await client.websocketCredentials(of: server.id) }
            guard case .stateConflict(.suspended, _)? = error else {
                Issue.record("expected a suspended conflict, got \(String(describing: error))")
                return
            }
        }
    }
}
