import Foundation
import Logging
import PanelCore
import Pterodactyl
import TestSupport
import Testing

@testable import StatusBot

/// `pterodisbot preview` against the fake panel: only `[Pterodactyl]` is needed, and the page shows every server.
@Suite struct PreviewRunnerTests {
    @Test func previewDrawsThePanelsServersWithoutDiscord() async throws {
        let servers = [FakePanel.Server.numbered(1, name: "Valheim <Midgard>"), .numbered(2, name: "Minecraft SMP")]
        let panel = try await FakePanel.start(servers: servers)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = try BotConfiguration(
            ini: """
                [Pterodactyl]
                PanelURL = \(panel.baseURL)
                ClientAPIKey = \(panel.clientKey.exposedValue)
                """,
            environment: [:],
            scope: .panelOnly
        )
        let path = try await PreviewRunner.run(
            configuration: configuration,
            folder: folder,
            cycles: 1,
            logger: Logger(label: "preview-test")
        )
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("Valheim &lt;Midgard&gt;"))
        #expect(html.contains("Minecraft SMP"))
        #expect(panel.requestCount(path: "/api/client") >= 1)
        try await panel.shutdown()
    }
}
