import DiscordModels
import Foundation
import Logging
import Testing

@testable import StatusBot

/// `pterodisbot demo` as the command runs it: to completion, with the page and graph images on disk.
@Suite struct DemoRunnerTests {
    @Test func demoRunsToCompletionAndWritesThePageWithGraphsNodesAndAlerts() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try await DemoRunner.run(folder: folder, pause: .zero, logger: Logger(label: "demo-test"))
        #expect(path == folder + "/index.html")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let images = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }
        #expect(images.count >= 3, "running servers have graphs after a full run")
        for image in images { #expect(html.contains(image)) }
        // The simulated game servers answer player queries: counts, and names where the game shares them.
        #expect(html.contains("Players"))
        #expect(html.contains("/ 20"))
        #expect(html.contains("Alex"))

        // The PEON orchestrator `home` next to the Pterodactyl panel: its servers' footers name it, and what PEON does
        // not report says so.
        let status = try #require(
            html.components(separatedBy: "<section class=\"channel\"").first {
                $0.contains("</span> server-status</h2>")
            }
        )
        #expect(status.contains("Pterodisbot • home • valheim.server01"))
        #expect(status.contains("Pterodisbot • home • minecraft.survival"))
        #expect(status.contains("Pterodisbot • panel.example.net • 1a7ce997"))
        #expect(status.contains("not reported"))

        // Three channels: status messages, the nodes board, alerts.
        let sections = html.components(separatedBy: "<section class=\"channel\"").dropFirst()
        #expect(sections.count == 3)
        let nodes = try #require(sections.first { $0.contains("</span> nodes</h2>") })
        #expect(nodes.contains("node-eu-1") && nodes.contains("node-us-1"))
        #expect(nodes.contains("Free allocations: 5"))
        #expect(!nodes.contains("home"), "PEON has no nodes")
        let alerts = try #require(sections.first { $0.contains("</span> alerts</h2>") })
        #expect(alerts.contains("🟡 Node memory allocated: node-us-1 (Ashburn (iad1))"))
        #expect(alerts.contains("🟡 High CPU: Survival SMP (Paper 1.21)"))
        #expect(alerts.contains("✅ Server stopped: CS2 Retake #1"))
        #expect(alerts.contains("<div class=\"embed-field-value\">after 40 s</div>"))
        #expect(alerts.contains("class=\"reply-to\""))
        #expect(alerts.contains("<strong>CS2 Retake #1</strong>: server stopped resolved after 40 s"))
        #expect(alerts.contains("title=\"role \(DemoScenario.alertRole.rawValue)\">@on-call</span>"))
        // ARK's scheduled stop is in the activity log: no alert. The PEON servers raise none either.
        #expect(!alerts.contains("ARK"))
        #expect(!alerts.contains("home"))
    }
}
